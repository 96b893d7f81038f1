import { Anchor, Button, Group, Stack, Table } from '@mantine/core';
import { Link } from 'react-router';
import { GROUP_SEARCH_FIELDS, type Group as GroupT, graph, groupTypeLabel, membershipTypeLabel } from '../../api/graph';
import { useDebounced, usePaged } from '../../api/hooks';
import { searchExpression } from '../../api/odata';
import { DataTable } from '../../components/DataTable';
import { ListSearch, useQueryParam } from '../../components/ListControls';
import { PageHeader } from '../../components/PageHeader';
import { PagedList } from '../../components/States';

export function GroupsList() {
  const [term, setTerm] = useQueryParam('q');
  const search = useDebounced(term.trim(), 300);
  const paged = usePaged<GroupT>(graph.groupsUrl({ search: searchExpression(GROUP_SEARCH_FIELDS, search), top: 20 }), {
    eventual: true,
  });
  return (
    <Stack>
      <PageHeader
        title="All groups"
        crumbs={[{ label: 'Admin center', to: '/admin' }, { label: 'Groups' }, { label: 'All groups' }]}
        actions={
          <Button component={Link} to="/admin/groups/new">
            New group
          </Button>
        }
      />
      <Group>
        <ListSearch label="Search groups" placeholder="Name, description or alias" value={term} onChange={setTerm} />
      </Group>
      <PagedList
        paged={paged}
        label="Groups"
        empty={{
          title: search ? `No groups match “${search}”` : 'No groups yet',
          description: search ? undefined : 'Create one with New group.',
        }}
      >
        {(items) => (
          <DataTable
            columns={['Name', 'Description', 'Group type', 'Membership type']}
            minWidth={560}
            busy={paged.loading}
            highlight
            testId="groups-table"
          >
            {items.map((g) => (
              <Table.Tr key={g.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/admin/groups/${g.id}`}>
                    {g.displayName}
                  </Anchor>
                </Table.Td>
                <Table.Td>{g.description}</Table.Td>
                <Table.Td>{groupTypeLabel(g)}</Table.Td>
                <Table.Td>{membershipTypeLabel(g)}</Table.Td>
              </Table.Tr>
            ))}
          </DataTable>
        )}
      </PagedList>
    </Stack>
  );
}
