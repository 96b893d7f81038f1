import { Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { GuestRoleId } from '../../../contracts/policies';
import { type AllowInvitesFrom, type AuthorizationPolicy, GUEST_ROLE_IDS, graph } from '../../api/graph';
import { useConfirmedAction } from '../../components/Confirm';
import { SaveOrDiscardActions, SettingsSection } from '../../components/Forms';
import { SettingsPage } from '../../components/LoadedPages';
import { adminCrumbs } from '../../components/PageHeader';
import { type Choice, RadioChoices } from '../../components/RadioChoices';
import { CollaborationRestrictions } from './CollaborationRestrictions';

/** Entra's labels (entra-behaviour.md §4.1), most inclusive first. */
export const GUEST_ACCESS_OPTIONS: Choice<GuestRoleId>[] = [
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
export const INVITE_OPTIONS: Choice<AllowInvitesFrom>[] = [
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
  return (
    <SettingsPage
      header={{
        title: 'External collaboration settings',
        crumbs: adminCrumbs('External collaboration settings'),
        description: 'Decide what guests can see in your directory, who may invite them, and from which domains.',
      }}
      maw={860}
      load={graph.authorizationPolicy}
      footer={<CollaborationRestrictions />}
    >
      {(p, policy) => <Form policy={p} onSaved={policy.setData} />}
    </SettingsPage>
  );
}

function Form({ policy, onSaved }: { policy: AuthorizationPolicy; onSaved: (p: AuthorizationPolicy) => void }) {
  const [guestUserRoleId, setGuestRole] = useState(policy.guestUserRoleId);
  const [allowInvitesFrom, setInvites] = useState<AllowInvitesFrom>(policy.allowInvitesFrom);
  const save = useConfirmedAction();
  const changes: Partial<Pick<AuthorizationPolicy, 'guestUserRoleId' | 'allowInvitesFrom'>> = {
    ...(guestUserRoleId !== policy.guestUserRoleId ? { guestUserRoleId } : {}),
    ...(allowInvitesFrom !== policy.allowInvitesFrom ? { allowInvitesFrom } : {}),
  };
  const dirty = Object.keys(changes).length > 0;

  const submit = async () => {
    const confirmation = {
      title: 'Save external collaboration settings',
      message: 'The new settings apply to everyone in the organization.',
      confirmLabel: 'Save',
    };
    if (await save.confirmAndRun(confirmation, () => graph.updateAuthorizationPolicy(changes))) {
      onSaved({ ...policy, ...changes });
      notifications.show({ color: 'green', message: 'External collaboration settings saved.' });
    }
  };

  return (
    <Stack>
      <SettingsSection id="h-guest-access" title="Guest user access">
        <RadioChoices
          label="Guest user access restrictions"
          value={guestUserRoleId}
          onChange={setGuestRole}
          options={GUEST_ACCESS_OPTIONS}
          testId="guest-access"
        />
      </SettingsSection>
      <SettingsSection id="h-invite" title="Guest invite settings">
        <RadioChoices
          label="Guest invite restrictions"
          description="Users in the Guest Inviter role can always invite, unless no one may."
          value={allowInvitesFrom}
          onChange={setInvites}
          options={INVITE_OPTIONS}
          testId="invite-restrictions"
        />
      </SettingsSection>
      <SaveOrDiscardActions
        save={save}
        dirty={dirty}
        onSubmit={submit}
        onDiscard={() => {
          setGuestRole(policy.guestUserRoleId);
          setInvites(policy.allowInvitesFrom);
        }}
      />
    </Stack>
  );
}
