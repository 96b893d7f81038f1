import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, ME, profileHandlers, renderAt } from '../../test-utils';

const group = (groupTypes: string[], extra: object = {}) => ({
  id: 'g1',
  displayName: 'App Guests',
  description: 'Partner app',
  groupTypes,
  membershipRule: groupTypes.length ? '(user.userType -eq "Guest")' : null,
  onPremisesSyncEnabled: null,
  ...extra,
});
const asGroup = (g: object) => ({ '@odata.type': '#microsoft.graph.group', ...g });
const bob = {
  '@odata.type': '#microsoft.graph.user',
  id: 'bob',
  displayName: 'Bob Partner',
  mail: 'bob@fabrikam.com',
  userPrincipalName: 'bob@contoso.com',
  userType: 'Guest',
};

function api(groupTypes: string[], owned: boolean, extra: object = {}, opts: { member?: boolean; selfService?: boolean } = {}) {
  const me = { ...ME, '@odata.type': '#microsoft.graph.user' };
  let members = opts.member === false ? [] : [me];
  return fakeApi({
    ...profileHandlers([]),
    'GET /v1.0/groups/g1': { body: group(groupTypes, extra) },
    'GET /v1.0/me/ownedObjects': { body: { value: owned ? [asGroup(group(groupTypes, extra))] : [] } },
    'GET /v1.0/me/memberOf': () => ({
      body: { value: members.some((m) => m.id === ME.id) ? [asGroup(group(groupTypes, extra))] : [] },
    }),
    'GET /v1.0/policies/groupManagementPolicy': {
      body: { selfServiceGroupManagementEnabled: opts.selfService === true },
    },
    'GET /v1.0/groups/g1/members': () => ({ body: { value: members } }),
    'GET /v1.0/users': { body: { value: [bob] } },
    'POST /v1.0/groups/g1/members/add': (call) => {
      const body = call.body as { userId?: string; emailAddress?: string };
      if (body.emailAddress === 'eve@blocked.example') {
        return {
          status: 400,
          body: {
            error: {
              code: 'Request_BadRequest',
              message:
                "Invitations to the domain 'blocked.example' are blocked by your organization's collaboration restrictions.",
            },
          },
        };
      }
      const user = body.userId
        ? body.userId === ME.id
          ? me
          : bob
        : {
            ...bob,
            id: 'carol',
            displayName: 'carol',
            mail: body.emailAddress,
            externalUserState: 'PendingAcceptance',
          };
      members = [...members, user as never];
      return { body: { status: body.userId ? 'added' : 'invited', user } };
    },
  });
}

/** Opens Add members on the page of g1 and types `text` into its search. */
async function openAddMembers(text: string) {
  const user = userEvent.setup();
  renderAt('/mygroups/g1');
  await user.click(await screen.findByRole('button', { name: 'Add members' }));
  const dialog = await screen.findByRole('dialog', { name: 'Add members' });
  const box = within(dialog).getByRole('searchbox', { name: /Search/ });
  await user.type(box, text);
  return { user, dialog, box };
}

describe('My Groups: a group page', () => {
  it('lets the owner of an Assigned group add a member with +', async () => {
    const calls = api([], true);
    const { user, dialog } = await openAddMembers('bob');
    await user.click(await within(dialog).findByRole('checkbox', { name: /Bob Partner/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(within(screen.getByTestId('members-table')).getByText('Bob Partner')).toBeTruthy());
    const search = calls.find((c) => c.path.startsWith('/v1.0/users?'));
    expect(search?.path).toContain('$search="displayName:bob" OR "mail:bob" OR "userPrincipalName:bob"');
    const add = calls.find((c) => c.method === 'POST');
    expect(add?.path).toBe('/v1.0/groups/g1/members/add');
    expect(add?.body).toEqual({ userId: 'bob' });
  });

  it('invites an e-mail address nobody in the directory has, with a welcome message', async () => {
    const calls = api([], true);
    // The directory search finds Bob by name only: the typed address belongs to nobody.
    const { user, dialog } = await openAddMembers('carol@fabrikam.com');
    await user.click(await within(dialog).findByRole('button', { name: 'Invite carol@fabrikam.com as a guest' }));
    const welcome = within(dialog).getByRole('textbox', { name: /Welcome message/ });
    await user.type(welcome, 'Hi Carol <b>!');
    expect(within(dialog).getByTestId('welcome-message-count').textContent).toBe('13 / 4000');
    await user.click(within(dialog).getByRole('button', { name: 'Add' }));
    await screen.findByText('Invitation sent to carol@fabrikam.com; they were added to App Guests as a guest.');
    const table = await screen.findByTestId('members-table');
    await waitFor(() => expect(within(table).getByText('Invitation pending')).toBeTruthy());
    const add = calls.find((c) => c.method === 'POST');
    expect(add?.body).toEqual({ emailAddress: 'carol@fabrikam.com', welcomeMessage: 'Hi Carol <b>!' });
  });

  it("shows the server's refusal inside the dialog, which stays open", async () => {
    api([], true);
    const { user, dialog } = await openAddMembers('eve@blocked.example');
    await within(dialog).findByTestId('invite-guest-option');
    await user.keyboard('{Enter}');
    expect(within(dialog).getByTestId('selected-invitee').textContent).toContain('eve@blocked.example');
    await user.click(within(dialog).getByRole('button', { name: 'Add' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toBe(
      "Invitations to the domain 'blocked.example' are blocked by your organization's collaboration restrictions.",
    );
    expect(screen.getByRole('dialog', { name: 'Add members' })).toBeTruthy();
  });

  it('offers no invitation for an address a directory user already has, and explains plus-addressing', async () => {
    api([], true);
    const { user, dialog, box } = await openAddMembers('bob@fabrikam.com');
    await within(dialog).findByRole('checkbox', { name: /Bob Partner/ });
    expect(within(dialog).queryByTestId('invite-guest-option')).toBeNull();
    await user.clear(box);
    await user.type(box, 'dan+x@fabrikam.com');
    expect((await within(dialog).findByTestId('invite-guest-problem')).textContent).toMatch(/Plus-addressing/);
  });

  it('offers no + on a dynamic group, and says why', async () => {
    api(['DynamicMembership'], true);
    renderAt('/mygroups/g1');
    await screen.findByText(/decided by a rule/);
    expect(screen.queryByRole('button', { name: 'Add members' })).toBeNull();
    // The owner reads the seed's note before typing an address.
    expect(screen.getByTestId('closed-membership').textContent).toContain(
      'You cannot add guest users to a dynamic group or to a group that is synced with on-premises Active Directory.',
    );
  });

  it('offers no + on a group synced from on-premises Active Directory, and says why', async () => {
    api([], true, { onPremisesSyncEnabled: true });
    renderAt('/mygroups/g1');
    const note = await screen.findByTestId('closed-membership');
    expect(note.textContent).toMatch(/synced with on-premises Active Directory, so its members are managed there/);
    expect(note.textContent).toContain('You cannot add guest users to a dynamic group');
    expect(screen.queryByRole('button', { name: 'Add members' })).toBeNull();
  });

  it('says nothing about guests to a member of a dynamic group who does not own it', async () => {
    api(['DynamicMembership'], false);
    renderAt('/mygroups/g1');
    const note = await screen.findByTestId('closed-membership');
    expect(note.textContent).toMatch(/decided by a rule/);
    expect(note.textContent).not.toContain('guest');
  });

  it('lets an owner who is not a member add themselves, without a request for another owner to approve', async () => {
    const calls = api([], true, { joinPolicy: 'ownerApproval' }, { member: false, selfService: true });
    const user = userEvent.setup();
    renderAt('/mygroups/g1');
    await user.click(await screen.findByRole('button', { name: 'Add me as a member' }));
    expect(screen.queryByRole('button', { name: /Request to join/ })).toBeNull();
    await screen.findByRole('button', { name: 'Leave group' });
    expect(within(screen.getByTestId('members-table')).getByText('Ada Admin')).toBeTruthy();
    const add = calls.find((c) => c.method === 'POST');
    expect(add?.path).toBe('/v1.0/groups/g1/members/add');
    expect(add?.body).toEqual({ userId: ME.id });
    expect(calls.some((c) => c.path.includes('joinRequests') && c.method === 'POST')).toBe(false);
  });

  it('offers someone who neither owns nor belongs to the group a request to join', async () => {
    api([], false, { joinPolicy: 'ownerApproval' }, { member: false, selfService: true });
    renderAt('/mygroups/g1');
    expect(await screen.findByRole('button', { name: /Request to join/ })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Add me as a member' })).toBeNull();
  });

  it('lets a member who is not an owner see members and leave, but not add', async () => {
    api([], false);
    renderAt('/mygroups/g1');
    expect(await screen.findByRole('button', { name: 'Leave group' })).toBeTruthy();
    await screen.findByTestId('members-table');
    expect(screen.queryByRole('button', { name: 'Add members' })).toBeNull();
  });
});
