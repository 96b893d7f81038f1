import type { ClientMetadata } from 'oidc-provider';
import { firstPartyClientMetadata } from './first-party-client.js';

/**
 * First-party public client through which the SAML IdP learns who the browser's user is: a SAML
 * sign-in without a session runs an authorization request of this client (password sign-in,
 * guest passcode and redemption all happen on the usual interaction), and one with a session
 * completes silently. Registered with every tenant's provider (protocols/oidc/provider.ts).
 */
export const SAML_CLIENT_ID = 'portico-saml';

/** Where that authorization request returns (one URL for every tenant: the pending cookie names it). */
export const SAML_COMPLETE_PATH = '/saml2/complete';

export const samlClientMetadata = (publicUrl: string, alg: string): ClientMetadata =>
  firstPartyClientMetadata(SAML_CLIENT_ID, 'SAML single sign-on', `${publicUrl}${SAML_COMPLETE_PATH}`, alg);
