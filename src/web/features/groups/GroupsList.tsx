import { Anchor, Button, Group, Stack, Table, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { withQuery } from '../../api/client';
import { GROUP_SEARCH_FIELDS, type Group as GroupT, groupTypeLabel, membershipTypeLabel } from '../../api/graph';
import { useDebounced, usePaged } from '../../api/hooks';
import { searchExpression } from '../../api/odata';
import { PageHeader } from '../../components/PageHeader';
import { Pager } from '../../components/Pager';
import { Empty, ErrorNotice, Loading } from '../../components/States';

export function GroupsList() {
  const [params, setParams] = useSearchParams();
  const [term, setTerm] = useState(params.get('q') ?? '');
  const search = useDebounced(term.trim(), 300);
  const expr = searchExpression(GROUP_SEARCH_FIELDS, search);
  const paged = usePaged<GroupT>(withQuery('/groups', { $search: expr, $top: 20, $orderby: expr ? undefined : 'displayName' }), {
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
        <TextInput
          label="Search groups"
          placeholder="Name, description or alias"
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
          title={search ? `No groups match “${search}”` : 'No groups yet'}
          description={search ? undefined : 'Create one with New group.'}
        />
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table striped highlightOnHover aria-busy={paged.loading} data-testid="groups-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Description</Table.Th>
                <Table.Th>Group type</Table.Th>
                <Table.Th>Membership type</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {paged.items.map((g) => (
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
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Pager paged={paged} label="Groups" />
    </Stack>
  );
}
