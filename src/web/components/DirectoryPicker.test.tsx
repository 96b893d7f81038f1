import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { fakeApi, renderWithMantine } from '../test-utils';
import { DirectoryPicker, type DirectoryPickerProps, type Picked } from './DirectoryPicker';

const group = (id: string, displayName: string, groupTypes: string[] = []) => ({
  id,
  displayName,
  groupTypes,
  onPremisesSyncEnabled: null,
});

function Harness(props: Omit<DirectoryPickerProps, 'value' | 'onChange'>) {
  const [value, setValue] = useState<Picked[]>([]);
  return (
    <>
      <DirectoryPicker {...props} value={value} onChange={setValue} />
      <output data-testid="picked">{value.map((p) => p.displayName).join(',')}</output>
    </>
  );
}

describe('DirectoryPicker', () => {
  it('offers only groups whose members can be added by hand, and says why a dynamic one cannot', async () => {
    fakeApi({
      'GET /v1.0/groups': { body: { value: [group('g1', 'App Guests'), group('g2', 'All Guests', ['DynamicMembership'])] } },
    });
    const user = userEvent.setup();
    renderWithMantine(<Harness kind="groups" label="Add to groups" membershipGroupsOnly max={20} />);
    await user.type(screen.getByTestId('group-search'), 'guests');
    const results = await screen.findByRole('group', { name: 'Search results' });
    expect(within(results).getByRole('checkbox', { name: /All Guests/ })).toHaveProperty('disabled', true);
    expect(within(results).getByText("Dynamic: can't add")).toBeTruthy();
    await user.click(within(results).getByRole('checkbox', { name: /App Guests/ }));
    expect(screen.getByTestId('picked').textContent).toBe('App Guests');
    expect(screen.getByLabelText('Selected groups').textContent).toContain('1 / 20');
  });

  it('with max 1, picking another entry replaces the first', async () => {
    fakeApi({ 'GET /v1.0/groups': { body: { value: [group('g1', 'Sales'), group('g2', 'Support')] } } });
    const user = userEvent.setup();
    renderWithMantine(<Harness kind="groups" label="Group" max={1} />);
    await user.type(screen.getByTestId('group-search'), 's');
    await user.click(await screen.findByRole('checkbox', { name: /Sales/ }));
    await user.click(screen.getByRole('checkbox', { name: /Support/ }));
    expect(screen.getByTestId('picked').textContent).toBe('Support');
  });

  it('searches people by name, e-mail and sign-in name, and shows who is already there', async () => {
    const calls = fakeApi({
      'GET /v1.0/users': {
        body: {
          value: [
            {
              id: 'u1',
              displayName: 'Ann Lee',
              mail: 'ann@contoso.com',
              userPrincipalName: 'ann@contoso.com',
              userType: 'Member',
            },
            { id: 'u2', displayName: 'Ann Guest', mail: 'ann@fabrikam.com', userPrincipalName: 'x', userType: 'Guest' },
          ],
        },
      },
    });
    const user = userEvent.setup();
    renderWithMantine(<Harness kind="users" label="Search" excludeIds={new Set(['u1'])} excludedLabel="Owner" />);
    await user.type(screen.getByTestId('people-search'), 'ann');
    const results = await screen.findByRole('group', { name: 'Search results' });
    expect(within(results).getByRole('checkbox', { name: /Ann Lee/ })).toHaveProperty('disabled', true);
    expect(within(results).getByText('Owner')).toBeTruthy();
    expect(within(results).getByText('Guest')).toBeTruthy();
    const search = calls.find((c) => c.path.startsWith('/v1.0/users?'));
    expect(search?.path).toContain('$search="displayName:ann" OR "mail:ann" OR "userPrincipalName:ann"');
  });
});
