import { Badge, Table } from '@mantine/core';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { graph, PEOPLE_SEARCH_FIELDS, type User } from '../../api/graph';
import { FilterButtons, LIST_PAGE_SIZE, LinkButton, SearchListPage } from '../../components/ListControls';
import { adminCrumbs } from '../../components/PageHeader';

type UserTypeFilter = '' | 'Member' | 'Guest';
const USER_TYPES = [
  ['', 'All users'],
  ['Member', 'Members'],
  ['Guest', 'Guests'],
] as const;

export function UsersList() {
  const [params] = useSearchParams();
  const [type, setType] = useState<UserTypeFilter>((params.get('type') as UserTypeFilter | null) ?? '');
  return (
    <SearchListPage<User>
      header={{
        title: 'Users',
        crumbs: adminCrumbs('Users'),
        actions: (
          <>
            <LinkButton to="/admin/users/new">New user</LinkButton>
            <LinkButton to="/admin/users/invite" variant="default">
              Invite external user
            </LinkButton>
          </>
        ),
      }}
      search={{ label: 'Search users', placeholder: 'Name, e-mail or user principal name', fields: PEOPLE_SEARCH_FIELDS }}
      url={(expr) =>
        graph.usersUrl({
          search: expr,
          filter: type ? `userType eq '${type}'` : undefined,
          top: LIST_PAGE_SIZE,
          select: 'id,displayName,userPrincipalName,mail,userType,accountEnabled,externalUserState',
        })
      }
      filters={<FilterButtons label="User type" options={USER_TYPES} value={type} onChange={setType} />}
      label="Users"
      empty={{
        noun: 'users',
        description: 'Create the first user with New user.',
        whenSearching: 'Try another name or e-mail address.',
      }}
      columns={['Display name', 'User principal name', 'User type', 'Account']}
      minWidth={560}
      testId="users-table"
      detailPath="/admin/users"
      cells={(u) => (
        <>
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
        </>
      )}
    />
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
