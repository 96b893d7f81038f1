import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, profileHandlers, renderAt, wikiApp } from '../../test-utils';

const SP = wikiApp();
const DEFAULT = '00000000-0000-0000-0000-000000000000';

describe('My Apps → Manage your application', () => {
  it('lists the users and invites an address: invitation to the launch URL, then a direct assignment', async () => {
    const calls = fakeApi({
      ...profileHandlers([]),
      'GET /v1.0/servicePrincipals/sp1': { body: SP },
      'GET /v1.0/servicePrincipals/sp1/appRoleAssignedTo': {
        body: {
          value: [{ id: 'as1', principalId: 'u1', principalType: 'User', principalDisplayName: 'Ann Owner', appRoleId: DEFAULT }],
        },
      },
      'GET /v1.0/users': { body: { value: [] } },
      'POST /v1.0/invitations': { status: 201, body: { id: 'inv1', invitedUser: { id: 'guest-1' } } },
      'POST /v1.0/servicePrincipals/sp1/appRoleAssignedTo': { status: 201, body: { id: 'as2' } },
    });
    renderAt('/myapps/manage/sp1');
    expect(await screen.findByText('Ann Owner')).toBeTruthy();
    expect(screen.getByText('Default Access')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: '+ Add members' }));
    await userEvent.type(await screen.findByTestId('people-search'), 'bo@fabrikam.com');
    await userEvent.click(await screen.findByTestId('invite-guest-option'));
    await userEvent.type(screen.getByTestId('welcome-message'), 'Welcome!');
    await userEvent.click(screen.getByRole('button', { name: 'Add' }));
    await screen.findByText('Added.');
    const invite = calls.find((c) => c.method === 'POST' && c.path === '/v1.0/invitations');
    expect(invite?.body).toEqual({
      invitedUserEmailAddress: 'bo@fabrikam.com',
      inviteRedirectUrl: `${window.location.origin}/myapps/signin/app-1`,
      sendInvitationMessage: true,
      invitedUserMessageInfo: { customizedMessageBody: 'Welcome!' },
    });
    const assign = calls.find((c) => c.method === 'POST' && c.path.endsWith('/appRoleAssignedTo'));
    expect(assign?.body).toEqual({ principalId: 'guest-1', resourceId: 'sp1', appRoleId: DEFAULT });
  });

  it('adds an invitee to the self-service group when the app has one, and shows refusals in words', async () => {
    const calls = fakeApi({
      ...profileHandlers([]),
      'GET /v1.0/servicePrincipals/sp1': { body: { ...SP, selfServiceAccess: { ...SP.selfServiceAccess, groupId: 'g1' } } },
      'GET /v1.0/servicePrincipals/sp1/appRoleAssignedTo': { body: { value: [] } },
      'GET /v1.0/users': { body: { value: [] } },
      'POST /v1.0/groups/g1/members/add': {
        status: 403,
        body: { error: { code: 'Authorization_RequestDenied', message: 'Invitations to fabrikam.com are not allowed.' } },
      },
    });
    renderAt('/myapps/manage/sp1');
    await userEvent.click(await screen.findByRole('button', { name: '+ Add members' }));
    await userEvent.type(await screen.findByTestId('people-search'), 'bo@fabrikam.com');
    await userEvent.click(await screen.findByTestId('invite-guest-option'));
    await userEvent.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByRole('alert')).toBeTruthy();
    const add = calls.find((c) => c.method === 'POST' && c.path === '/v1.0/groups/g1/members/add');
    expect(add?.body).toEqual({ emailAddress: 'bo@fabrikam.com' });
    expect(calls.some((c) => c.path === '/v1.0/invitations')).toBe(false);
  });
});
