import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/domain/clock.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { decodeJwt, finishAuthorization, freePort, startAuthorization, submitCredentials } from '../helpers/oidc.js';

// Revocation that works: refresh tokens, browser sessions and /v1.0 access tokens stop working
// after revokeSignInSessions, an administrator's password reset, disabling the account, sign-out
// and a replayed authorization code — in this process at once and in every other process within
// the revocation poll interval. openid-client is the relying party (the portal's public client).

const PASSWORD = 'Correct-Horse-9';
const OFFLINE = 'openid profile email offline_access User.Read';

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

type Flow = Awaited<ReturnType<typeof startAuthorization>>;

/** Signs `login` in to the portal's client (code + PKCE) and returns the flow and its tokens. */
async function signIn(login: string, scope = OFFLINE): Promise<{ flow: Flow; tokens: client.TokenEndpointResponse }> {
  const flow = await startAuthorization(t, scope);
  const tokens = await finishAuthorization(flow, await submitCredentials(flow, login, PASSWORD));
  return { flow, tokens };
}

/** GET /v1.0/me with a bearer token (over HTTP, as a client would). */
async function me(token: string): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${base}/v1.0/me`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { error?: { code?: string } };
  return { status: res.status, ...(body.error?.code ? { code: body.error.code } : {}) };
}

/** The OAuth error of a refresh-token grant, or 'ok' when it worked. */
async function refresh(flow: Flow, refreshToken: string | undefined): Promise<string> {
  try {
    await client.refreshTokenGrant(flow.cfg, refreshToken ?? '');
    return 'ok';
  } catch (err) {
    return String((err as { error?: string }).error ?? err);
  }
}

/** A silent authorization request (prompt=none) in the browser of `flow`: the error, or 'code'. */
async function silent(flow: Flow): Promise<string> {
  const url = client.buildAuthorizationUrl(flow.cfg, {
    redirect_uri: `${base}/auth/callback`,
    scope: 'openid profile',
    code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
    prompt: 'none',
  });
  let res = await flow.b.get(url.href);
  let location = url.href;
  for (let i = 0; i < 5; i++) {
    location = new URL(res.headers.get('location') ?? '', location).href;
    if (location.includes('/auth/callback')) break;
    res = await flow.b.get(location);
  }
  const params = new URL(location).searchParams;
  return params.get('error') ?? (params.get('code') ? 'code' : `no answer (${res.status})`);
}

const admin = (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) =>
  t.call(method, `/v1.0${url}`, { token: t.admin.token, ...(body === undefined ? {} : { body }) });

describe('POST /users/{id}/revokeSignInSessions', () => {
  it('revokes refresh tokens, the browser session and earlier access tokens; a new sign-in works', async () => {
    const { user } = await t.createUser({ displayName: 'Rita Revoked' });
    const { flow, tokens } = await signIn(user.userPrincipalName);
    expect(decodeJwt(tokens.access_token).payload.grant_id).toEqual(expect.any(String));
    expect((await me(tokens.access_token)).status).toBe(200);
    expect(await silent(flow)).toBe('code');

    const res = await admin('POST', `/users/${user.id}/revokeSignInSessions`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ '@odata.context': `${base}/v1.0/$metadata#Edm.Boolean`, value: true });

    expect(await me(tokens.access_token)).toEqual({ status: 401, code: 'InvalidAuthenticationToken' });
    expect(await refresh(flow, tokens.refresh_token)).toBe('invalid_grant');
    expect(await silent(flow)).toBe('login_required');

    // Signing in again gives tokens that work.
    const again = await signIn(user.userPrincipalName);
    expect((await me(again.tokens.access_token)).status).toBe(200);
    expect(await refresh(again.flow, again.tokens.refresh_token)).toBe('ok');

    const read = await admin('GET', `/users/${user.id}?$select=id,signInSessionsValidFromDateTime`);
    const validFrom = (read.json() as { signInSessionsValidFromDateTime: string }).signInSessionsValidFromDateTime;
    expect(Date.parse(validFrom)).toBeGreaterThan(Date.now() - 60_000);
    const audits = await admin(
      'GET',
      `/auditLogs/directoryAudits?$filter=${encodeURIComponent("activityDisplayName eq 'Invalidate all refresh tokens for user'")}`,
    );
    const mine = (audits.json() as { value: { targetResources: { id: string }[] }[] }).value.filter((a) =>
      a.targetResources.some((r) => r.id === user.id),
    );
    expect(mine).toHaveLength(1);
  });

  it('refuses at /v1.0 an access token issued before the revocation; one issued after works', async () => {
    const { user } = await t.createUser();
    const before = await t.tokenFor(user.id, t.tenant, { issuedAt: new Date(Date.now() - 10_000) });
    expect((await me(before)).status).toBe(200);
    expect((await admin('POST', `/users/${user.id}/revokeSignInSessions`)).statusCode).toBe(200);
    expect(await me(before)).toEqual({ status: 401, code: 'InvalidAuthenticationToken' });
    const after = await t.tokenFor(user.id);
    expect((await me(after)).status).toBe(200);
  });

  it('a user signs themselves out everywhere with /me/revokeSignInSessions', async () => {
    const { user } = await t.createUser();
    const { flow, tokens } = await signIn(user.userPrincipalName);
    const res = await t.call('POST', '/v1.0/me/revokeSignInSessions', { token: tokens.access_token });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ value: true });
    expect((await me(tokens.access_token)).status).toBe(401);
    expect(await refresh(flow, tokens.refresh_token)).toBe('invalid_grant');
  });

  it('a member cannot revoke another user, and a helpdesk administrator cannot revoke a Global Administrator', async () => {
    const { user } = await t.createUser();
    const member = await t.createUser();
    const denied = await t.call('POST', `/v1.0/users/${user.id}/revokeSignInSessions`, { token: member.token });
    expect(denied.statusCode).toBe(403);
    const helpdesk = await t.createUser({ roles: ['729827e3-9c14-49f7-bb1b-9608f156bbb8'] });
    const privileged = await t.call('POST', `/v1.0/users/${t.admin.user.id}/revokeSignInSessions`, { token: helpdesk.token });
    expect(privileged.statusCode).toBe(403);
    expect((await t.call('POST', `/v1.0/users/${user.id}/revokeSignInSessions`, { token: helpdesk.token })).statusCode).toBe(200);
  });
});

describe('changes that revoke sign-in sessions', () => {
  it("an administrator's password reset revokes refresh tokens and earlier access tokens", async () => {
    const { user } = await t.createUser();
    const { flow, tokens } = await signIn(user.userPrincipalName);
    const reset = await admin('PATCH', `/users/${user.id}`, { passwordProfile: { password: 'Battery-Staple-7' } });
    expect(reset.statusCode).toBe(204);
    expect(await refresh(flow, tokens.refresh_token)).toBe('invalid_grant');
    expect((await me(tokens.access_token)).status).toBe(401);
    expect(await silent(flow)).toBe('login_required');
  });

  it('disabling the account revokes them; enabling it again does not bring them back', async () => {
    const { user } = await t.createUser();
    const { flow, tokens } = await signIn(user.userPrincipalName);
    expect((await admin('PATCH', `/users/${user.id}`, { accountEnabled: false })).statusCode).toBe(204);
    expect(await refresh(flow, tokens.refresh_token)).toBe('invalid_grant');
    expect((await admin('PATCH', `/users/${user.id}`, { accountEnabled: true })).statusCode).toBe(204);
    expect(await refresh(flow, tokens.refresh_token)).toBe('invalid_grant');
    expect((await me(tokens.access_token)).status).toBe(401);
    expect(await silent(flow)).toBe('login_required');
  });

  it('a renamed user keeps their sessions (only credential and account changes revoke)', async () => {
    const { user } = await t.createUser();
    const { flow, tokens } = await signIn(user.userPrincipalName);
    expect((await admin('PATCH', `/users/${user.id}`, { jobTitle: 'Engineer' })).statusCode).toBe(204);
    expect(await refresh(flow, tokens.refresh_token)).toBe('ok');
  });
});

describe('sign-out and code replay', () => {
  it('sign-out revokes the refresh token (offline_access) and the access tokens of the session', async () => {
    const { user } = await t.createUser();
    const { flow, tokens } = await signIn(user.userPrincipalName);
    const logoutUrl = client.buildEndSessionUrl(flow.cfg, {
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: `${base}/`,
    });
    const confirm = await flow.b.get(logoutUrl.href);
    const html = await confirm.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1] ?? '';
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const done = await flow.b.postForm(new URL(action, base).href, { xsrf, logout: 'yes' });
    expect(done.headers.get('location')).toBe(`${base}/`);

    expect(await refresh(flow, tokens.refresh_token)).toBe('invalid_grant');
    expect(await me(tokens.access_token)).toEqual({ status: 401, code: 'InvalidAuthenticationToken' });
    // Other sessions of the user are not signed out.
    const other = await signIn(user.userPrincipalName);
    expect((await me(other.tokens.access_token)).status).toBe(200);
  });

  /** Signs `login` in and stops at the client's callback: the code is not redeemed yet. */
  async function codeFor(login: string) {
    const flow = await startAuthorization(t, OFFLINE);
    let res = await submitCredentials(flow, login, PASSWORD);
    let location = flow.loginUrl;
    for (let i = 0; i < 6 && !location.includes('/auth/callback'); i++) {
      location = new URL(res.headers.get('location') ?? '', location).href;
      if (!location.includes('/auth/callback')) res = await flow.b.get(location);
    }
    const callback = new URL(location);
    const redeem = () =>
      client.authorizationCodeGrant(flow.cfg, callback, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
      });
    return { flow, redeem };
  }

  it('a replayed authorization code revokes the access and refresh tokens issued with it', async () => {
    const { user } = await t.createUser();
    const { flow, redeem } = await codeFor(user.userPrincipalName);
    const first = await redeem();
    expect((await me(first.access_token)).status).toBe(200);
    const replay = await redeem().catch((err: unknown) => err as { error?: string });
    expect((replay as { error?: string }).error).toBe('invalid_grant');

    expect(await me(first.access_token)).toEqual({ status: 401, code: 'InvalidAuthenticationToken' });
    expect(await refresh(flow, first.refresh_token)).toBe('invalid_grant');
  });

  it('concurrent redemptions of one code: exactly one gets tokens, and the replay revokes them', async () => {
    const { user } = await t.createUser();
    const { redeem } = await codeFor(user.userPrincipalName);
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => redeem()));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect((r.reason as { error?: string }).error).toBe('invalid_grant');
    }
    const tokens = (won[0] as PromiseFulfilledResult<client.TokenEndpointResponse>).value;
    expect((await me(tokens.access_token)).status).toBe(401);
  });
});

describe('several processes on one database', () => {
  it('another process refuses a revoked grant within the poll interval, and a revoked user at once', async () => {
    const clock = new ManualClock(new Date());
    const other = await buildTestApp({ storage: t.storage, clock, env: { PORTICO_PUBLIC_URL: base } });
    try {
      const { user } = await t.createUser();
      const signedIn = await signIn(user.userPrincipalName);
      const meOther = async (token: string) =>
        (await other.app.inject({ method: 'GET', url: '/v1.0/me', headers: { authorization: `Bearer ${token}` } })).statusCode;
      expect(await meOther(signedIn.tokens.access_token)).toBe(200);

      // Sign-out in this process revokes the grant; the other process still answers from its copy…
      const logoutUrl = client.buildEndSessionUrl(signedIn.flow.cfg, { id_token_hint: signedIn.tokens.id_token ?? '' });
      const html = await (await signedIn.flow.b.get(logoutUrl.href)).text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1] ?? '';
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
      await signedIn.flow.b.postForm(new URL(action, base).href, { xsrf, logout: 'yes' });
      expect((await me(signedIn.tokens.access_token)).status).toBe(401);
      expect(await meOther(signedIn.tokens.access_token)).toBe(200);
      // …for at most the poll interval (2 s): then it reloads and refuses too.
      clock.advance(2000);
      expect(await meOther(signedIn.tokens.access_token)).toBe(401);

      // A user's revocation is on the user row, which every process reads: refused at once.
      const second = await t.createUser();
      const early = await t.tokenFor(second.user.id, t.tenant, { issuedAt: new Date(Date.now() - 10_000) });
      expect(await meOther(early)).toBe(200);
      expect((await admin('POST', `/users/${second.user.id}/revokeSignInSessions`)).statusCode).toBe(200);
      expect(await meOther(early)).toBe(401);
    } finally {
      await other.app.close();
      await other.database.destroy();
    }
  });
});

describe('the browser session', () => {
  it('a disabled user signed in to the portal must sign in again (and is refused)', async () => {
    const { user } = await t.createUser();
    const { flow } = await signIn(user.userPrincipalName, 'openid profile');
    expect(await silent(flow)).toBe('code');
    expect((await admin('PATCH', `/users/${user.id}`, { accountEnabled: false })).statusCode).toBe(204);
    expect(await silent(flow)).toBe('login_required');
  });
});
