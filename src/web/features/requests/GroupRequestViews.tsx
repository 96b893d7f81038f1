import { Alert, Button, Modal, Radio, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import type { GroupJoinPolicy } from '../../../contracts/groups';
import { ApiError } from '../../api/client';
import { GROUP_SEARCH_FIELDS, type GroupJoinRequest, type Group as GroupT, graph } from '../../api/graph';
import { useAction, useDebounced, useLoad, usePaged } from '../../api/hooks';
import { searchExpression } from '../../api/odata';
import { LinkCell, PagedTable } from '../../components/DataTable';
import { DialogActions } from '../../components/Forms';
import { ListSearch } from '../../components/ListControls';
import { ErrorAlert } from '../../components/States';
import { formatDateTime } from '../audit/AuditTable';
import { JoinAction } from './JoinGroup';
import { type Decision, DecisionButtons, DecisionDialog, DecisionNote, RequestSummary, StatusBadge } from './RequestsUi';
import { JOIN_POLICY_OPTIONS, joinPolicyLabel, mailNicknameFor } from './requestLogic';

/**
 * My Groups → Discover: groups that take members (open or with an owner's approval), searchable,
 * with Join group / Request to join. Guests who may not list groups are told so.
 */
export function DiscoverGroups({ memberOf, onJoined }: { memberOf: ReadonlySet<string>; onJoined: () => void }) {
  const [term, setTerm] = useState('');
  const search = searchExpression(GROUP_SEARCH_FIELDS, useDebounced(term.trim(), 300));
  const paged = usePaged<GroupT>(graph.joinableGroupsUrl(search), { eventual: search !== undefined });
  const pending = useLoad((signal) => graph.myPendingJoinRequests(signal), []);
  const pendingIds = new Set((pending.data ?? []).map((r) => r.groupId));
  if (paged.error instanceof ApiError && paged.error.status === 403) {
    return (
      <Alert color="gray" variant="light" title="You can't browse groups">
        Your organization limits what guests can see. To join a group, ask one of its owners for a link to it.
      </Alert>
    );
  }
  return (
    <Stack>
      <ListSearch label="Search groups" placeholder="Search by name or description" value={term} onChange={setTerm} />
      <PagedTable
        paged={paged}
        label="Groups you can join"
        empty={{ title: search ? 'No group matches' : 'No group takes members here yet' }}
        columns={['Name', 'Description', 'Membership requests', null]}
        minWidth={560}
        testId="discover-groups-table"
        row={(g) => (
          <Table.Tr key={g.id}>
            <LinkCell to={`/mygroups/${g.id}`} label={g.displayName} />
            <Table.Td>{g.description}</Table.Td>
            <Table.Td>{joinPolicyLabel(g.joinPolicy)}</Table.Td>
            <Table.Td>
              <JoinAction
                group={g}
                isMember={memberOf.has(g.id)}
                pending={pendingIds.has(g.id)}
                onJoined={() => {
                  pending.reload();
                  onJoined();
                }}
              />
            </Table.Td>
          </Table.Tr>
        )}
      />
    </Stack>
  );
}

/** My Groups → My requests: the user's join requests, with Cancel while pending. */
export function MyJoinRequests() {
  const paged = usePaged<GroupJoinRequest>(graph.myGroupJoinRequestsUrl());
  const cancel = useAction();
  const run = async (r: GroupJoinRequest) => {
    if (await cancel.run(() => graph.cancelGroupJoinRequest(r.id), r.id)) {
      notifications.show({ color: 'green', message: `Your request to join ${r.groupDisplayName} was canceled.` });
      paged.reload();
    }
  };
  return (
    <Stack>
      <ErrorAlert error={cancel.error} onClose={cancel.clearError} />
      <PagedTable
        paged={paged}
        label="My requests"
        empty={{ title: "You haven't asked to join any group" }}
        columns={['Group', 'Requested', 'Status', null]}
        minWidth={560}
        testId="my-join-requests-table"
        row={(r) => (
          <Table.Tr key={r.id}>
            <LinkCell to={`/mygroups/${r.groupId}`} label={r.groupDisplayName} />
            <Table.Td>{formatDateTime(r.createdDateTime)}</Table.Td>
            <Table.Td>
              <StatusBadge status={r.status} />
              <DecisionNote by={r.status === 'canceled' ? null : r.decidedByDisplayName} reason={r.decisionReason} />
            </Table.Td>
            <Table.Td>
              {r.status === 'pending' && (
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  loading={cancel.running === r.id}
                  onClick={() => run(r)}
                  aria-label={`Cancel the request to join ${r.groupDisplayName}`}
                >
                  Cancel request
                </Button>
              )}
            </Table.Td>
          </Table.Tr>
        )}
      />
    </Stack>
  );
}

/** My Groups → Approvals (owners): pending requests to join their groups, Approve / Reject with a reason. */
export function JoinApprovals({ onDecided }: { onDecided: () => void }) {
  const paged = usePaged<GroupJoinRequest>(graph.groupJoinApprovalsUrl());
  const [deciding, setDeciding] = useState<{ request: GroupJoinRequest; decision: Decision }>();
  const open = (request: GroupJoinRequest, kind: Decision['kind']) =>
    setDeciding({
      request,
      decision: { kind, target: `a place in ${request.groupDisplayName}`, requester: request.requesterDisplayName },
    });
  const decide = async (reason: string | null) => {
    if (!deciding) return;
    const { request, decision } = deciding;
    if (decision.kind === 'approve') await graph.approveGroupJoinRequest(request.id, reason);
    else await graph.rejectGroupJoinRequest(request.id, reason ?? '');
    notifications.show({
      color: 'green',
      message: `${request.requesterDisplayName}'s request to join ${request.groupDisplayName} was ${decision.kind === 'approve' ? 'approved' : 'rejected'}.`,
    });
    paged.reload();
    onDecided();
  };
  return (
    <Stack>
      <PagedTable
        paged={paged}
        label="Requests to join your groups"
        empty={{ title: 'No request waits for your decision' }}
        columns={['Group', 'Request', null]}
        minWidth={600}
        testId="join-approvals-table"
        row={(r) => (
          <Table.Tr key={r.id}>
            <LinkCell to={`/mygroups/${r.groupId}`} label={r.groupDisplayName} />
            <Table.Td>
              <RequestSummary
                name={r.requesterDisplayName}
                login={r.requesterUserPrincipalName}
                created={r.createdDateTime}
                justification={r.justification}
              />
            </Table.Td>
            <Table.Td>
              <DecisionButtons
                label={`the request of ${r.requesterDisplayName} to join ${r.groupDisplayName}`}
                denyWord="Reject"
                onApprove={() => open(r, 'approve')}
                onDeny={() => open(r, 'deny')}
              />
            </Table.Td>
          </Table.Tr>
        )}
      />
      <DecisionDialog decision={deciding?.decision} denyWord="Reject" onClose={() => setDeciding(undefined)} onDecide={decide} />
    </Stack>
  );
}

/** The "Membership requests" choice of a group (its join policy). */
export function JoinPolicyChoice({
  value,
  onChange,
  disabled,
}: {
  value: GroupJoinPolicy;
  onChange: (v: GroupJoinPolicy) => void;
  disabled?: boolean;
}) {
  return (
    <Radio.Group
      label="Membership requests"
      value={value}
      onChange={(v) => onChange(v as GroupJoinPolicy)}
      data-testid="join-policy"
    >
      <Stack gap={6} mt={6}>
        {JOIN_POLICY_OPTIONS.map((o) => (
          <Radio key={o.value} value={o.value} label={o.label} description={o.description} disabled={disabled} />
        ))}
      </Stack>
    </Radio.Group>
  );
}

/** My Groups → New group: a security group with assigned membership, owned by its creator. */
export function NewMyGroupDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [policy, setPolicy] = useState<GroupJoinPolicy>('ownerApproval');
  const action = useAction();
  const close = () => {
    setName('');
    setDescription('');
    setPolicy('ownerApproval');
    action.clearError();
    onClose();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return action.setError('Enter a name for the group.');
    let made: GroupT | undefined;
    const ok = await action.run(async () => {
      made = await graph.createGroup({
        displayName: name.trim(),
        description: description.trim() || null,
        mailNickname: mailNicknameFor(name, crypto.randomUUID()),
        mailEnabled: false,
        securityEnabled: true,
        joinPolicy: policy,
      });
    });
    if (ok && made) {
      notifications.show({ color: 'green', message: `${made.displayName} was created. You are its owner.` });
      const id = made.id;
      close();
      navigate(`/mygroups/${id}`);
    }
  };
  return (
    <Modal opened={opened} onClose={close} title="New group" centered>
      <form onSubmit={submit} noValidate aria-label="New group">
        <Stack>
          <Text size="sm" c="dimmed">
            A security group whose members you choose. You become its owner.
          </Text>
          <TextInput label="Group name" required value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={256} />
          <Textarea
            label="Group description"
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            autosize
            minRows={2}
            maxLength={1024}
          />
          <JoinPolicyChoice value={policy} onChange={setPolicy} />
          <DialogActions error={action.error} busy={action.busy} submitLabel="Create" onCancel={close} />
        </Stack>
      </form>
    </Modal>
  );
}
