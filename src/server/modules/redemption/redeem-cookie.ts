import type { Clock } from '../../domain/clock.js';
import { createSignedCodec } from '../../platform/signed-value.js';

/** Name of the cookie that carries a redemption across the authorization request. */
export const REDEEM_COOKIE = 'portico_redeem';

/** Lifetime of a started redemption (from opening the link to entering the code). */
export const REDEEM_COOKIE_TTL_SECONDS = 30 * 60;

/** What the redeem link hands to the sign-in interaction and to /redeem/complete. */
export interface RedeemState {
  /** Tenant of the invitation. */
  tid: string;
  /** Invitation id and its ticket (re-validated on every use: a revoked link stops at once). */
  iid: string;
  ticket: string;
  /** PKCE verifier and state of the portico-redeem authorization request. */
  verifier: string;
  state: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

/**
 * Signed (HMAC-SHA256), HttpOnly, SameSite=Lax cookie value: `base64url(json).signature`.
 * Tampered, foreign or expired values decode to undefined.
 */
export const createRedeemCookieCodec = (key: string, clock: Clock) =>
  createSignedCodec<RedeemState>({
    key,
    purpose: 'redeem-cookie',
    clock,
    ttlSeconds: REDEEM_COOKIE_TTL_SECONDS,
    maxLength: 2048,
    required: ['tid', 'iid', 'ticket', 'verifier', 'state'],
  });

export type RedeemCookieCodec = ReturnType<typeof createRedeemCookieCodec>;
