import type Provider from 'oidc-provider';
import type { Config } from '../../config/index.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import { issuerUrl } from '../../platform/urls.js';
import { MYAPPS_CLIENT_ID } from './myapps-client.js';
import { SAML_CLIENT_ID } from './saml-client.js';

/** Names, routes and small pure helpers of the token issuer, shared by its parts. */

/** First-party public client of the portal and admin center (authorization code + PKCE). */
export const SPA_CLIENT_ID = 'portico-spa';

/**
 * First-party public client that runs invitation redemption inside an authorization request, so a
 * redeemed guest ends with a real provider session (see modules/redemption/redemption.routes.ts).
 */
export const REDEEM_CLIENT_ID = 'portico-redeem';

/** Guests who signed in with an e-mail one-time passcode keep their session for 24 hours (Entra). */
export const OTP_SESSION_TTL_SECONDS = 24 * 3600;

/**
 * Delegated scopes of the Graph resource. Delegated tokens act with the user's own rights (see
 * http/authenticate.ts), so these only describe the token; they never widen what a user may do.
 */
export const GRAPH_DELEGATED_SCOPES = ['User.Read', 'Directory.AccessAsUser.All'] as const;

/** Portico's own clients: consent is implicit, so their grants follow what they request. */
export const FIRST_PARTY_CLIENT_IDS: ReadonlySet<string> = new Set([
  SPA_CLIENT_ID,
  REDEEM_CLIENT_ID,
  SAML_CLIENT_ID,
  MYAPPS_CLIENT_ID,
]);

/**
 * Name of the prompt that stops a user who may not use an application (assignment required and not
 * assigned): the interaction page shows "You don't have access", `prompt=none` gets `access_denied`.
 */
export const APP_ACCESS_PROMPT = 'app_access';

/** Routes relative to the issuer, shaped like Entra's v2.0 endpoints. */
export const OIDC_ROUTES = {
  authorization: '/oauth2/v2.0/authorize',
  token: '/oauth2/v2.0/token',
  jwks: '/discovery/v2.0/keys',
  userinfo: '/oidc/userinfo',
  end_session: '/oauth2/v2.0/logout',
  revocation: '/oauth2/v2.0/revoke',
  introspection: '/oauth2/v2.0/introspect',
  pushed_authorization_request: '/oauth2/v2.0/par',
  registration: '/oauth2/v2.0/register',
  device_authorization: '/oauth2/v2.0/devicecode',
  code_verification: '/oauth2/v2.0/device',
  backchannel_authentication: '/oauth2/v2.0/bc-authorize',
} as const;

/** Endpoints where oidc-provider authenticates the client (see client-auth.ts). */
export const CLIENT_AUTH_ROUTES: ReadonlySet<string> = new Set([
  OIDC_ROUTES.token,
  OIDC_ROUTES.revocation,
  OIDC_ROUTES.introspection,
  OIDC_ROUTES.pushed_authorization_request,
  OIDC_ROUTES.device_authorization,
  OIDC_ROUTES.backchannel_authentication,
]);

/** Path prefix of a tenant's issuer: '' for the default tenant, '/<tenantId>' otherwise. */
export const issuerPath = (config: Pick<Config, 'publicUrl'>, tenant: Tenant): string =>
  new URL(issuerUrl(config, tenant)).pathname.replace(/\/+$/, '');

const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

/**
 * Adds to a grant the OIDC scopes of a request's `scope` and the Graph delegated scopes it names
 * (by name or via `.default`) among `allowed`: all of Portico's for its own clients (consent is
 * implicit), the consented ones for an application (admin or user consent, oauth2PermissionGrants).
 */
export function addRequestedScopes(
  grant: InstanceType<Provider['Grant']>,
  scope: string,
  graph: string,
  allowed: readonly string[],
): void {
  const requested = scope.split(' ').filter(Boolean);
  const oidc = requested.filter((s) => OIDC_SCOPES.has(s));
  if (oidc.length) grant.addOIDCScope(oidc.join(' '));
  const wantsDefault = requested.some((s) => s === '.default' || s === `${graph}/.default`);
  const delegated = wantsDefault ? [...allowed] : requested.filter((s) => allowed.includes(s));
  if (delegated.length) grant.addResourceScope(graph, delegated.join(' '));
}
