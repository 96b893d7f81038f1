import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '../../api/graph';
import { fakeApi, profileHandlers, renderAt } from '../../test-utils';

const handlers = (invitationDomains: { mode: string; domains: string[] }, allowedRedirectHosts: string[] = []) => ({
  ...profileHandlers([ROLE_IDS.globalAdministrator]),
  'GET /v1.0/policies/authorizationPolicy': {
    body: {
      id: 'authorizationPolicy',
      allowInvitesFrom: 'adminsAndGuestInviters',
      guestUserRoleId: '10dae51f-b6af-4016-8d66-8c2a99b929b3',
    },
  },
  'GET /v1.0/policies/b2bManagementPolicies/default': {
    body: { id: 'default', displayName: 'B2B', definition: [], invitationDomains, allowedRedirectHosts },
  },
  'PATCH /v1.0/policies/b2bManagementPolicies/default': { status: 204 },
});

function open(...policy: Parameters<typeof handlers>) {
  const calls = fakeApi(handlers(...policy));
  const user = userEvent.setup();
  renderAt('/admin/external-collaboration');
  return { calls, user };
}

/** Confirms the dialog that a Save opened (it `says` what changes), then waits for the notice. */
async function confirmSave(user: ReturnType<typeof userEvent.setup>, says: string, notice: string) {
  const dialog = await screen.findByRole('dialog');
  expect(dialog.textContent).toContain(says);
  await user.click(within(dialog).getByRole('button', { name: 'Save' }));
  await screen.findByText(notice);
}

describe('External collaboration settings → Collaboration restrictions', () => {
  it('saves a deny list typed one domain per line, after confirmation', async () => {
    const { calls, user } = open({ mode: 'allowAll', domains: [] });
    const group = await screen.findByRole('radiogroup', { name: 'Collaboration restrictions' });
    expect((within(group).getByRole('radio', { name: /any domain \(most inclusive\)/ }) as HTMLInputElement).checked).toBe(true);
    await user.click(within(group).getByRole('radio', { name: 'Deny invitations to the specified domains' }));
    await user.type(screen.getByRole('textbox', { name: /Target domains/ }), 'Gmail.com{Enter}@live.com{Enter}gmail.com');
    await user.click(screen.getByRole('button', { name: 'Save restrictions' }));
    await confirmSave(user, 'Invitations to 2 domains', 'Collaboration restrictions saved.');
    const patch = calls.find((c) => c.method === 'PATCH');
    expect(patch?.body).toEqual({ invitationDomains: { mode: 'denyList', domains: ['gmail.com', 'live.com'] } });
  });

  it('says that switching the list type discards the other list, and refuses entries that are not domains', async () => {
    const { calls, user } = open({ mode: 'denyList', domains: ['gmail.com', 'live.com'] });
    const group = await screen.findByRole('radiogroup', { name: 'Collaboration restrictions' });
    expect((screen.getByRole('textbox', { name: /Target domains/ }) as HTMLTextAreaElement).value).toBe('gmail.com\nlive.com');
    await user.click(within(group).getByRole('radio', { name: /Allow invitations only to the specified domains/ }));
    expect(screen.getByTestId('restrictions-discard-warning').textContent).toMatch(
      /discards the current deny list \(2 domains\)/,
    );
    const box = screen.getByRole('textbox', { name: /Target domains/ });
    expect((box as HTMLTextAreaElement).value).toBe('');
    await user.type(box, 'fabrikam.com{Enter}not_a_domain');
    await user.click(screen.getByRole('button', { name: 'Save restrictions' }));
    await waitFor(() => expect(screen.getByText(/Not a domain name: not_a_domain/)).toBeTruthy());
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);
  });

  it('saves the allowed redirect hosts typed one per line, normalized, after confirmation', async () => {
    const { calls, user } = open({ mode: 'allowAll', domains: [] });
    const box = await screen.findByRole('textbox', { name: /Allowed redirect hosts/ });
    expect(screen.getByText('Invitations may redirect to any address.')).toBeTruthy();
    await user.type(box, 'Apps.Contoso.com{Enter}*.partner.example{Enter}apps.contoso.com');
    await user.click(screen.getByRole('button', { name: 'Save redirect hosts' }));
    await confirmSave(user, 'only redirect guests to 2 hosts', 'Invitation redirect URLs saved.');
    const patch = calls.find((c) => c.method === 'PATCH');
    expect(patch?.body).toEqual({ allowedRedirectHosts: ['apps.contoso.com', '*.partner.example'] });
  });

  it('refuses entries that are not host names, and clearing the list allows any address again', async () => {
    const { calls, user } = open({ mode: 'allowAll', domains: [] }, ['apps.contoso.com']);
    const box = await screen.findByRole('textbox', { name: /Allowed redirect hosts/ });
    expect((box as HTMLTextAreaElement).value).toBe('apps.contoso.com');
    await user.type(box, '{Enter}https://evil.example/x');
    await user.click(screen.getByRole('button', { name: 'Save redirect hosts' }));
    await waitFor(() => expect(screen.getByText(/Not a host name: https:\/\/evil.example\/x/)).toBeTruthy());
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);

    await user.clear(box);
    await user.click(screen.getByRole('button', { name: 'Save redirect hosts' }));
    await confirmSave(user, 'any address', 'Invitation redirect URLs saved.');
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ allowedRedirectHosts: [] });
  });
});
