import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../domain/clock.js';

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
export function createRedeemCookieCodec(key: string, clock: Clock) {
  const sign = (body: string) => createHmac('sha256', key).update(`redeem-cookie:${body}`).digest('base64url');
  return {
    encode(v: Omit<RedeemState, 'exp'>): string {
      const exp = Math.floor(clock.now().getTime() / 1000) + REDEEM_COOKIE_TTL_SECONDS;
      const body = Buffer.from(JSON.stringify({ ...v, exp })).toString('base64url');
      return `${body}.${sign(body)}`;
    },
    decode(raw: string | undefined): RedeemState | undefined {
      if (!raw || raw.length > 2048) return undefined;
      const dot = raw.indexOf('.');
      if (dot < 1) return undefined;
      const body = raw.slice(0, dot);
      const sig = Buffer.from(raw.slice(dot + 1));
      const expected = Buffer.from(sign(body));
      if (sig.length !== expected.length || !timingSafeEqual(sig, expected)) return undefined;
      try {
        const v = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<RedeemState>;
        const strings = [v.tid, v.iid, v.ticket, v.verifier, v.state];
        if (!strings.every((s) => typeof s === 'string' && s.length > 0) || typeof v.exp !== 'number') return undefined;
        if (v.exp <= Math.floor(clock.now().getTime() / 1000)) return undefined;
        return v as RedeemState;
      } catch {
        return undefined;
      }
    },
  };
}

export type RedeemCookieCodec = ReturnType<typeof createRedeemCookieCodec>;
