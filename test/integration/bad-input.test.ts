import type { LightMyRequestResponse } from 'fastify';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_UPN_LENGTH } from '../../src/contracts/users.js';
import { systemContext } from '../../src/server/domain/context.js';
import { classifyError } from '../../src/server/http/errors.js';
import { KyselyOidcAdapter } from '../../src/server/protocols/oidc/adapter.js';
import { buildTestApp, dialect, type TestApp } from '../helpers/app.js';
import {
  type browser,
  finishAuthorization,
  freePort,
  parseSignInForm,
  SPA_CALLBACK,
  startAuthorization,
  submitCredentials,
} from '../helpers/oidc.js';
import { invite, textOf } from '../helpers/redeem.js';
import { createSamlApp } from '../helpers/saml-sp.js';

// Bad input gets a clear 4xx in the form of the surface that received it, never a 500: text
// PostgreSQL refuses (NUL, unpaired surrogates), a browser session of a since-disabled user, an
// https deployment reached without X-Forwarded-Proto, and guests whose UPN is longer than 113.

let t: TestApp;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await buildTestApp({ env: { PORTICO_PUBLIC_URL: base, PORTICO_OUTBOX_WORKER: 'off' } });
  await t.app.listen({ port, host: '127.0.0.1' });
});

afterAll(async () => {
  await t?.close();
});

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** 400 Graph envelope with the catalogue code request_text_invalid. */
function expectRefusedText(res: LightMyRequestResponse, target?: string) {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const e = (res.json() as { error: { code: string; target?: string; details: { code: string }[] } }).error;
  expect(e.code).toBe('Request_BadRequest');
  expect(e.details[0]?.code).toBe('request_text_invalid');
  if (target !== undefined) expect(e.target).toBe(target);
}

/** 400 HTML page with the sentence for people and the request id. */
function expectRefusedTextPage(res: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  expect(res.statusCode, res.body).toBe(400);
  expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
  expect(textOf(res.body)).toContain('contains characters that are not allowed, such as a NUL character');
  expect(res.body).toContain(String(res.headers['request-id']));
}

/** 400 RFC 6749 JSON. */
function expectOAuthRefusal(res: LightMyRequestResponse) {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.json()).toMatchObject({ error: 'invalid_request' });
}

describe('a NUL character or an unpaired surrogate never reaches the database', () => {
  it('Graph: in $filter, $search, path segments and JSON bodies (property named in target)', async () => {
    const token = t.admin.token;
    const filter = encodeURIComponent("displayName eq 'a\u0000b'");
    expectRefusedText(await t.call('GET', `/v1.0/users?$filter=${filter}`, { token }), '$filter');
    expectRefusedText(
      await t.call('GET', `/v1.0/groups?$search=${encodeURIComponent('"displayName:x\u0000"')}`, {
        token,
        headers: { consistencylevel: 'eventual' },
      }),
      '$search',
    );
    for (const path of [
      '/v1.0/users/a%00b',
      '/v1.0/users/a%00b%40contoso.test',
      '/v1.0/groups/%00',
      '/v1.0/servicePrincipals/x%00',
    ]) {
      expectRefusedText(await t.call('GET', path, { token }));
    }
    expectRefusedText(
      await t.call('PATCH', `/v1.0/users/${t.admin.user.id}`, { token, body: { jobTitle: 'Boss\u0000' } }),
      'jobTitle',
    );
    expectRefusedText(
      await t.call('POST', '/v1.0/users', {
        token,
        body: {
          displayName: 'Nul',
          userPrincipalName: 'nul@contoso.test',
          passwordProfile: { password: 'Correct-Horse-9\u0000' },
        },
      }),
      'passwordProfile.password',
    );
    // JSON escapes can carry an unpaired surrogate (no UTF-8 byte sequence can).
    const lone = await t.app.inject({
      method: 'POST',
      url: '/v1.0/groups',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: '{"displayName":"Half \\ud800 pair","mailNickname":"half","mailEnabled":false,"securityEnabled":true}',
    });
    expectRefusedText(lone, 'displayName');
    const key = await t.app.inject({
      method: 'POST',
      url: '/v1.0/invitations',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: '{"invitedUserEmailAddress":"a@fabrikam.example","inviteRedirectUrl":"https://x.example","a\\u0000":1}',
    });
    expectRefusedText(key);
    // Unknown paths are refused the same way.
    expectRefusedText(await t.call('GET', '/v1.0/nothing%00here', { token }));
  });

  it('sign-in forms: the login name, password and passcode fields get the page with a sentence', async () => {
    const { user } = await t.createUser();
    const flow = await startAuthorization(t);
    const f = parseSignInForm(flow.html, flow.loginUrl);
    const attempts: Record<string, string>[] = [
      { login: `${user.userPrincipalName}\u0000`, password: 'x' },
      { login: user.userPrincipalName, password: 'Correct-Horse-9\u0000' },
      { login: 'guest\u0000@fabrikam.example', step: 'identify' },
      { login: user.userPrincipalName, step: 'otp', otp: '1234\u00005678' },
    ];
    for (const fields of attempts) {
      const res = await flow.b.postForm(f.action, { ...f.fields, ...fields });
      expectRefusedTextPage({ statusCode: res.status, headers: Object.fromEntries(res.headers), body: await res.text() });
    }
    // The interaction is still usable: the right password signs in.
    const ok = await submitCredentials(flow, user.userPrincipalName, 'Correct-Horse-9');
    const tokens = await finishAuthorization(flow, ok);
    expect(tokens.claims()?.sub).toBe(user.id);
  });

  it('redeem links, SAML requests and the unsubscribe page: an HTML page', async () => {
    expectRefusedTextPage(await t.app.inject({ method: 'GET', url: `/redeem/${t.admin.user.id}?ticket=abc%00def` }));
    expectRefusedTextPage(await t.app.inject({ method: 'GET', url: `/${t.tenant.id}/saml2?SAMLRequest=x%00&RelayState=r` }));
    expectRefusedTextPage(
      await t.app.inject({
        method: 'POST',
        url: `/${t.tenant.id}/saml2`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ SAMLRequest: 'PHNhbWw+', RelayState: 'state\u0000' }),
      }),
    );
    expectRefusedTextPage(
      await t.app.inject({
        method: 'POST',
        url: '/invitations/unsubscribe',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ tenant: t.tenant.id, email: 'a\u0000@b.example', sig: 'x'.repeat(20) }),
      }),
    );
  });

  it('OAuth endpoints: client id, redirect URI and code in the query, the form or Basic credentials are RFC 6749 errors', async () => {
    const cb = encodeURIComponent(SPA_CALLBACK(t));
    expectOAuthRefusal(
      await t.app.inject({
        method: 'GET',
        url: `/oauth2/v2.0/authorize?client_id=a%00b&response_type=code&scope=openid&redirect_uri=${cb}`,
      }),
    );
    expectOAuthRefusal(
      await t.app.inject({
        method: 'GET',
        url: `/oauth2/v2.0/authorize?client_id=portico-spa&response_type=code&scope=openid&redirect_uri=${cb}%00`,
      }),
    );
    const token = (payload: string, headers: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url: '/oauth2/v2.0/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload,
      });
    expectOAuthRefusal(await token(form({ grant_type: 'client_credentials', client_id: 'a\u0000b', client_secret: 'x' })));
    expectOAuthRefusal(
      await token(
        form({
          grant_type: 'authorization_code',
          client_id: 'portico-spa',
          code: 'a\u0000b',
          redirect_uri: SPA_CALLBACK(t),
          code_verifier: 'v'.repeat(43),
        }),
      ),
    );
    const basic = Buffer.from('app%00id:secret').toString('base64');
    expectOAuthRefusal(await token(form({ grant_type: 'client_credentials' }), { authorization: `Basic ${basic}` }));
    // The revocation endpoint (also client-authenticating) and the logout form alike.
    expectOAuthRefusal(
      await t.app.inject({
        method: 'POST',
        url: '/oauth2/v2.0/logout',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ id_token_hint: 'x\u0000' }),
      }),
    );
  });

  it('what slips past the guard: the database refusal is a 400, and the OIDC storage never sees it', async () => {
    const { users } = t.app.portico.services;
    const outcome = await users.findUser(t.tenant.id, 'a\u0000b').then(
      (u) => ({ ok: true as const, u }),
      (err: unknown) => ({ ok: false as const, err }),
    );
    if (dialect === 'postgres') {
      // PostgreSQL refuses the parameter itself (SQLSTATE 22021): classified as the client's fault.
      expect(outcome.ok).toBe(false);
      expect(classifyError(outcome.ok ? undefined : outcome.err)).toMatchObject({ status: 400, code: 'request_text_invalid' });
    } else {
      expect(outcome).toEqual({ ok: true, u: undefined });
    }
    // oidc-provider turns storage errors into 500s of its own: its storage answers "not found".
    for (const model of ['AuthorizationCode', 'Session', 'Interaction', 'Client']) {
      const adapter = new KyselyOidcAdapter(t.database.db, t.tenant.id, model, async () => ({ client_id: 'x' }), {
        revokeNow: async () => {},
      });
      expect(await adapter.find('a\u0000b')).toBeUndefined();
      expect(await adapter.findByUid('a\u0000b')).toBeUndefined();
    }
  });
});

describe('a browser whose session belongs to a since-disabled (or deleted) user', () => {
  async function signedInBrowser() {
    const { user } = await t.createUser();
    const flow = await startAuthorization(t);
    await finishAuthorization(flow, await submitCredentials(flow, user.userPrincipalName, 'Correct-Horse-9'));
    return { user, flow };
  }

  const authorize = async (flow: Awaited<ReturnType<typeof startAuthorization>>, extra: Record<string, string> = {}) => {
    const url = client.buildAuthorizationUrl(flow.cfg, {
      redirect_uri: SPA_CALLBACK(t),
      scope: 'openid profile',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state: client.randomState(),
      ...extra,
    });
    return flow.b.get(url.href);
  };

  it('gets the sign-in page (disabling revoked the session), it stays ended, and another account can sign in', async () => {
    const { user, flow } = await signedInBrowser();
    // Signed in: a new authorization request completes without any page.
    const silent = await authorize(flow);
    expect(silent.status).toBe(303);
    expect(silent.headers.get('location')).toContain('/auth/callback?code=');

    await t.app.portico.services.users.updateUser(systemContext(t.tenant.id, 'test'), user.id, { accountEnabled: false });
    const res = await authorize(flow);
    expect(res.status, await res.clone().text()).toBe(303);
    const loginUrl = new URL(res.headers.get('location') ?? '', base).href;
    expect(loginUrl).toContain('/login/');
    const page = await flow.b.get(loginUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    // Disabling the account revoked its sessions (security issue, item 2): a plain new sign-in.
    expect(html).toContain('name="login"');

    // The stale sign-in is gone: enabling the account again does not bring the session back.
    await t.app.portico.services.users.updateUser(systemContext(t.tenant.id, 'test'), user.id, { accountEnabled: true });
    const again = await authorize(flow, { prompt: 'none' });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toContain('error=login_required');

    // No loop: another account signs in from the same browser.
    const other = await t.createUser();
    const next = await startAuthorizationIn(flow.b);
    const ok = await submitCredentials(next, other.user.userPrincipalName, 'Correct-Horse-9');
    const tokens = await finishAuthorization(next, ok);
    expect(tokens.claims()?.sub).toBe(other.user.id);
  });

  it('a deleted account: the sign-in page says why, then prompt=none gets login_required (not a 500)', async () => {
    const { user, flow } = await signedInBrowser();
    const del = await t.call('DELETE', `/v1.0/users/${user.id}`, { token: t.admin.token });
    expect(del.statusCode).toBe(204);
    const shown = await authorize(flow);
    expect(shown.status, await shown.clone().text()).toBe(303);
    const page = await flow.b.get(new URL(shown.headers.get('location') ?? '', base).href);
    expect(page.status).toBe(200);
    expect(textOf(await page.text())).toContain(
      'You were signed out because your account is disabled or no longer exists, or its sessions were ended.',
    );
    const res = await authorize(flow, { prompt: 'none' });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location') ?? '', base);
    expect(location.pathname).toBe('/auth/callback');
    expect(location.searchParams.get('error')).toBe('login_required');
  });

  /** A new authorization request in an existing browser, followed to the sign-in page. */
  async function startAuthorizationIn(b: ReturnType<typeof browser>) {
    const cfg = await client.discovery(new URL(base), 'portico-spa', undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(cfg, {
      redirect_uri: SPA_CALLBACK(t),
      scope: 'openid profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const first = await b.get(url.href);
    expect(first.status).toBe(303);
    const loginUrl = new URL(first.headers.get('location') ?? '', url).href;
    const page = await b.get(loginUrl);
    return { cfg, b, verifier, state, nonce, loginUrl, page, html: await page.text() };
  }
});

describe('an https deployment behind a trusted proxy', () => {
  let h: TestApp;
  beforeAll(async () => {
    h = await buildTestApp({
      env: { PORTICO_PUBLIC_URL: 'https://id.contoso.test', PORTICO_TRUST_PROXY: 'true', PORTICO_OUTBOX_WORKER: 'off' },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const authorizeUrl =
    '/oauth2/v2.0/authorize?client_id=portico-spa&response_type=code&scope=openid' +
    `&redirect_uri=${encodeURIComponent('https://id.contoso.test/auth/callback')}` +
    '&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256';

  it('answers the authorization request with Secure cookies when the proxy says https', async () => {
    const res = await h.app.inject({ method: 'GET', url: authorizeUrl, headers: { 'x-forwarded-proto': 'https' } });
    expect(res.statusCode).toBe(303);
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    expect(cookies.length).toBeGreaterThan(0);
    for (const c of cookies) expect(c).toMatch(/;\s*secure/i);
  });

  it('refuses plainly (400 https_required), never 500, without X-Forwarded-Proto: https', async () => {
    for (const headers of [{}, { 'x-forwarded-proto': 'http' }, { 'x-forwarded-proto': 'http, https' }]) {
      const res = await h.app.inject({ method: 'GET', url: authorizeUrl, headers });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ error: 'invalid_request' });
      expect(res.json().error_description).toContain('X-Forwarded-Proto: https');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const logout = await h.app.inject({ method: 'GET', url: '/oauth2/v2.0/logout' });
    expect(logout.statusCode).toBe(400);
    // Endpoints that set no cookies keep working (clients inside the network may call them directly).
    const discovery = await h.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' });
    expect(discovery.statusCode).toBe(200);
  });
});

describe('guests whose user principal name is longer than 113 characters', () => {
  it('are found, updated and deleted by UPN, as Graph addresses users', async () => {
    // 119 characters: the case reported; 272: the longest address (254) in this tenant's domain.
    const emails = [
      'alexandra.konstantinopoulou-papadimitriou@research-development.subsidiary.fabrikam-industries.example',
      `${'l'.repeat(64)}@${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(59)}.example`,
    ];
    for (const email of emails) {
      const inv = await invite(t, email, { send: false });
      const byId = await t.call('GET', `/v1.0/users/${inv.invitedUser.id}`, { token: t.admin.token });
      const upn = (byId.json() as { userPrincipalName: string }).userPrincipalName;
      expect(upn.length).toBeGreaterThanOrEqual(119);
      expect(upn.length).toBeLessThanOrEqual(MAX_UPN_LENGTH);
      const key = encodeURIComponent(upn);
      const token = t.admin.token;

      const got = await t.call('GET', `/v1.0/users/${key}`, { token });
      expect(got.statusCode, got.body).toBe(200);
      expect(got.json()).toMatchObject({ id: inv.invitedUser.id, userPrincipalName: upn });
      for (const rel of ['memberOf', 'transitiveMemberOf', 'ownedObjects', 'appRoleAssignments', 'sponsors']) {
        const r = await t.call('GET', `/v1.0/users/${key}/${rel}`, { token });
        expect(r.statusCode, `${rel}: ${r.body}`).toBe(200);
      }
      const patched = await t.call('PATCH', `/v1.0/users/${key}`, { token, body: { jobTitle: 'Consultant' } });
      expect(patched.statusCode, patched.body).toBe(204);
      const app = await createSamlApp(t);
      const assigned = await t.call('POST', `/v1.0/users/${key}/appRoleAssignments`, {
        token,
        body: { principalId: inv.invitedUser.id, resourceId: app.id, appRoleId: '00000000-0000-0000-0000-000000000000' },
      });
      expect(assigned.statusCode, assigned.body).toBe(201);
      const filtered = await t.call('GET', `/v1.0/users?$filter=${encodeURIComponent(`userPrincipalName eq '${upn}'`)}`, {
        token,
      });
      expect((filtered.json() as { value: { id: string }[] }).value.map((u) => u.id)).toEqual([inv.invitedUser.id]);
      const deleted = await t.call('DELETE', `/v1.0/users/${key}`, { token });
      expect(deleted.statusCode, deleted.body).toBe(204);
    }
  });

  it('a segment longer than any UPN Portico creates is still refused by the router (414)', async () => {
    const res = await t.call('GET', `/v1.0/users/${'a'.repeat(MAX_UPN_LENGTH + 1)}`, { token: t.admin.token });
    expect(res.statusCode).toBe(414);
    expect(res.json().error.details[0].code).toBe('request_uri_too_long');
  });
});
