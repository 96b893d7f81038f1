import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  Pill,
  ScrollArea,
  Stack,
  Text,
  Textarea,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { api, type Collection, withQuery } from '../../api/client';
import { friendlyError } from '../../api/errors';
import { type AppRoleAssignment, graph, PEOPLE_SEARCH_FIELDS, type ServicePrincipal, type User } from '../../api/graph';
import { useDebounced, useLoad, usePaged } from '../../api/hooks';
import { searchExpression } from '../../api/odata';
import { useConfirm } from '../../components/Confirm';
import { PageHeader } from '../../components/PageHeader';
import { Pager } from '../../components/Pager';
import { Async, Empty, ErrorNotice, Loading } from '../../components/States';
import { emailProblem, inviteCandidate, WELCOME_MESSAGE_MAX } from '../invitations/invitationLogic';
import { AssignmentsTable } from './AssignmentsTable';
import { ownerAssignRole, planInvite } from './appLogic';

/** My Apps → Manage your application (for the app's owners): its users and + Add members. */
export function ManageMyApp() {
  const { id = '' } = useParams();
  const app = useLoad(() => graph.servicePrincipal(id), [id]);
  const title = app.data ? `Manage ${app.data.displayName}` : 'Manage your application';
  return (
    <Stack>
      <PageHeader
        title={title}
        crumbs={[{ label: 'My Apps', to: '/myapps' }, { label: app.data?.displayName ?? 'Application' }]}
      />
      <Async state={app}>{(sp) => <AppUsers app={sp} />}</Async>
    </Stack>
  );
}

function AppUsers({ app }: { app: ServicePrincipal }) {
  const confirm = useConfirm();
  const paged = usePaged<AppRoleAssignment>(graph.appRoleAssignedToUrl(app.id));
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string>();
  const remove = async (a: AppRoleAssignment) => {
    const ok = await confirm({
      title: 'Remove access',
      message: `Remove ${a.principalDisplayName ?? 'this assignment'} from ${app.displayName}?`,
      confirmLabel: 'Remove',
      danger: true,
    });
    if (!ok) return;
    setError(undefined);
    try {
      await graph.removeAppAssignment(app.id, a.id);
      paged.reload();
    } catch (err) {
      setError(friendlyError(err));
    }
  };
  return (
    <Stack>
      <Group justify="space-between">
        <Text fw={600}>Users</Text>
        <Button onClick={() => setAdding(true)} data-testid="add-app-members">
          + Add members
        </Button>
      </Group>
      {error && (
        <Alert
          color="red"
          variant="light"
          role="alert"
          withCloseButton
          onClose={() => setError(undefined)}
          data-testid="error-notice"
        >
          {error}
        </Alert>
      )}
      {paged.error ? (
        <ErrorNotice error={paged.error} onRetry={paged.reload} />
      ) : paged.loading && paged.items.length === 0 ? (
        <Loading />
      ) : paged.items.length === 0 ? (
        <Empty title="No one has access yet" description="Add people with + Add members." />
      ) : (
        <AssignmentsTable items={paged.items} app={app} busy={paged.loading} onRemove={remove} />
      )}
      <Pager paged={paged} label="Users" />
      <AddAppMembersDialog
        app={app}
        opened={adding}
        onClose={() => setAdding(false)}
        assigned={new Set(paged.items.map((a) => a.principalId))}
        onAdded={paged.reload}
      />
    </Stack>
  );
}

/** Find people by name (assigned directly) or type an e-mail address to invite a guest. */
function AddAppMembersDialog({
  app,
  opened,
  onClose,
  assigned,
  onAdded,
}: {
  app: ServicePrincipal;
  opened: boolean;
  onClose: () => void;
  assigned: ReadonlySet<string>;
  onAdded: () => void;
}) {
  const [term, setTerm] = useState('');
  const [people, setPeople] = useState<User[]>([]);
  const [invitees, setInvitees] = useState<string[]>([]);
  const [welcome, setWelcome] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const search = useDebounced(term.trim(), 250);

  useEffect(() => {
    if (opened) {
      setTerm('');
      setPeople([]);
      setInvitees([]);
      setWelcome('');
      setError(undefined);
    }
  }, [opened]);

  const expr = searchExpression(PEOPLE_SEARCH_FIELDS, search);
  const results = useLoad(
    async (signal) =>
      expr
        ? (
            await api.get<Collection<User>>(withQuery('/users', { $search: expr, $top: 15, $orderby: 'displayName' }), {
              eventual: true,
              signal,
            })
          ).value
        : [],
    [expr],
  );
  const settled = search === term.trim() && !results.loading && !results.error;
  const candidate = settled ? inviteCandidate(search, results.data) : undefined;
  const candidateProblem = candidate ? emailProblem(candidate) : undefined;
  const togglePerson = (u: User) => setPeople((s) => (s.some((x) => x.id === u.id) ? s.filter((x) => x.id !== u.id) : [...s, u]));
  const count = people.length + invitees.length;

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    let done = 0;
    try {
      const role = ownerAssignRole(app);
      for (const p of people) {
        await graph.assignApp(app.id, p.id, role);
        done++;
        setPeople((s) => s.filter((x) => x.id !== p.id));
      }
      for (const address of invitees) {
        const plan = planInvite(app, address, welcome, window.location.origin);
        if (plan.kind === 'group') {
          await graph.myGroupsAdd(plan.groupId, plan.body);
        } else {
          const invitation = await graph.invite(plan.body);
          await graph.assignApp(app.id, invitation.invitedUser.id, plan.appRoleId);
        }
        done++;
        setInvitees((s) => s.filter((a) => a !== address));
      }
      notifications.show({ color: 'green', message: done === 1 ? 'Added.' : `${done} added.` });
      onAdded();
      onClose();
    } catch (err) {
      if (done) onAdded();
      setError(friendlyError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={`Add members to ${app.displayName}`} size="lg">
      <Stack gap="sm">
        <TextInput
          label="Search"
          description="Type a name, or an e-mail address to invite someone from outside"
          placeholder="Name or e-mail address"
          value={term}
          onChange={(e) => setTerm(e.currentTarget.value)}
          data-autofocus
          data-testid="people-search"
          type="search"
        />
        {count > 0 && (
          <Group gap={6} aria-label="Selected">
            {people.map((u) => (
              <Pill
                key={u.id}
                withRemoveButton
                onRemove={() => togglePerson(u)}
                removeButtonProps={{ 'aria-label': `Remove ${u.displayName}` }}
              >
                {u.displayName}
              </Pill>
            ))}
            {invitees.map((a) => (
              <Pill
                key={a}
                withRemoveButton
                onRemove={() => setInvitees((s) => s.filter((x) => x !== a))}
                removeButtonProps={{ 'aria-label': `Remove ${a}` }}
                data-testid="selected-invitee"
              >
                {a} (invite)
              </Pill>
            ))}
          </Group>
        )}
        <ScrollArea.Autosize mah={280} type="auto">
          {!expr ? (
            <Text size="sm" c="dimmed" py="sm">
              Start typing to find people.
            </Text>
          ) : results.error ? (
            <ErrorNotice error={results.error} onRetry={results.reload} />
          ) : results.loading && !results.data ? (
            <Loading label="Searching…" />
          ) : (
            <Stack gap={4} role="group" aria-label="Search results">
              {(results.data ?? []).map((u) => {
                const already = assigned.has(u.id);
                return (
                  <Checkbox
                    key={u.id}
                    disabled={already}
                    checked={already || people.some((x) => x.id === u.id)}
                    onChange={() => togglePerson(u)}
                    label={
                      <Group gap={6} wrap="nowrap">
                        <span>{u.displayName}</span>
                        {u.userType === 'Guest' && (
                          <Badge size="xs" variant="light" color="grape">
                            Guest
                          </Badge>
                        )}
                        {already && (
                          <Badge size="xs" variant="light" color="gray">
                            Has access
                          </Badge>
                        )}
                      </Group>
                    }
                    description={u.mail ?? u.userPrincipalName}
                    py={4}
                  />
                );
              })}
              {candidate && !invitees.includes(candidate) && !candidateProblem && (
                <UnstyledButton
                  onClick={() => {
                    setInvitees((s) => [...s, candidate]);
                    setTerm('');
                  }}
                  data-testid="invite-guest-option"
                  p={6}
                >
                  <Text size="sm" c="blue">
                    Invite {candidate} as a guest
                  </Text>
                </UnstyledButton>
              )}
              {candidate && candidateProblem && (
                <Text size="sm" c="red" data-testid="invite-guest-problem">
                  {candidateProblem}
                </Text>
              )}
              {(results.data ?? []).length === 0 && !candidate && (
                <Text size="sm" c="dimmed" role="status">
                  No one matches “{search}”. Type a full e-mail address to invite someone.
                </Text>
              )}
            </Stack>
          )}
        </ScrollArea.Autosize>
        {invitees.length > 0 && (
          <Textarea
            label="Welcome message (optional)"
            description="Included in the invitation e-mail."
            value={welcome}
            onChange={(e) => setWelcome(e.currentTarget.value.slice(0, WELCOME_MESSAGE_MAX))}
            autosize
            minRows={2}
            data-testid="welcome-message"
          />
        )}
        {error && (
          <Alert color="red" variant="light" role="alert" data-testid="error-notice">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={submit} loading={busy} disabled={count === 0}>
            Add
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
