import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '../../api/graph';
import { fakeApi, profileHandlers, renderAt } from '../../test-utils';

const policy = {
  id: 'groupManagementPolicy',
  selfServiceGroupManagementEnabled: false,
  restrictGroupsFeaturesInMyGroups: false,
  usersCanCreateSecurityGroups: true,
  usersCanCreateMicrosoft365Groups: true,
};

describe('Groups → Settings → General', () => {
  it('saves only the changed setting, after confirmation', async () => {
    const calls = fakeApi({
      ...profileHandlers([ROLE_IDS.globalAdministrator]),
      'GET /v1.0/policies/groupManagementPolicy': { body: policy },
      'PATCH /v1.0/policies/groupManagementPolicy': { status: 204 },
    });
    const user = userEvent.setup();
    renderAt('/admin/groups/settings');
    const setting = await screen.findByRole('radiogroup', { name: 'Owners can manage group membership requests in My Groups' });
    const save = screen.getByRole('button', { name: 'Save' });
    expect((save as HTMLButtonElement).disabled).toBe(true);
    await user.click(within(setting).getByRole('radio', { name: 'Yes' }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const dialog = await screen.findByRole('dialog');
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await screen.findByText('Group settings saved.');
    const patch = calls.find((c) => c.method === 'PATCH');
    expect(patch?.body).toEqual({ selfServiceGroupManagementEnabled: true });
  });

  it('shows a refusal from the API in plain words', async () => {
    fakeApi({
      ...profileHandlers([ROLE_IDS.globalAdministrator]),
      'GET /v1.0/policies/groupManagementPolicy': { body: policy },
      'PATCH /v1.0/policies/groupManagementPolicy': {
        status: 403,
        body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } },
      },
    });
    const user = userEvent.setup();
    renderAt('/admin/groups/settings');
    const setting = await screen.findByRole('radiogroup', {
      name: 'Restrict user ability to access groups features in My Groups',
    });
    await user.click(within(setting).getByRole('radio', { name: 'Yes' }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(screen.getByTestId('error-notice').textContent).toBe(
        "You don't have permission to do this. Ask an administrator if you need access.",
      ),
    );
  });
});
