import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { fakeApi, fakeDiscovery, fullWikiApp, profileHandlers, renderAt, renderWithMantine } from '../../test-utils';
import { SecretOnce } from './SecretOnce';

const GA = '62e90394-69f5-4237-9190-012177145e10';

const SP = fullWikiApp('oidc', ['https://grafana.example.com/login/generic_oauth'], {
  appDisplayName: 'Grafana',
  displayName: 'Grafana',
  tags: ['keep-me'],
  samlSettings: { nameIdFormat: 'emailAddress', signResponse: true, signAssertion: true, attributes: null },
});

describe('SecretOnce', () => {
  it('shows the value with a warning and a copy button, and forgets it when done', async () => {
    const done = vi.fn();
    renderWithMantine(<SecretOnce secret="s3cr3t-value" name="grafana" onDone={done} />);
    expect(screen.getByTestId('secret-value').textContent).toBe('s3cr3t-value');
    expect(screen.getByTestId('secret-warning').textContent).toMatch(/only time/);
    expect(screen.getByRole('button', { name: 'Copy secret value' })).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'I have copied it' }));
    expect(done).toHaveBeenCalledOnce();
  });
});

describe('Single sign-on blade (OIDC)', () => {
  it('creates a client secret, shows it once, and the list never shows the value again', async () => {
    let creds: unknown[] = [];
    const calls = fakeApi({
      ...profileHandlers([GA]),
      'GET /v1.0/servicePrincipals/sp1': () => ({ body: { ...SP, passwordCredentials: creds } }),
      'GET /v1.0/organization': { body: { value: [{ id: 'tenant-1' }] } },
      'POST /v1.0/servicePrincipals/sp1/addPassword': () => {
        const c = {
          keyId: 'k1',
          displayName: 'grafana',
          hint: 'abc',
          secretText: 'abcSECRET',
          endDateTime: '2027-01-01T00:00:00Z',
          startDateTime: '2026-01-01T00:00:00Z',
          customKeyIdentifier: null,
        };
        creds = [{ ...c, secretText: null }];
        return { body: c };
      },
    });
    fakeDiscovery();
    renderAt('/admin/applications/sp1/sso');
    expect((await screen.findByTestId('client-id')).textContent).toBe('app-1');
    await userEvent.click(screen.getByRole('button', { name: 'New client secret' }));
    await userEvent.type(await screen.findByRole('textbox', { name: 'Description' }), 'grafana');
    await userEvent.click(screen.getByRole('button', { name: 'Add' }));
    expect((await screen.findByTestId('secret-value')).textContent).toBe('abcSECRET');
    expect(calls.some((c) => c.method === 'POST' && c.path.endsWith('/addPassword'))).toBe(true);
    // The list (reloaded) shows the hint only.
    expect(await screen.findByText('abc…')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'I have copied it' }));
    expect(screen.queryByTestId('secret-value')).toBeNull();
    expect(screen.queryByText('abcSECRET')).toBeNull();
  });
});

describe('Properties blade', () => {
  it('hiding the app adds HideApp and keeps the other tags', async () => {
    const calls = fakeApi({
      ...profileHandlers([GA]),
      'GET /v1.0/servicePrincipals/sp1': { body: SP },
      'PATCH /v1.0/servicePrincipals/sp1': { status: 204 },
    });
    renderAt('/admin/applications/sp1/properties');
    await userEvent.click(await screen.findByRole('switch', { name: /Visible to users/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Changes saved.');
    const patch = calls.find((c) => c.method === 'PATCH');
    expect(patch?.body).toEqual({ tags: ['keep-me', 'HideApp'] });
  });

  it('shows the API refusal in its own words', async () => {
    fakeApi({
      ...profileHandlers([GA]),
      'GET /v1.0/servicePrincipals/sp1': { body: SP },
      'PATCH /v1.0/servicePrincipals/sp1': {
        status: 400,
        body: { error: { code: 'Request_BadRequest', message: 'displayName must be at most 256 characters.' } },
      },
    });
    renderAt('/admin/applications/sp1/properties');
    const name = await screen.findByRole('textbox', { name: /^Name/ });
    await userEvent.type(name, 'X');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByTestId('error-notice')).textContent).toMatch(/at most 256 characters/);
  });
});
