import { Table } from '@mantine/core';
import { GROUP_SEARCH_FIELDS, type Group as GroupT, graph, groupTypeLabel, membershipTypeLabel } from '../../api/graph';
import { LIST_PAGE_SIZE, LinkButton, SearchListPage } from '../../components/ListControls';
import { adminCrumbs } from '../../components/PageHeader';

export function GroupsList() {
  return (
    <SearchListPage<GroupT>
      header={{
        title: 'All groups',
        crumbs: adminCrumbs('Groups', 'All groups'),
        actions: <LinkButton to="/admin/groups/new">New group</LinkButton>,
      }}
      search={{ label: 'Search groups', placeholder: 'Name, description or alias', fields: GROUP_SEARCH_FIELDS }}
      url={(expr) => graph.groupsUrl({ search: expr, top: LIST_PAGE_SIZE })}
      label="Groups"
      empty={{ noun: 'groups', description: 'Create one with New group.' }}
      columns={['Name', 'Description', 'Group type', 'Membership type']}
      minWidth={560}
      testId="groups-table"
      detailPath="/admin/groups"
      cells={(g) => (
        <>
          <Table.Td>{g.description}</Table.Td>
          <Table.Td>{groupTypeLabel(g)}</Table.Td>
          <Table.Td>{membershipTypeLabel(g)}</Table.Td>
        </>
      )}
    />
  );
}
