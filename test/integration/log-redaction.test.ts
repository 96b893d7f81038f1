import { Writable } from 'node:stream';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServicePrincipal } from '../../src/contracts/applications.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { freePort, SPA_CALLBACK, spaClient } from '../helpers/oidc.js';
import {
  type Browser,
  browser,
  invite,
  latestCode,
  latestRedeemLink,
  mailTo,
  open,
  type Page,
  submit,
  submitAndFollow,
} from '../helpers/redeem.js';
import { assign, createSamlApp, formFields, serviceProvider } from '../helpers/saml-sp.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

// No secrets in logs: the whole life of a guest — invited (mail over authenticated SMTP), redeemed
// with an e-mail one-time passcode, signed in to an OIDC application (openid-client, client secret,
// id_token_hint at logout) and to a SAML application (node-saml) — plus a member's password
// sign-in and an automation client's client-credentials grant, with the logger at `trace`. Every
// secret the flow saw (redeem ticket, passcode, authorization codes, OAuth state, client secrets,
// passwords, tokens, SAML messages and RelayState, CSRF and consent tokens, the SMTP password) is
// collected, and none may appear in the captured log.

/** Log lines as written (JSON), captured from the app's logger. */
function captureLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  return { lines, stream };
}

/** Parameters whose values are secrets when they appear in a URL or a form. */
const SECRET_PARAMS = new Set([
  'ticket',
  'code',
  'state',
  'nonce',
  'id_token_hint',
  'client_secret',
  'password',
  'otp',
  'code_verifier',
  'samlrequest',
  'samlresponse',
  'relaystate',
  'sig',
  'csrf',
  'consent',
]);

/** A browser that remembers every URL it visited or was redirected to, and every form it posted. */
function recordingBrowser(secrets: Set<string>): Browser {
  const b = browser();
  const note = (params: Iterable<[string, string]>) => {
    for (const [k, v] of params) if (SECRET_PARAMS.has(k.toLowerCase()) && v) secrets.add(v);
  };
  const noteUrl = (url: string) => note(new URL(url, 'http://x').searchParams);
  const seen = (res: Response) => {
    const location = res.headers.get('location');
    if (location) noteUrl(location);
    return res;
  };
  return {
    jar: b.jar,
    get: async (url: string) => {
      noteUrl(url);
      return seen(await b.get(url));
    },
    postForm: async (url: string, form: Record<string, string>) => {
      noteUrl(url);
      note(Object.entries(form));
      return seen(await b.postForm(url, form));
    },
  };
}

const PASSWORD = 'Correct-Horse-9';

describe('no secrets in logs (logger at trace)', () => {
  const log = captureLog();
  const secrets = new Set<string>();
  let t: TestApp;
  let base: string;
  let sink: SmtpSink;
  const smtpPassword = 'smtp-Pa55word-x7Rq';

  beforeAll(async () => {
    sink = await startSmtpSink({ auth: { user: 'portico', pass: smtpPassword } });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await buildTestApp({
      env: {
        PORTICO_PUBLIC_URL: base,
        PORTICO_OUTBOX_WORKER: 'off',
        PORTICO_LOG_LEVEL: 'trace',
        PORTICO_SMTP_URL: sink.url,
      },
      logDestination: log.stream,
    });
    await t.app.listen({ port, host: '127.0.0.1' });
    secrets.add(smtpPassword);
    secrets.add(t.admin.token);
    secrets.add(PASSWORD);
  });

  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  const admin = async (method: 'POST' | 'GET', url: string, body?: unknown) => {
    const res = await t.call(method, `/v1.0${url}`, { token: t.admin.token, ...(body === undefined ? {} : { body }) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json() as Record<string, unknown>;
  };

  it('invite → redeem (passcode) → OIDC SSO → SAML SSO, password and client-credentials sign-ins', async () => {
    // The applications the guest will use, assigned to them after the invitation.
    const redirect = 'https://timesheets.fabrikam.example/signin-oidc';
    const oidcApp = (await admin('POST', '/servicePrincipals', {
      displayName: 'Timesheets',
      preferredSingleSignOnMode: 'oidc',
      replyUrls: [redirect],
      appRoleAssignmentRequired: true,
    })) as unknown as ServicePrincipal;
    const appSecret = String((await admin('POST', `/servicePrincipals/${oidcApp.id}/addPassword`, {})).secretText);
    secrets.add(appSecret);
    const samlApp = await createSamlApp(t);

    // Invitation, delivered over SMTP (the SMTP password is a secret too).
    const email = 'jordan.redeemer@fabrikam.example';
    const inv = await invite(t, email, { redirect: 'https://apps.fabrikam.example/welcome' });
    await assign(t, oidcApp.id, inv.invitedUser.id);
    await assign(t, samlApp.id, inv.invitedUser.id);
    await t.app.portico.outboxWorker.drain();
    expect(sink.messages.length).toBeGreaterThan(0);
    const link = await latestRedeemLink(t, email);
    const ticket = new URL(link).searchParams.get('ticket') ?? '';
    expect(ticket.length).toBeGreaterThan(10);
    secrets.add(ticket);

    // The "block future invitations" link of the mail carries a signature.
    const mail = (await mailTo(t, email, 'invitation')).at(-1);
    const unsubscribe = mail?.text.match(/https?:\/\/\S+\/invitations\/unsubscribe\S*/)?.[0];
    expect(unsubscribe).toBeDefined();
    const b = recordingBrowser(secrets);
    await b.get(unsubscribe ?? '');

    // Redemption: passcode by mail, the code entered, consent, on to the destination.
    const send = await open(b, base, link);
    expect(send.html).toContain('Send code');
    const enter = await submit(b, send);
    expect(enter.html).toContain('Enter code');
    await t.app.portico.outboxWorker.drain();
    const otp = await latestCode(t, email);
    secrets.add(otp);
    const consent = await submit(b, enter, { code: otp });
    expect(consent.html).toContain('Review permissions');
    const redeemed = await submitAndFollow(b, base, consent);
    expect(redeemed.location).toBe('https://apps.fabrikam.example/welcome');

    // OIDC SSO to the confidential application: code + PKCE + client secret (Basic), then logout
    // with id_token_hint.
    const cfg = await client.discovery(
      new URL(base),
      oidcApp.appId,
      { client_secret: appSecret },
      client.ClientSecretBasic(appSecret),
      {
        execute: [client.allowInsecureRequests],
      },
    );
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    secrets.add(verifier);
    secrets.add(nonce);
    const url = client.buildAuthorizationUrl(cfg, {
      redirect_uri: redirect,
      scope: 'openid profile email offline_access',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const sso = await open(b, base, url.href);
    expect(sso.location?.startsWith(redirect), `${sso.status} ${sso.html.slice(0, 300)}`).toBe(true);
    const tokens = await client.authorizationCodeGrant(cfg, new URL(sso.location ?? ''), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    for (const tk of [tokens.access_token, tokens.id_token, tokens.refresh_token]) if (tk) secrets.add(tk);
    await client.fetchUserInfo(cfg, tokens.access_token, String(tokens.claims()?.sub));
    if (tokens.refresh_token) {
      const refreshed = await client.refreshTokenGrant(cfg, tokens.refresh_token);
      for (const tk of [refreshed.access_token, refreshed.id_token, refreshed.refresh_token]) if (tk) secrets.add(tk);
    }
    const logout = client.buildEndSessionUrl(cfg, { id_token_hint: tokens.id_token ?? '', post_logout_redirect_uri: redirect });
    const logoutPage = await open(b, base, logout.href);
    expect(logoutPage.status).toBe(200);

    // SAML SSO (HTTP-Redirect AuthnRequest with RelayState), answered by an auto-post page.
    const { saml } = await serviceProvider(base, t.tenant.id, samlApp);
    const relayState = `relay-${'r'.repeat(8)}-${Date.now()}`;
    secrets.add(relayState);
    const samlUrl = await saml.getAuthorizeUrlAsync(relayState, undefined, {});
    secrets.add(new URL(samlUrl).searchParams.get('SAMLRequest') ?? '');
    // Signed out of the OIDC session above: the guest signs in again with a passcode.
    let page: Page = await open(b, base, samlUrl);
    for (let i = 0; i < 4 && !page.html.includes('SAMLResponse'); i++) {
      if (page.html.includes('name="code"')) {
        await t.app.portico.outboxWorker.drain();
        const again = await latestCode(t, email);
        secrets.add(again);
        page = await submitAndFollow(b, base, page, { code: again });
      } else {
        page = await submitAndFollow(b, base, page, page.html.includes('name="login"') ? { login: email } : {});
      }
    }
    const posted = formFields(page.html);
    const samlResponse = posted.fields.SAMLResponse ?? '';
    expect(samlResponse.length).toBeGreaterThan(100);
    secrets.add(samlResponse);
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: samlResponse, RelayState: relayState });
    expect(profile?.nameID).toBe(email);

    // A member signs in to the portal with a password (a wrong one first).
    const member = await t.createUser();
    const wrong = 'Wrong-Horse-1234';
    secrets.add(wrong);
    const spa = await spaClient(t, base);
    const spaVerifier = client.randomPKCECodeVerifier();
    secrets.add(spaVerifier);
    const spaState = client.randomState();
    const m = recordingBrowser(secrets);
    const spaUrl = client.buildAuthorizationUrl(spa, {
      redirect_uri: SPA_CALLBACK(t),
      scope: 'openid profile User.Read',
      code_challenge: await client.calculatePKCECodeChallenge(spaVerifier),
      code_challenge_method: 'S256',
      state: spaState,
    });
    const signin = await open(m, base, spaUrl.href);
    const pwd = await submit(m, signin, { login: member.user.userPrincipalName });
    const refused = await submit(m, pwd, { login: member.user.userPrincipalName, password: wrong });
    expect(refused.status).toBe(401);
    const done = await submitAndFollow(m, base, refused, { login: member.user.userPrincipalName, password: PASSWORD });
    expect(done.location).toContain('/auth/callback?code=');
    await m.get(done.location ?? '');
    const spaTokens = await client.authorizationCodeGrant(spa, new URL(done.location ?? ''), {
      pkceCodeVerifier: spaVerifier,
      expectedState: spaState,
    });
    secrets.add(spaTokens.access_token);

    // An automation client: client credentials with the secret in the form (client_secret_post).
    const { client: automation, clientSecret } = await t.app.portico.services.clients.createClient(t.tenant.id, {
      displayName: 'Nightly sync',
      permissions: ['User.Read.All'],
    });
    secrets.add(clientSecret);
    const cc = await fetch(`${base}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: automation.clientId,
        client_secret: clientSecret,
        scope: `${base}/.default`,
      }).toString(),
    });
    expect(cc.status).toBe(200);
    const appToken = ((await cc.json()) as { access_token: string }).access_token;
    secrets.add(appToken);
    const users = await fetch(`${base}/v1.0/users?$top=1`, { headers: { authorization: `Bearer ${appToken}` } });
    expect(users.status).toBe(200);
    await t.app.portico.outboxWorker.drain();

    const text = log.lines.join('\n');
    const leaked = [...secrets]
      .filter((s) => s.length >= 8)
      .filter((s) => {
        const forms = [s, encodeURIComponent(s), new URLSearchParams({ v: s }).toString().slice(2)];
        // Digit-only secrets (the passcode) must not be mistaken for part of a timestamp.
        return /^\d+$/.test(s) ? new RegExp(`(?<!\\d)${s}(?!\\d)`).test(text) : forms.some((f) => text.includes(f));
      });
    expect(secrets.size).toBeGreaterThan(25);
    expect(
      leaked.map(
        (s) =>
          `${s.slice(0, 40)}… in: ${log.lines.find((l) => l.includes(s) || l.includes(encodeURIComponent(s)))?.slice(0, 300)}`,
      ),
    ).toEqual([]);
    // The log was written at trace level and covers the flow (one line per request: URLs logged, values masked).
    expect(log.lines.length).toBeGreaterThan(30);
    expect(text).toContain('ticket=[redacted]');
    expect(text).toContain('code=[redacted]');
    expect(text).toContain('SAMLRequest=[redacted]');
    expect(text).toContain('id_token_hint=[redacted]');
    expect(text).toContain('/redeem/');
  });
});

describe('the development mailbox (no SMTP) logs its links on purpose', () => {
  const log = captureLog();
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp({ env: { PORTICO_OUTBOX_WORKER: 'off', PORTICO_LOG_LEVEL: 'debug' }, logDestination: log.stream });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('only in its own lines (devMailbox: true); the request log of the link masks the ticket', async () => {
    const email = 'dev.mailbox@fabrikam.example';
    await invite(t, email);
    await t.app.portico.outboxWorker.drain();
    const link = await latestRedeemLink(t, email);
    const ticket = new URL(link).searchParams.get('ticket') ?? '';
    const u = new URL(link);
    await t.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` });

    const withTicket = log.lines.filter((l) => l.includes(ticket));
    expect(withTicket.length).toBeGreaterThan(0);
    for (const l of withTicket) expect(JSON.parse(l)).toMatchObject({ devMailbox: true });
    const request = log.lines
      .map((l) => JSON.parse(l) as { msg?: string; req?: { url?: string } })
      .find((l) => l.req?.url?.startsWith(u.pathname));
    expect(request?.req?.url).toBe(`${u.pathname}?ticket=[redacted]`);
  });
});
