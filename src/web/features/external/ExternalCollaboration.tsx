import { Alert, Button, Group, Paper, Radio, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { GuestRoleId } from '../../../contracts/policies';
import { friendlyError } from '../../api/errors';
import { type AllowInvitesFrom, type AuthorizationPolicy, GUEST_ROLE_IDS, graph } from '../../api/graph';
import { useLoad } from '../../api/hooks';
import { useConfirm } from '../../components/Confirm';
import { PageHeader } from '../../components/PageHeader';
import { Async } from '../../components/States';
import { CollaborationRestrictions } from './CollaborationRestrictions';

/** Entra's labels (entra-behaviour.md §4.1), most inclusive first. */
export const GUEST_ACCESS_OPTIONS: { value: GuestRoleId; label: string }[] = [
  { value: GUEST_ROLE_IDS.member, label: 'Guest users have the same access as members (most inclusive)' },
  {
    value: GUEST_ROLE_IDS.limited,
    label: 'Guest users have limited access to properties and memberships of directory objects',
  },
  {
    value: GUEST_ROLE_IDS.restricted,
    label: 'Guest user access is restricted to properties and memberships of their own directory objects (most restrictive)',
  },
];

/** Entra's labels (entra-behaviour.md §4.2), most inclusive first. */
export const INVITE_OPTIONS: { value: AllowInvitesFrom; label: string }[] = [
  {
    value: 'everyone',
    label: 'Anyone in the organization can invite guest users including guests and non-admins (most inclusive)',
  },
  {
    value: 'adminsGuestInvitersAndAllMembers',
    label:
      'Member users and users assigned to specific admin roles can invite guest users including guests with member permissions',
  },
  { value: 'adminsAndGuestInviters', label: 'Only users assigned to specific admin roles can invite guest users' },
  { value: 'none', label: 'No one in the organization can invite guest users including admins (most restrictive)' },
];

export function ExternalCollaboration() {
  const policy = useLoad(() => graph.authorizationPolicy(), []);
  return (
    <Stack maw={860}>
      <PageHeader
        title="External collaboration settings"
        crumbs={[{ label: 'Admin center', to: '/admin' }, { label: 'External collaboration settings' }]}
        description="Decide what guests can see in your directory, who may invite them, and from which domains."
      />
      <Async state={policy}>{(p) => <Form policy={p} onSaved={policy.setData} />}</Async>
      <CollaborationRestrictions />
    </Stack>
  );
}

function Form({ policy, onSaved }: { policy: AuthorizationPolicy; onSaved: (p: AuthorizationPolicy) => void }) {
  const confirm = useConfirm();
  const [guestUserRoleId, setGuestRole] = useState(policy.guestUserRoleId);
  const [allowInvitesFrom, setInvites] = useState<AllowInvitesFrom>(policy.allowInvitesFrom);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const changes: Partial<Pick<AuthorizationPolicy, 'guestUserRoleId' | 'allowInvitesFrom'>> = {
    ...(guestUserRoleId !== policy.guestUserRoleId ? { guestUserRoleId } : {}),
    ...(allowInvitesFrom !== policy.allowInvitesFrom ? { allowInvitesFrom } : {}),
  };
  const dirty = Object.keys(changes).length > 0;

  const save = async () => {
    if (
      !(await confirm({
        title: 'Save external collaboration settings',
        message: 'The new settings apply to everyone in the organization.',
        confirmLabel: 'Save',
      }))
    )
      return;
    setBusy(true);
    setError(undefined);
    try {
      await graph.updateAuthorizationPolicy(changes);
      onSaved({ ...policy, ...changes });
      notifications.show({ color: 'green', message: 'External collaboration settings saved.' });
    } catch (err) {
      setError(friendlyError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack>
      <Paper withBorder p="md" component="section" aria-labelledby="h-guest-access">
        <Title order={2} fz="lg" id="h-guest-access" mb="sm">
          Guest user access
        </Title>
        <Radio.Group
          label="Guest user access restrictions"
          value={guestUserRoleId}
          onChange={(v) => setGuestRole(v as GuestRoleId)}
          data-testid="guest-access"
        >
          <Stack gap="sm" mt="xs">
            {GUEST_ACCESS_OPTIONS.map((o) => (
              <Radio key={o.value} value={o.value} label={o.label} />
            ))}
          </Stack>
        </Radio.Group>
      </Paper>
      <Paper withBorder p="md" component="section" aria-labelledby="h-invite">
        <Title order={2} fz="lg" id="h-invite" mb="sm">
          Guest invite settings
        </Title>
        <Radio.Group
          label="Guest invite restrictions"
          description="Users in the Guest Inviter role can always invite, unless no one may."
          value={allowInvitesFrom}
          onChange={(v) => setInvites(v as AllowInvitesFrom)}
          data-testid="invite-restrictions"
        >
          <Stack gap="sm" mt="xs">
            {INVITE_OPTIONS.map((o) => (
              <Radio key={o.value} value={o.value} label={o.label} />
            ))}
          </Stack>
        </Radio.Group>
      </Paper>
      {error && (
        <Alert color="red" variant="light" role="alert" data-testid="error-notice">
          {error}
        </Alert>
      )}
      <Group>
        <Button onClick={save} loading={busy} disabled={!dirty}>
          Save
        </Button>
        <Button
          variant="default"
          disabled={!dirty || busy}
          onClick={() => {
            setGuestRole(policy.guestUserRoleId);
            setInvites(policy.allowInvitesFrom);
          }}
        >
          Discard
        </Button>
        {dirty && (
          <Text size="sm" c="dimmed" role="status">
            Unsaved changes
          </Text>
        )}
      </Group>
    </Stack>
  );
}
