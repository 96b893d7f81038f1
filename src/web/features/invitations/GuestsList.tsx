import { Button, Group, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { graph, PEOPLE_SEARCH_FIELDS, type User } from '../../api/graph';
import { useDebounced, usePaged } from '../../api/hooks';
import { and, searchExpression } from '../../api/odata';
import { LinkCell, PagedTable, RemoveButton } from '../../components/DataTable';
import { FilterButtons, LIST_PAGE_SIZE, LinkButton, ListPage } from '../../components/ListControls';
import { adminCrumbs } from '../../components/PageHeader';
import { ErrorAlert } from '../../components/States';
import { formatDateTime } from '../audit/AuditTable';
import { InvitationState, useGuestActions } from './guestActions';

type StateFilter = '' | 'PendingAcceptance' | 'Accepted';
const STATES = [
  ['', 'All guests'],
  ['PendingAcceptance', 'Pending acceptance'],
  ['Accepted', 'Accepted'],
] as const;

export function guestsUrl(search: string, state: StateFilter): string {
  return graph.usersUrl({
    search: searchExpression(PEOPLE_SEARCH_FIELDS, search),
    filter: and("userType eq 'Guest'", state && `externalUserState eq '${state}'`),
    top: LIST_PAGE_SIZE,
    select:
      'id,displayName,userPrincipalName,mail,userType,accountEnabled,creationType,externalUserState,externalUserStateChangeDateTime,createdDateTime',
  });
}

/** Admin center → Users → Guests: invited people and where their invitation stands. */
export function GuestsList() {
  const [term, setTerm] = useState('');
  const [state, setState] = useState<StateFilter>('');
  const search = useDebounced(term.trim(), 300);
  const paged = usePaged<User>(guestsUrl(search, state), { eventual: true });
  const actions = useGuestActions(() => paged.reload());

  return (
    <ListPage
      header={{
        title: 'Guests',
        crumbs: adminCrumbs(['Users', '/admin/users'], 'Guests'),
        description: 'People from outside your organization who were invited, and whether they accepted.',
        actions: <LinkButton to="/admin/users/invite">Invite external user</LinkButton>,
      }}
      search={{ label: 'Search guests', placeholder: 'Name or e-mail', value: term, onChange: setTerm }}
      filters={<FilterButtons label="Invitation state" options={STATES} value={state} onChange={setState} />}
    >
      <ErrorAlert error={actions.error} onClose={actions.clearError} />
      <PagedTable
        paged={paged}
        label="Guests"
        empty={{
          title: search || state ? 'No guests match' : 'No guests yet',
          description: search || state ? 'Try another name, or show all guests.' : 'Invite someone with Invite external user.',
        }}
        columns={['Display name', 'E-mail', 'Invitation state', 'Created', 'Actions']}
        minWidth={760}
        highlight
        testId="guests-table"
        row={(u) => (
          <Table.Tr key={u.id}>
            <LinkCell to={`/admin/users/${u.id}`} label={u.displayName} />
            <Table.Td style={{ whiteSpace: 'nowrap' }}>{u.mail ?? u.userPrincipalName}</Table.Td>
            <Table.Td style={{ minWidth: 190 }}>
              <InvitationState user={u} />
            </Table.Td>
            <Table.Td>
              <Text size="sm">{formatDateTime(u.createdDateTime)}</Text>
            </Table.Td>
            <Table.Td>
              <Group gap={4} wrap="nowrap">
                {u.externalUserState === 'PendingAcceptance' && (
                  <Button
                    size="xs"
                    variant="subtle"
                    onClick={() => actions.resend(u)}
                    loading={actions.running === `resend:${u.id}`}
                    aria-label={`Resend invitation to ${u.displayName}`}
                  >
                    Resend invitation
                  </Button>
                )}
                <Button
                  size="xs"
                  variant="subtle"
                  onClick={() => actions.reset(u)}
                  aria-label={`Reset redemption status of ${u.displayName}`}
                >
                  Reset redemption
                </Button>
                <RemoveButton
                  label={`Delete ${u.displayName}`}
                  onClick={() => actions.remove(u)}
                  loading={actions.running === `delete:${u.id}`}
                >
                  Delete
                </RemoveButton>
              </Group>
            </Table.Td>
          </Table.Tr>
        )}
      />
      {actions.dialog}
    </ListPage>
  );
}
