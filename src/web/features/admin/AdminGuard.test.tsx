import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '../../api/graph';
import { fakeApi, profileHandlers, renderAt } from '../../test-utils';

describe('admin center access', () => {
  it('tells people without an administrator role that they need one (Guest Inviter is not enough)', async () => {
    fakeApi(profileHandlers([ROLE_IDS.guestInviter]));
    renderAt('/admin/users');
    expect(await screen.findByRole('heading', { name: 'You need an administrator role' })).toBeTruthy();
    expect(within(screen.getByTestId('not-admin')).getByRole('link', { name: 'Go to My Apps' })).toBeTruthy();
  });

  it('treats a guest who may not read roles as a non-admin', async () => {
    fakeApi({
      'GET /v1.0/me': {
        body: { id: 'me', displayName: 'Gus Guest', userPrincipalName: 'gus#EXT#@contoso.com', userType: 'Guest' },
      },
      'GET /v1.0/roleManagement/directory/roleAssignments': {
        status: 403,
        body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } },
      },
    });
    renderAt('/admin');
    expect(await screen.findByTestId('not-admin')).toBeTruthy();
  });

  it('lets administrators in', async () => {
    fakeApi({ ...profileHandlers([ROLE_IDS.globalAdministrator]), 'GET /v1.0/organization': { body: { value: [] } } });
    renderAt('/admin');
    expect(await screen.findByRole('heading', { name: 'Admin center', level: 1 })).toBeTruthy();
    expect(screen.queryByTestId('not-admin')).toBeNull();
  });
});
