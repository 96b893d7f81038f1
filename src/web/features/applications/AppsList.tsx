import { Anchor, Badge, Button, Group, Stack, Table } from '@mantine/core';
import { Link } from 'react-router';
import { graph, type ServicePrincipal } from '../../api/graph';
import { useDebounced, usePaged } from '../../api/hooks';
import { searchExpression } from '../../api/odata';
import { DataTable } from '../../components/DataTable';
import { ListSearch, useQueryParam } from '../../components/ListControls';
import { PageHeader } from '../../components/PageHeader';
import { PagedList } from '../../components/States';
import { isHidden, ssoModeLabel } from './appLogic';

const SEARCH_FIELDS = ['displayName', 'description'] as const;

/** Enterprise applications → All applications: search and server paging. */
export function AppsList() {
  const [term, setTerm] = useQueryParam('q');
  const search = useDebounced(term.trim(), 300);
  const paged = usePaged<ServicePrincipal>(
    graph.servicePrincipalsUrl({ search: searchExpression(SEARCH_FIELDS, search), top: 20 }),
    {
      eventual: true,
    },
  );
  return (
    <Stack>
      <PageHeader
        title="All applications"
        crumbs={[{ label: 'Admin center', to: '/admin' }, { label: 'Enterprise applications' }, { label: 'All applications' }]}
        actions={
          <Button component={Link} to="/admin/applications/new">
            New application
          </Button>
        }
      />
      <Group>
        <ListSearch label="Search applications" placeholder="Name or description" value={term} onChange={setTerm} />
      </Group>
      <PagedList
        paged={paged}
        label="Applications"
        empty={{
          title: search ? `No applications match “${search}”` : 'No applications yet',
          description: search ? undefined : 'Add one from the gallery or create your own with New application.',
        }}
      >
        {(items) => (
          <DataTable
            columns={['Name', 'Application ID', 'Single sign-on', 'Status']}
            minWidth={640}
            busy={paged.loading}
            highlight
            testId="applications-table"
          >
            {items.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/admin/applications/${a.id}`}>
                    {a.displayName}
                  </Anchor>
                </Table.Td>
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
            ))}
          </DataTable>
        )}
      </PagedList>
    </Stack>
  );
}
