import { Anchor, Badge, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { graph } from '../../api/graph';
import { useLoad } from '../../api/hooks';
import { PageHeader } from '../../components/PageHeader';
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
        crumbs={[{ label: 'Admin center', to: '/admin' }, { label: 'Roles and administrators' }]}
        description="Built-in directory roles. Open a role to see who holds it and to add or remove assignments."
      />
      <Async state={data}>
        {(roles) => (
          <Table.ScrollContainer minWidth={560}>
            <Table striped highlightOnHover data-testid="roles-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Description</Table.Th>
                  <Table.Th>Assignments</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {roles.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/admin/roles/${r.id}`}>
                        {r.displayName}
                      </Anchor>
                      {r.isBuiltIn && (
                        <Badge ml={6} size="xs" variant="light" color="gray">
                          Built-in
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{r.description}</Text>
                    </Table.Td>
                    <Table.Td>{r.more && r.holders > 0 ? `${r.holders}+` : r.holders}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Async>
    </Stack>
  );
}
