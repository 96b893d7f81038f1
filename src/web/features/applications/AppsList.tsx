import { Anchor, Badge, Button, Group, Stack, Table, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { withQuery } from '../../api/client';
import type { ServicePrincipal } from '../../api/graph';
import { useDebounced, usePaged } from '../../api/hooks';
import { searchExpression } from '../../api/odata';
import { PageHeader } from '../../components/PageHeader';
import { Pager } from '../../components/Pager';
import { Empty, ErrorNotice, Loading } from '../../components/States';
import { isHidden, ssoModeLabel } from './appLogic';

const SEARCH_FIELDS = ['displayName', 'description'] as const;

/** Enterprise applications → All applications: search and server paging. */
export function AppsList() {
  const [params, setParams] = useSearchParams();
  const [term, setTerm] = useState(params.get('q') ?? '');
  const search = useDebounced(term.trim(), 300);
  const expr = searchExpression(SEARCH_FIELDS, search);
  const paged = usePaged<ServicePrincipal>(
    withQuery('/servicePrincipals', { $search: expr, $top: 20, $orderby: expr ? undefined : 'displayName' }),
    { eventual: true },
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
        <TextInput
          label="Search applications"
          placeholder="Name or description"
          type="search"
          value={term}
          onChange={(e) => {
            const v = e.currentTarget.value;
            setTerm(v);
            setParams(
              (p) => {
                if (v) p.set('q', v);
                else p.delete('q');
                return p;
              },
              { replace: true },
            );
          }}
          w={{ base: '100%', sm: 340 }}
        />
      </Group>
      {paged.error ? (
        <ErrorNotice error={paged.error} onRetry={paged.reload} />
      ) : paged.loading && paged.items.length === 0 ? (
        <Loading />
      ) : paged.items.length === 0 ? (
        <Empty
          title={search ? `No applications match “${search}”` : 'No applications yet'}
          description={search ? undefined : 'Add one from the gallery or create your own with New application.'}
        />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover aria-busy={paged.loading} data-testid="applications-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Application ID</Table.Th>
                <Table.Th>Single sign-on</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {paged.items.map((a) => (
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
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Pager paged={paged} label="Applications" />
    </Stack>
  );
}
