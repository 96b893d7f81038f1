import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { finishAuthorization, freePort, startAuthorization, submitCredentials } from '../helpers/oidc.js';
import {
  browser,
  enterCodeAndAccept,
  invite,
  latestCode,
  latestRedeemLink,
  mailTo,
  open,
  type Page,
  submit,
  submitAndFollow,
} from '../helpers/redeem.js';

// The sign-in page under attack: its first steps answer alike for every address (no oracle of who
// has an account, or what kind), a pending invitation shows nothing before the code, and failed
// passwords count against the account whatever spelling of it is typed.

const PASSWORD = 'Correct-Horse-9';

let t: TestApp;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await buildTestApp({
    env: { PORTICO_PUBLIC_URL: base, PORTICO_OUTBOX_WORKER: 'off', PORTICO_SIGNIN_MAX_FAILURES: '3' },
  });
  await t.app.listen({ port, host: '127.0.0.1' });
});

afterAll(async () => {
  await t?.close();
});

/** Posts a password for `login` on a fresh sign-in page; returns the status. */
async function attempt(login: string, password: string): Promise<number> {
  const flow = await startAuthorization(t);
  return (await submitCredentials(flow, login, password)).status;
}

describe('lockout per account, not per typed name', () => {
  it('failures under the UPN, its other case and the mail alias lock the one account', async () => {
    const { user } = await t.createUser({ upn: 'alice@contoso.test', mail: 'alice.liddell@contoso.test' });
    expect(await attempt('alice@contoso.test', 'Wrong-Password-1')).toBe(401);
    expect(await attempt('ALICE@CONTOSO.TEST', 'Wrong-Password-2')).toBe(401);
    expect(await attempt('Alice.Liddell@contoso.test', 'Wrong-Password-3')).toBe(401);
    // Three failures reached the limit: the right password is no longer even checked, under any spelling.
    for (const login of ['alice@contoso.test', ' alice.liddell@CONTOSO.test ']) {
      const flow = await startAuthorization(t);
      const res = await submitCredentials(flow, login, PASSWORD);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    // Someone else is not affected.
    const { user: bob } = await t.createUser({ upn: 'bob@contoso.test' });
    const flow = await startAuthorization(t);
    const tokens = await finishAuthorization(flow, await submitCredentials(flow, bob.userPrincipalName, PASSWORD));
    expect(tokens.claims()?.sub).toBe(bob.id);
    expect(user.id).not.toBe(bob.id);
  });

  it('a name that is no account is limited too (per normalised name)', async () => {
    for (const login of ['ghost@contoso.test', 'GHOST@contoso.test', 'Ghost@Contoso.Test']) {
      expect(await attempt(login, 'Wrong-Password-1')).toBe(401);
    }
    expect(await attempt('ghost@contoso.test', 'Wrong-Password-1')).toBe(429);
  });
});

describe('no oracle on the sign-in page', () => {
  /** The four kinds of address: a member, an accepted guest, a guest whose invitation is pending, nobody. */
  async function fourAddresses() {
    const member = 'mona.member@contoso.test';
    await t.createUser({ upn: member, mail: member });
    const accepted = 'gary.guest@fabrikam.example';
    await invite(t, accepted);
    const b = browser();
    const send = await open(b, base, await latestRedeemLink(t, accepted));
    expect((await enterCodeAndAccept(t, b, base, await submit(b, send), accepted)).location).toBeDefined();
    const pending = 'penny.pending@fabrikam.example';
    await invite(t, pending, { send: false, message: 'A secret welcome from Ada' });
    return { member, accepted, pending, unknown: 'nobody.here@fabrikam.example' };
  }

  /** A page with the typed address and per-request details taken out. */
  const normalised = (page: Page, login: string) => ({
    status: page.status,
    html: page.html
      .replaceAll(login, '<login>')
      .replace(/<code>[^<]*<\/code>/g, '<request id>')
      .replace(/Time \(UTC\): [^<]*/g, ''),
  });

  it('member, guest, pending guest and unknown address get the same pages at every step', async () => {
    const addresses = await fourAddresses();
    const flow = await startAuthorization(t);
    const first: Page = { res: flow.page, status: flow.page.status, url: flow.loginUrl, html: flow.html };
    const steps: Record<string, { next: Page; enter: Page; wrong: Page }> = {};
    for (const [kind, login] of Object.entries(addresses)) {
      const next = await submit(flow.b, first, { login });
      const enter = await submit(flow.b, next, {}, 1);
      const wrong = await submit(flow.b, enter, { code: '00000000' });
      steps[kind] = { next, enter, wrong };
    }
    const kinds = Object.keys(addresses) as (keyof typeof addresses)[];
    for (const step of ['next', 'enter', 'wrong'] as const) {
      const pages = kinds.map((k) => normalised(steps[k]?.[step] as Page, addresses[k]));
      for (const p of pages.slice(1)) expect(p, `${step} differs between addresses`).toEqual(pages[0]);
    }
    expect(steps.member?.next.status).toBe(200);
    expect(steps.member?.next.html).toContain('type="password"');
    expect(steps.member?.next.html).toContain('Email me a code');
    expect(steps.member?.enter.html).toContain('Enter code');
    expect(steps.member?.wrong.status).toBe(401);
    // Codes went only to the guests who can use them.
    expect(await mailTo(t, addresses.pending, 'otp')).toHaveLength(1);
    expect(await mailTo(t, addresses.member, 'otp')).toHaveLength(0);
    expect(await mailTo(t, addresses.unknown, 'otp')).toHaveLength(0);
  });

  it('too many codes: the same 429 for an address that is a guest and one that is nobody', async () => {
    const guest = 'rita.retry@fabrikam.example';
    await invite(t, guest, { send: false });
    const nobody = 'rita.nobody@fabrikam.example';
    const flow = await startAuthorization(t);
    const first: Page = { res: flow.page, status: flow.page.status, url: flow.loginUrl, html: flow.html };
    const last: Record<string, Page> = {};
    for (const login of [guest, nobody]) {
      const next = await submit(flow.b, first, { login });
      for (let i = 0; i < 6; i++) last[login] = await submit(flow.b, next, {}, 1);
    }
    const [a, b] = [normalised(last[guest] as Page, guest), normalised(last[nobody] as Page, nobody)];
    expect(a.status).toBe(429);
    expect(b).toEqual(a);
    expect(await mailTo(t, guest, 'otp')).toHaveLength(5);
  });

  it("a pending invitation's inviter, organization message and consent appear only after the code", async () => {
    const email = 'ivy.invited@fabrikam.example';
    await invite(t, email, { send: false, message: 'Welcome to the partner portal, Ivy' });
    const flow = await startAuthorization(t);
    const first: Page = { res: flow.page, status: flow.page.status, url: flow.loginUrl, html: flow.html };
    const next = await submit(flow.b, first, { login: email });
    const enter = await submit(flow.b, next, {}, 1);
    const wrong = await submit(flow.b, enter, { code: '00000000' });
    // Posting Accept straight away does not show (or complete) the invitation either.
    const accept = await submit(flow.b, enter, { step: 'accept' });
    for (const p of [first, next, enter, wrong, accept]) {
      expect(p.html).not.toContain('Review permissions');
      expect(p.html).not.toContain('Welcome to the partner portal');
      expect(p.html).not.toContain('Ada Admin');
      expect(p.html).not.toContain('invited you');
    }
    // After the code: who invited whom, the message, and the consent.
    const consent = await submit(flow.b, enter, { code: await latestCode(t, email) });
    expect(consent.status).toBe(200);
    expect(consent.html).toContain('Review permissions');
    expect(consent.html).toContain('Welcome to the partner portal, Ivy');
    expect(consent.html).toContain('Ada Admin');
    const done = await submitAndFollow(flow.b, base, consent);
    expect(done.location).toContain('/auth/callback');
  });
});
