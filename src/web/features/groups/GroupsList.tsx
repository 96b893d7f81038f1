import { Table } from '@mantine/core';
import { GROUP_SEARCH_FIELDS, type Group as GroupT, graph, groupTypeLabel, membershipTypeLabel } from '../../api/graph';
import { usePaged } from '../../api/hooks';
import { LinkCell, PagedTable } from '../../components/DataTable';
import { LinkButton, ListPage, useListSearch } from '../../components/ListControls';
import { adminCrumbs } from '../../components/PageHeader';

export function GroupsList() {
  const { term, setTerm, search, expr } = useListSearch(GROUP_SEARCH_FIELDS);
  const paged = usePaged<GroupT>(graph.groupsUrl({ search: expr, top: 20 }), { eventual: true });
  return (
    <ListPage
      header={{
        title: 'All groups',
        crumbs: adminCrumbs('Groups', 'All groups'),
        actions: <LinkButton to="/admin/groups/new">New group</LinkButton>,
      }}
      search={{ label: 'Search groups', placeholder: 'Name, description or alias', value: term, onChange: setTerm }}
    >
      <PagedTable
        paged={paged}
        label="Groups"
        empty={{
          title: search ? `No groups match “${search}”` : 'No groups yet',
          description: search ? undefined : 'Create one with New group.',
        }}
        columns={['Name', 'Description', 'Group type', 'Membership type']}
        minWidth={560}
        highlight
        testId="groups-table"
        row={(g) => (
          <Table.Tr key={g.id}>
            <LinkCell to={`/admin/groups/${g.id}`} label={g.displayName} />
            <Table.Td>{g.description}</Table.Td>
            <Table.Td>{groupTypeLabel(g)}</Table.Td>
            <Table.Td>{membershipTypeLabel(g)}</Table.Td>
          </Table.Tr>
        )}
      />
    </ListPage>
  );
}
