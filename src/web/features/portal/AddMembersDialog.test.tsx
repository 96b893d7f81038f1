import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, renderWithMantine } from '../../test-utils';
import { AddMembersDialog } from './AddMembersDialog';

const dialog = () =>
  renderWithMantine(
    <AddMembersDialog
      opened
      onClose={() => {}}
      groupId="g1"
      groupName="Expenses guests"
      memberIds={new Set()}
      onAdded={() => {}}
    />,
  );

describe('Add members asks before it offers (issue 10 §6)', () => {
  it('an owner who may not invite guests is told so, and whom to ask, before typing', async () => {
    fakeApi({
      'GET /v1.0/groups/g1/members/addOptions': {
        body: {
          canAddMembers: true,
          addMembersBlockedReason: null,
          canInviteGuests: false,
          inviteGuestsBlockedReason: 'Only users with the Guest Inviter role can invite guests.',
          inviteGuestsBlockedCode: 'invitation_setting_denied',
          whoCanHelp: [{ id: 'gi', displayName: 'Gina Inviter', mail: 'gina@contoso.com', role: 'Guest Inviter' }],
        },
      },
      'GET /v1.0/users': { body: { value: [] } },
    });
    dialog();
    expect(await screen.findByText('You can add people from your organization, but not invite guests')).toBeTruthy();
    expect(screen.getByText('Only users with the Guest Inviter role can invite guests.')).toBeTruthy();
    expect(screen.getByRole('list', { name: 'People who can help' }).textContent).toContain(
      'Gina Inviter (Guest Inviter) — gina@contoso.com',
    );
    // Typing an address offers no invitation.
    await userEvent.type(screen.getByRole('searchbox', { name: /Search/ }), 'eve@fabrikam.example');
    expect(await screen.findByText(/you can't invite guests here/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Invite eve@fabrikam.example as a guest' })).toBeNull();
  });

  it('an owner who may invite sees no warning', async () => {
    fakeApi({
      'GET /v1.0/groups/g1/members/addOptions': {
        body: {
          canAddMembers: true,
          addMembersBlockedReason: null,
          canInviteGuests: true,
          inviteGuestsBlockedReason: null,
          inviteGuestsBlockedCode: null,
          whoCanHelp: [],
        },
      },
    });
    dialog();
    expect(await screen.findByText(/or the e-mail address of someone outside your organization/)).toBeTruthy();
    expect(screen.queryByText(/but not invite guests/)).toBeNull();
  });
});
