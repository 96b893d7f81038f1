/**
 * Access tokens whose signature, audience and type this process has already verified, so that a
 * client sending the same bearer token again does not pay for ES256 verification again (the
 * largest single cost of an authenticated read in a profile). Only the cryptographic check is
 * remembered: the expiry is checked on every hit (with the same 30 s tolerance), and everything
 * that can change while a token lives — the tenant, the user (disabled, deleted, sessions revoked),
 * the grant, the client — is still read per request by the caller. One cache per running app
 * (keyed by its key store), bounded, least recently used dropped first.
 */
export interface VerifiedToken {
  tenantId: string;
  payload: Record<string, unknown>;
}

const CLOCK_TOLERANCE_S = 30;
const MAX_ENTRIES = 10_000;
const caches = new WeakMap<object, Map<string, VerifiedToken>>();

function cacheOf(owner: object): Map<string, VerifiedToken> {
  let cache = caches.get(owner);
  if (!cache) {
    cache = new Map();
    caches.set(owner, cache);
  }
  return cache;
}

/** The verified token, when `token` was verified before and has not expired since. */
export function recall(owner: object, token: string, nowMs = Date.now()): VerifiedToken | undefined {
  const cache = cacheOf(owner);
  const hit = cache.get(token);
  if (!hit) return undefined;
  cache.delete(token);
  const exp = hit.payload.exp;
  if (typeof exp !== 'number' || nowMs / 1000 - CLOCK_TOLERANCE_S >= exp) return undefined;
  cache.set(token, hit); // most recently used last
  return hit;
}

/** Remembers a token that has just been verified (only tokens with an expiry). */
export function remember(owner: object, token: string, verified: VerifiedToken): void {
  if (typeof verified.payload.exp !== 'number') return;
  const cache = cacheOf(owner);
  if (cache.size >= MAX_ENTRIES) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(token, verified);
}
