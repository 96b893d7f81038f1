import { Alert, Anchor, Badge, Button, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, type Collection, withQuery } from '../../api/client';
import { friendlyError } from '../../api/errors';
import { graph, type UnifiedRoleAssignment, type User } from '../../api/graph';
import { useLoad, usePaged } from '../../api/hooks';
import { quote } from '../../api/odata';
import { useConfirm } from '../../components/Confirm';
import { PageHeader } from '../../components/PageHeader';
import { Pager } from '../../components/Pager';
import { PeoplePicker } from '../../components/PeoplePicker';
import { Async, Empty, ErrorNotice, Loading } from '../../components/States';

/** The people behind a page of assignments, in one request. */
async function usersById(ids: string[]): Promise<Map<string, User>> {
  if (ids.length === 0) return new Map();
  const filter = `id in (${ids.map(quote).join(',')})`;
  const page = await api.get<Collection<User>>(withQuery('/users', { $filter: filter, $top: ids.length }));
  return new Map(page.value.map((u) => [u.id, u]));
}

export function RoleDetail() {
  const { id = '' } = useParams();
  const confirm = useConfirm();
  const role = useLoad(() => graph.roleDefinition(id), [id]);
  const paged = usePaged<UnifiedRoleAssignment>(graph.roleAssignmentsUrl(id));
  const principalIds = paged.items.map((a) => a.principalId);
  const people = useLoad(() => usersById([...new Set(principalIds)]), [principalIds.join(',')]);
  const [picking, setPicking] = useState(false);
  const [error, setError] = useState<string>();
  const title = role.data?.displayName ?? 'Role';

  const remove = async (a: UnifiedRoleAssignment, name: string) => {
    const ok = await confirm({
      title: 'Remove assignment',
      message: `Remove the ${title} role from ${name}?`,
      confirmLabel: 'Remove',
      danger: true,
    });
    if (!ok) return;
    setError(undefined);
    try {
      await graph.removeRoleAssignment(a.id);
      notifications.show({ color: 'green', message: `${name} no longer holds ${title}.` });
      paged.reload();
    } catch (err) {
      setError(friendlyError(err));
    }
  };

  return (
    <Stack>
      <PageHeader
        title={title}
        crumbs={[
          { label: 'Admin center', to: '/admin' },
          { label: 'Roles and administrators', to: '/admin/roles' },
          { label: title },
        ]}
        description={role.data?.description}
        actions={
          <Button onClick={() => setPicking(true)} disabled={!role.data}>
            Add assignments
          </Button>
        }
      />
      {role.error ? <ErrorNotice error={role.error} onRetry={role.reload} /> : null}
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
        <Empty title="No one holds this role" description="Use Add assignments to give it to someone." />
      ) : (
        <Async state={people}>
          {(map) => (
            <Table.ScrollContainer minWidth={480}>
              <Table striped data-testid="assignments-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>User principal name</Table.Th>
                    <Table.Th>Scope</Table.Th>
                    <Table.Th>Action</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {paged.items.map((a) => {
                    const u = map.get(a.principalId);
                    const name = u?.displayName ?? a.principalId;
                    return (
                      <Table.Tr key={a.id}>
                        <Table.Td>
                          <Anchor component={Link} to={`/admin/users/${a.principalId}`}>
                            {name}
                          </Anchor>
                          {u?.userType === 'Guest' && (
                            <Badge ml={6} size="xs" variant="light" color="grape">
                              Guest
                            </Badge>
                          )}
                        </Table.Td>
                        <Table.Td style={{ wordBreak: 'break-all' }}>
                          {u?.userPrincipalName ?? (
                            <Text size="sm" c="dimmed">
                              Unknown principal
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>{a.directoryScopeId === '/' ? 'Directory' : a.directoryScopeId}</Table.Td>
                        <Table.Td>
                          <Button
                            size="xs"
                            variant="subtle"
                            color="red"
                            onClick={() => remove(a, name)}
                            aria-label={`Remove ${name}`}
                          >
                            Remove
                          </Button>
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Async>
      )}
      <Pager paged={paged} label="Assignments" />
      <PeoplePicker
        opened={picking}
        onClose={() => setPicking(false)}
        title={`Add assignments: ${title}`}
        submitLabel="Add"
        excludeIds={new Set(principalIds)}
        excludedLabel="Assigned"
        onSubmit={async (chosen) => {
          try {
            for (const p of chosen) await graph.assignRole(p.id, id);
          } finally {
            paged.reload();
          }
          notifications.show({
            color: 'green',
            message: `${chosen.length === 1 ? chosen[0]?.displayName : `${chosen.length} people`} now hold${chosen.length === 1 ? 's' : ''} ${title}.`,
          });
        }}
      />
    </Stack>
  );
}
