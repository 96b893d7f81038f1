import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/server/domain/clock.js';
import { buildTestApp, dialect, type TestApp } from '../helpers/app.js';
import { finishAuthorization, SPA_CALLBACK, startAuthorization, submitCredentials } from '../helpers/oidc.js';
import { browser, follow, latestCode, latestRedeemLink, mailTo, open, type Page, submit } from '../helpers/redeem.js';
import { type RoundRobinProxy, startRoundRobinProxy } from '../helpers/round-robin-proxy.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

// Scale-out on PostgreSQL: two Portico instances (the same composition root, each listening on its
// own port) share one database schema behind a round-robin proxy. Everything a browser or client
// starts on one instance must finish on the other, mail must leave once, and limits must hold for
// the pair as they do for one process. SQLite is one process by design, so the file runs only in
// the postgres project.

const PASSWORD = 'Correct-Horse-9';
const INVITATION_LIMIT = 1060;
const BURST = 1000;
const DESTINATION = 'https://apps.fabrikam.example/welcome';

/** Real time plus an offset a test can move (the tenant cache's bound is checked without sleeping). */
class OffsetClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

const onPostgres = dialect === 'postgres';
if (!onPostgres) console.warn('scale-out.test.ts: skipped on SQLite (one process by design); it runs in the postgres project.');

let proxy: RoundRobinProxy;
let sink: SmtpSink;
const instances: TestApp[] = [];
const clocks = [new OffsetClock(), new OffsetClock()];
let base: string;
let adminToken: string;

beforeAll(async () => {
  if (!onPostgres) return;
  proxy = await startRoundRobinProxy();
  base = proxy.url;
  sink = await startSmtpSink();
  const env = {
    PORTICO_PUBLIC_URL: base,
    PORTICO_SMTP_URL: sink.url,
    PORTICO_OUTBOX_WORKER: 'on',
    PORTICO_OUTBOX_POLL_MS: '100',
    PORTICO_SIGNIN_MAX_FAILURES: '3',
    PORTICO_INVITATION_RATE_LIMIT: `${INVITATION_LIMIT}/3600`,
  };
  const first = await buildTestApp({ env, clock: clocks[0] });
  instances.push(first);
  instances.push(await buildTestApp({ env, clock: clocks[1], storage: first.storage }));
  for (const t of instances) await t.app.listen({ port: 0, host: '127.0.0.1' });
  proxy.backends = instances.map((t) => {
    const addr = t.app.server.address();
    return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  adminToken = first.admin.token;
}, 120_000);

afterAll(async () => {
  if (!onPostgres) return;
  await proxy?.close();
  const [first, second] = instances;
  await second?.close({ keepStorage: true });
  await first?.close();
  await sink?.stop();
});

const A = 0;
const B = 1;

const api = (method: string, path: string, body?: unknown, token = adminToken) =>
  fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const inviteVia = (email: string, send = true) =>
  api('POST', '/v1.0/invitations', {
    invitedUserEmailAddress: email,
    inviteRedirectUrl: DESTINATION,
    sendInvitationMessage: send,
  });

/** Runs `fn` with every request sent to instance `i`. */
async function on<T>(i: number, fn: () => Promise<T>): Promise<T> {
  proxy.pin(i);
  try {
    return await fn();
  } finally {
    proxy.pin(undefined);
  }
}

describe.skipIf(!onPostgres)('two instances behind a round-robin proxy (PostgreSQL)', () => {
  it('the proxy spreads requests over both instances', async () => {
    const from = proxy.log.length;
    for (let i = 0; i < 4; i++) expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(new Set(proxy.log.slice(from).map(([i]) => i))).toEqual(new Set([A, B]));
  });

  it('a sign-in started on A finishes on B: interaction, authorization code and browser session', async () => {
    const t = instances[A] as TestApp;
    const { user } = await t.createUser({ upn: 'scale.out@contoso.test' });
    // The authorization request and the sign-in form on A, the password posted to B.
    const flow = await on(A, () => startAuthorization(t));
    expect(flow.page.status).toBe(200);
    const posted = await on(B, () => submitCredentials(flow, user.userPrincipalName, PASSWORD));
    // The redirects back to the client on A (the code is issued there), the code redeemed on B.
    let res = posted;
    let location = '';
    await on(A, async () => {
      for (let i = 0; i < 6 && !location.includes('/auth/callback'); i++) {
        expect([302, 303]).toContain(res.status);
        location = new URL(res.headers.get('location') ?? '', location || flow.loginUrl).href;
        if (!location.includes('/auth/callback')) res = await flow.b.get(location);
      }
    });
    expect(location).toContain('code=');
    const tokens = await on(B, () =>
      client.authorizationCodeGrant(flow.cfg, new URL(location), {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
      }),
    );
    expect(tokens.claims()?.sub).toBe(user.id);
    // The access token from B works on A; the browser session from A signs in silently on B.
    const me = await on(A, () => fetch(`${base}/v1.0/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } }));
    expect(me.status).toBe(200);
    const verifier = client.randomPKCECodeVerifier();
    const silent = client.buildAuthorizationUrl(flow.cfg, {
      redirect_uri: SPA_CALLBACK(t),
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'silent',
      prompt: 'none',
    });
    const page = await on(B, () => open(flow.b, base, silent.href));
    expect(page.location).toContain('/auth/callback');
    expect(page.location).toContain('code=');
    const again = await on(A, () =>
      client.authorizationCodeGrant(flow.cfg, new URL(page.location ?? ''), {
        pkceCodeVerifier: verifier,
        expectedState: 'silent',
      }),
    );
    expect(again.claims()?.sub).toBe(user.id);
    // The round-robin run of the same flow (no pinning) works too.
    const rr = await startAuthorization(t);
    expect((await finishAuthorization(rr, await submitCredentials(rr, user.userPrincipalName, PASSWORD))).claims()?.sub).toBe(
      user.id,
    );
  });

  it('an invitation redeemed with a one-time passcode: link and code on A, code entered and accepted on B', async () => {
    const t = instances[A] as TestApp;
    const email = 'roaming.guest@fabrikam.example';
    const created = await on(B, () => inviteVia(email));
    expect(created.status).toBe(201);
    const inv = (await created.json()) as { invitedUser: { id: string } };
    const b = browser();
    const link = await latestRedeemLink(t, email);
    const first = await on(A, () => open(b, base, link));
    expect(first.html).toContain('Send code');
    const enter = await on(A, () => submit(b, first));
    expect(enter.html).toContain('Enter code');
    const consent = await on(B, async () => submit(b, enter, { code: await latestCode(t, email) }));
    expect(consent.status).toBe(200);
    expect(consent.html).toContain('Review permissions');
    const done = await on(B, async () => {
      const f = consent;
      const res = await submit(b, f);
      return follow(b, base, res.res, res.url);
    });
    expect(done.location).toBe(DESTINATION);
    const user = (await (await on(A, () => api('GET', `/v1.0/users/${inv.invitedUser.id}`))).json()) as {
      externalUserState: string;
    };
    expect(user.externalUserState).toBe('Accepted');
  });

  it('lockouts hold across instances: failures on A and B add up, both refuse the right password', async () => {
    const t = instances[B] as TestApp;
    const { user } = await t.createUser({ upn: 'lock.me@contoso.test' });
    const attempt = (i: number, password: string) =>
      on(i, async () => (await submitCredentials(await startAuthorization(t), user.userPrincipalName, password)).status);
    expect(await attempt(A, 'Wrong-Password-1')).toBe(401);
    expect(await attempt(B, 'Wrong-Password-2')).toBe(401);
    expect(await attempt(A, 'Wrong-Password-3')).toBe(401);
    expect(await attempt(B, PASSWORD)).toBe(429);
    expect(await attempt(A, PASSWORD)).toBe(429);
  });

  it('passcodes per address are limited across instances (5 per hour, sent alternately from A and B)', async () => {
    const t = instances[A] as TestApp;
    const email = 'many.codes@fabrikam.example';
    expect((await inviteVia(email)).status).toBe(201);
    const b = browser();
    const first = await on(A, async () => open(b, base, await latestRedeemLink(t, email)));
    let page: Page = await on(B, () => submit(b, first));
    expect(page.html).toContain('Enter code');
    for (let n = 2; n <= 5; n++) {
      page = await on(n % 2, () => submit(b, page, {}, 1));
      expect(page.status).toBe(200);
    }
    const over = await on(A, () => submit(b, page, {}, 1));
    expect(over.status).toBe(429);
    expect(await mailTo(t, email, 'otp')).toHaveLength(5);
  });

  it('an organization change on A reaches B within the tenant cache bound (no restart)', async () => {
    const t = instances[A] as TestApp;
    const privacy = 'https://privacy.contoso.example/statement';
    // B has the tenant cached (token verification reads it); the change is made through A.
    expect((await on(B, () => api('GET', '/v1.0/organization'))).status).toBe(200);
    const patch = await on(A, () =>
      api('PATCH', `/v1.0/organization/${t.tenant.id}`, {
        privacyProfile: { statementUrl: privacy, contactEmail: 'privacy@contoso.example' },
      }),
    );
    expect(patch.status).toBe(204);
    clocks[B]!.offsetMs += 60_000;
    const email = 'privacy.reader@fabrikam.example';
    expect((await on(B, () => inviteVia(email))).status).toBe(201);
    const b = browser();
    const first = await on(B, async () => open(b, base, await latestRedeemLink(t, email)));
    const enter = await on(B, () => submit(b, first));
    const consent = await on(B, async () => submit(b, enter, { code: await latestCode(t, email) }));
    expect(consent.html).toContain(privacy);
    clocks[B]!.offsetMs = 0;
  });

  it(`outbox workers on both instances deliver each of ${BURST} invitations exactly once`, async () => {
    const started = Date.now();
    const addresses = Array.from({ length: BURST }, (_, i) => `burst.${i}@fabrikam.example`);
    const statuses: number[] = [];
    let nextIndex = 0;
    const worker = async () => {
      while (nextIndex < addresses.length) {
        const email = addresses[nextIndex++] as string;
        const res = await inviteVia(email);
        statuses.push(res.status);
        if (res.status !== 201) throw new Error(`${email}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer().catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: 12 }, worker));
    const created = Date.now();
    expect(statuses.filter((s) => s === 201)).toHaveLength(BURST);

    const wanted = new Set(addresses);
    const delivered = () => sink.messages.filter((m) => m.to.some((a) => wanted.has(a)));
    const until = Date.now() + 150_000;
    while (delivered().length < BURST && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    // A moment more: a duplicate would arrive now.
    await new Promise((r) => setTimeout(r, 1500));
    const mails = delivered();
    const perAddress = new Map<string, number>();
    for (const m of mails) for (const a of m.to) perAddress.set(a, (perAddress.get(a) ?? 0) + 1);
    expect(perAddress.size).toBe(BURST);
    expect([...perAddress.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(BURST);

    const db = (instances[A] as TestApp).database.db;
    // The burst's rows (an earlier test's invitation may still wait for its retry time).
    const rows = (
      await db.selectFrom('outbox').select(['status', 'attempts', 'payload']).where('kind', '=', 'invitation').execute()
    ).filter((r) => /"burst\.\d+@fabrikam\.example"/.test(r.payload));
    expect(rows).toHaveLength(BURST);
    expect(rows.filter((r) => r.status !== 'sent').map(({ status, attempts }) => ({ status, attempts }))).toEqual([]);
    // Both workers took part.
    const sentBy = await Promise.all(
      proxy.backends.map(async (u) => {
        const text = await (await fetch(`${u}/metrics`)).text();
        return Number(/portico_mail_deliveries_total\{outcome="sent"\} (\d+)/.exec(text)?.[1] ?? 0);
      }),
    );
    expect(sentBy.every((n) => n > 0)).toBe(true);
    console.log(
      `scale-out: ${BURST} invitations created in ${((created - started) / 1000).toFixed(1)} s, all delivered exactly once ` +
        `after ${((Date.now() - started) / 1000).toFixed(1)} s (sent by instance A/B: ${sentBy.join('/')})`,
    );
  }, 240_000);

  it('the invitation rate limit is one budget for the pair: both instances refuse once it is spent', async () => {
    const db = (instances[A] as TestApp).database.db;
    const count = async () =>
      Number(
        (
          await db
            .selectFrom('invitations')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const refused = new Set<number>();
    for (let n = 0; refused.size < 2 && n < INVITATION_LIMIT; n++) {
      const i = n % 2;
      const res = await on(i, () => inviteVia(`budget.${n}@fabrikam.example`, false));
      if (res.status === 429) {
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBeTruthy();
        refused.add(i);
      } else {
        expect(res.status).toBe(201);
        await res.arrayBuffer();
      }
    }
    expect(refused).toEqual(new Set([A, B]));
    expect(await count()).toBe(INVITATION_LIMIT);
  }, 120_000);
});
