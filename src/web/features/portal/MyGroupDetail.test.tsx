import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { session } from '../../auth/session';
import { fakeApi, ME, profileHandlers, renderAt } from '../../test-utils';

afterEach(() => {
  vi.unstubAllGlobals();
  session.set(undefined);
});

const group = (groupTypes: string[]) => ({
  id: 'g1',
  displayName: 'App Guests',
  description: 'Partner app',
  groupTypes,
  membershipRule: groupTypes.length ? '(user.userType -eq "Guest")' : null,
  onPremisesSyncEnabled: null,
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

function api(groupTypes: string[], owned: boolean) {
  let members = [{ ...ME, '@odata.type': '#microsoft.graph.user' }];
  return fakeApi({
    ...profileHandlers([]),
    'GET /v1.0/groups/g1': { body: group(groupTypes) },
    'GET /v1.0/me/ownedObjects': { body: { value: owned ? [asGroup(group(groupTypes))] : [] } },
    'GET /v1.0/me/memberOf': { body: { value: [asGroup(group(groupTypes))] } },
    'GET /v1.0/groups/g1/members': () => ({ body: { value: members } }),
    'GET /v1.0/users': { body: { value: [bob] } },
    'POST /v1.0/groups/g1/members/$ref': () => {
      members = [...members, bob as never];
      return { status: 204 };
    },
  });
}

describe('My Groups: a group page', () => {
  it('lets the owner of an Assigned group add a member with +', async () => {
    const calls = api([], true);
    const user = userEvent.setup();
    renderAt('/mygroups/g1');
    await user.click(await screen.findByRole('button', { name: 'Add members' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add members' });
    await user.type(within(dialog).getByRole('searchbox', { name: /Search/ }), 'bob');
    await user.click(await within(dialog).findByRole('checkbox', { name: /Bob Partner/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(within(screen.getByTestId('members-table')).getByText('Bob Partner')).toBeTruthy());
    const search = calls.find((c) => c.path.startsWith('/v1.0/users?'));
    expect(search?.path).toContain('$search="displayName:bob" OR "mail:bob" OR "userPrincipalName:bob"');
    const add = calls.find((c) => c.method === 'POST');
    expect(add?.body).toEqual({ '@odata.id': `${window.location.origin}/v1.0/directoryObjects/bob` });
  });

  it('offers no + on a dynamic group, and says why', async () => {
    api(['DynamicMembership'], true);
    renderAt('/mygroups/g1');
    await screen.findByText(/decided by a rule/);
    expect(screen.queryByRole('button', { name: 'Add members' })).toBeNull();
  });

  it('lets a member who is not an owner see members and leave, but not add', async () => {
    api([], false);
    renderAt('/mygroups/g1');
    expect(await screen.findByRole('button', { name: 'Leave group' })).toBeTruthy();
    await screen.findByTestId('members-table');
    expect(screen.queryByRole('button', { name: 'Add members' })).toBeNull();
  });
});
