import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '../../api/graph';
import { fakeApi, profileHandlers, renderAt } from '../../test-utils';

const guest = {
  id: 'g-bob',
  displayName: 'Bob Partner',
  mail: 'bob@fabrikam.com',
  userPrincipalName: 'bob_fabrikam.com#EXT#@contoso.com',
  userType: 'Guest',
  accountEnabled: true,
  creationType: 'Invitation',
  externalUserState: 'PendingAcceptance',
  externalUserStateChangeDateTime: '2025-01-02T03:04:05Z',
  createdDateTime: '2025-01-02T03:04:05Z',
};

describe('Admin center: invitations', () => {
  it(
    'Invite external user sends the Graph invitation, adds the groups, and shows the redeem URL',
    { timeout: 40_000 },
    async () => {
      const calls = fakeApi({
        ...profileHandlers([ROLE_IDS.globalAdministrator]),
        'GET /v1.0/groups': {
          body: { value: [{ id: 'grp1', displayName: 'App Guests', groupTypes: [], onPremisesSyncEnabled: null }] },
        },
        'POST /v1.0/invitations': (c) => ({
          status: 201,
          body: {
            id: 'inv1',
            status: 'PendingAcceptance',
            inviteRedeemUrl: 'http://localhost/redeem?t=xyz',
            invitedUserEmailAddress: (c.body as { invitedUserEmailAddress: string }).invitedUserEmailAddress,
            sendInvitationMessage: true,
            invitedUser: { id: 'g-bob' },
          },
        }),
        'POST /v1.0/groups/grp1/members/$ref': { status: 204 },
      });
      const user = userEvent.setup();
      const fill = async (el: HTMLElement, text: string) => {
        await user.click(el);
        await user.paste(text);
      };
      renderAt('/admin/users/invite');
      await fill(await screen.findByRole('textbox', { name: /^Email/ }), 'bob+x@fabrikam.com');
      await user.click(screen.getByRole('button', { name: 'Invite' }));
      expect(await screen.findByText(/Plus-addressing/)).toBeTruthy();
      const email = screen.getByRole('textbox', { name: /^Email/ });
      await user.clear(email);
      await fill(email, 'bob@fabrikam.com');
      await fill(screen.getByRole('textbox', { name: 'Display name' }), 'Bob Partner');
      await fill(screen.getByRole('textbox', { name: /^Message/ }), 'Welcome aboard');
      await fill(screen.getByRole('textbox', { name: /Cc recipient/ }), 'carol@contoso.com');
      await fill(screen.getByTestId('group-search'), 'app');
      await user.click(await screen.findByRole('checkbox', { name: /App Guests/ }));
      await user.click(screen.getByRole('button', { name: 'Invite' }));
      expect((await screen.findByTestId('redeem-url')).textContent).toBe('http://localhost/redeem?t=xyz');
      expect(screen.getByText('Added to: App Guests.')).toBeTruthy();
      const invite = calls.find((c) => c.path === '/v1.0/invitations');
      expect(invite?.body).toEqual({
        invitedUserEmailAddress: 'bob@fabrikam.com',
        inviteRedirectUrl: `${window.location.origin}/myapps`,
        invitedUserDisplayName: 'Bob Partner',
        invitedUserType: 'Guest',
        sendInvitationMessage: true,
        invitedUserMessageInfo: {
          customizedMessageBody: 'Welcome aboard',
          ccRecipients: [{ emailAddress: { address: 'carol@contoso.com' } }],
        },
      });
      const ref = calls.find((c) => c.path === '/v1.0/groups/grp1/members/$ref');
      expect(ref?.body).toEqual({ '@odata.id': `${window.location.origin}/v1.0/directoryObjects/g-bob` });
    },
  );

  it('Guests lists invitation states; Resend invitation and Reset redemption call the API', async () => {
    const calls = fakeApi({
      ...profileHandlers([ROLE_IDS.globalAdministrator]),
      'GET /v1.0/users': { body: { value: [guest, { ...guest, id: 'g-al', displayName: 'Al', externalUserState: 'Accepted' }] } },
      'POST /v1.0/users/g-bob/resendInvitation': { body: { id: 'inv2', status: 'PendingAcceptance' } },
      'POST /v1.0/invitations': { status: 201, body: { id: 'inv3', status: 'PendingAcceptance', invitedUser: { id: 'g-al' } } },
    });
    const user = userEvent.setup();
    renderAt('/admin/users/guests');
    const table = await screen.findByTestId('guests-table');
    expect(within(table).getByText('Pending acceptance')).toBeTruthy();
    expect(within(table).getByText('Accepted')).toBeTruthy();
    expect(within(table).queryByRole('button', { name: 'Resend invitation to Al' })).toBeNull();
    const list = calls.find((c) => c.path.startsWith('/v1.0/users?'));
    expect(list?.path).toContain("$filter=userType eq 'Guest'");

    await user.click(within(table).getByRole('button', { name: 'Resend invitation to Bob Partner' }));
    await screen.findByText('A new invitation was sent to bob@fabrikam.com.');

    await user.click(within(table).getByRole('button', { name: 'Reset redemption status of Al' }));
    const dialog = await screen.findByRole('dialog', { name: 'Reset redemption status' });
    await user.click(within(dialog).getByRole('checkbox', { name: /Use a different e-mail address/ }));
    await user.type(within(dialog).getByRole('textbox', { name: /New e-mail address/ }), 'al@northwind.com');
    await user.click(within(dialog).getByRole('button', { name: 'Reset' }));
    await waitFor(() => expect(calls.some((c) => c.path === '/v1.0/invitations')).toBe(true));
    expect(calls.find((c) => c.path === '/v1.0/invitations')?.body).toEqual({
      invitedUserEmailAddress: 'al@northwind.com',
      inviteRedirectUrl: `${window.location.origin}/myapps`,
      sendInvitationMessage: true,
      invitedUser: { id: 'g-al' },
      resetRedemption: true,
    });
  });
});
