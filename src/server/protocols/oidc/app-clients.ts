import { createHmac } from 'node:crypto';
import type { AdapterPayload } from 'oidc-provider';
import type { ServicePrincipal } from '../../../contracts/applications.js';

/**
 * Enterprise applications as OIDC clients (entra-behaviour.md §7). Every service principal whose
 * `preferredSingleSignOnMode` is `oidc` is a client of its tenant's provider, looked up on each
 * request through the adapter's `Client` model (so a change in the admin center applies at once):
 * `client_id` = `appId`, `redirect_uris` = `replyUrls`; confidential (client_secret_basic/post,
 * checked against the stored SHA-256 hashes of its valid secrets, see client-auth.ts) when it has
 * any client secret, else a public client that must use PKCE. An application with a client secret
 * is also a client-credentials client, whatever its SSO mode (Entra's daemon apps; the token's
 * `roles` are its Microsoft Graph app roles, clients.ts `permissionsOf`). Disabled applications are
 * unknown clients. Whether a user may sign in is `authorizeSignOn` (modules/applications/sign-on.ts).
 */

/** Extra client metadata marking an enterprise application (first-party and automation clients lack it). */
export const APP_CLIENT_MARKER = 'portico_app';

/**
 * `sector_identifier_uri` of every application. Applications get pairwise subjects (Entra's `sub`
 * differs per application), and oidc-provider wants a sector identifier URI for pairwise clients
 * whose redirect URIs span several hosts. Portico's subject is per application, not per sector
 * (`pairwiseSubject` ignores the sector), so the URI only names the application: it is under the
 * reserved `.invalid` domain and never fetched (`sectorIdentifierUriValidate` skips it).
 */
export const APP_SECTOR_PREFIX = 'https://applications.portico.invalid/';

/** True for a client (oidc-provider instance or metadata) that is an enterprise application. */
export const isAppClient = (client: unknown): boolean =>
  typeof client === 'object' && client !== null && (client as Record<string, unknown>)[APP_CLIENT_MARKER] === true;

/**
 * oidc-provider metadata of an enterprise application, or undefined when it is no client: OIDC
 * applications sign users in (authorization code); any enabled application with a client secret
 * may also get app-only tokens (client credentials, Entra's daemon apps) whose `roles` are its
 * Microsoft Graph application permissions. `secretMarker` stands in for the client secret (see
 * client-auth.ts): the real secrets are stored hashed and verified before oidc-provider sees the request.
 */
export function appClientMetadata(
  sp: ServicePrincipal,
  alg: 'ES256' | 'RS256',
  secretMarker: string,
): AdapterPayload | undefined {
  if (!sp.accountEnabled) return undefined;
  const confidential = sp.passwordCredentials.length > 0;
  const signsIn = sp.preferredSingleSignOnMode === 'oidc' && sp.replyUrls.length > 0;
  if (!signsIn) {
    return confidential
      ? {
          client_id: sp.appId,
          client_name: sp.displayName,
          client_secret: secretMarker,
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'client_secret_basic',
          [APP_CLIENT_MARKER]: true,
        }
      : undefined;
  }
  const postLogout = [...new Set([...sp.replyUrls, ...(sp.homepage ? [sp.homepage] : [])])];
  return {
    client_id: sp.appId,
    client_name: sp.displayName,
    application_type: 'web',
    redirect_uris: sp.replyUrls,
    post_logout_redirect_uris: postLogout,
    grant_types: ['authorization_code', 'refresh_token', ...(confidential ? ['client_credentials'] : [])],
    response_types: ['code'],
    token_endpoint_auth_method: confidential ? 'client_secret_basic' : 'none',
    ...(confidential ? { client_secret: secretMarker } : {}),
    subject_type: 'pairwise',
    sector_identifier_uri: `${APP_SECTOR_PREFIX}${sp.appId.toLowerCase()}`,
    id_token_signed_response_alg: alg,
    [APP_CLIENT_MARKER]: true,
  };
}

/**
 * The `sub` an application sees for a user: stable per user per application and different
 * between applications (Entra's pairwise subject), so two apps cannot correlate users by `sub`.
 * base64url(HMAC-SHA256(instance secret, appId ":" userId)). `oid` stays the directory id.
 */
export const pairwiseSubject = (key: string, appId: string, userId: string): string =>
  createHmac('sha256', key).update(`${appId.toLowerCase()}:${userId}`).digest('base64url');
