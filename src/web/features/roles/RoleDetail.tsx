import { Badge, Button, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useParams } from 'react-router';
import { graph, type UnifiedRoleAssignment } from '../../api/graph';
import { useLoad, usePaged } from '../../api/hooks';
import { destructive, useConfirmedAction } from '../../components/Confirm';
import { DataTable, LinkCell, RemoveButton } from '../../components/DataTable';
import { adminCrumbs, PageHeader } from '../../components/PageHeader';
import { PeoplePicker } from '../../components/PeoplePicker';
import { Async, ErrorAlert, ErrorNotice, PagedList } from '../../components/States';

export function RoleDetail() {
  const { id = '' } = useParams();
  const role = useLoad(() => graph.roleDefinition(id), [id]);
  const paged = usePaged<UnifiedRoleAssignment>(graph.roleAssignmentsUrl(id));
  const principalIds = paged.items.map((a) => a.principalId);
  // The people behind a page of assignments, in one request.
  const people = useLoad(
    async () => new Map((await graph.usersById([...new Set(principalIds)])).map((u) => [u.id, u])),
    [principalIds.join(',')],
  );
  const [picking, setPicking] = useState(false);
  const removal = useConfirmedAction();
  const title = role.data?.displayName ?? 'Role';

  const remove = async (a: UnifiedRoleAssignment, name: string) => {
    const confirmation = destructive('Remove assignment', `Remove the ${title} role from ${name}?`);
    if (await removal.confirmAndRun(confirmation, () => graph.removeRoleAssignment(a.id))) {
      notifications.show({ color: 'green', message: `${name} no longer holds ${title}.` });
      paged.reload();
    }
  };

  return (
    <Stack>
      <PageHeader
        title={title}
        crumbs={adminCrumbs(['Roles and administrators', '/admin/roles'], title)}
        description={role.data?.description}
        actions={
          <Button onClick={() => setPicking(true)} disabled={!role.data}>
            Add assignments
          </Button>
        }
      />
      {role.error ? <ErrorNotice error={role.error} onRetry={role.reload} /> : null}
      <ErrorAlert error={removal.error} onClose={removal.clearError} />
      <PagedList
        paged={paged}
        label="Assignments"
        empty={{ title: 'No one holds this role', description: 'Use Add assignments to give it to someone.' }}
      >
        {(items) => (
          <Async state={people}>
            {(map) => (
              <DataTable columns={['Name', 'User principal name', 'Scope', 'Action']} minWidth={480} testId="assignments-table">
                {items.map((a) => {
                  const u = map.get(a.principalId);
                  const name = u?.displayName ?? a.principalId;
                  return (
                    <Table.Tr key={a.id}>
                      <LinkCell to={`/admin/users/${a.principalId}`} label={name}>
                        {u?.userType === 'Guest' && (
                          <Badge ml={6} size="xs" variant="light" color="grape">
                            Guest
                          </Badge>
                        )}
                      </LinkCell>
                      <Table.Td style={{ wordBreak: 'break-all' }}>
                        {u?.userPrincipalName ?? (
                          <Text size="sm" c="dimmed">
                            Unknown principal
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{a.directoryScopeId === '/' ? 'Directory' : a.directoryScopeId}</Table.Td>
                      <Table.Td>
                        <RemoveButton label={`Remove ${name}`} onClick={() => remove(a, name)} />
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </DataTable>
            )}
          </Async>
        )}
      </PagedList>
      <PeoplePicker
        opened={picking}
        onClose={() => setPicking(false)}
        title={`Add assignments: ${title}`}
        submitLabel="Add"
        excludeIds={new Set(principalIds)}
        excludedLabel="Assigned"
        onSubmit={async ({ people: chosen }) => {
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
