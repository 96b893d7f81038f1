import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../domain/clock.js';

/** A SAML sign-in waiting for the browser's OIDC sign-in (signed cookie, one per flow). */
export interface PendingSignIn {
  /** Tenant and application (service principal id). */
  tid: string;
  sp: string;
  /** AuthnRequest ID (SP-initiated); absent for IdP-initiated sign-on. */
  rid?: string;
  /** SP entity id: the AuthnRequest's Issuer, else the app's first name other than its appId. */
  aud: string;
  /** Assertion consumer service URL (already checked against the app's replyUrls). */
  acs: string;
  /** RelayState to return with the response. */
  rs?: string;
  /** The AuthnRequest asked for IsPassive (no sign-in page): a failed silent sign-in is answered NoPassive. */
  np?: true;
  /** PKCE verifier and state of the portico-saml authorization request. */
  v: string;
  s: string;
  exp: number;
}

/** Lifetime of a pending sign-in (from the AuthnRequest to the end of the user's sign-in). */
export const PENDING_TTL_SECONDS = 15 * 60;

/** One cookie per flow (named after its state), so two tabs signing in to two apps don't collide. */
export const pendingCookieName = (state: string) => `portico_saml_${state}`;

/** Signed (HMAC-SHA256) `base64url(json).signature`; tampered or expired values decode to undefined. */
export function createPendingCodec(key: string, clock: Clock) {
  const sign = (body: string) => createHmac('sha256', key).update(`saml-pending:${body}`).digest('base64url');
  const nowS = () => Math.floor(clock.now().getTime() / 1000);
  return {
    encode(v: Omit<PendingSignIn, 'exp'>): string {
      const body = Buffer.from(JSON.stringify({ ...v, exp: nowS() + PENDING_TTL_SECONDS })).toString('base64url');
      return `${body}.${sign(body)}`;
    },
    decode(raw: string | undefined): PendingSignIn | undefined {
      if (!raw || raw.length > 4096) return undefined;
      const dot = raw.indexOf('.');
      if (dot < 1) return undefined;
      const body = raw.slice(0, dot);
      const sig = Buffer.from(raw.slice(dot + 1));
      const expected = Buffer.from(sign(body));
      if (sig.length !== expected.length || !timingSafeEqual(sig, expected)) return undefined;
      try {
        const v = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<PendingSignIn>;
        if (![v.tid, v.sp, v.aud, v.acs, v.v, v.s].every((x) => typeof x === 'string' && x.length > 0)) return undefined;
        if (typeof v.exp !== 'number' || v.exp <= nowS()) return undefined;
        return v as PendingSignIn;
      } catch {
        return undefined;
      }
    },
  };
}
