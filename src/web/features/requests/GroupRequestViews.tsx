import { Alert, Modal, Radio, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import type { GroupJoinPolicy } from '../../../contracts/groups';
import { ApiError } from '../../api/client';
import { GROUP_SEARCH_FIELDS, type GroupJoinRequest, type Group as GroupT, graph } from '../../api/graph';
import { useAction, useDebounced, useLoad, usePaged } from '../../api/hooks';
import { searchExpression } from '../../api/odata';
import { LinkCell, PagedTable } from '../../components/DataTable';
import { DialogActions, LongText } from '../../components/Forms';
import { ListSearch } from '../../components/ListControls';
import { JoinAction } from './JoinGroup';
import { MyRequestsTable, RequestSummaryCell, useDecisions } from './RequestsUi';
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
  return (
    <Stack>
      <MyRequestsTable
        paged={paged}
        empty={{ title: "You haven't asked to join any group" }}
        columns={['Group', 'Requested', 'Status', null]}
        testId="my-join-requests-table"
        subject={(r) => <LinkCell to={`/mygroups/${r.groupId}`} label={r.groupDisplayName} />}
        cancel={{
          run: (id) => graph.cancelGroupJoinRequest(id),
          label: (r) => `Cancel the request to join ${r.groupDisplayName}`,
          canceled: (r) => `Your request to join ${r.groupDisplayName} was canceled.`,
        }}
      />
    </Stack>
  );
}

/** My Groups → Approvals (owners): pending requests to join their groups, Approve / Reject with a reason. */
export function JoinApprovals({ onDecided }: { onDecided: () => void }) {
  const paged = usePaged<GroupJoinRequest>(graph.groupJoinApprovalsUrl());
  const decisions = useDecisions<GroupJoinRequest>({
    denyWord: 'Reject',
    target: (r) => `a place in ${r.groupDisplayName}`,
    approve: graph.approveGroupJoinRequest,
    deny: graph.rejectGroupJoinRequest,
    told: (r, outcome) => `${r.requesterDisplayName}'s request to join ${r.groupDisplayName} was ${outcome}.`,
    onDecided: () => {
      paged.reload();
      onDecided();
    },
  });
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
            <RequestSummaryCell request={r} />
            <Table.Td>{decisions.buttons(r, `the request of ${r.requesterDisplayName} to join ${r.groupDisplayName}`)}</Table.Td>
          </Table.Tr>
        )}
      />
      {decisions.dialog}
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
          <LongText label="Group description" value={description} onChange={setDescription} maxLength={1024} />
          <JoinPolicyChoice value={policy} onChange={setPolicy} />
          <DialogActions error={action.error} busy={action.busy} submitLabel="Create" onCancel={close} />
        </Stack>
      </form>
    </Modal>
  );
}
