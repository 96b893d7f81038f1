import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/domain/clock.js';
import { RoleIds } from '../../src/server/domain/roles.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { freePort, spaClient } from '../helpers/oidc.js';
import {
  allCodeMails,
  type Browser,
  browser,
  follow,
  formOf,
  invite,
  latestCode,
  latestRedeemLink,
  mailTo,
  open,
  type Page,
  submit,
  submitAndFollow,
  textOf,
} from '../helpers/redeem.js';

let t: TestApp;
let base: string;
const clock = new ManualClock(new Date());
const DESTINATION = 'https://apps.fabrikam.example/welcome';

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await buildTestApp({ clock, env: { PORTICO_PUBLIC_URL: base, PORTICO_OUTBOX_WORKER: 'off' } });
  await t.app.listen({ port, host: '127.0.0.1' });
});

afterAll(async () => {
  await t?.close();
});

const redeemAudits = async (userId: string) => {
  const res = await t.call(
    'GET',
    `/v1.0/auditLogs/directoryAudits?$filter=${encodeURIComponent("activityDisplayName eq 'Redeem external user invite'")}`,
    { token: t.admin.token },
  );
  expect(res.statusCode).toBe(200);
  const items = (res.json() as { value: { targetResources: { id: string }[] }[] }).value;
  return items.filter((a) => a.targetResources.some((r) => r.id === userId));
};

/** Opens a redeem link in `b` and returns the first page of the redemption (consent or Send code). */
async function openLink(b: Browser, link: string): Promise<Page & { location?: string }> {
  const page = await open(b, base, link);
  return page;
}

/** Consent → Accept → Send code: returns the Enter code page. */
async function acceptAndSend(b: Browser, consent: Page): Promise<Page> {
  expect(consent.status).toBe(200);
  expect(consent.html).toContain('Review permissions');
  const send = await submit(b, consent);
  expect(send.status).toBe(200);
  expect(send.html).toContain('Send code');
  const enter = await submit(b, send);
  expect(enter.status).toBe(200);
  expect(enter.html).toContain('Enter code');
  return enter;
}

async function inviteAndOpen(email: string, message?: string) {
  const inv = await invite(t, email, { redirect: DESTINATION, ...(message ? { message } : {}) });
  const link = await latestRedeemLink(t, email);
  const b = browser();
  const first = await openLink(b, link);
  return { inv, link, b, first };
}

describe('redemption with an e-mail one-time passcode', () => {
  it('runs the whole flow: consent, code to the invited address, Accepted, redirect, silent sign-in', async () => {
    const email = 'jordan@fabrikam.example';
    const message = 'Welcome aboard <script>alert("x")</script> & see you';
    const { inv, link, b, first } = await inviteAndOpen(email, message);
    expect(link).toBe(inv.inviteRedeemUrl);

    // The consent page: who invited whom to what, the message as text, what is shared.
    expect(first.status).toBe(200);
    expect(first.res.headers.get('content-type')).toContain('text/html');
    expect(first.html).toContain('Review permissions');
    expect(first.html).toContain('Ada Admin');
    expect(first.html).toContain('Contoso');
    expect(first.html).toContain(email);
    expect(first.html).not.toContain('<script>');
    expect(first.html).toContain('Welcome aboard &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; see you');
    expect(first.html).toContain('name, e-mail address and directory identifiers');
    expect(first.html).toContain('has not provided a link to its privacy statement');

    const send = await submit(b, first);
    expect(send.html).toContain('j•••@fabrikam.example');
    const before = (await allCodeMails(t)).length;
    const enter = await submit(b, send);
    expect(enter.html).toContain('Enter code');

    // Exactly one code, to the invited address only.
    const codes = (await allCodeMails(t)).slice(before);
    expect(codes).toHaveLength(1);
    expect(codes[0]?.to).toEqual([email]);
    expect(codes[0]?.subject).toBe('Your Contoso verification code');
    expect(codes[0]?.text).toMatch(/valid for 10 minutes/);
    const code = await latestCode(t, email);
    expect(code).toMatch(/^\d{8}$/);
    // Delivered (dev mailbox) to that address only, with the code in both parts.
    await t.app.portico.outboxWorker.drain();
    const delivered = await t.database.db
      .selectFrom('dev_mailbox')
      .selectAll()
      .where('subject', '=', 'Your Contoso verification code')
      .execute();
    expect(delivered.map((m) => JSON.parse(m.to) as string[])).toEqual([[email]]);
    expect(delivered[0]?.text).toContain(code);
    expect(delivered[0]?.html).toContain(code);
    // Stored hashed: the code itself is nowhere in the table.
    const rows = await t.database.db.selectFrom('otp_codes').selectAll().execute();
    expect(rows.some((r) => r.code_hash.includes(code))).toBe(false);

    const done = await submitAndFollow(b, base, enter, { code });
    expect(done.location).toBe(DESTINATION);

    const user = await t.call('GET', `/v1.0/users/${inv.invitedUser.id}`, { token: t.admin.token });
    const u = user.json() as Record<string, unknown>;
    expect(u.externalUserState).toBe('Accepted');
    expect(typeof u.externalUserStateChangeDateTime).toBe('string');
    const identities = (
      await t.call('GET', `/v1.0/users/${inv.invitedUser.id}?$select=identities`, { token: t.admin.token })
    ).json() as {
      identities: unknown[];
    };
    expect(identities.identities).toContainEqual({ signInType: 'emailAddress', issuer: 'mail', issuerAssignedId: email });
    expect(await redeemAudits(inv.invitedUser.id)).toHaveLength(1);

    // The guest now has a provider session: the portal signs in silently.
    const cfg = await spaClient(t, base);
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(cfg, {
      redirect_uri: `${base}/auth/callback`,
      scope: `openid profile ${base}/v1.0/.default`,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'silent',
      prompt: 'none',
    });
    const silent = await open(b, base, url.href);
    expect(silent.location).toContain('/auth/callback');
    expect(silent.location).toContain('code=');
    expect(silent.location).not.toContain('error=');
    const tokens = await client.authorizationCodeGrant(cfg, new URL(silent.location ?? ''), {
      pkceCodeVerifier: verifier,
      expectedState: 'silent',
    });
    expect(tokens.claims()?.sub).toBe(inv.invitedUser.id);
    const me = await fetch(`${base}/v1.0/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { id: string }).id).toBe(inv.invitedUser.id);
  });

  it('answers unknown, malformed and tampered links with one uniform page', async () => {
    const { link } = await inviteAndOpen('uniform@fabrikam.example');
    const u = new URL(link);
    const tampered = `${base}${u.pathname}?ticket=${u.searchParams.get('ticket')?.slice(0, -2)}xx`;
    const unknown = `${base}/redeem/00000000-0000-7000-8000-000000000000?ticket=${u.searchParams.get('ticket')}`;
    const malformed = `${base}/redeem/not-an-id`;
    const pages = await Promise.all([tampered, unknown, malformed].map((l) => fetch(l)));
    const bodies = await Promise.all(pages.map((p) => p.text()));
    for (const p of pages) expect(p.status).toBe(400);
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).toContain('This invitation link is not valid');
    expect(bodies[0]).toContain('Ask the person who invited you to send it again');
  });

  it('burns a code after 5 wrong attempts: the right code then fails', async () => {
    const email = 'wrong5@fabrikam.example';
    const { inv, b, first } = await inviteAndOpen(email);
    let page = await acceptAndSend(b, first);
    const code = await latestCode(t, email);
    const wrong = code === '00000000' ? '11111111' : '00000000';
    for (let i = 1; i <= 4; i++) {
      page = await submit(b, page, { code: wrong });
      expect(page.status).toBe(401);
      expect(page.html).toContain(`(${5 - i} attempt`);
    }
    page = await submit(b, page, { code: wrong });
    expect(page.status).toBe(401);
    expect(page.html).toContain('That code was entered wrongly too many times. Send a new code.');
    // The page now offers Send code; the old right code is dead even if posted directly.
    const enterForm = formOf(first);
    const replay = await b.postForm(enterForm.action, {
      ...enterForm.fields,
      step: 'verify',
      code,
      consent: formOf(page).fields.consent ?? '',
    });
    expect(replay.status).toBe(401);
    expect(await replay.text()).toContain('entered wrongly too many times');
    const user = (await t.call('GET', `/v1.0/users/${inv.invitedUser.id}`, { token: t.admin.token })).json() as Record<
      string,
      unknown
    >;
    expect(user.externalUserState).toBe('PendingAcceptance');

    // A new code works.
    const enter = await submit(b, page);
    expect(enter.html).toContain('Enter code');
    const done = await submitAndFollow(b, base, enter, { code: await latestCode(t, email) });
    expect(done.location).toBe(DESTINATION);
  });

  it('refuses an expired code and accepts a fresh one', async () => {
    const email = 'expired@fabrikam.example';
    const { b, first } = await inviteAndOpen(email);
    const enter = await acceptAndSend(b, first);
    const code = await latestCode(t, email);
    clock.advance(11 * 60_000);
    const late = await submit(b, enter, { code });
    expect(late.status).toBe(401);
    expect(late.html).toContain('That code has expired. Send a new code.');
    const again = await submit(b, late);
    expect(again.html).toContain('Enter code');
    const done = await submitAndFollow(b, base, again, { code: await latestCode(t, email) });
    expect(done.location).toBe(DESTINATION);
  });

  it('a replayed link signs in with a code instead of redeeming again', async () => {
    const email = 'replay@fabrikam.example';
    const { inv, link, b, first } = await inviteAndOpen(email);
    const enter = await acceptAndSend(b, first);
    expect((await submitAndFollow(b, base, enter, { code: await latestCode(t, email) })).location).toBe(DESTINATION);

    // Another browser (no session): no consent, straight to Send code, then signed in.
    const other = browser();
    const again = await openLink(other, link);
    expect(again.status).toBe(200);
    expect(again.html).not.toContain('Review permissions');
    expect(again.html).toContain('Send code');
    expect(again.html).toContain('r•••@fabrikam.example');
    const enter2 = await submit(other, again);
    const done = await submitAndFollow(other, base, enter2, { code: await latestCode(t, email) });
    expect(done.location).toBe(DESTINATION);

    // The same browser still has its session: straight through.
    const same = await openLink(b, link);
    expect(same.location).toBe(DESTINATION);
    expect(await redeemAudits(inv.invitedUser.id)).toHaveLength(1);
  });

  it('reset redemption revokes the old link; the new one redeems', async () => {
    const email = 'reset@fabrikam.example';
    const { inv, link, b, first } = await inviteAndOpen(email);
    const enter = await acceptAndSend(b, first);
    await submitAndFollow(b, base, enter, { code: await latestCode(t, email) });

    const reset = await t.call('POST', '/v1.0/invitations', {
      token: t.admin.token,
      body: {
        invitedUserEmailAddress: email,
        inviteRedirectUrl: DESTINATION,
        sendInvitationMessage: true,
        resetRedemption: true,
        invitedUser: { id: inv.invitedUser.id },
      },
    });
    expect(reset.statusCode).toBe(201);
    const old = await open(browser(), base, link);
    expect(old.status).toBe(400);
    expect(old.html).toContain('This invitation link is not valid');
    // Even in the browser that started with the old link and still has a session.
    const oldSameBrowser = await open(b, base, link);
    expect(oldSameBrowser.status).toBe(400);

    const fresh = await latestRedeemLink(t, email);
    expect(fresh).not.toBe(link);
    const b2 = browser();
    const consent = await openLink(b2, fresh);
    const enter2 = await acceptAndSend(b2, consent);
    expect((await submitAndFollow(b2, base, enter2, { code: await latestCode(t, email) })).location).toBe(DESTINATION);
    expect(await redeemAudits(inv.invitedUser.id)).toHaveLength(2);
  });

  it('a forwarded link is useless: the code goes to the invited address, and another user’s code does not work', async () => {
    const email = 'invited@fabrikam.example';
    const forwardee = 'curious@northwind.example';
    const { inv, b, first } = await inviteAndOpen(email);
    const enter = await acceptAndSend(b, first);
    expect(await mailTo(t, forwardee)).toHaveLength(0);
    expect(await mailTo(t, email, 'otp')).toHaveLength(1);

    // The forwardee has their own pending invitation and receives their own code…
    const theirs = await inviteAndOpen(forwardee);
    await acceptAndSend(theirs.b, theirs.first);
    const foreign = await latestCode(t, forwardee);
    // …which does not redeem the invitation that was forwarded to them.
    const tried = await submit(b, enter, { code: foreign });
    expect(tried.status).toBe(401);
    expect(textOf(tried.html)).toContain("That code didn't work");
    const user = (await t.call('GET', `/v1.0/users/${inv.invitedUser.id}`, { token: t.admin.token })).json() as Record<
      string,
      unknown
    >;
    expect(user.externalUserState).toBe('PendingAcceptance');
    // A code cannot be typed into the link without going through consent either.
    const f = formOf(first);
    const skip = await b.postForm(f.action, { ...f.fields, step: 'verify', code: await latestCode(t, email) });
    expect(skip.status).toBe(200);
    expect(await skip.text()).toContain('Review permissions');
  });

  it('20 parallel submissions of the right code: exactly one succeeds, one audit record', async () => {
    const email = 'race@fabrikam.example';
    const { inv, b, first } = await inviteAndOpen(email);
    const enter = await acceptAndSend(b, first);
    const code = await latestCode(t, email);
    const f = formOf(enter);
    const results = await Promise.all(Array.from({ length: 20 }, () => b.postForm(f.action, { ...f.fields, code })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 303)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(19);
    expect(await redeemAudits(inv.invitedUser.id)).toHaveLength(1);
    const winner = results.find((r) => r.status === 303);
    const done = await follow(b, base, winner as Response, f.action);
    expect(done.location).toBe(DESTINATION);
  });

  it('limits codes per address per hour (429 page)', async () => {
    const email = 'limit@fabrikam.example';
    const { b, first } = await inviteAndOpen(email);
    let page = await acceptAndSend(b, first); // code 1
    for (let i = 2; i <= 5; i++) {
      page = await submit(b, page, {}, 1); // "Send a new code"
      expect(page.status).toBe(200);
    }
    const over = await submit(b, page, {}, 1);
    expect(over.status).toBe(429);
    expect(over.res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(over.html).toContain('Too many codes were sent to this address');
    expect(await mailTo(t, email, 'otp')).toHaveLength(5);
    clock.advance(61 * 60_000);
    // An hour later codes flow again (the redemption must be restarted: its cookie is 30 minutes).
    const again = await openLink(browser(), await latestRedeemLink(t, email));
    expect(again.html).toContain('Review permissions');
  });

  it('refuses redemption when the domain was blocked after the invitation', async () => {
    const email = 'blocked@blocked-later.example';
    const { b, first } = await inviteAndOpen(email);
    expect(first.html).toContain('Review permissions');
    const patch = await t.call('PATCH', '/v1.0/policies/b2bManagementPolicies/default', {
      token: t.admin.token,
      body: { invitationDomains: { mode: 'denyList', domains: ['blocked-later.example'] } },
    });
    expect(patch.statusCode).toBe(204);
    try {
      const accepted = await submit(b, first);
      expect(accepted.status).toBe(403);
      expect(textOf(accepted.html)).toContain("Invitations to the domain 'blocked-later.example' are blocked");
      const reopened = await openLink(browser(), await latestRedeemLink(t, email));
      expect(reopened.status).toBe(403);
      expect(reopened.html).toContain('are blocked');
      expect(await mailTo(t, email, 'otp')).toHaveLength(0);
    } finally {
      await t.call('PATCH', '/v1.0/policies/b2bManagementPolicies/default', {
        token: t.admin.token,
        body: { invitationDomains: { mode: 'allowAll', domains: [] } },
      });
    }
  });

  it('the consent page names the destination host; a host no longer allowed sends the guest to My Apps instead', async () => {
    const shown = await inviteAndOpen('dest-shown@fabrikam.example');
    expect(shown.first.status).toBe(200);
    expect(shown.first.html).toContain('After you accept, you will go to <strong>apps.fabrikam.example</strong>.');

    const email = 'dest-narrowed@fabrikam.example';
    const { b } = await inviteAndOpen(email);
    const patch = (allowedRedirectHosts: string[]) =>
      t.call('PATCH', '/v1.0/policies/b2bManagementPolicies/default', { token: t.admin.token, body: { allowedRedirectHosts } });
    expect((await patch(['apps.contoso.example'])).statusCode).toBe(204);
    try {
      // The invitation was sent before the tenant narrowed its redirect hosts: it no longer leads there.
      const reopened = await openLink(b, await latestRedeemLink(t, email));
      expect(reopened.html).toContain(`After you accept, you will go to <strong>${new URL(base).host}</strong>.`);
      expect(reopened.html).not.toContain('apps.fabrikam.example');
      const enter = await acceptAndSend(b, reopened);
      const done = await submitAndFollow(b, base, enter, { code: await latestCode(t, email) });
      expect(done.location).not.toBe(DESTINATION);
      expect(done.location ?? done.url).toBe(`${base}/myapps`);
    } finally {
      expect((await patch([])).statusCode).toBe(204);
    }
  });

  it('a disabled guest proves the code but does not get in', async () => {
    const email = 'disabled@fabrikam.example';
    const { inv, b, first } = await inviteAndOpen(email);
    const enter = await acceptAndSend(b, first);
    const patch = await t.call('PATCH', `/v1.0/users/${inv.invitedUser.id}`, {
      token: t.admin.token,
      body: { accountEnabled: false },
    });
    expect(patch.statusCode).toBe(204);
    const res = await submit(b, enter, { code: await latestCode(t, email) });
    expect(res.status).toBe(403);
    expect(res.html).toContain('Your account has been locked');
    const user = (await t.call('GET', `/v1.0/users/${inv.invitedUser.id}`, { token: t.admin.token })).json() as Record<
      string,
      unknown
    >;
    expect(user.externalUserState).toBe('PendingAcceptance');
  });

  it('a deleted guest’s link is invalid', async () => {
    const { inv, link } = await inviteAndOpen('deleted@fabrikam.example');
    expect((await t.call('DELETE', `/v1.0/users/${inv.invitedUser.id}`, { token: t.admin.token })).statusCode).toBe(204);
    const page = await open(browser(), base, link);
    expect(page.status).toBe(400);
    expect(page.html).toContain('This invitation link is not valid');
  });

  it("redeems an invitation of another tenant through that tenant's issuer", async () => {
    const other = await t.app.portico.services.tenants.createTenant({
      displayName: 'Northwind',
      initialDomain: 'northwind.test',
    });
    const admin = await t.createUser({ tenant: other, displayName: 'Nina Admin', roles: [RoleIds.globalAdministrator] });
    const email = 'tenant2@fabrikam.example';
    const inv = await invite(t, email, { token: admin.token, redirect: DESTINATION });
    const b = browser();
    const consent = await open(b, base, inv.inviteRedeemUrl);
    expect(new URL(consent.url).pathname).toMatch(new RegExp(`^/${other.id}/login/`));
    expect(consent.html).toContain('Northwind');
    expect(consent.html).toContain('Nina Admin');
    const enter = await acceptAndSend(b, consent);
    expect((await mailTo(t, email, 'otp'))[0]?.subject).toBe('Your Northwind verification code');
    expect((await submitAndFollow(b, base, enter, { code: await latestCode(t, email) })).location).toBe(DESTINATION);
    const user = (await t.call('GET', `/v1.0/users/${inv.invitedUser.id}`, { token: admin.token })).json() as Record<
      string,
      unknown
    >;
    expect(user.externalUserState).toBe('Accepted');
  });
});
