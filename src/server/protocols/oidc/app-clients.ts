import { createHmac } from 'node:crypto';
import type { AdapterPayload } from 'oidc-provider';
import type { ServicePrincipal } from '../../../contracts/applications.js';
import { RoleIds } from '../../domain/roles.js';
import type { ApplicationsService } from '../../modules/applications/applications.service.js';
import type { RolesService } from '../../modules/roles/roles.service.js';

/**
 * Enterprise applications as OIDC clients (entra-behaviour.md §7). Every service principal whose
 * `preferredSingleSignOnMode` is `oidc` is a client of its tenant's provider, looked up on each
 * request through the adapter's `Client` model (so a change in the admin center applies at once):
 * `client_id` = `appId`, `redirect_uris` = `replyUrls`; confidential (client_secret_basic/post,
 * checked against the stored SHA-256 hashes of its valid secrets) when it has any client secret,
 * else a public client that must use PKCE. Disabled applications are unknown clients.
 */

/** Extra client metadata marking an enterprise application (first-party and automation clients lack it). */
export const APP_CLIENT_MARKER = 'portico_app';

/**
 * Placeholder `client_secret` of confidential applications: oidc-provider requires one in the
 * metadata, but the real secrets are checked by `ApplicationsService.verifyClientSecret`.
 */
export const APP_SECRET_PLACEHOLDER = 'portico:application-secrets-are-stored-hashed';

/** True for a client (oidc-provider instance or metadata) that is an enterprise application. */
export const isAppClient = (client: unknown): boolean =>
  typeof client === 'object' && client !== null && (client as Record<string, unknown>)[APP_CLIENT_MARKER] === true;

/** oidc-provider metadata of an OIDC enterprise application, or undefined when it cannot sign anyone in. */
export function appClientMetadata(sp: ServicePrincipal, alg: 'ES256' | 'RS256'): AdapterPayload | undefined {
  if (sp.preferredSingleSignOnMode !== 'oidc' || !sp.accountEnabled || sp.replyUrls.length === 0) return undefined;
  const confidential = sp.passwordCredentials.length > 0;
  const postLogout = [...new Set([...sp.replyUrls, ...(sp.homepage ? [sp.homepage] : [])])];
  return {
    client_id: sp.appId,
    client_name: sp.displayName,
    application_type: 'web',
    redirect_uris: sp.replyUrls,
    post_logout_redirect_uris: postLogout,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: confidential ? 'client_secret_basic' : 'none',
    ...(confidential ? { client_secret: APP_SECRET_PLACEHOLDER } : {}),
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

export type AppAccessDecision =
  | { allowed: true; sp: ServicePrincipal; roleValues: string[]; groupIds: string[] }
  | { allowed: false; sp: ServicePrincipal | undefined };

/**
 * Whether the user may get a token for the application: the app must exist in the tenant and be
 * enabled; when `appRoleAssignmentRequired`, the user must be assigned directly or through a group
 * they are a DIRECT member of — Global Administrators sign in regardless (§7.1). Also returns the
 * claims that follow from the assignments (`roles` values, assigned `groups`).
 */
export async function appAccess(
  applications: ApplicationsService,
  roles: RolesService,
  tenantId: string,
  appId: string,
  userId: string,
): Promise<AppAccessDecision> {
  const found = await applications.findByAppId(appId);
  if (!found || found.tenantId !== tenantId || !found.accountEnabled) return { allowed: false, sp: found };
  const access = await applications.accessOf(tenantId, found.id, userId);
  const claims = { roleValues: access.roleValues, groupIds: access.groupIds };
  if (!found.appRoleAssignmentRequired || access.assigned) return { allowed: true, sp: found, ...claims };
  const roleIds = await roles.roleIdsOf(tenantId, userId);
  if (roleIds.includes(RoleIds.globalAdministrator)) return { allowed: true, sp: found, ...claims };
  return { allowed: false, sp: found };
}
