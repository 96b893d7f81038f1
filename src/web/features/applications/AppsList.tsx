import { Badge, Button, Group, Stack, Table } from '@mantine/core';
import { Link } from 'react-router';
import { graph, type ServicePrincipal } from '../../api/graph';
import { usePaged } from '../../api/hooks';
import { LinkCell, PagedTable } from '../../components/DataTable';
import { ListSearch, useListSearch } from '../../components/ListControls';
import { adminCrumbs, PageHeader } from '../../components/PageHeader';
import { isHidden, ssoModeLabel } from './appLogic';

/** Enterprise applications → All applications: search and server paging. */
export function AppsList() {
  const { term, setTerm, search, expr } = useListSearch(['displayName', 'description']);
  const paged = usePaged<ServicePrincipal>(graph.servicePrincipalsUrl({ search: expr, top: 20 }), { eventual: true });
  return (
    <Stack>
      <PageHeader
        title="All applications"
        crumbs={adminCrumbs('Enterprise applications', 'All applications')}
        actions={
          <Button component={Link} to="/admin/applications/new">
            New application
          </Button>
        }
      />
      <Group>
        <ListSearch label="Search applications" placeholder="Name or description" value={term} onChange={setTerm} />
      </Group>
      <PagedTable
        paged={paged}
        label="Applications"
        empty={{
          title: search ? `No applications match “${search}”` : 'No applications yet',
          description: search ? undefined : 'Add one from the gallery or create your own with New application.',
        }}
        columns={['Name', 'Application ID', 'Single sign-on', 'Status']}
        minWidth={640}
        highlight
        testId="applications-table"
        row={(a) => (
          <Table.Tr key={a.id}>
            <LinkCell to={`/admin/applications/${a.id}`} label={a.displayName} />
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
          </Table.Tr>
        )}
      />
    </Stack>
  );
}
