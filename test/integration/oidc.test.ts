import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/server/domain/context.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { decodeJwt, finishAuthorization, freePort, startAuthorization, submitCredentials } from '../helpers/oidc.js';

const PASSWORD = 'Correct-Horse-9';

let t: TestApp;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await buildTestApp({ env: { PORTICO_PUBLIC_URL: base, PORTICO_SIGNIN_MAX_FAILURES: '3' } });
  await t.app.listen({ port, host: '127.0.0.1' });
});

afterAll(async () => {
  await t?.close();
});

const getJson = async (url: string, token: string) => {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('discovery and keys', () => {
  it('publishes Entra-shaped endpoints for the default tenant at the root', async () => {
    const res = await fetch(`${base}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc.issuer).toBe(base);
    expect(doc.authorization_endpoint).toBe(`${base}/oauth2/v2.0/authorize`);
    expect(doc.token_endpoint).toBe(`${base}/oauth2/v2.0/token`);
    expect(doc.jwks_uri).toBe(`${base}/discovery/v2.0/keys`);
    expect(doc.end_session_endpoint).toBe(`${base}/oauth2/v2.0/logout`);
    expect(doc.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'client_credentials']));
  });

  it('publishes the tenant signing key (public part only) at the JWKS endpoint', async () => {
    const res = await fetch(`${base}/discovery/v2.0/keys`);
    const { keys } = (await res.json()) as { keys: Record<string, unknown>[] };
    const [stored] = await t.app.portico.keys.privateJwks(t.tenant.id);
    expect(keys.map((k) => k.kid)).toContain(stored?.kid);
    expect(keys.every((k) => k.d === undefined)).toBe(true);
    expect(keys[0]?.alg).toBe('ES256');
  });

  it('serves another tenant under its own issuer path', async () => {
    const other = await t.app.portico.services.tenants.createTenant({ displayName: 'Fabrikam', initialDomain: 'fabrikam.test' });
    const res = await fetch(`${base}/${other.id}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc.issuer).toBe(`${base}/${other.id}`);
    expect(doc.token_endpoint).toBe(`${base}/${other.id}/oauth2/v2.0/token`);
    const keys = (await (await fetch(`${base}/${other.id}/discovery/v2.0/keys`)).json()) as { keys: { kid: string }[] };
    const [otherKey] = await t.app.portico.keys.privateJwks(other.id);
    expect(keys.keys.map((k) => k.kid)).toEqual([otherKey?.kid]);
  });

  it('answers an unknown tenant as Entra does (400 invalid_tenant, AADSTS90002)', async () => {
    const res = await fetch(`${base}/00000000-0000-4000-8000-000000000000/.well-known/openid-configuration`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
  });
});

describe('client credentials', () => {
  let clientId: string;
  let clientSecret: string;

  beforeAll(async () => {
    const created = await t.app.portico.services.clients.createClient(t.tenant.id, {
      displayName: 'Provisioning bot',
      permissions: ['User.Read.All', 'Group.Read.All'],
    });
    clientId = created.client.clientId;
    clientSecret = created.clientSecret;
  });

  const config = (secret: string, auth: 'basic' | 'post' = 'basic') =>
    client.discovery(
      new URL(base),
      clientId,
      undefined,
      auth === 'basic' ? client.ClientSecretBasic(secret) : client.ClientSecretPost(secret),
      {
        execute: [client.allowInsecureRequests],
      },
    );

  it('issues an app token with no scope that /v1.0 accepts', async () => {
    const tokens = await client.clientCredentialsGrant(await config(clientSecret));
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    const { header, payload } = decodeJwt(tokens.access_token);
    expect(header.typ).toBe('at+jwt');
    expect(payload).toMatchObject({
      iss: base,
      aud: `${base}/v1.0`,
      tid: t.tenant.id,
      idtyp: 'app',
      client_id: clientId,
      sub: clientId,
    });
    expect(payload.roles).toEqual(['User.Read.All', 'Group.Read.All']);
    const users = await getJson(`${base}/v1.0/users`, tokens.access_token);
    expect(users.status).toBe(200);
    expect(Array.isArray(users.body.value)).toBe(true);
  });

  it('accepts scope=.default and scope=<graph>/.default, with client_secret_post too', async () => {
    for (const scope of ['.default', `${base}/v1.0/.default`]) {
      const tokens = await client.clientCredentialsGrant(await config(clientSecret, 'post'), { scope });
      expect(decodeJwt(tokens.access_token).payload.aud).toBe(`${base}/v1.0`);
      expect((await getJson(`${base}/v1.0/users`, tokens.access_token)).status).toBe(200);
    }
  });

  it('an app token is limited to its permissions', async () => {
    const tokens = await client.clientCredentialsGrant(await config(clientSecret));
    const res = await fetch(`${base}/v1.0/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        displayName: 'X',
        userPrincipalName: 'x@contoso.test',
        accountEnabled: true,
        mailNickname: 'x',
        passwordProfile: { password: PASSWORD },
      }),
    });
    expect(res.status).toBe(403);
  });

  it('refuses a wrong secret with invalid_client', async () => {
    const err = await client.clientCredentialsGrant(await config('not-the-secret')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(client.WWWAuthenticateChallengeError);
    expect((err as client.WWWAuthenticateChallengeError).status).toBe(401);
    const res = await fetch(`${base}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: `${clientSecret}x`,
      }).toString(),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses an unknown client and a client of another tenant', async () => {
    const res = await fetch(`${base}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' }).toString(),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_client');

    const other = await t.app.portico.services.tenants.createTenant({ displayName: 'Other', initialDomain: 'other.test' });
    const res2 = await fetch(`${base}/${other.id}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    expect(res2.status).toBe(401);
  });

  it('refuses an unknown resource with invalid_target', async () => {
    const res = await fetch(`${base}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: 'https://graph.microsoft.com' }).toString(),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_target');
  });
});

describe('authorization code + PKCE with the sign-in page', () => {
  it('signs a member in: ID token claims verified, access token works on /v1.0/me', async () => {
    const { user } = await t.createUser({ displayName: 'Megan Bowen', upn: 'megan@contoso.test', mail: 'megan@contoso.test' });
    const flow = await startAuthorization(t);
    expect(flow.page.status).toBe(200);
    expect(flow.page.headers.get('content-type')).toContain('text/html');
    expect(flow.html).toContain('Sign in');
    const posted = await submitCredentials(flow, 'MEGAN@contoso.test', PASSWORD);
    expect(posted.status).toBe(303);
    const tokens = await finishAuthorization(flow, posted);

    const claims = tokens.claims();
    expect(claims).toMatchObject({
      iss: base,
      aud: 'portico-spa',
      sub: user.id,
      name: 'Megan Bowen',
      preferred_username: 'megan@contoso.test',
      email: 'megan@contoso.test',
      oid: user.id,
      tid: t.tenant.id,
    });

    const { header, payload } = decodeJwt(tokens.access_token);
    expect(header.typ).toBe('at+jwt');
    expect(payload).toMatchObject({
      iss: base,
      aud: `${base}/v1.0`,
      tid: t.tenant.id,
      idtyp: 'user',
      oid: user.id,
      sub: user.id,
    });
    const me = await getJson(`${base}/v1.0/me`, tokens.access_token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: user.id, userPrincipalName: 'megan@contoso.test' });
  });

  it('accepts an SPA-style scope with <graph>/.default and offline_access, and refreshes', async () => {
    const { user } = await t.createUser({ upn: 'alex@contoso.test' });
    const flow = await startAuthorization(t, `openid profile offline_access ${base}/v1.0/.default`);
    const tokens = await finishAuthorization(flow, await submitCredentials(flow, user.userPrincipalName, PASSWORD));
    expect(String(decodeJwt(tokens.access_token).payload.scope).split(' ')).toEqual(
      expect.arrayContaining(['User.Read', 'Directory.AccessAsUser.All']),
    );
    expect(tokens.refresh_token).toBeTruthy();
    const refreshed = await client.refreshTokenGrant(flow.cfg, tokens.refresh_token ?? '');
    expect(decodeJwt(refreshed.access_token).payload).toMatchObject({ oid: user.id, aud: `${base}/v1.0` });
    expect((await getJson(`${base}/v1.0/me`, refreshed.access_token)).status).toBe(200);
  });

  it("signs in a member of another tenant through that tenant's issuer", async () => {
    const other = await t.app.portico.services.tenants.createTenant({
      displayName: 'Northwind',
      initialDomain: 'northwind.test',
    });
    const { user } = await t.createUser({ tenant: other, upn: 'nancy@northwind.test' });
    const issuer = `${base}/${other.id}`;
    const flow = await startAuthorization(t, 'openid profile', issuer);
    expect(new URL(flow.loginUrl).pathname).toMatch(new RegExp(`^/${other.id}/login/`));
    // A user of the default tenant does not exist there.
    const refused = await submitCredentials(flow, t.admin.user.userPrincipalName, PASSWORD);
    expect(refused.status).toBe(401);
    const tokens = await finishAuthorization(
      flow,
      await submitCredentials(flow, user.userPrincipalName, PASSWORD, await refused.text()),
    );
    expect(tokens.claims()).toMatchObject({ iss: issuer, sub: user.id, tid: other.id });
    expect(decodeJwt(tokens.access_token).payload).toMatchObject({ iss: issuer, tid: other.id });
    const me = await getJson(`${base}/v1.0/me`, tokens.access_token);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(user.id);
  });

  it('escapes user input on the page and keeps the typed user name', async () => {
    const flow = await startAuthorization(t);
    const res = await submitCredentials(flow, '<script>alert(1)</script>', 'nope');
    const html = await res.text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('gives the same message for an unknown user and a wrong password', async () => {
    const { user } = await t.createUser({ upn: 'lynne@contoso.test' });
    const flow = await startAuthorization(t);
    const wrong = await submitCredentials(flow, user.userPrincipalName, 'Wrong-Password-1');
    const wrongHtml = await wrong.text();
    expect(wrong.status).toBe(401);
    expect(wrongHtml).toContain('Incorrect user name or password.');
    const unknown = await submitCredentials(flow, 'nobody@contoso.test', 'Wrong-Password-1', wrongHtml);
    expect(unknown.status).toBe(401);
    expect(await unknown.text()).toContain('Incorrect user name or password.');
  });

  it('locks an account out after too many failures (429) without checking the password', async () => {
    const { user } = await t.createUser({ upn: 'adele@contoso.test' });
    const flow = await startAuthorization(t);
    let html = flow.html;
    for (let i = 0; i < 3; i++) {
      const res = await submitCredentials(flow, user.userPrincipalName, `Wrong-${i}-Password`, html);
      expect(res.status).toBe(401);
      html = await res.text();
    }
    const blocked = await submitCredentials(flow, user.userPrincipalName, PASSWORD, html);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await blocked.text()).toMatch(/Too many failed sign-in attempts, try again in 15 minutes\./);
  });

  it('refuses a disabled account after a correct password', async () => {
    const { user } = await t.createUser({ upn: 'diego@contoso.test' });
    await t.app.portico.services.users.updateUser(systemContext(t.tenant.id, 'test'), user.id, { accountEnabled: false });
    const flow = await startAuthorization(t);
    const res = await submitCredentials(flow, user.userPrincipalName, PASSWORD);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Your account has been locked');
  });

  it('shows an expired-session page for a sign-in link without its interaction cookie', async () => {
    const flow = await startAuthorization(t);
    const res = await fetch(flow.loginUrl);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Your sign-in session has expired');
    const other = await fetch(`${base}/login/not-a-real-interaction`);
    expect(other.status).toBe(400);
  });

  it('rejects a form without the interaction CSRF token', async () => {
    const flow = await startAuthorization(t);
    const res = await flow.b.postForm(flow.loginUrl, {
      login: t.admin.user.userPrincipalName,
      password: PASSWORD,
      csrf: 'forged',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('sign-in session has expired');
  });

  it('reuses the session for a second authorization, then signs out', async () => {
    const flow = await startAuthorization(t);
    const tokens = await finishAuthorization(flow, await submitCredentials(flow, t.admin.user.userPrincipalName, PASSWORD));
    const idToken = tokens.id_token ?? '';

    // Same browser, new authorization request: no form, straight back to the client.
    const cfg = flow.cfg;
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(cfg, {
      redirect_uri: `${base}/auth/callback`,
      scope: 'openid profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'again',
    });
    let res = await flow.b.get(url.href);
    let location = url.href;
    for (let i = 0; i < 5 && !location.includes('/auth/callback'); i++) {
      expect([302, 303]).toContain(res.status);
      location = new URL(res.headers.get('location') ?? '', location).href;
      if (!location.includes('/auth/callback')) res = await flow.b.get(location);
    }
    expect(location).toContain('code=');

    // RP-initiated logout: confirmation page, then the session is gone.
    const logoutUrl = client.buildEndSessionUrl(cfg, { id_token_hint: idToken, post_logout_redirect_uri: `${base}/` });
    const confirm = await flow.b.get(logoutUrl.href);
    expect(confirm.status).toBe(200);
    const confirmHtml = await confirm.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(confirmHtml)?.[1] ?? '';
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirmHtml)?.[1] ?? '';
    const done = await flow.b.postForm(new URL(action, base).href, { xsrf, logout: 'yes' });
    expect([302, 303]).toContain(done.status);
    expect(done.headers.get('location')).toBe(`${base}/`);

    const after = await flow.b.get(url.href);
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toMatch(/\/login\//);
  });
});
