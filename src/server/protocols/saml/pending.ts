import type { Clock } from '../../domain/clock.js';
import { createSignedCodec } from '../../platform/signed-value.js';

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

/** The flow's signed cookie value; tampered or expired values decode to undefined. */
export const createPendingCodec = (key: string, clock: Clock) =>
  createSignedCodec<PendingSignIn>({
    key,
    purpose: 'saml-pending',
    clock,
    ttlSeconds: PENDING_TTL_SECONDS,
    maxLength: 4096,
    required: ['tid', 'sp', 'aud', 'acs', 'v', 's'],
  });
