import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { UpdateUserBody } from '../../../contracts/users';
import { friendlyError } from '../../api/errors';
import { type DirectoryAudit, graph, groupTypeLabel, membershipTypeLabel, type User } from '../../api/graph';
import { useLoad, usePaged } from '../../api/hooks';
import { useProfile } from '../../app/profile';
import { useConfirm } from '../../components/Confirm';
import { PageHeader } from '../../components/PageHeader';
import { Pager } from '../../components/Pager';
import { Properties } from '../../components/Properties';
import { Async, Empty, ErrorNotice, Loading } from '../../components/States';
import { AuditTable, formatDateTime } from '../audit/AuditTable';
import { auditUrl } from '../audit/auditQuery';
import { B2bCollaborationCard, isInvitedUser } from '../invitations/B2bCollaborationCard';

export function UserDetail() {
  const { id = '' } = useParams();
  const user = useLoad(() => graph.user(id), [id]);
  const [tab, setTab] = useState<string | null>('overview');
  const title = user.data?.displayName ?? 'User';
  return (
    <Stack>
      <PageHeader
        title={title}
        crumbs={[{ label: 'Admin center', to: '/admin' }, { label: 'Users', to: '/admin/users' }, { label: title }]}
      />
      <Async state={user}>
        {(u) => (
          <Tabs value={tab} onChange={setTab} keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="overview">Overview</Tabs.Tab>
              <Tabs.Tab value="groups">Groups</Tabs.Tab>
              <Tabs.Tab value="roles">Assigned roles</Tabs.Tab>
              <Tabs.Tab value="audit">Audit logs</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="overview" pt="md">
              <Overview user={u} onChanged={user.reload} />
            </Tabs.Panel>
            <Tabs.Panel value="groups" pt="md">
              <UserGroups id={u.id} />
            </Tabs.Panel>
            <Tabs.Panel value="roles" pt="md">
              <UserRoles id={u.id} />
            </Tabs.Panel>
            <Tabs.Panel value="audit" pt="md">
              <UserAudit id={u.id} />
            </Tabs.Panel>
          </Tabs>
        )}
      </Async>
    </Stack>
  );
}

function Overview({ user: u, onChanged }: { user: User; onChanged: () => void }) {
  const confirm = useConfirm();
  const navigate = useNavigate();
  const { me } = useProfile();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const isMe = me.data?.id === u.id;

  const run = async (label: string, action: () => Promise<void>, done: string) => {
    setBusy(label);
    setError(undefined);
    try {
      await action();
      notifications.show({ color: 'green', message: done });
      onChanged();
    } catch (err) {
      setError(friendlyError(err));
    } finally {
      setBusy(undefined);
    }
  };

  const toggleEnabled = async () => {
    const enable = !u.accountEnabled;
    const ok = await confirm({
      title: enable ? 'Enable account' : 'Disable account',
      message: enable
        ? `${u.displayName} will be able to sign in again.`
        : `${u.displayName} will no longer be able to sign in. Their groups and roles are kept.`,
      confirmLabel: enable ? 'Enable' : 'Disable',
      danger: !enable,
    });
    if (ok)
      await run(
        'enable',
        () => graph.updateUser(u.id, { accountEnabled: enable }),
        enable ? 'Account enabled.' : 'Account disabled.',
      );
  };

  const remove = async () => {
    const ok = await confirm({
      title: 'Delete user',
      message: `Delete ${u.displayName} (${u.userPrincipalName})? They lose access right away and are removed from every group and role.`,
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!ok) return;
    setBusy('delete');
    setError(undefined);
    try {
      await graph.deleteUser(u.id);
      notifications.show({ color: 'green', message: `${u.displayName} was deleted.` });
      navigate('/admin/users');
    } catch (err) {
      setError(friendlyError(err));
      setBusy(undefined);
    }
  };

  return (
    <Stack>
      <Group gap="xs">
        <Button variant="default" onClick={() => setEditing(true)}>
          Edit properties
        </Button>
        <Button variant="default" onClick={toggleEnabled} loading={busy === 'enable'} disabled={isMe && u.accountEnabled}>
          {u.accountEnabled ? 'Disable account' : 'Enable account'}
        </Button>
        <Button color="red" variant="light" onClick={remove} loading={busy === 'delete'} disabled={isMe}>
          Delete
        </Button>
      </Group>
      {isMe && (
        <Text size="xs" c="dimmed">
          You can't disable or delete your own account here.
        </Text>
      )}
      {error && (
        <Alert color="red" variant="light" role="alert" data-testid="error-notice">
          {error}
        </Alert>
      )}
      <Paper withBorder p="md">
        <Properties
          items={[
            ['Display name', u.displayName],
            ['User principal name', u.userPrincipalName],
            [
              'Object ID',
              <Text key="id" size="sm" ff="monospace">
                {u.id}
              </Text>,
            ],
            ['User type', u.userType],
            [
              'Account',
              u.accountEnabled ? (
                <Badge key="e" color="green" variant="light">
                  Enabled
                </Badge>
              ) : (
                <Badge key="d" color="gray" variant="light">
                  Disabled
                </Badge>
              ),
            ],
            ['Mail', u.mail],
            ['First name', u.givenName],
            ['Last name', u.surname],
            ['Job title', u.jobTitle],
            ['Department', u.department],
            ['Company name', u.companyName],
            ['Created', formatDateTime(u.createdDateTime)],
          ]}
        />
      </Paper>
      {isInvitedUser(u) && <B2bCollaborationCard user={u} onChanged={onChanged} />}
      <EditUser user={u} opened={editing} onClose={() => setEditing(false)} onSaved={onChanged} />
    </Stack>
  );
}

const EDITABLE = [
  ['displayName', 'Display name'],
  ['givenName', 'First name'],
  ['surname', 'Last name'],
  ['jobTitle', 'Job title'],
  ['department', 'Department'],
  ['companyName', 'Company name'],
] as const;
type Editable = (typeof EDITABLE)[number][0];

function EditUser({ user, opened, onClose, onSaved }: { user: User; opened: boolean; onClose: () => void; onSaved: () => void }) {
  const initial = () => Object.fromEntries(EDITABLE.map(([k]) => [k, user[k] ?? ''])) as Record<Editable, string>;
  const [v, setV] = useState(initial);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [lastOpened, setLastOpened] = useState(opened);
  if (opened !== lastOpened) {
    setLastOpened(opened);
    if (opened) {
      setV(initial());
      setError(undefined);
    }
  }
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!v.displayName.trim()) {
      setError('Enter a display name.');
      return;
    }
    const body: UpdateUserBody = {};
    for (const [k] of EDITABLE) {
      const now = v[k].trim();
      if (now === (user[k] ?? '')) continue;
      if (k === 'displayName') body.displayName = now;
      else body[k] = now || null;
    }
    if (Object.keys(body).length === 0) return onClose();
    setBusy(true);
    try {
      await graph.updateUser(user.id, body);
      notifications.show({ color: 'green', message: 'Changes saved.' });
      onSaved();
      onClose();
    } catch (err) {
      setError(friendlyError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Edit properties" size="lg">
      <form onSubmit={save} noValidate>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {EDITABLE.map(([k, label]) => (
            <TextInput
              key={k}
              label={label}
              required={k === 'displayName'}
              value={v[k]}
              onChange={(e) => setV({ ...v, [k]: e.currentTarget.value })}
            />
          ))}
        </SimpleGrid>
        {error && (
          <Alert color="red" variant="light" role="alert" mt="md" data-testid="error-notice">
            {error}
          </Alert>
        )}
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Save
          </Button>
        </Group>
      </form>
    </Modal>
  );
}

function UserGroups({ id }: { id: string }) {
  const groups = useLoad(() => graph.userMemberOf(id), [id]);
  return (
    <Async state={groups}>
      {(page) => {
        const items = page.value.filter((o) => o['@odata.type'] === '#microsoft.graph.group');
        if (items.length === 0) return <Empty title="Not a member of any group" />;
        return (
          <Table.ScrollContainer minWidth={480}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Group</Table.Th>
                  <Table.Th>Group type</Table.Th>
                  <Table.Th>Membership type</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((g) => (
                  <Table.Tr key={g.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/admin/groups/${g.id}`}>
                        {g.displayName}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{'groupTypes' in g ? groupTypeLabel(g) : ''}</Table.Td>
                    <Table.Td>{'groupTypes' in g ? membershipTypeLabel(g) : ''}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        );
      }}
    </Async>
  );
}

function UserRoles({ id }: { id: string }) {
  const data = useLoad(async () => {
    const [assignments, defs] = await Promise.all([graph.roleAssignmentsOf(id), graph.roleDefinitions()]);
    const names = new Map(defs.value.map((d) => [d.id, d.displayName]));
    return assignments.value.map((a) => ({ ...a, roleName: names.get(a.roleDefinitionId) ?? a.roleDefinitionId }));
  }, [id]);
  return (
    <Async state={data}>
      {(items) =>
        items.length === 0 ? (
          <Empty title="No administrator roles" description="Assign roles from Roles and administrators." />
        ) : (
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Role</Table.Th>
                <Table.Th>Scope</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/admin/roles/${a.roleDefinitionId}`}>
                      {a.roleName}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{a.directoryScopeId === '/' ? 'Directory' : a.directoryScopeId}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )
      }
    </Async>
  );
}

function UserAudit({ id }: { id: string }) {
  const paged = usePaged<DirectoryAudit>(auditUrl({ targetId: id }, 15));
  if (paged.error) return <ErrorNotice error={paged.error} onRetry={paged.reload} />;
  if (paged.loading && paged.items.length === 0) return <Loading />;
  return (
    <Stack>
      {paged.items.length === 0 ? (
        <Empty title="No audit entries about this user" />
      ) : (
        <AuditTable items={paged.items} busy={paged.loading} />
      )}
      <Pager paged={paged} label="Audit entries" />
    </Stack>
  );
}
