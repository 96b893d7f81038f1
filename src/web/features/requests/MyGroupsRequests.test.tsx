import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, openRowDialog, profileHandlers, renderAt, UNDECIDED } from '../../test-utils';

const POLICY = {
  id: 'groupManagementPolicy',
  selfServiceGroupManagementEnabled: true,
  restrictGroupsFeaturesInMyGroups: false,
  usersCanCreateSecurityGroups: true,
  usersCanCreateMicrosoft365Groups: true,
};

const group = (id: string, displayName: string, extra: Record<string, unknown> = {}) => ({
  '@odata.type': '#microsoft.graph.group',
  id,
  displayName,
  description: `${displayName} group`,
  groupTypes: [],
  membershipRule: null,
  membershipRuleProcessingState: null,
  onPremisesSyncEnabled: null,
  joinPolicy: 'ownerApproval',
  ...extra,
});

const joinRequest = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  status: 'pending',
  groupId: 'g1',
  groupDisplayName: 'Partners',
  requesterId: 'u2',
  requesterDisplayName: 'Jo Joiner',
  requesterUserPrincipalName: 'jo@contoso.com',
  justification: 'I run the partner project',
  ...UNDECIDED,
  ...extra,
});

const base = (extra: Record<string, unknown> = {}) => ({
  ...profileHandlers([]),
  'GET /v1.0/policies/groupManagementPolicy': { body: POLICY },
  'GET /v1.0/me/ownedObjects': { body: { value: [group('g1', 'Partners')] } },
  'GET /v1.0/me/memberOf': { body: { value: [] } },
  'GET /v1.0/me/pendingApprovals': {
    body: {
      appAccessRequests: 0,
      groupJoinRequests: 1,
      applications: [],
      groups: [{ id: 'g1', displayName: 'Partners', pendingCount: 1 }],
    },
  },
  ...extra,
});

describe('My Groups: self-service', () => {
  it('an owner rejects a join request with a reason under Approvals', async () => {
    let decided = false;
    const calls = fakeApi(
      base({
        'GET /v1.0/me/pendingApprovals/groupJoinRequests': () => ({ body: { value: decided ? [] : [joinRequest('j1')] } }),
        'POST /v1.0/groupJoinRequests/j1/reject': () => {
          decided = true;
          return { body: joinRequest('j1', { status: 'rejected' }) };
        },
      }),
    );
    const { user, dialog } = await openRowDialog(
      '/mygroups?view=approvals',
      { testId: 'join-approvals-table', shows: 'I run the partner project' },
      'Reject the request of Jo Joiner to join Partners',
      'Reject the request of Jo Joiner',
    );
    await user.type(within(dialog).getByRole('textbox', { name: /Reason/ }), 'Partners only');
    await user.click(within(dialog).getByRole('button', { name: 'Reject' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ reason: 'Partners only' });
    expect(await screen.findByText('No request waits for your decision')).toBeTruthy();
  });

  it('discovers groups: joins an open group at once, asks to join another with a reason', async () => {
    const calls = fakeApi(
      base({
        'GET /v1.0/groups': {
          body: { value: [group('g2', 'Open club', { joinPolicy: 'open' }), group('g3', 'Design review')] },
        },
        'GET /v1.0/me/groupJoinRequests': { body: { value: [] } },
        'POST /v1.0/groups/g2/joinRequests': {
          status: 201,
          body: joinRequest('j2', { groupId: 'g2', groupDisplayName: 'Open club', status: 'approved' }),
        },
        'POST /v1.0/groups/g3/joinRequests': {
          status: 201,
          body: joinRequest('j3', { groupId: 'g3', groupDisplayName: 'Design review' }),
        },
      }),
    );
    const user = userEvent.setup();
    renderAt('/mygroups?view=discover');
    const table = await screen.findByTestId('discover-groups-table');
    expect(calls.find((c) => c.path.startsWith('/v1.0/groups?'))?.path).toContain("$filter=joinPolicy ne 'closed'");
    await user.click(within(table).getByRole('button', { name: 'Join group Open club' }));
    expect(await screen.findByText('You joined Open club.')).toBeTruthy();
    expect(calls.find((c) => c.path === '/v1.0/groups/g2/joinRequests')?.body).toEqual({ justification: null });

    await user.click(within(table).getByRole('button', { name: 'Request to join Design review' }));
    const dialog = await screen.findByRole('dialog', { name: 'Request to join Design review' });
    await user.type(within(dialog).getByRole('textbox', { name: /Reason for joining/ }), 'I review designs');
    await user.click(within(dialog).getByRole('button', { name: 'Send request' }));
    expect(await screen.findByText('Your request to join Design review was sent to its owners.')).toBeTruthy();
    expect(calls.find((c) => c.path === '/v1.0/groups/g3/joinRequests')?.body).toEqual({ justification: 'I review designs' });
  });

  it('creates a group with its membership requests choice when users may create security groups', async () => {
    const calls = fakeApi(
      base({
        'POST /v1.0/groups': { status: 201, body: group('g9', 'Book club', { joinPolicy: 'open' }) },
        'GET /v1.0/groups/g9': { body: group('g9', 'Book club', { joinPolicy: 'open' }) },
      }),
    );
    const user = userEvent.setup();
    renderAt('/mygroups');
    await user.click(await screen.findByRole('button', { name: 'New group' }));
    const dialog = await screen.findByRole('dialog', { name: 'New group' });
    await user.type(within(dialog).getByRole('textbox', { name: /Group name/ }), 'Book club');
    await user.click(within(dialog).getByRole('radio', { name: /^Open/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    const body = calls.find((c) => c.method === 'POST')?.body as Record<string, unknown>;
    expect(body).toMatchObject({ displayName: 'Book club', mailEnabled: false, securityEnabled: true, joinPolicy: 'open' });
    expect(String(body.mailNickname)).toMatch(/^Bookclub-[A-Za-z0-9]{8}$/);
  });

  it('offers no New group when users may not create security groups, nor the self-service tabs when it is off', async () => {
    fakeApi(
      base({
        'GET /v1.0/policies/groupManagementPolicy': {
          body: { ...POLICY, usersCanCreateSecurityGroups: false, selfServiceGroupManagementEnabled: false },
        },
      }),
    );
    renderAt('/mygroups');
    expect(await screen.findByTestId('groups-i-own')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'New group' })).toBeNull();
    expect(screen.queryByRole('tab', { name: 'Discover' })).toBeNull();
  });
});

describe('My Groups: a group page', () => {
  it("shows the group's owners, the apps it gives access to and a dynamic group's rule", async () => {
    fakeApi(
      base({
        'GET /v1.0/groups/g5': {
          body: group('g5', 'All guests', {
            groupTypes: ['DynamicMembership'],
            membershipRule: '(user.userType -eq "Guest")',
            membershipRuleProcessingState: 'On',
            joinPolicy: 'closed',
          }),
        },
        'GET /v1.0/me/memberOf': { body: { value: [group('g5', 'All guests')] } },
        'GET /v1.0/groups/g5/owners': {
          body: {
            value: [{ '@odata.type': '#microsoft.graph.user', id: 'o1', displayName: 'Olive Owner', mail: 'olive@contoso.com' }],
          },
        },
        'GET /v1.0/groups/g5/appRoleAssignments': {
          body: { value: [{ id: 'a1', resourceDisplayName: 'Partner portal', resourceId: 'sp1', principalId: 'g5' }] },
        },
        'GET /v1.0/groups/g5/members': { body: { value: [] } },
        'GET /v1.0/me/groupJoinRequests': { body: { value: [] } },
      }),
    );
    renderAt('/mygroups/g5');
    expect((await screen.findByTestId('group-owners')).textContent).toContain('Olive Owner');
    expect(screen.getByTestId('group-apps').textContent).toContain('Partner portal');
    expect(screen.getByTestId('membership-rule').textContent).toBe('(user.userType -eq "Guest")');
    expect((screen.getByRole('button', { name: 'Leave group' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('lets someone who is not a member ask to join', async () => {
    const calls = fakeApi(
      base({
        'GET /v1.0/me/ownedObjects': { body: { value: [] } },
        'GET /v1.0/groups/g6': { body: group('g6', 'Design review') },
        'GET /v1.0/groups/g6/owners': { body: { value: [] } },
        'GET /v1.0/groups/g6/appRoleAssignments': { body: { value: [] } },
        'GET /v1.0/groups/g6/members': { body: { value: [] } },
        'GET /v1.0/me/groupJoinRequests': { body: { value: [] } },
        'POST /v1.0/groups/g6/joinRequests': {
          status: 201,
          body: joinRequest('j6', { groupId: 'g6', groupDisplayName: 'Design review' }),
        },
      }),
    );
    const user = userEvent.setup();
    renderAt('/mygroups/g6');
    expect(await screen.findByText('Membership requests: Owner approval')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Request to join Design review' }));
    const dialog = await screen.findByRole('dialog', { name: 'Request to join Design review' });
    await user.click(within(dialog).getByRole('button', { name: 'Send request' }));
    await waitFor(() => expect(calls.some((c) => c.path === '/v1.0/groups/g6/joinRequests')).toBe(true));
  });
});
