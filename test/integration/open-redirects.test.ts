import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { browser, freePort } from '../helpers/oidc.js';

// No redirect Portico issues can be pointed at another host by a request parameter: every surface
// that redirects is probed with hostile values and must either refuse (a page) or stay on Portico
// or on an address an administrator registered.

const EVIL = 'https://evil.example';

let t: TestApp;
let base: string;
let appId: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await buildTestApp({ env: { PORTICO_PUBLIC_URL: base, PORTICO_OUTBOX_WORKER: 'off' } });
  await t.app.listen({ port, host: '127.0.0.1' });
  const res = await t.call('POST', '/v1.0/servicePrincipals', {
    token: t.admin.token,
    body: {
      displayName: 'Registered app',
      preferredSingleSignOnMode: 'oidc',
      replyUrls: ['https://registered.example/callback'],
      loginUrl: 'https://registered.example/login',
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  appId = (res.json() as { appId: string }).appId;
});

afterAll(async () => {
  await t?.close();
});

/** The redirect target of a response, resolved against the request URL (undefined when none). */
async function locationOf(url: string) {
  const res = await browser().get(url);
  const location = res.headers.get('location');
  return { status: res.status, location: location === null ? undefined : new URL(location, url).href };
}

const staysHome = (location: string | undefined) =>
  location === undefined || location.startsWith(`${base}/`) || location.startsWith('https://registered.example/');

describe('open redirects', () => {
  it('authorization requests only ever redirect to a registered redirect URI', async () => {
    for (const [clientId, redirect] of [
      ['portico-spa', `${EVIL}/auth/callback`],
      ['portico-spa', `${base}.evil.example/auth/callback`],
      ['portico-myapps', `${EVIL}/myapps/signin/complete`],
      ['portico-redeem', `${EVIL}/redeem/complete`],
      ['portico-saml', `${EVIL}/saml2/complete`],
      [appId, `${EVIL}/callback`],
      [appId, 'https://registered.example/callback/../../evil'],
    ] as const) {
      const q = new URLSearchParams({
        client_id: clientId,
        redirect_uri: redirect,
        response_type: 'code',
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
        state: 's',
      });
      const r = await locationOf(`${base}/oauth2/v2.0/authorize?${q}`);
      expect(staysHome(r.location), `${clientId} → ${redirect}: ${r.status} ${r.location}`).toBe(true);
    }
  });

  it('sign-out only returns to registered post-logout URIs', async () => {
    for (const q of [
      { post_logout_redirect_uri: `${EVIL}/` } as Record<string, string>,
      { client_id: 'portico-spa', post_logout_redirect_uri: `${EVIL}/` },
      { client_id: appId, post_logout_redirect_uri: `${EVIL}/` },
    ]) {
      const r = await locationOf(`${base}/oauth2/v2.0/logout?${new URLSearchParams(q)}`);
      expect(staysHome(r.location), `${JSON.stringify(q)}: ${r.status} ${r.location}`).toBe(true);
    }
  });

  it('the ends of Portico’s own sign-in round trips refuse strangers instead of redirecting', async () => {
    for (const path of [
      `/myapps/signin/complete?state=abc&code=xyz&redirect_uri=${encodeURIComponent(EVIL)}`,
      `/redeem/complete?state=abc&code=xyz&redirect=${encodeURIComponent(EVIL)}`,
      `/saml2/complete?state=abc&code=xyz&RelayState=${encodeURIComponent(EVIL)}`,
    ]) {
      const r = await locationOf(`${base}${path}`);
      expect(r.location, path).toBeUndefined();
      expect(r.status, path).toBe(400);
    }
  });

  it('direct sign-on links and the root ignore redirect parameters', async () => {
    const link = await locationOf(`${base}/myapps/signin/${appId}?redirect_uri=${encodeURIComponent(EVIL)}&target=${EVIL}`);
    expect(link.location?.startsWith(`${base}/oauth2/v2.0/authorize?`)).toBe(true);
    expect(new URL(link.location ?? base).searchParams.get('redirect_uri')).toBe(`${base}/myapps/signin/complete`);
    const root = await locationOf(`${base}/?next=${encodeURIComponent(EVIL)}&returnTo=${encodeURIComponent(EVIL)}`);
    expect(root.location).toBe(`${base}/myapps`);
  });
});
