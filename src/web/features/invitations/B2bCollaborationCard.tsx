import { Anchor, Button, Group, Paper, Stack, Title } from '@mantine/core';
import { Link, useNavigate } from 'react-router';
import { graph, type User } from '../../api/graph';
import { useLoad } from '../../api/hooks';
import { Properties } from '../../components/Properties';
import { ErrorAlert } from '../../components/States';
import { formatDateTime } from '../audit/AuditTable';
import { InvitationState, useGuestActions } from './guestActions';

/** Whether the user came in through an invitation (and so has a B2B collaboration card). */
export const isInvitedUser = (u: Pick<User, 'userType' | 'creationType' | 'externalUserState'>): boolean =>
  u.userType === 'Guest' || u.creationType === 'Invitation' || u.externalUserState !== null;

/** User detail → B2B collaboration: invitation state, who invited (sponsors), and the guest actions. */
export function B2bCollaborationCard({ user, onChanged }: { user: User; onChanged: () => void }) {
  const navigate = useNavigate();
  const sponsors = useLoad(async () => {
    try {
      return (await graph.sponsors(user.id)).value;
    } catch {
      return undefined; // shown as "—": the card's actions still work
    }
  }, [user.id]);
  const actions = useGuestActions((deleted) => (deleted ? navigate('/admin/users/guests') : onChanged()));
  const pending = user.externalUserState === 'PendingAcceptance';
  const signIn = user.identities?.find((i) => i.issuer === 'mail');

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="h-b2b" data-testid="b2b-collaboration">
      <Stack gap="sm">
        <Title order={2} fz="md" id="h-b2b">
          B2B collaboration
        </Title>
        <Properties
          items={[
            ['Invitation state', <InvitationState key="s" user={user} />],
            ['Invitation accepted', user.externalUserState === 'Accepted' ? 'Yes' : user.externalUserState ? 'No' : '—'],
            ['State changed', user.externalUserStateChangeDateTime ? formatDateTime(user.externalUserStateChangeDateTime) : '—'],
            ['Signs in with', signIn ? 'E-mail one-time passcode' : pending ? 'Not yet: invitation pending' : '—'],
            [
              'Invited by / sponsors',
              sponsors.data && sponsors.data.length > 0 ? (
                <Group key="sp" gap={8} wrap="wrap">
                  {sponsors.data.map((s) => (
                    <Anchor key={s.id} component={Link} to={`/admin/users/${s.id}`} size="sm">
                      {s.displayName}
                    </Anchor>
                  ))}
                </Group>
              ) : sponsors.loading ? (
                '…'
              ) : (
                '—'
              ),
            ],
          ]}
        />
        <ErrorAlert error={actions.error} />
        <Group gap="xs">
          {pending && (
            <Button variant="default" onClick={() => actions.resend(user)} loading={actions.running === `resend:${user.id}`}>
              Resend invitation
            </Button>
          )}
          <Button variant="default" onClick={() => actions.reset(user)}>
            Reset redemption status
          </Button>
        </Group>
      </Stack>
      {actions.dialog}
    </Paper>
  );
}
