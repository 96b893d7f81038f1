// Helpers for component tests: a signed-in session, a scripted /v1.0, and the app's providers.
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { expect, vi } from 'vitest';
import { DEFAULT_SAML_SETTINGS } from '../contracts/applications';
import { ProfileProvider } from './app/profile';
import { routes } from './app/routes';
import { cssVariablesResolver, theme } from './app/theme';
import { session } from './auth/session';
import { ConfirmProvider } from './components/Confirm';

/** A session of the signed-in user `me`, valid for ten minutes. */
export function signIn() {
  session.set({
    accessToken: 'AT',
    idToken: 'ID',
    expiresAt: Date.now() + 600_000,
    obtainedAt: Date.now(),
    claims: { sub: 'me' },
  });
}

export interface Call {
  method: string;
  path: string;
  body: unknown;
}

type Handler = (call: Call) => { status?: number; body?: unknown } | undefined;

/**
 * Replaces fetch with `handlers` keyed by "METHOD /v1.0/path" (query string included when the key
 * has one, otherwise ignored). Unknown requests answer 404 in the Graph envelope. Returns the calls.
 */
export function fakeApi(handlers: Record<string, Handler | { status?: number; body?: unknown }>): Call[] {
  const calls: Call[] = [];
  signIn();
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const decoded = decodeURIComponent(url.replace(/\+/g, ' '));
    const call: Call = { method, path: decoded, body: init.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(call);
    const h = handlers[`${method} ${decoded}`] ?? handlers[`${method} ${decoded.split('?')[0]}`];
    const r = typeof h === 'function' ? h(call) : h;
    if (!r)
      return new Response(
        JSON.stringify({ error: { code: 'Request_ResourceNotFound', message: `no fake for ${method} ${decoded}` } }),
        { status: 404 },
      );
    return r.status === 204
      ? new Response(null, { status: 204 })
      : new Response(JSON.stringify(r.body ?? {}), { status: r.status ?? 200 });
  });
  return calls;
}

/** Adds the OpenID discovery document (which the single sign-on blade shows) to the fetch that fakeApi stubbed. */
export function fakeDiscovery() {
  const orig = globalThis.fetch;
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) =>
    url.endsWith('/.well-known/openid-configuration')
      ? new Response(JSON.stringify({ issuer: 'http://localhost', authorization_endpoint: 'x', token_endpoint: 'y' }), {
          status: 200,
        })
      : orig(url, init),
  );
}

export const ME = {
  id: 'me',
  displayName: 'Ada Admin',
  userPrincipalName: 'ada@contoso.com',
  mail: 'ada@contoso.com',
  userType: 'Member',
  accountEnabled: true,
};

/** An enterprise application "Wiki" (sp1) as its blades read it, self-service off; `extra` replaces fields. */
export const wikiApp = (extra: Record<string, unknown> = {}) => ({
  id: 'sp1',
  appId: 'app-1',
  displayName: 'Wiki',
  appRoles: [],
  tags: [],
  selfServiceAccess: { enabled: false, groupId: null, requireApproval: false, approverIds: [], appRoleId: null },
  ...extra,
});

/**
 * wikiApp with every field of a servicePrincipal, as the admin center's blades read it: its
 * single sign-on mode and reply URLs, and `extra` replacing fields.
 */
export const fullWikiApp = (preferredSingleSignOnMode: string, replyUrls: string[], extra: Record<string, unknown> = {}) =>
  wikiApp({
    preferredSingleSignOnMode,
    replyUrls,
    appDisplayName: 'Wiki',
    description: null,
    notes: null,
    homepage: null,
    loginUrl: null,
    logoutUrl: null,
    appRoleAssignmentRequired: true,
    oauth2PermissionScopes: [],
    accountEnabled: true,
    info: { logoUrl: null },
    servicePrincipalNames: ['app-1'],
    samlSingleSignOnSettings: { relayState: null },
    samlSettings: DEFAULT_SAML_SETTINGS,
    servicePrincipalType: 'Application',
    signInAudience: 'AzureADMyOrg',
    applicationTemplateId: null,
    keyCredentials: [],
    passwordCredentials: [],
    createdDateTime: '2026-01-01T00:00:00Z',
    ...extra,
  });

/** The time and the (empty) decision of a request that nobody decided yet. */
export const UNDECIDED = {
  createdDateTime: '2025-01-02T03:04:05.000Z',
  decidedById: null,
  decidedByDisplayName: null,
  decidedDateTime: null,
  decisionReason: null,
};

/** Handlers for the profile: /me and the signed-in user's role assignments. */
export const profileHandlers = (roleIds: string[]) => ({
  'GET /v1.0/me': { body: ME },
  'GET /v1.0/roleManagement/directory/roleAssignments': {
    body: { value: roleIds.map((r, i) => ({ id: `a${i}`, principalId: 'me', roleDefinitionId: r, directoryScopeId: '/' })) },
  },
});

/**
 * Renders `path`, checks that the table `testId` shows `shows`, presses the row button named
 * `button` and returns the dialog that opens (named `dialog`), with the user that pressed.
 */
export async function openRowDialog(path: string, table: { testId: string; shows: string }, button: string, dialog: string) {
  const user = userEvent.setup();
  renderAt(path);
  const rows = await screen.findByTestId(table.testId);
  expect(within(rows).getByText(table.shows)).toBeTruthy();
  await user.click(within(rows).getByRole('button', { name: button }));
  return { user, dialog: await screen.findByRole('dialog', { name: dialog }) };
}

/** Renders the whole route tree at `path`, as a signed-in user. */
export function renderAt(path: string) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  return render(
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
      <Notifications />
      <ProfileProvider>
        <ConfirmProvider>
          <RouterProvider router={router} />
        </ConfirmProvider>
      </ProfileProvider>
    </MantineProvider>,
  );
}

export function renderWithMantine(ui: ReactElement) {
  return render(
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
      {ui}
    </MantineProvider>,
  );
}
