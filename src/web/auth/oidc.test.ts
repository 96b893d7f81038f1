import { beforeEach, describe, expect, it } from 'vitest';
import {
  authorizeUrl,
  beginSignIn,
  completeSignIn,
  endSessionUrl,
  type OidcEnv,
  type OidcMetadata,
  resetDiscovery,
  safeReturnPath,
} from './oidc';
import { s256 } from './pkce';

const origin = 'https://portico.example';
const meta: OidcMetadata = {
  issuer: origin,
  authorization_endpoint: `${origin}/oauth2/v2.0/authorize`,
  token_endpoint: `${origin}/oauth2/v2.0/token`,
  end_session_endpoint: `${origin}/oauth2/v2.0/logout`,
};

const b64url = (o: unknown) => btoa(JSON.stringify(o)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const idToken = (claims: Record<string, unknown>) => `${b64url({ alg: 'ES256' })}.${b64url(claims)}.sig`;

interface Harness {
  env: OidcEnv;
  navigations: string[];
  tokenRequests: URLSearchParams[];
  store: Map<string, string>;
  tokenResponse: { status: number; body: unknown };
}

function harness(): Harness {
  const store = new Map<string, string>();
  const h: Harness = {
    navigations: [],
    tokenRequests: [],
    store,
    tokenResponse: { status: 200, body: {} },
    env: undefined as unknown as OidcEnv,
  };
  h.env = {
    origin,
    now: () => 1_000_000,
    navigate: (url) => h.navigations.push(url),
    storage: {
      getItem: (k) => store.get(k) ?? null,
      setItem: (k, v) => void store.set(k, v),
      removeItem: (k) => void store.delete(k),
    },
    fetch: async (input, init) => {
      const url = String(input);
      if (url === `${origin}/.well-known/openid-configuration`) return new Response(JSON.stringify(meta), { status: 200 });
      if (url === meta.token_endpoint) {
        h.tokenRequests.push(new URLSearchParams(String(init?.body)));
        return new Response(JSON.stringify(h.tokenResponse.body), { status: h.tokenResponse.status });
      }
      return new Response('not found', { status: 404 });
    },
  };
  return h;
}

/** Runs beginSignIn and returns the authorize request it navigated to. */
async function begin(h: Harness, silent: boolean, returnTo = '/admin/groups?q=x') {
  await beginSignIn(h.env, { returnTo, silent });
  return new URL(h.navigations.at(-1) ?? '');
}

beforeEach(() => resetDiscovery());

describe('sign-in round trip (authorization code + PKCE)', () => {
  it('sends the browser to the authorize endpoint with PKCE S256, state, nonce and the callback', async () => {
    const h = harness();
    const url = await begin(h, true);
    expect(`${url.origin}${url.pathname}`).toBe(meta.authorization_endpoint);
    const q = url.searchParams;
    expect(q.get('client_id')).toBe('portico-spa');
    expect(q.get('response_type')).toBe('code');
    expect(q.get('redirect_uri')).toBe(`${origin}/auth/callback`);
    expect(q.get('scope')).toBe('openid profile email');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('prompt')).toBe('none');
    const pending = JSON.parse([...h.store.values()][0] ?? '{}');
    expect(pending.state).toBe(q.get('state'));
    expect(pending.nonce).toBe(q.get('nonce'));
    expect(await s256(pending.verifier)).toBe(q.get('code_challenge'));
    expect(pending.returnTo).toBe('/admin/groups?q=x');
  });

  it('asks interactively (no prompt) when not silent', async () => {
    const url = await begin(harness(), false);
    expect(url.searchParams.has('prompt')).toBe(false);
  });

  it('exchanges the code with the verifier and returns tokens kept only in memory', async () => {
    const h = harness();
    const auth = await begin(h, true);
    const nonce = auth.searchParams.get('nonce');
    const verifier = JSON.parse([...h.store.values()][0] ?? '{}').verifier;
    h.tokenResponse = {
      status: 200,
      body: {
        access_token: 'AT',
        id_token: idToken({ sub: 'u1', name: 'Alice', nonce }),
        expires_in: 3600,
        token_type: 'Bearer',
      },
    };
    const result = await completeSignIn(h.env, `${origin}/auth/callback?code=C1&state=${auth.searchParams.get('state')}`);
    expect(result.kind).toBe('signedIn');
    if (result.kind !== 'signedIn') return;
    expect(result.returnTo).toBe('/admin/groups?q=x');
    expect(result.tokens.accessToken).toBe('AT');
    expect(result.tokens.claims.name).toBe('Alice');
    expect(result.tokens.expiresAt).toBe(1_000_000 + (3600 - 30) * 1000);
    const sent = h.tokenRequests[0];
    expect(sent?.get('grant_type')).toBe('authorization_code');
    expect(sent?.get('code')).toBe('C1');
    expect(sent?.get('code_verifier')).toBe(verifier);
    expect(sent?.get('client_id')).toBe('portico-spa');
    expect(sent?.get('redirect_uri')).toBe(`${origin}/auth/callback`);
    // The round-trip record is gone: the same callback cannot be used twice.
    expect(h.store.size).toBe(0);
    const again = await completeSignIn(h.env, `${origin}/auth/callback?code=C1&state=${auth.searchParams.get('state')}`);
    expect(again.kind).toBe('failed');
  });

  it('switches to an interactive sign-in when the silent attempt finds no session', async () => {
    const h = harness();
    const auth = await begin(h, true, '/mygroups');
    const r = await completeSignIn(h.env, `${origin}/auth/callback?error=login_required&state=${auth.searchParams.get('state')}`);
    expect(r).toEqual({ kind: 'interactive', returnTo: '/mygroups' });
    expect(h.tokenRequests).toHaveLength(0);
  });

  it('reports an error of an interactive attempt instead of looping', async () => {
    const h = harness();
    const auth = await begin(h, false);
    const r = await completeSignIn(
      h.env,
      `${origin}/auth/callback?error=login_required&error_description=End-User+authentication+is+required&state=${auth.searchParams.get('state')}`,
    );
    expect(r.kind).toBe('failed');
  });

  it('refuses a callback whose state does not match', async () => {
    const h = harness();
    await begin(h, true);
    const r = await completeSignIn(h.env, `${origin}/auth/callback?code=C1&state=forged`);
    expect(r.kind).toBe('failed');
    expect(h.tokenRequests).toHaveLength(0);
  });

  it('refuses an ID token issued for another round trip (nonce)', async () => {
    const h = harness();
    const auth = await begin(h, true);
    h.tokenResponse = {
      status: 200,
      body: { access_token: 'AT', id_token: idToken({ sub: 'u1', nonce: 'other' }), expires_in: 60 },
    };
    const r = await completeSignIn(h.env, `${origin}/auth/callback?code=C1&state=${auth.searchParams.get('state')}`);
    expect(r.kind).toBe('failed');
  });

  it('shows the token endpoint error description', async () => {
    const h = harness();
    const auth = await begin(h, true);
    h.tokenResponse = { status: 400, body: { error: 'invalid_grant', error_description: 'grant request is invalid' } };
    const r = await completeSignIn(h.env, `${origin}/auth/callback?code=C1&state=${auth.searchParams.get('state')}`);
    expect(r).toMatchObject({ kind: 'failed', message: 'grant request is invalid' });
  });
});

describe('return paths and sign-out', () => {
  it('only follows same-origin paths after sign-in', () => {
    expect(safeReturnPath('/admin/users')).toBe('/admin/users');
    expect(safeReturnPath('https://evil.example/')).toBe('/myapps');
    expect(safeReturnPath('//evil.example/')).toBe('/myapps');
    expect(safeReturnPath('/\\evil.example')).toBe('/myapps');
    expect(safeReturnPath('/auth/callback?code=x')).toBe('/myapps');
    expect(safeReturnPath(undefined)).toBe('/myapps');
  });

  it('ends the provider session with id_token_hint and returns to the site root', () => {
    const url = new URL(endSessionUrl(meta, { origin }, 'ID') ?? '');
    expect(url.pathname).toBe('/oauth2/v2.0/logout');
    expect(url.searchParams.get('id_token_hint')).toBe('ID');
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe(`${origin}/`);
    expect(endSessionUrl({ ...meta, end_session_endpoint: undefined }, { origin }, 'ID')).toBeUndefined();
  });

  it('builds the authorize URL with a login hint when given', () => {
    const u = new URL(
      authorizeUrl(meta, { origin }, { state: 's', challenge: 'c', nonce: 'n', silent: false, loginHint: 'a@b.c' }),
    );
    expect(u.searchParams.get('login_hint')).toBe('a@b.c');
  });
});
