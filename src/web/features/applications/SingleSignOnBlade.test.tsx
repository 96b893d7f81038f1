import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SAML_SETTINGS } from '../../../contracts/applications';
import { fakeApi, fakeDiscovery, fullWikiApp, profileHandlers, renderAt } from '../../test-utils';

const GA = '62e90394-69f5-4237-9190-012177145e10';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';

const samlApp = (samlSettings: Record<string, unknown>) =>
  fullWikiApp('saml', ['https://wiki.example.com/saml/acs'], {
    servicePrincipalNames: ['app-1', 'https://wiki.example.com/saml'],
    samlSettings: { ...DEFAULT_SAML_SETTINGS, ...samlSettings },
  });

function setup(samlSettings: Record<string, unknown> = {}) {
  const calls = fakeApi({
    ...profileHandlers([GA]),
    'GET /v1.0/servicePrincipals/sp1': { body: samlApp(samlSettings) },
    'GET /v1.0/organization': { body: { value: [{ id: 'tenant-1' }] } },
    'PATCH /v1.0/servicePrincipals/sp1': { status: 204 },
  });
  fakeDiscovery();
  renderAt('/admin/applications/sp1/sso');
  return calls;
}

describe('Single sign-on blade (SAML): verification certificates', () => {
  it('requiring signed requests needs a certificate; an uploaded PEM is sent with the setting', async () => {
    const calls = setup();
    const card = await screen.findByRole('form', { name: 'Verification certificates' });
    expect(within(card).getByText('No verification certificate.')).toBeTruthy();
    await userEvent.click(within(card).getByRole('switch', { name: /Require verification certificates/ }));
    await userEvent.click(within(card).getByRole('button', { name: 'Save verification settings' }));
    expect(await within(card).findByText(/Upload the certificate the application signs its requests with/)).toBeTruthy();
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);

    const input = card.querySelector('input[type="file"]') as HTMLInputElement;
    await userEvent.upload(input, new File([PEM], 'wiki-sp.pem', { type: 'application/x-pem-file' }));
    expect(await within(card).findByText('wiki-sp.pem (checked when you save)')).toBeTruthy();
    await userEvent.click(within(card).getByRole('button', { name: 'Save verification settings' }));
    await screen.findByText('Verification certificates saved.');
    const patch = calls.find((c) => c.method === 'PATCH');
    expect(patch?.body).toEqual({ samlSettings: { requireSignedRequests: true, verificationCertificates: [PEM] } });
  });

  it('lists the certificates; removing one and switching the requirement off saves the rest', async () => {
    const cert = (n: string) => ({
      certificate: `DER${n}`,
      thumbprint: `THUMB${n}`,
      subject: `CN=sp${n}.example.com`,
      startDateTime: '2026-01-01T00:00:00Z',
      endDateTime: '2029-01-01T00:00:00Z',
    });
    const calls = setup({ requireSignedRequests: true, verificationCertificates: [cert('1'), cert('2')] });
    const table = await screen.findByTestId('verification-certificates');
    expect(within(table).getByText('CN=sp1.example.com')).toBeTruthy();
    expect(within(table).getByText('THUMB2')).toBeTruthy();
    const row = within(table).getByText('CN=sp1.example.com').closest('tr') as HTMLElement;
    await userEvent.click(within(row).getByRole('button', { name: 'Remove' }));
    await userEvent.click(screen.getByRole('switch', { name: /Require verification certificates/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Save verification settings' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({
      samlSettings: { requireSignedRequests: false, verificationCertificates: ['DER2'] },
    });
  });
});

describe('Single sign-on blade (SAML): single logout', () => {
  it("shows the IdP's logout URL and saves the application's Logout Url, refusing one that is not a URL", async () => {
    const calls = setup();
    expect(await screen.findByTestId('saml-logout-url')).toBeTruthy();
    const card = await screen.findByRole('form', { name: 'Basic SAML Configuration' });
    const field = within(card).getByLabelText(/Logout Url/);
    await userEvent.click(field);
    await userEvent.paste('not a url');
    await userEvent.click(within(card).getByRole('button', { name: /Save/ }));
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);
    await userEvent.clear(field);
    await userEvent.paste('https://wiki.example.com/saml/slo');
    await userEvent.click(within(card).getByRole('button', { name: /Save/ }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));
    expect((calls.find((c) => c.method === 'PATCH')?.body as { logoutUrl?: unknown }).logoutUrl).toBe(
      'https://wiki.example.com/saml/slo',
    );
  });
});
