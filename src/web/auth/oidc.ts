/**
 * The SPA as a public OIDC client of Portico (`portico-spa`): authorization code + PKCE (S256).
 *
 * Tokens never touch localStorage or sessionStorage: they live in memory only (see session.ts and
 * docs/web.md). Only the short-lived redirect round trip (PKCE verifier, state, nonce, where to go
 * back to) sits in sessionStorage, and is deleted as soon as the callback reads it.
 */
import { createPkce, randomString } from './pkce';

export const CLIENT_ID = 'portico-spa';
export const SCOPE = 'openid profile email';
export const CALLBACK_PATH = '/auth/callback';
const PENDING_KEY = 'portico.signin.pending';
/** A round trip older than this is stale (the provider's interaction lasts an hour). */
const PENDING_MAX_AGE_MS = 60 * 60 * 1000;

export interface OidcMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
}

export interface Tokens {
  accessToken: string;
  idToken: string;
  /** Epoch milliseconds after which the access token must not be used any more. */
  expiresAt: number;
  /** When the tokens arrived (epoch ms); a 401 right after sign-in means renewing will not help. */
  obtainedAt: number;
  claims: IdTokenClaims;
}

export interface IdTokenClaims {
  sub: string;
  oid?: string;
  tid?: string;
  name?: string;
  preferred_username?: string;
  email?: string;
  nonce?: string;
  exp?: number;
}

interface PendingSignIn {
  state: string;
  verifier: string;
  nonce: string;
  returnTo: string;
  silent: boolean;
  createdAt: number;
}

/** What the browser offers; injectable so the flow can be tested without a real window. */
export interface OidcEnv {
  origin: string;
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  fetch: typeof fetch;
  /** Leaves the page for `url` (a full navigation). */
  navigate: (url: string) => void;
  now: () => number;
}

export const browserEnv = (): OidcEnv => ({
  origin: window.location.origin,
  storage: window.sessionStorage,
  fetch: (...args) => window.fetch(...args),
  navigate: (url) => window.location.assign(url),
  now: () => Date.now(),
});

let metadataCache: Promise<OidcMetadata> | undefined;

/** Discovery document of the default tenant (same origin), fetched once per page load. */
export function discover(env: OidcEnv): Promise<OidcMetadata> {
  if (!metadataCache) {
    metadataCache = (async () => {
      const res = await env.fetch(`${env.origin}/.well-known/openid-configuration`, { headers: { accept: 'application/json' } });
      if (!res.ok) throw new SignInError(`The sign-in service did not answer (HTTP ${res.status}).`);
      const m = (await res.json()) as Partial<OidcMetadata>;
      if (!m.authorization_endpoint || !m.token_endpoint || !m.issuer) {
        throw new SignInError('The sign-in service published an incomplete configuration.');
      }
      return m as OidcMetadata;
    })();
    metadataCache.catch(() => {
      metadataCache = undefined;
    });
  }
  return metadataCache;
}

/** Test hook: forget the cached discovery document. */
export function resetDiscovery(): void {
  metadataCache = undefined;
}

export class SignInError extends Error {
  override name = 'SignInError';
}

export const redirectUri = (env: Pick<OidcEnv, 'origin'>): string => `${env.origin}${CALLBACK_PATH}`;

/** Only same-origin paths are followed after sign-in (never an open redirect). */
export function safeReturnPath(path: string | null | undefined): string {
  if (!path || !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return '/myapps';
  if (path.startsWith(CALLBACK_PATH)) return '/myapps';
  return path;
}

export function authorizeUrl(
  meta: OidcMetadata,
  env: Pick<OidcEnv, 'origin'>,
  p: { state: string; challenge: string; nonce: string; silent: boolean; loginHint?: string },
): string {
  const url = new URL(meta.authorization_endpoint);
  const q = url.searchParams;
  q.set('client_id', CLIENT_ID);
  q.set('response_type', 'code');
  q.set('redirect_uri', redirectUri(env));
  q.set('scope', SCOPE);
  q.set('state', p.state);
  q.set('nonce', p.nonce);
  q.set('code_challenge', p.challenge);
  q.set('code_challenge_method', 'S256');
  if (p.silent) q.set('prompt', 'none');
  if (p.loginHint) q.set('login_hint', p.loginHint);
  return url.toString();
}

/**
 * Starts a sign-in round trip. `silent` asks the provider not to show anything (`prompt=none`):
 * with a provider session the browser comes straight back with a code; without one the callback
 * gets `login_required` and switches to an interactive sign-in.
 */
export async function beginSignIn(env: OidcEnv, opts: { returnTo: string; silent: boolean }): Promise<void> {
  const meta = await discover(env);
  const { verifier, challenge } = await createPkce();
  const pending: PendingSignIn = {
    state: randomString(16),
    verifier,
    nonce: randomString(16),
    returnTo: safeReturnPath(opts.returnTo),
    silent: opts.silent,
    createdAt: env.now(),
  };
  env.storage.setItem(PENDING_KEY, JSON.stringify(pending));
  env.navigate(authorizeUrl(meta, env, { ...pending, challenge }));
}

export type CallbackResult =
  | { kind: 'signedIn'; tokens: Tokens; returnTo: string }
  /** The silent attempt found no provider session: sign in interactively. */
  | { kind: 'interactive'; returnTo: string }
  | { kind: 'failed'; message: string; returnTo: string };

const INTERACTION_ERRORS = new Set(['login_required', 'interaction_required', 'consent_required', 'account_selection_required']);

/** Decodes (does not verify) a JWT payload; the token came straight from our token endpoint over TLS. */
export function decodeJwtPayload<T = Record<string, unknown>>(jwt: string): T {
  const part = jwt.split('.')[1];
  if (!part) throw new SignInError('The sign-in service returned a malformed token.');
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as T;
}

/**
 * Finishes the round trip on `/auth/callback`: checks `state`, exchanges the code (with the PKCE
 * verifier) at the token endpoint, checks the ID token's nonce. The pending record is deleted in
 * every case, so a callback URL cannot be replayed.
 */
export async function completeSignIn(env: OidcEnv, callbackUrl: string): Promise<CallbackResult> {
  const url = new URL(callbackUrl);
  const q = url.searchParams;
  const raw = env.storage.getItem(PENDING_KEY);
  env.storage.removeItem(PENDING_KEY);
  let pending: PendingSignIn | undefined;
  try {
    pending = raw ? (JSON.parse(raw) as PendingSignIn) : undefined;
  } catch {
    pending = undefined;
  }
  const returnTo = safeReturnPath(pending?.returnTo);
  if (!pending || pending.state !== q.get('state') || env.now() - pending.createdAt > PENDING_MAX_AGE_MS) {
    return {
      kind: 'failed',
      returnTo,
      message: 'This sign-in link has expired or was already used. Start the sign-in again.',
    };
  }
  const error = q.get('error');
  if (error) {
    if (pending.silent && INTERACTION_ERRORS.has(error)) return { kind: 'interactive', returnTo };
    if (error === 'access_denied') return { kind: 'failed', returnTo, message: 'The sign-in was cancelled or refused.' };
    return { kind: 'failed', returnTo, message: q.get('error_description') || `The sign-in failed (${error}).` };
  }
  const code = q.get('code');
  if (!code) return { kind: 'failed', returnTo, message: 'The sign-in service did not return an authorization code.' };

  const meta = await discover(env);
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri(env),
    client_id: CLIENT_ID,
    code_verifier: pending.verifier,
  });
  let res: Response;
  try {
    res = await env.fetch(meta.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
    });
  } catch {
    return { kind: 'failed', returnTo, message: 'Portico could not be reached to finish the sign-in. Check your connection.' };
  }
  const json = (await res.json().catch(() => ({}))) as {
    access_token?: string;
    id_token?: string;
    expires_in?: number;
    error?: string;
    error_description?: string;
  };
  if (!res.ok || !json.access_token || !json.id_token) {
    return {
      kind: 'failed',
      returnTo,
      message: json.error_description || 'The sign-in could not be completed. Start the sign-in again.',
    };
  }
  const claims = decodeJwtPayload<IdTokenClaims>(json.id_token);
  if (claims.nonce !== pending.nonce) {
    return { kind: 'failed', returnTo, message: 'The sign-in response did not match this browser tab. Start the sign-in again.' };
  }
  const now = env.now();
  // Renew a little before the real expiry, so a request never leaves with a token about to lapse.
  const lifetime = Math.max(30, (json.expires_in ?? 300) - 30);
  return {
    kind: 'signedIn',
    returnTo,
    tokens: { accessToken: json.access_token, idToken: json.id_token, expiresAt: now + lifetime * 1000, obtainedAt: now, claims },
  };
}

/** RP-initiated logout URL (`id_token_hint`, back to the site root afterwards). */
export function endSessionUrl(meta: OidcMetadata, env: Pick<OidcEnv, 'origin'>, idToken: string | undefined): string | undefined {
  if (!meta.end_session_endpoint) return undefined;
  const url = new URL(meta.end_session_endpoint);
  if (idToken) url.searchParams.set('id_token_hint', idToken);
  url.searchParams.set('client_id', CLIENT_ID);
  url.searchParams.set('post_logout_redirect_uri', `${env.origin}/`);
  return url.toString();
}
