import { Button, Group, Modal, Paper, SimpleGrid, Stack, Table, Tabs, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import type { UpdateUserBody } from '../../../contracts/users';
import { type DirectoryAudit, graph, groupTypeLabel, membershipTypeLabel, type User } from '../../api/graph';
import { useAction, useLoad, usePaged } from '../../api/hooks';
import { useProfile } from '../../app/profile';
import { useConfirmedAction, useDeleteAndLeave } from '../../components/Confirm';
import { DataTable, LinkCell } from '../../components/DataTable';
import { DialogActions } from '../../components/Forms';
import { DetailPage } from '../../components/LoadedPages';
import { Properties } from '../../components/Properties';
import { Async, Empty, ErrorAlert, PagedList } from '../../components/States';
import { AuditTable, formatDateTime } from '../audit/AuditTable';
import { auditUrl } from '../audit/auditQuery';
import { B2bCollaborationCard, isInvitedUser } from '../invitations/B2bCollaborationCard';
import { AccountBadge } from './UsersList';

export function UserDetail() {
  const [tab, setTab] = useState<string | null>('overview');
  return (
    <DetailPage load={graph.user} noun="User" parent={['Users', '/admin/users']}>
      {(u, user) => (
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
    </DetailPage>
  );
}

function Overview({ user: u, onChanged }: { user: User; onChanged: () => void }) {
  const { me } = useProfile();
  const [editing, setEditing] = useState(false);
  const action = useConfirmedAction();
  const isMe = me.data?.id === u.id;

  const toggleEnabled = async () => {
    const enable = !u.accountEnabled;
    const confirmation = {
      title: enable ? 'Enable account' : 'Disable account',
      message: enable
        ? `${u.displayName} will be able to sign in again.`
        : `${u.displayName} will no longer be able to sign in. Their groups and roles are kept.`,
      confirmLabel: enable ? 'Enable' : 'Disable',
      danger: !enable,
    };
    if (await action.confirmAndRun(confirmation, () => graph.updateUser(u.id, { accountEnabled: enable }), 'enable')) {
      notifications.show({ color: 'green', message: enable ? 'Account enabled.' : 'Account disabled.' });
      onChanged();
    }
  };

  const leave = useDeleteAndLeave(action);
  const remove = () =>
    leave({
      title: 'Delete user',
      message: `Delete ${u.displayName} (${u.userPrincipalName})? They lose access right away and are removed from every group and role.`,
      name: u.displayName,
      remove: () => graph.deleteUser(u.id),
      to: '/admin/users',
    });

  return (
    <Stack>
      <Group gap="xs">
        <Button variant="default" onClick={() => setEditing(true)}>
          Edit properties
        </Button>
        <Button
          variant="default"
          onClick={toggleEnabled}
          loading={action.running === 'enable'}
          disabled={isMe && u.accountEnabled}
        >
          {u.accountEnabled ? 'Disable account' : 'Enable account'}
        </Button>
        <Button color="red" variant="light" onClick={remove} loading={action.running === 'delete'} disabled={isMe}>
          Delete
        </Button>
      </Group>
      {isMe && (
        <Text size="xs" c="dimmed">
          You can't disable or delete your own account here.
        </Text>
      )}
      <ErrorAlert error={action.error} />
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
            ['Account', <AccountBadge key="a" enabled={u.accountEnabled} />],
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
  return (
    <Modal opened={opened} onClose={onClose} title="Edit properties" size="lg">
      <EditUserForm user={user} onClose={onClose} onSaved={onSaved} />
    </Modal>
  );
}

function EditUserForm({ user, onClose, onSaved }: { user: User; onClose: () => void; onSaved: () => void }) {
  const [v, setV] = useState(() => Object.fromEntries(EDITABLE.map(([k]) => [k, user[k] ?? ''])) as Record<Editable, string>);
  const save = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!v.displayName.trim()) return save.setError('Enter a display name.');
    const body: UpdateUserBody = {};
    for (const [k] of EDITABLE) {
      const now = v[k].trim();
      if (now === (user[k] ?? '')) continue;
      if (k === 'displayName') body.displayName = now;
      else body[k] = now || null;
    }
    if (Object.keys(body).length === 0) return onClose();
    if (await save.run(() => graph.updateUser(user.id, body))) {
      notifications.show({ color: 'green', message: 'Changes saved.' });
      onSaved();
      onClose();
    }
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
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
        <DialogActions error={save.error} busy={save.busy} submitLabel="Save" onCancel={onClose} />
      </Stack>
    </form>
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
          <DataTable columns={['Group', 'Group type', 'Membership type']} minWidth={480}>
            {items.map((g) => (
              <Table.Tr key={g.id}>
                <LinkCell to={`/admin/groups/${g.id}`} label={g.displayName} />
                <Table.Td>{'groupTypes' in g ? groupTypeLabel(g) : ''}</Table.Td>
                <Table.Td>{'groupTypes' in g ? membershipTypeLabel(g) : ''}</Table.Td>
              </Table.Tr>
            ))}
          </DataTable>
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
          <DataTable columns={['Role', 'Scope']} minWidth={0}>
            {items.map((a) => (
              <Table.Tr key={a.id}>
                <LinkCell to={`/admin/roles/${a.roleDefinitionId}`} label={a.roleName} />
                <Table.Td>{a.directoryScopeId === '/' ? 'Directory' : a.directoryScopeId}</Table.Td>
              </Table.Tr>
            ))}
          </DataTable>
        )
      }
    </Async>
  );
}

function UserAudit({ id }: { id: string }) {
  const paged = usePaged<DirectoryAudit>(auditUrl({ targetId: id }, 15));
  return (
    <Stack>
      <PagedList paged={paged} label="Audit entries" empty={{ title: 'No audit entries about this user' }}>
        {(items) => <AuditTable items={items} busy={paged.loading} />}
      </PagedList>
    </Stack>
  );
}
