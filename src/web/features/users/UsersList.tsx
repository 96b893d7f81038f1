import { Badge, Button, Group, Stack, Table } from '@mantine/core';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { graph, PEOPLE_SEARCH_FIELDS, type User } from '../../api/graph';
import { usePaged } from '../../api/hooks';
import { LinkCell, PagedTable } from '../../components/DataTable';
import { FilterButtons, ListSearch, useListSearch } from '../../components/ListControls';
import { adminCrumbs, PageHeader } from '../../components/PageHeader';

const PAGE_SIZE = 20;
type UserTypeFilter = '' | 'Member' | 'Guest';
const USER_TYPES = [
  ['', 'All users'],
  ['Member', 'Members'],
  ['Guest', 'Guests'],
] as const;

export function UsersList() {
  const [params] = useSearchParams();
  const { term, setTerm, search, expr } = useListSearch(PEOPLE_SEARCH_FIELDS);
  const [type, setType] = useState<UserTypeFilter>((params.get('type') as UserTypeFilter | null) ?? '');
  const url = graph.usersUrl({
    search: expr,
    filter: type ? `userType eq '${type}'` : undefined,
    top: PAGE_SIZE,
    select: 'id,displayName,userPrincipalName,mail,userType,accountEnabled,externalUserState',
  });
  const paged = usePaged<User>(url, { eventual: true });

  return (
    <Stack>
      <PageHeader
        title="Users"
        crumbs={adminCrumbs('Users')}
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
        <ListSearch label="Search users" placeholder="Name, e-mail or user principal name" value={term} onChange={setTerm} />
        <FilterButtons label="User type" options={USER_TYPES} value={type} onChange={setType} />
      </Group>
      <PagedTable
        paged={paged}
        label="Users"
        empty={{
          title: search ? `No users match “${search}”` : 'No users yet',
          description: search ? 'Try another name or e-mail address.' : 'Create the first user with New user.',
        }}
        columns={['Display name', 'User principal name', 'User type', 'Account']}
        minWidth={560}
        highlight
        testId="users-table"
        row={(u) => (
          <Table.Tr key={u.id}>
            <LinkCell to={`/admin/users/${u.id}`} label={u.displayName} />
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
              <AccountBadge enabled={u.accountEnabled} />
            </Table.Td>
          </Table.Tr>
        )}
      />
    </Stack>
  );
}

/** Enabled (green) or Disabled (grey). */
export function AccountBadge({ enabled }: { enabled: boolean }) {
  return enabled ? (
    <Badge variant="light" color="green">
      Enabled
    </Badge>
  ) : (
    <Badge variant="light" color="gray">
      Disabled
    </Badge>
  );
}
