import { Anchor, Badge, Button, Group, Stack, Table, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { withQuery } from '../../api/client';
import { PEOPLE_SEARCH_FIELDS, type User } from '../../api/graph';
import { useDebounced, usePaged } from '../../api/hooks';
import { searchExpression } from '../../api/odata';
import { PageHeader } from '../../components/PageHeader';
import { Pager } from '../../components/Pager';
import { Empty, ErrorNotice, Loading } from '../../components/States';

const PAGE_SIZE = 20;

export function UsersList() {
  const [params, setParams] = useSearchParams();
  const [term, setTerm] = useState(params.get('q') ?? '');
  const [type, setType] = useState<'' | 'Member' | 'Guest'>((params.get('type') as 'Member' | 'Guest' | null) ?? '');
  const search = useDebounced(term.trim(), 300);
  const expr = searchExpression(PEOPLE_SEARCH_FIELDS, search);
  const url = withQuery('/users', {
    $search: expr,
    $filter: type ? `userType eq '${type}'` : undefined,
    $top: PAGE_SIZE,
    $orderby: expr ? undefined : 'displayName',
    $select: 'id,displayName,userPrincipalName,mail,userType,accountEnabled,externalUserState',
  });
  const paged = usePaged<User>(url, { eventual: true });

  const onTerm = (v: string) => {
    setTerm(v);
    setParams(
      (p) => {
        if (v) p.set('q', v);
        else p.delete('q');
        return p;
      },
      { replace: true },
    );
  };

  return (
    <Stack>
      <PageHeader
        title="Users"
        crumbs={[{ label: 'Admin center', to: '/admin' }, { label: 'Users' }]}
        actions={
          <>
            <Button component={Link} to="/admin/users/new">
              New user
            </Button>
            <Button component={Link} to="/admin/users/invite" variant="default">
              Invite external user
            </Button>
          </>
        }
      />
      <Group align="flex-end" wrap="wrap">
        <TextInput
          label="Search users"
          placeholder="Name, e-mail or user principal name"
          value={term}
          onChange={(e) => onTerm(e.currentTarget.value)}
          type="search"
          w={{ base: '100%', sm: 340 }}
        />
        <Group gap={4} role="group" aria-label="User type">
          {(['', 'Member', 'Guest'] as const).map((t) => (
            <Button
              key={t || 'all'}
              size="xs"
              variant={type === t ? 'filled' : 'default'}
              onClick={() => setType(t)}
              aria-pressed={type === t}
            >
              {t === '' ? 'All users' : t === 'Member' ? 'Members' : 'Guests'}
            </Button>
          ))}
        </Group>
      </Group>
      {paged.error ? (
        <ErrorNotice error={paged.error} onRetry={paged.reload} />
      ) : paged.loading && paged.items.length === 0 ? (
        <Loading />
      ) : paged.items.length === 0 ? (
        <Empty
          title={search ? `No users match “${search}”` : 'No users yet'}
          description={search ? 'Try another name or e-mail address.' : 'Create the first user with New user.'}
        />
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table striped highlightOnHover aria-busy={paged.loading} data-testid="users-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Display name</Table.Th>
                <Table.Th>User principal name</Table.Th>
                <Table.Th>User type</Table.Th>
                <Table.Th>Account</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {paged.items.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/admin/users/${u.id}`}>
                      {u.displayName}
                    </Anchor>
                  </Table.Td>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{u.userPrincipalName}</Table.Td>
                  <Table.Td>
                    {u.userType}
                    {u.externalUserState === 'PendingAcceptance' && (
                      <Badge size="xs" variant="light" color="yellow" ml={6}>
                        Pending acceptance
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {u.accountEnabled ? (
                      <Badge variant="light" color="green">
                        Enabled
                      </Badge>
                    ) : (
                      <Badge variant="light" color="gray">
                        Disabled
                      </Badge>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Pager paged={paged} label="Users" />
    </Stack>
  );
}
