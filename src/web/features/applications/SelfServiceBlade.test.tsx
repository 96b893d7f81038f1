import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '../../api/graph';
import { fakeApi, profileHandlers, renderAt, wikiApp } from '../../test-utils';

const SP = wikiApp({
  appRoleAssignmentRequired: false,
  selfServiceAccess: { enabled: true, groupId: null, requireApproval: true, approverIds: [], appRoleId: null },
});

describe('Enterprise applications → Self-service', () => {
  it('creates a new group for the application and shows it as the chosen group; says the app is open to everyone', async () => {
    const calls = fakeApi({
      ...profileHandlers([ROLE_IDS.globalAdministrator]),
      'GET /v1.0/servicePrincipals/sp1': { body: SP },
      'POST /v1.0/servicePrincipals/sp1/selfServiceGroup': {
        status: 201,
        body: { id: 'g9', displayName: 'Wiki readers', groupTypes: [], joinPolicy: 'closed' },
      },
    });
    const user = userEvent.setup();
    renderAt('/admin/applications/sp1/self-service');
    expect(await screen.findByTestId('self-service-open-app')).toBeTruthy();
    expect(screen.queryByText(/arrive in a later version/)).toBeNull();
    await user.click(screen.getByTestId('new-self-service-group'));
    const name = screen.getByRole('textbox', { name: /New group name/ });
    expect((name as HTMLInputElement).value).toBe('Wiki users');
    await user.clear(name);
    await user.type(name, 'Wiki readers');
    await user.click(screen.getByRole('button', { name: 'Create group' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ displayName: 'Wiki readers', approverIds: [] });
    const form = screen.getByRole('form', { name: 'Self-service' });
    expect(await within(form).findByText('Wiki readers')).toBeTruthy();
  });
});
