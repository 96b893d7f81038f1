import { createHash } from 'node:crypto';
import type Provider from 'oidc-provider';
import { safeEqual } from '../../platform/passwords.js';
import { KyselyOidcAdapter } from './adapter.js';

/** Who signed in, as recorded in an authorization code. */
export interface SignedInAccount {
  accountId: string;
  /** When the user authenticated (the session's login time). */
  authTime: Date;
  /** The browser session (oidc-provider session uid) the code was issued in, when known. */
  sessionUid?: string;
}

export interface OwnCodeRedemption {
  /** One of Portico's own public clients (PKCE, no secret). */
  clientId: string;
  code: string;
  redirectUri: string;
  codeVerifier: string;
}

/**
 * Redeems, in process, an authorization code that one of Portico's own clients received at its
 * redirect URI (the SAML IdP, invitation redemption): the checks of the token endpoint for a
 * public client — same client, same redirect URI, S256 PKCE verifier, not expired, not used
 * before, grant still there — then the code is consumed by a single guarded statement, so it can
 * be redeemed once. A reused code revokes what its grant issued, as oidc-provider does. Returns the
 * account and authentication time, or undefined when any check fails.
 */
export async function redeemOwnCode(provider: Provider, r: OwnCodeRedemption): Promise<SignedInAccount | undefined> {
  const code = await provider.AuthorizationCode.find(r.code);
  if (!code || code.clientId !== r.clientId || code.redirectUri !== r.redirectUri) return undefined;
  const { accountId, grantId } = code;
  if (!accountId || !grantId) return undefined;
  if ((code as { consumed?: unknown }).consumed) {
    await provider.AuthorizationCode.revokeByGrantId(grantId);
    return undefined;
  }
  const challenge = createHash('sha256').update(r.codeVerifier).digest('base64url');
  if (code.codeChallengeMethod !== 'S256' || !code.codeChallenge || !safeEqual(challenge, code.codeChallenge)) {
    return undefined;
  }
  const grant = await provider.Grant.find(grantId);
  if (!grant || grant.clientId !== r.clientId || grant.accountId !== accountId) return undefined;
  const adapter = provider.AuthorizationCode.adapter;
  // Portico's adapter consumes with a guarded statement; any other adapter gets oidc-provider's consume().
  if (adapter instanceof KyselyOidcAdapter) {
    if (!(await adapter.consumeOnce(code.jti))) return undefined;
  } else {
    await code.consume();
  }
  const authTime = typeof code.authTime === 'number' ? new Date(code.authTime * 1000) : new Date();
  const sessionUid = (code as { sessionUid?: unknown }).sessionUid;
  return { accountId, authTime, ...(typeof sessionUid === 'string' ? { sessionUid } : {}) };
}
