import { Badge, Group, Table } from '@mantine/core';
import { graph, type ServicePrincipal } from '../../api/graph';
import { LIST_PAGE_SIZE, LinkButton, SearchListPage } from '../../components/ListControls';
import { adminCrumbs } from '../../components/PageHeader';
import { isHidden, ssoModeLabel } from './appLogic';

/** Enterprise applications → All applications: search and server paging. */
export function AppsList() {
  return (
    <SearchListPage<ServicePrincipal>
      header={{
        title: 'All applications',
        crumbs: adminCrumbs('Enterprise applications', 'All applications'),
        actions: <LinkButton to="/admin/applications/new">New application</LinkButton>,
      }}
      search={{ label: 'Search applications', placeholder: 'Name or description', fields: ['displayName', 'description'] }}
      url={(expr) => graph.servicePrincipalsUrl({ search: expr, top: LIST_PAGE_SIZE })}
      label="Applications"
      empty={{ noun: 'applications', description: 'Add one from the gallery or create your own with New application.' }}
      columns={['Name', 'Application ID', 'Single sign-on', 'Status']}
      minWidth={640}
      testId="applications-table"
      detailPath="/admin/applications"
      cells={(a) => (
        <>
          <Table.Td ff="monospace" fz="xs">
            {a.appId}
          </Table.Td>
          <Table.Td>{ssoModeLabel(a.preferredSingleSignOnMode)}</Table.Td>
          <Table.Td>
            <Group gap={4}>
              {!a.accountEnabled && (
                <Badge size="xs" color="gray" variant="light">
                  Disabled
                </Badge>
              )}
              {isHidden(a.tags) && (
                <Badge size="xs" color="gray" variant="light">
                  Hidden
                </Badge>
              )}
            </Group>
          </Table.Td>
        </>
      )}
    />
  );
}
