import { Badge, Stack, Table, Text } from '@mantine/core';
import { graph } from '../../api/graph';
import { useLoad } from '../../api/hooks';
import { DataTable, LinkCell } from '../../components/DataTable';
import { adminCrumbs, PageHeader } from '../../components/PageHeader';
import { Async } from '../../components/States';

export function RolesList() {
  const data = useLoad(async () => {
    const [defs, assignments] = await Promise.all([graph.roleDefinitions(), graph.allRoleAssignments()]);
    const counts = new Map<string, number>();
    for (const a of assignments.value) counts.set(a.roleDefinitionId, (counts.get(a.roleDefinitionId) ?? 0) + 1);
    const more = Boolean(assignments['@odata.nextLink']);
    return defs.value.map((d) => ({ ...d, holders: counts.get(d.id) ?? 0, more }));
  }, []);
  return (
    <Stack>
      <PageHeader
        title="Roles and administrators"
        crumbs={adminCrumbs('Roles and administrators')}
        description="Built-in directory roles. Open a role to see who holds it and to add or remove assignments."
      />
      <Async state={data}>
        {(roles) => (
          <DataTable columns={['Role', 'Description', 'Assignments']} minWidth={560} highlight testId="roles-table">
            {roles.map((r) => (
              <Table.Tr key={r.id}>
                <LinkCell to={`/admin/roles/${r.id}`} label={r.displayName}>
                  {r.isBuiltIn && (
                    <Badge ml={6} size="xs" variant="light" color="gray">
                      Built-in
                    </Badge>
                  )}
                </LinkCell>
                <Table.Td>
                  <Text size="sm">{r.description}</Text>
                </Table.Td>
                <Table.Td>{r.more && r.holders > 0 ? `${r.holders}+` : r.holders}</Table.Td>
              </Table.Tr>
            ))}
          </DataTable>
        )}
      </Async>
    </Stack>
  );
}
