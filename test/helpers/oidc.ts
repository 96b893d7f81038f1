import net from 'node:net';
import * as client from 'openid-client';
import type { TestApp } from './app.js';

/** A free TCP port on 127.0.0.1 (the issuer URL must name the port before the app is built). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Minimal cookie jar for driving browser flows with fetch (path matching, deletion). */
export class CookieJar {
  private readonly cookies = new Map<string, { name: string; value: string; path: string }>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let cpath = '/';
      let expired = value === '';
      for (const a of attrs) {
        const [k = '', v = ''] = a.split('=');
        if (k.toLowerCase() === 'path') cpath = v;
        if (k.toLowerCase() === 'expires' && new Date(v).getTime() < Date.now()) expired = true;
        if (k.toLowerCase() === 'max-age' && Number(v) <= 0) expired = true;
      }
      const key = `${name};${cpath}`;
      if (expired) this.cookies.delete(key);
      else this.cookies.set(key, { name, value, path: cpath });
    }
  }

  header(url: string): string {
    const p = new URL(url).pathname;
    return [...this.cookies.values()]
      .filter((c) => p === c.path || p.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}

/** A tiny browser: fetch without following redirects, with a cookie jar. */
export function browser() {
  const jar = new CookieJar();
  const go = async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    const cookie = jar.header(url);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    jar.store(res);
    return res;
  };
  return {
    jar,
    get: (url: string) => go(url),
    postForm: (url: string, form: Record<string, string>) =>
      go(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      }),
  };
}

/** The sign-in form's action and hidden fields (the page's first form: the password form). */
export function parseSignInForm(html: string, base: string): { action: string; fields: Record<string, string> } {
  const first = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  const action = first?.[1];
  if (!action) throw new Error(`no form in page:\n${html}`);
  const fields: Record<string, string> = {};
  for (const m of (first[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    if (m[1]) fields[m[1]] = (m[2] ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  }
  return { action: new URL(action.replace(/&amp;/g, '&'), base).href, fields };
}

export const SPA_CALLBACK = (t: TestApp) => `${t.config.publicUrl}/auth/callback`;

/** openid-client configuration for the first-party SPA client (public, PKCE). */
export async function spaClient(t: TestApp, issuer = t.config.publicUrl) {
  const cfg = await client.discovery(new URL(issuer), 'portico-spa', undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });
  client.enableNonRepudiationChecks(cfg);
  return cfg;
}

/**
 * Starts an authorization-code + PKCE flow and follows it to the sign-in page. Returns the page and
 * what is needed to finish.
 */
export async function startAuthorization(t: TestApp, scope = 'openid profile email User.Read', issuer = t.config.publicUrl) {
  const cfg = await spaClient(t, issuer);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(cfg, {
    redirect_uri: SPA_CALLBACK(t),
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const b = browser();
  const first = await b.get(url.href);
  if (first.status !== 303) throw new Error(`authorize: ${first.status} ${await first.text()}`);
  const loginUrl = new URL(first.headers.get('location') ?? '', url).href;
  const page = await b.get(loginUrl);
  const html = await page.text();
  return { cfg, b, verifier, state, nonce, loginUrl, page, html };
}

/** Posts credentials on the sign-in page of a started flow. */
export async function submitCredentials(
  flow: Awaited<ReturnType<typeof startAuthorization>>,
  login: string,
  password: string,
  html = flow.html,
) {
  const form = parseSignInForm(html, flow.loginUrl);
  return flow.b.postForm(form.action, { ...form.fields, login, password });
}

/** Follows redirects after a successful sign-in up to the client's callback, then redeems the code. */
export async function finishAuthorization(flow: Awaited<ReturnType<typeof startAuthorization>>, afterPost: Response) {
  let res = afterPost;
  let location = '';
  for (let i = 0; i < 6; i++) {
    if (res.status !== 303 && res.status !== 302) throw new Error(`expected a redirect, got ${res.status}: ${await res.text()}`);
    location = new URL(res.headers.get('location') ?? '', location || flow.loginUrl).href;
    if (location.includes('/auth/callback')) break;
    res = await flow.b.get(location);
  }
  if (!location.includes('/auth/callback')) throw new Error(`never reached the callback (last ${location})`);
  return client.authorizationCodeGrant(flow.cfg, new URL(location), {
    pkceCodeVerifier: flow.verifier,
    expectedState: flow.state,
    expectedNonce: flow.nonce,
  });
}

/** Decodes a JWT without verifying (assertions on header and claims). */
export function decodeJwt(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h = '', p = ''] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>,
  };
}
