import { Alert, Anchor, Button, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { withQuery } from '../../api/client';
import { PEOPLE_SEARCH_FIELDS, type User } from '../../api/graph';
import { useDebounced, usePaged } from '../../api/hooks';
import { and, searchExpression } from '../../api/odata';
import { PageHeader } from '../../components/PageHeader';
import { Pager } from '../../components/Pager';
import { Empty, ErrorNotice, Loading } from '../../components/States';
import { formatDateTime } from '../audit/AuditTable';
import { InvitationState, useGuestActions } from './guestActions';

const PAGE_SIZE = 20;
type StateFilter = '' | 'PendingAcceptance' | 'Accepted';

export function guestsUrl(search: string, state: StateFilter): string {
  const expr = searchExpression(PEOPLE_SEARCH_FIELDS, search);
  return withQuery('/users', {
    $search: expr,
    $filter: and("userType eq 'Guest'", state && `externalUserState eq '${state}'`),
    $top: PAGE_SIZE,
    $orderby: expr ? undefined : 'displayName',
    $select:
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
    <Stack>
      <PageHeader
        title="Guests"
        crumbs={[{ label: 'Admin center', to: '/admin' }, { label: 'Users', to: '/admin/users' }, { label: 'Guests' }]}
        description="People from outside your organization who were invited, and whether they accepted."
        actions={
          <Button component={Link} to="/admin/users/invite">
            Invite external user
          </Button>
        }
      />
      <Group align="flex-end" wrap="wrap">
        <TextInput
          label="Search guests"
          placeholder="Name or e-mail"
          value={term}
          onChange={(e) => setTerm(e.currentTarget.value)}
          type="search"
          w={{ base: '100%', sm: 340 }}
        />
        <Group gap={4} role="group" aria-label="Invitation state">
          {(
            [
              ['', 'All guests'],
              ['PendingAcceptance', 'Pending acceptance'],
              ['Accepted', 'Accepted'],
            ] as const
          ).map(([s, label]) => (
            <Button
              key={s || 'all'}
              size="xs"
              variant={state === s ? 'filled' : 'default'}
              onClick={() => setState(s)}
              aria-pressed={state === s}
            >
              {label}
            </Button>
          ))}
        </Group>
      </Group>
      {actions.error && (
        <Alert color="red" variant="light" role="alert" withCloseButton onClose={actions.clearError} data-testid="error-notice">
          {actions.error}
        </Alert>
      )}
      {paged.error ? (
        <ErrorNotice error={paged.error} onRetry={paged.reload} />
      ) : paged.loading && paged.items.length === 0 ? (
        <Loading />
      ) : paged.items.length === 0 ? (
        <Empty
          title={search || state ? 'No guests match' : 'No guests yet'}
          description={search || state ? 'Try another name, or show all guests.' : 'Invite someone with Invite external user.'}
        />
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover aria-busy={paged.loading} data-testid="guests-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Display name</Table.Th>
                <Table.Th>E-mail</Table.Th>
                <Table.Th>Invitation state</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Actions</Table.Th>
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
                          loading={actions.busy === `resend:${u.id}`}
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
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => actions.remove(u)}
                        loading={actions.busy === `delete:${u.id}`}
                        aria-label={`Delete ${u.displayName}`}
                      >
                        Delete
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Pager paged={paged} label="Guests" />
      {actions.dialog}
    </Stack>
  );
}
