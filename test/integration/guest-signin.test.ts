import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { decodeJwt, freePort, startAuthorization } from '../helpers/oidc.js';
import {
  browser,
  enterCodeAndAccept,
  invite,
  latestCode,
  latestRedeemLink,
  open,
  type Page,
  submit,
  submitAndFollow,
  textOf,
} from '../helpers/redeem.js';

const PASSWORD = 'Correct-Horse-9';
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

/** The sign-in page of a started authorization as a Page for the redeem helpers. */
const firstPage = (flow: Flow): Page => ({ res: flow.page, status: flow.page.status, url: flow.loginUrl, html: flow.html });

/** Follows a successful sign-in to the SPA callback and redeems the code. */
async function tokensAfter(flow: Flow, page: Page, extra: Record<string, string>) {
  const done = await submitAndFollow(flow.b, base, page, extra);
  expect(done.location).toContain('/auth/callback');
  return client.authorizationCodeGrant(flow.cfg, new URL(done.location ?? ''), {
    pkceCodeVerifier: flow.verifier,
    expectedState: flow.state,
    expectedNonce: flow.nonce,
  });
}

/** Redeems an invitation through its link (code, then consent) in a fresh browser. */
async function redeem(email: string) {
  const inv = await invite(t, email);
  const b = browser();
  const send = await open(b, base, await latestRedeemLink(t, email));
  const enter = await submit(b, send);
  const done = await enterCodeAndAccept(t, b, base, enter, email);
  expect(done.location).toBe('https://apps.contoso.example/welcome');
  return inv;
}

describe('guest sign-in with an e-mail one-time passcode', () => {
  it('asks for the e-mail first; an accepted guest asks for a code on the page everyone gets', async () => {
    // Behaviour change (security issue, "no oracle on the sign-in page"): the second step used to be
    // a guest-only "Send code" page naming the masked address; it is now the same page for every
    // address, offering the password and "Email me a code".
    const email = 'Pat@Tailspin.example';
    const inv = await redeem(email.toLowerCase());
    const flow = await startAuthorization(t);
    expect(flow.html).toContain('Email or user name');
    expect(flow.html).not.toContain('type="password"');

    const next = await submit(flow.b, firstPage(flow), { login: email });
    expect(next.status).toBe(200);
    expect(next.html).toContain('type="password"');
    expect(next.html).toContain('Email me a code');
    expect(next.html).not.toContain('p•••@tailspin.example');
    const enter = await submit(flow.b, next, {}, 1);
    expect(enter.html).toContain('Enter code');
    expect(textOf(enter.html)).toContain(`If <strong>${email}</strong> can sign in with a one-time code, we have sent one`);

    const wrong = await submit(flow.b, enter, { code: '12' });
    expect(wrong.status).toBe(401);
    expect(textOf(wrong.html)).toContain("That code didn't work");

    const tokens = await tokensAfter(flow, wrong, { code: await latestCode(t, email.toLowerCase()) });
    expect(tokens.claims()).toMatchObject({ sub: inv.invitedUser.id, email: 'pat@tailspin.example' });
    const me = await fetch(`${base}/v1.0/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(me.status).toBe(200);
    expect(decodeJwt(tokens.access_token).payload.oid).toBe(inv.invitedUser.id);

    // The passcode session lasts 24 hours (Entra), not the 14 days of password sessions.
    const sessions = await t.database.db
      .selectFrom('oidc_payloads')
      .select(['payload', 'expires_at'])
      .where('model', '=', `${t.tenant.id}/Session`)
      .execute();
    const mine = sessions.find((s) => (JSON.parse(s.payload) as { accountId?: string }).accountId === inv.invitedUser.id);
    const hours = (new Date(mine?.expires_at ?? 0).getTime() - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(23.5);
    expect(hours).toBeLessThanOrEqual(24);
  });

  it('takes a pending guest who follows a direct link through redemption just in time (code first, then consent)', async () => {
    const email = 'jit@tailspin.example';
    const inv = await invite(t, email, { send: false, message: 'Hello from the team' });
    expect(inv.status).toBe('PendingAcceptance');
    const flow = await startAuthorization(t);
    const next = await submit(flow.b, firstPage(flow), { login: email });
    const enter = await submit(flow.b, next, {}, 1);
    // Nothing about the invitation before the mailbox is proven.
    for (const p of [next, enter]) {
      expect(p.status).toBe(200);
      expect(p.html).not.toContain('Review permissions');
      expect(p.html).not.toContain('Hello from the team');
      expect(p.html).not.toContain('Ada Admin');
    }
    const consent = await submitAndFollow(flow.b, base, enter, { code: await latestCode(t, email) });
    expect(consent.status).toBe(200);
    expect(consent.html).toContain('Review permissions');
    expect(consent.html).toContain('Hello from the team');
    expect(consent.html).toContain('Ada Admin');
    // Not redeemed until accepted.
    const pending = (await t.call('GET', `/v1.0/users/${inv.invitedUser.id}`, { token: t.admin.token })).json() as {
      externalUserState: string;
    };
    expect(pending.externalUserState).toBe('PendingAcceptance');
    const tokens = await tokensAfter(flow, consent, {});
    expect(tokens.claims()?.sub).toBe(inv.invitedUser.id);

    const user = (await t.call('GET', `/v1.0/users/${inv.invitedUser.id}`, { token: t.admin.token })).json() as Record<
      string,
      unknown
    >;
    expect(user.externalUserState).toBe('Accepted');
    const audits = await t.call(
      'GET',
      `/v1.0/auditLogs/directoryAudits?$filter=${encodeURIComponent("activityDisplayName eq 'Redeem external user invite'")}`,
      { token: t.admin.token },
    );
    const mine = (audits.json() as { value: { targetResources: { id: string }[] }[] }).value.filter((a) =>
      a.targetResources.some((r) => r.id === inv.invitedUser.id),
    );
    expect(mine).toHaveLength(1);
  });

  it('a pending guest cannot accept without the code, nor with a forged proof', async () => {
    // Was: "cannot skip consent by posting a code". Consent now follows the code, so the guard is
    // the other way round: Accept needs the proof that this interaction verified the code.
    const email = 'skip@tailspin.example';
    const inv = await invite(t, email, { send: false });
    const flow = await startAuthorization(t);
    const next = await submit(flow.b, firstPage(flow), { login: email });
    const enter = await submit(flow.b, next, {}, 1);
    for (const verified of ['', 'forged']) {
      const res = await submit(flow.b, enter, { step: 'accept', verified });
      expect(res.status).toBe(200);
      expect(res.html).toContain('Enter code');
      expect(res.html).not.toContain('Review permissions');
    }
    const user = (await t.call('GET', `/v1.0/users/${inv.invitedUser.id}`, { token: t.admin.token })).json() as {
      externalUserState: string;
    };
    expect(user.externalUserState).toBe('PendingAcceptance');
  });

  it('members and unknown addresses continue to the password step alike', async () => {
    const { user } = await t.createUser({ upn: 'miriam@contoso.test', mail: 'miriam@contoso.test' });
    const flow = await startAuthorization(t);
    const member = await submit(flow.b, firstPage(flow), { login: 'miriam@contoso.test' });
    const unknown = await submit(flow.b, firstPage(flow), { login: 'nobody@contoso.test' });
    for (const p of [member, unknown]) {
      expect(p.status).toBe(200);
      expect(p.html).toContain('type="password"');
      expect(p.html).not.toContain('Send code');
      expect(p.html).toContain('Email me a code');
    }
    expect(member.html.replaceAll('miriam@contoso.test', 'X')).toBe(unknown.html.replaceAll('nobody@contoso.test', 'X'));
    const failed = await submit(flow.b, unknown, { login: 'nobody@contoso.test', password: 'Wrong-Password-1' });
    expect(failed.status).toBe(401);
    expect(failed.html).toContain('Incorrect user name or password.');
    const tokens = await tokensAfter(flow, member, { login: 'miriam@contoso.test', password: PASSWORD });
    expect(tokens.claims()?.sub).toBe(user.id);
  });

  it('a guest has no password to sign in with', async () => {
    await redeem('nopass@tailspin.example');
    const flow = await startAuthorization(t);
    const res = await submit(flow.b, firstPage(flow), {
      login: 'nopass@tailspin.example',
      password: 'anything-at-all',
      step: 'password',
    });
    expect(res.status).toBe(401);
    expect(res.html).toContain('Incorrect user name or password.');
  });

  it('a disabled guest does not get in even with the right code', async () => {
    const inv = await redeem('locked@tailspin.example');
    expect(
      (await t.call('PATCH', `/v1.0/users/${inv.invitedUser.id}`, { token: t.admin.token, body: { accountEnabled: false } }))
        .statusCode,
    ).toBe(204);
    const flow = await startAuthorization(t);
    const next = await submit(flow.b, firstPage(flow), { login: 'locked@tailspin.example' });
    const enter = await submit(flow.b, next, {}, 1);
    const res = await submit(flow.b, enter, { code: await latestCode(t, 'locked@tailspin.example') });
    expect(res.status).toBe(403);
    expect(res.html).toContain('Your account has been locked');
  });

  it('asks for an address when the first step is empty', async () => {
    const flow = await startAuthorization(t);
    const res = await submit(flow.b, firstPage(flow), { login: '' });
    expect(res.status).toBe(400);
    expect(res.html).toContain('Enter your e-mail address or user name.');
  });
});
