import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServicePrincipal } from '../../src/contracts/applications.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { decodeJwt, finishAuthorization, freePort, startAuthorization, submitCredentials } from '../helpers/oidc.js';
import {
  type Browser,
  browser,
  invite,
  latestCode,
  open,
  type Page,
  signInWithCode,
  submit,
  submitAndFollow,
  textOf,
} from '../helpers/redeem.js';

// Enterprise applications as OIDC clients: openid-client as the relying party, code + PKCE for a
// public application and code + client secret for a confidential one, for members and for a guest
// who redeems by e-mail one-time passcode on the way in; the claims an application receives; and
// "assignment required" — enforced after sign-in and on silent re-authorization alike.

const PASSWORD = 'Correct-Horse-9';
const DEFAULT = '00000000-0000-0000-0000-000000000000';
const READER = '5b1e7a3c-2d4f-4a6b-8c9d-0e1f2a3b4c01';
const WRITER = '5b1e7a3c-2d4f-4a6b-8c9d-0e1f2a3b4c02';

let t: TestApp;
let base: string;
let seq = 0;
const n = () => `${Date.now().toString(36)}${(seq++).toString(36)}`;
const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await buildTestApp({ env: { PORTICO_PUBLIC_URL: base, PORTICO_OUTBOX_WORKER: 'off' } });
  await t.app.listen({ port, host: '127.0.0.1' });
});

afterAll(async () => {
  await t?.close();
});

async function admin(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) {
  const res = await t.call(method, `/v1.0${url}`, { token: t.admin.token, ...(body === undefined ? {} : { body }) });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res;
}

const role = (id: string, value: string) => ({
  allowedMemberTypes: ['User'],
  description: value,
  displayName: value,
  id,
  value,
});

interface App {
  sp: ServicePrincipal;
  redirect: string;
  secret?: string;
}

async function createApp(opts: { name?: string; confidential?: boolean; body?: Record<string, unknown> } = {}): Promise<App> {
  const name = opts.name ?? `App ${n()}`;
  const redirect = `https://app-${n()}.example/signin-oidc`;
  const sp = (
    await admin('POST', '/servicePrincipals', {
      displayName: name,
      preferredSingleSignOnMode: 'oidc',
      replyUrls: [redirect],
      appRoleAssignmentRequired: true,
      appRoles: [role(READER, 'Reader'), role(WRITER, 'Writer')],
      ...opts.body,
    })
  ).json() as ServicePrincipal;
  if (!opts.confidential) return { sp, redirect };
  const pwd = (await admin('POST', `/servicePrincipals/${sp.id}/addPassword`, {})).json() as { secretText: string };
  return { sp, redirect, secret: pwd.secretText };
}

const assign = (app: App, principalId: string, appRoleId = DEFAULT) =>
  admin('POST', `/servicePrincipals/${app.sp.id}/appRoleAssignedTo`, { principalId, resourceId: app.sp.id, appRoleId });

async function createGroup(): Promise<string> {
  const res = await admin('POST', '/groups', {
    displayName: `Group ${n()}`,
    mailNickname: `g${n()}`,
    mailEnabled: false,
    securityEnabled: true,
  });
  return (res.json() as { id: string }).id;
}
const addMember = (groupId: string, memberId: string) => admin('POST', `/groups/${groupId}/members/$ref`, ref(memberId));

/** An authorization request of an application, opened in `b` (a fresh browser by default). */
async function authorize(app: App, opts: { b?: Browser; secret?: string; prompt?: string; extra?: Record<string, string> } = {}) {
  const secret = opts.secret ?? app.secret;
  const cfg = await client.discovery(
    new URL(base),
    app.sp.appId,
    secret ? { client_secret: secret } : undefined,
    secret ? client.ClientSecretBasic(secret) : client.None(),
    { execute: [client.allowInsecureRequests] },
  );
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(cfg, {
    redirect_uri: app.redirect,
    scope: 'openid profile email',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(opts.prompt ? { prompt: opts.prompt } : {}),
    ...opts.extra,
  });
  const b = opts.b ?? browser();
  const page = await open(b, base, url.href);
  const exchange = (location: string) =>
    client.authorizationCodeGrant(cfg, new URL(location), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
  return { cfg, b, page, exchange, state };
}

/** Signs a member in with a password on the sign-in page; returns where the browser ends. */
async function passwordSignIn(page: Page, b: Browser, login: string) {
  const password = await submit(b, page, { login });
  expect(password.html).toContain('type="password"');
  return submitAndFollow(b, base, password, { login, password: PASSWORD });
}

/** Asserts that the browser was sent to the application with a code, and returns that location. */
function codeRedirect(app: App, done: { location?: string; status: number; html: string }): string {
  expect(done.location, `no redirect to the app (status ${done.status}): ${done.html.slice(0, 400)}`).toBeDefined();
  const location = done.location ?? '';
  expect(location.startsWith(app.redirect)).toBe(true);
  expect(new URL(location).searchParams.get('code')).toBeTruthy();
  return location;
}

function expectNoAccess(page: { status: number; html: string; location?: string }, app: App) {
  expect(page.location).toBeUndefined();
  expect(page.status).toBe(403);
  expect(textOf(page.html)).toContain(`You don't have access to ${app.sp.displayName}`);
  expect(page.html).not.toMatch(/[?&]code=/);
}

describe('a member signs in to an OIDC application', () => {
  let publicApp: App;
  let confidentialApp: App;
  let member: Awaited<ReturnType<TestApp['createUser']>>;
  let assignedGroup: string;
  let otherGroup: string;

  beforeAll(async () => {
    publicApp = await createApp({ name: 'Wiki' });
    confidentialApp = await createApp({ name: 'Timesheets', confidential: true });
    member = await t.createUser({ displayName: 'Mona Member' });
    assignedGroup = await createGroup();
    otherGroup = await createGroup();
    await addMember(assignedGroup, member.user.id);
    await addMember(otherGroup, member.user.id);
    // Reader directly, Writer through the group; the other group is assigned to another app only.
    await assign(publicApp, member.user.id, READER);
    await assign(publicApp, assignedGroup, WRITER);
    await assign(confidentialApp, assignedGroup, DEFAULT);
  });

  it('public application: code + PKCE, ID token with the user, roles and assigned groups', async () => {
    const flow = await authorize(publicApp);
    const done = await passwordSignIn(flow.page, flow.b, member.user.userPrincipalName);
    const tokens = await flow.exchange(codeRedirect(publicApp, done));
    const claims = tokens.claims();
    expect(claims).toBeDefined();
    expect(claims?.aud).toBe(publicApp.sp.appId);
    expect(claims?.iss).toBe(base);
    expect(claims?.sub).not.toBe(member.user.id);
    expect(claims).toMatchObject({
      email: member.user.mail,
      name: 'Mona Member',
      preferred_username: member.user.userPrincipalName,
      oid: member.user.id,
      tid: t.tenant.id,
    });
    expect([...((claims?.roles as string[]) ?? [])].sort()).toEqual(['Reader', 'Writer']);
    // Only the groups that are assigned to this application, never every group of the user.
    expect(claims?.groups).toEqual([assignedGroup]);
    expect(tokens.refresh_token).toBeUndefined();

    // Userinfo agrees on the subject.
    const info = await client.fetchUserInfo(flow.cfg, tokens.access_token, String(claims?.sub));
    expect(info.sub).toBe(claims?.sub);
  });

  it('the access token of an application is not a directory (Graph) token', async () => {
    const flow = await authorize(publicApp);
    const done = await passwordSignIn(flow.page, flow.b, member.user.userPrincipalName);
    const tokens = await flow.exchange(codeRedirect(publicApp, done));
    const me = await fetch(`${base}/v1.0/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(me.status).toBe(401);
    // Asking for the directory API explicitly is refused too.
    const again = await authorize(publicApp, { b: flow.b, extra: { resource: `${base}/v1.0` } });
    expect(again.page.location ?? '').toContain('error=invalid_target');
    expect(again.page.location ?? '').not.toContain('code=');
  });

  it('confidential application: code + client secret; `sub` differs per application but is stable', async () => {
    const first = await authorize(confidentialApp);
    const done = await passwordSignIn(first.page, first.b, member.user.userPrincipalName);
    const tokens = await first.exchange(codeRedirect(confidentialApp, done));
    const sub = tokens.claims()?.sub;
    expect(tokens.claims()?.aud).toBe(confidentialApp.sp.appId);
    expect(tokens.claims()?.roles).toEqual([]);

    // Same browser (existing session): no page, straight back with a code; same sub.
    const second = await authorize(confidentialApp, { b: first.b });
    const again = await second.exchange(codeRedirect(confidentialApp, second.page));
    expect(again.claims()?.sub).toBe(sub);

    // Another application sees another sub for the same user.
    const other = await authorize(publicApp, { b: first.b });
    const otherTokens = await other.exchange(codeRedirect(publicApp, other.page));
    expect(otherTokens.claims()?.sub).not.toBe(sub);
    expect(otherTokens.claims()?.oid).toBe(tokens.claims()?.oid);
  });

  it('offline_access gives the application a refresh token that renews its tokens', async () => {
    const flow = await authorize(confidentialApp, { extra: { scope: 'openid profile email offline_access' } });
    const done = await passwordSignIn(flow.page, flow.b, member.user.userPrincipalName);
    const tokens = await flow.exchange(codeRedirect(confidentialApp, done));
    expect(tokens.refresh_token).toBeTruthy();
    const renewed = await client.refreshTokenGrant(flow.cfg, tokens.refresh_token ?? '');
    expect(renewed.access_token).toBeTruthy();
    expect(renewed.claims()?.oid).toBe(member.user.id);
  });

  it('a wrong client secret gets invalid_client', async () => {
    const flow = await authorize(confidentialApp);
    const done = await passwordSignIn(flow.page, flow.b, member.user.userPrincipalName);
    const location = codeRedirect(confidentialApp, done);
    const code = new URL(location).searchParams.get('code') ?? '';
    const res = await fetch(`${base}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${confidentialApp.sp.appId}:not-the-secret`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: confidentialApp.redirect }).toString(),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_client');
  });
});

describe('client authentication with hashed client secrets', () => {
  /** A token request with a made-up code: a known client fails with invalid_grant, an unknown one with invalid_client. */
  const tokenRequest = (appId: string, secret: string, method: 'basic' | 'post', redirect: string) =>
    fetch(`${base}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(method === 'basic'
          ? {
              authorization: `Basic ${Buffer.from(`${encodeURIComponent(appId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
            }
          : {}),
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'not-a-real-code',
        redirect_uri: redirect,
        ...(method === 'post' ? { client_id: appId, client_secret: secret } : {}),
      }).toString(),
    });

  const errorOf = async (res: Response) => ({ status: res.status, error: ((await res.json()) as { error: string }).error });

  it('offers client_secret_basic, client_secret_post and none only (no client_secret_jwt: secrets are stored hashed)', async () => {
    const doc = (await (await fetch(`${base}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect([...(doc.token_endpoint_auth_methods_supported as string[])].sort()).toEqual([
      'client_secret_basic',
      'client_secret_post',
      'none',
    ]);
  });

  it('a wrong secret is invalid_client with both methods; a right one authenticates the client', async () => {
    const app = await createApp({ confidential: true });
    const secret = app.secret ?? '';
    for (const method of ['basic', 'post'] as const) {
      expect(await errorOf(await tokenRequest(app.sp.appId, `${secret}x`, method, app.redirect))).toEqual({
        status: 401,
        error: 'invalid_client',
      });
      expect(await errorOf(await tokenRequest(app.sp.appId, secret, method, app.redirect))).toEqual({
        status: 400,
        error: 'invalid_grant',
      });
    }
  });

  it('every valid secret of an application works (rotation), an expired one does not', async () => {
    const app = await createApp({ confidential: true });
    const user = await t.createUser();
    await assign(app, user.user.id);
    const second = (await admin('POST', `/servicePrincipals/${app.sp.id}/addPassword`, {})).json() as {
      secretText: string;
      keyId: string;
    };
    // Both secrets complete a real code exchange.
    for (const secret of [app.secret ?? '', second.secretText]) {
      const flow = await authorize(app, { secret });
      const tokens = await flow.exchange(codeRedirect(app, await passwordSignIn(flow.page, flow.b, user.user.userPrincipalName)));
      expect(tokens.claims()?.oid).toBe(user.user.id);
    }
    // The second secret expires (its end date passes): it no longer authenticates; the first still does.
    await t.database.db
      .updateTable('service_principal_passwords')
      .set({ end_date_time: new Date(Date.now() - 60_000).toISOString() })
      .where('key_id', '=', second.keyId)
      .execute();
    for (const method of ['basic', 'post'] as const) {
      expect((await tokenRequest(app.sp.appId, second.secretText, method, app.redirect)).status).toBe(401);
      expect((await tokenRequest(app.sp.appId, app.secret ?? '', method, app.redirect)).status).toBe(400);
    }
  });

  it('reply URLs on several hosts: the application is still a client, with its own pairwise subject', async () => {
    const redirect = `https://multi-${n()}.example/signin-oidc`;
    const app = await createApp({
      confidential: true,
      body: { replyUrls: [redirect, `https://elsewhere-${n()}.example/cb`], appRoleAssignmentRequired: false },
    });
    const user = await t.createUser();
    const flow = await authorize({ ...app, redirect });
    const tokens = await flow.exchange(
      codeRedirect({ ...app, redirect }, await passwordSignIn(flow.page, flow.b, user.user.userPrincipalName)),
    );
    const sub = tokens.claims()?.sub;
    expect(sub).toBeTruthy();
    expect(sub).not.toBe(user.user.id);
    expect(tokens.claims()?.oid).toBe(user.user.id);
  });

  it("another application's secret does not authenticate this one", async () => {
    const one = await createApp({ confidential: true });
    const two = await createApp({ confidential: true });
    expect(await errorOf(await tokenRequest(one.sp.appId, two.secret ?? '', 'basic', one.redirect))).toEqual({
      status: 401,
      error: 'invalid_client',
    });
  });
});

describe('an invited guest signs in to an application', () => {
  it('a pending guest redeems by one-time passcode on the way in, then gets a code (group assignment)', async () => {
    const app = await createApp({ name: 'Partner portal', confidential: true });
    const group = await createGroup();
    await assign(app, group);
    const email = `gina.${n()}@fabrikam.example`;
    const inv = await invite(t, email, { send: false });
    await addMember(group, inv.invitedUser.id);

    const flow = await authorize(app);
    // The address, "Email me a code", the code, then Review permissions → Accept.
    const next = await submit(flow.b, flow.page, { login: email });
    const enter = await submit(flow.b, next, {}, 1);
    const consent = await submit(flow.b, enter, { code: await latestCode(t, email) });
    expect(consent.html).toContain('Review permissions');
    const done = await submitAndFollow(flow.b, base, consent);
    const tokens = await flow.exchange(codeRedirect(app, done));
    expect(tokens.claims()).toMatchObject({ email, oid: inv.invitedUser.id, groups: [group] });
    const user = (await admin('GET', `/users/${inv.invitedUser.id}`)).json() as { externalUserState: string };
    expect(user.externalUserState).toBe('Accepted');
  });

  it('an unassigned guest redeems but gets the no-access page, never a code', async () => {
    const app = await createApp({ name: 'Finance' });
    const email = `ulla.${n()}@fabrikam.example`;
    await invite(t, email, { send: false });
    const flow = await authorize(app);
    expectNoAccess(await signInWithCode(t, flow.b, base, flow.page, email), app);
  });
});

describe('assignment required', () => {
  it('an unassigned member sees the no-access page after sign-in, and again on a silent re-authorization', async () => {
    const app = await createApp({ name: 'Payroll' });
    const user = await t.createUser();
    const flow = await authorize(app);
    const done = await passwordSignIn(flow.page, flow.b, user.user.userPrincipalName);
    expectNoAccess(done, app);
    expect(done.html).not.toContain('Request access');
    expect(done.html).toContain(`${base}/myapps`);

    // The browser now has a sign-in session: neither a new request nor prompt=none gets a code.
    const again = await authorize(app, { b: flow.b });
    expectNoAccess(again.page, app);
    const silent = await authorize(app, { b: flow.b, prompt: 'none' });
    expect(silent.page.location).toBeDefined();
    const back = new URL(silent.page.location ?? '');
    expect(back.href.startsWith(app.redirect)).toBe(true);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('code')).toBeNull();
    expect(back.searchParams.get('state')).toBe(silent.state);

    // Once assigned, the same session gets in silently.
    await assign(app, user.user.id);
    const ok = await authorize(app, { b: flow.b, prompt: 'none' });
    codeRedirect(app, ok.page);
  });

  it('unassignment revokes: the refresh token and the access token stop working at once', async () => {
    const app = await createApp({ name: 'Expenses', confidential: true });
    const user = await t.createUser();
    const assignment = (await assign(app, user.user.id)).json() as { id: string };
    const flow = await authorize(app, { extra: { scope: 'openid profile email offline_access' } });
    const tokens = await flow.exchange(codeRedirect(app, await passwordSignIn(flow.page, flow.b, user.user.userPrincipalName)));
    const sub = String(tokens.claims()?.sub);
    expect((await client.refreshTokenGrant(flow.cfg, tokens.refresh_token ?? '')).access_token).toBeTruthy();
    expect((await client.fetchUserInfo(flow.cfg, tokens.access_token, sub)).sub).toBe(sub);

    await admin('DELETE', `/servicePrincipals/${app.sp.id}/appRoleAssignedTo/${assignment.id}`);
    const refused = await client.refreshTokenGrant(flow.cfg, tokens.refresh_token ?? '').catch((err: unknown) => err);
    expect((refused as { error?: string }).error).toBe('invalid_grant');
    const info = await client.fetchUserInfo(flow.cfg, tokens.access_token, sub).catch((err: unknown) => err);
    expect(info).toBeInstanceOf(Error);
    // And no new code either, silently or not.
    const silent = await authorize(app, { b: flow.b, prompt: 'none' });
    expect(new URL(silent.page.location ?? base).searchParams.get('error')).toBe('access_denied');
  });

  it('an unassigned user signed in to the portal does not get in silently either', async () => {
    const app = await createApp({ name: 'Helpdesk' });
    const user = await t.createUser();
    const spa = await startAuthorization(t);
    await finishAuthorization(spa, await submitCredentials(spa, user.user.userPrincipalName, PASSWORD));
    const silent = await authorize(app, { b: spa.b, prompt: 'none' });
    expect(new URL(silent.page.location ?? base).searchParams.get('error')).toBe('access_denied');
    const page = await authorize(app, { b: spa.b });
    expectNoAccess(page.page, app);
  });

  it('offers Request access when the application allows self-service requests', async () => {
    const group = await createGroup();
    const app = await createApp({ name: 'Design library', body: { selfServiceAccess: { enabled: true, groupId: group } } });
    const user = await t.createUser();
    const flow = await authorize(app);
    const done = await passwordSignIn(flow.page, flow.b, user.user.userPrincipalName);
    expectNoAccess(done, app);
    expect(textOf(done.html)).toContain(`href="${base}/myapps?request=${app.sp.appId}"`);
    expect(done.html).toContain('Request access');
  });

  it('group assignment counts for direct members only, not members of a nested group', async () => {
    const app = await createApp({ name: 'Nested check' });
    const outer = await createGroup();
    const inner = await createGroup();
    await addMember(outer, inner);
    const direct = await t.createUser();
    const nested = await t.createUser();
    await addMember(outer, direct.user.id);
    await addMember(inner, nested.user.id);
    await assign(app, outer);

    const ok = await authorize(app);
    const tokens = await ok.exchange(codeRedirect(app, await passwordSignIn(ok.page, ok.b, direct.user.userPrincipalName)));
    expect(tokens.claims()?.groups).toEqual([outer]);

    const no = await authorize(app);
    expectNoAccess(await passwordSignIn(no.page, no.b, nested.user.userPrincipalName), app);
  });

  it('without assignment required every user of the tenant gets in', async () => {
    const app = await createApp({ name: 'Canteen menu', body: { appRoleAssignmentRequired: false } });
    const user = await t.createUser();
    const flow = await authorize(app);
    const tokens = await flow.exchange(codeRedirect(app, await passwordSignIn(flow.page, flow.b, user.user.userPrincipalName)));
    expect(tokens.claims()?.roles).toEqual([]);
    expect(tokens.claims()?.groups).toEqual([]);
  });

  it('a Global Administrator is not exempt: unassigned, no code; assigned, signed in', async () => {
    // Behaviour change (security issue, "Entra exempts nobody"): this test used to assert that a
    // Global Administrator signs in regardless of assignment.
    const app = await createApp({ name: 'Admin tools' });
    const flow = await authorize(app);
    expectNoAccess(await passwordSignIn(flow.page, flow.b, t.admin.user.userPrincipalName), app);
    const silent = await authorize(app, { b: flow.b, prompt: 'none' });
    expect(new URL(silent.page.location ?? base).searchParams.get('error')).toBe('access_denied');
    await assign(app, t.admin.user.id);
    const ok = await authorize(app, { b: flow.b });
    const tokens = await ok.exchange(codeRedirect(app, ok.page));
    expect(tokens.claims()?.oid).toBe(t.admin.user.id);
  });

  it('a disabled application is an unknown client: no sign-in page, no code', async () => {
    const app = await createApp({ name: 'Retired' });
    const user = await t.createUser();
    await assign(app, user.user.id);
    await admin('PATCH', `/servicePrincipals/${app.sp.id}`, { accountEnabled: false });
    const flow = await authorize(app).catch((err: unknown) => err);
    // Discovery works; the authorization endpoint answers with an error page.
    expect(flow).not.toBeInstanceOf(Error);
    const page = (flow as Awaited<ReturnType<typeof authorize>>).page;
    expect(page.status).toBe(400);
    expect(page.location).toBeUndefined();
    expect(page.html).toContain('invalid_client');
  });

  it('an application that is not an OIDC application is not a client', async () => {
    const app = await createApp({ name: 'SAML only', body: { preferredSingleSignOnMode: 'saml' } });
    const flow = await authorize(app);
    expect(flow.page.status).toBe(400);
    expect(flow.page.html).toContain('invalid_client');
  });

  it('the ID token is signed by the tenant key and verifies with openid-client', async () => {
    const app = await createApp({ name: 'Signed' });
    const user = await t.createUser();
    await assign(app, user.user.id);
    const flow = await authorize(app);
    const tokens = await flow.exchange(codeRedirect(app, await passwordSignIn(flow.page, flow.b, user.user.userPrincipalName)));
    const { header } = decodeJwt(tokens.id_token ?? '');
    const [stored] = await t.app.portico.keys.privateJwks(t.tenant.id);
    expect(header.kid).toBe(stored?.kid);
  });
});
