import { createHash } from 'node:crypto';

/**
 * Microsoft Graph's delegated permissions (oauth2PermissionScopes) that Portico implements, with
 * Entra's ids and consent rules. A delegated token carries the granted ones in `scp`; /v1.0 allows
 * a delegated call when one of its scopes allows the action AND the user may do it themselves
 * (domain/authorization.ts). The OIDC scopes (openid, profile, email, offline_access) are Graph
 * permissions in Entra too; they are granted like the others but never reach `scp`.
 */

/** The resource URIs that name Microsoft Graph in a scope (`https://graph.microsoft.com/User.Read`). */
export const GRAPH_RESOURCE_URIS = ['https://graph.microsoft.com', 'https://graph.microsoft.com/v1.0'] as const;

export interface GraphDelegatedScope {
  value: string;
  id: string;
  /** Entra's "Admin consent required": users can never consent to these themselves. */
  adminConsentRequired: boolean;
  /** Low risk (Entra's microsoft-user-default-low policy): users may consent when the tenant lets them. */
  lowRisk: boolean;
  description: string;
}

const scope = (value: string, id: string, adminConsentRequired: boolean, lowRisk: boolean, description: string) => ({
  value,
  id,
  adminConsentRequired,
  lowRisk,
  description,
});

export const graphDelegatedScopes: readonly GraphDelegatedScope[] = [
  scope('openid', '37f7f235-527c-4136-accd-4a02d197296e', false, true, 'Sign you in'),
  scope('profile', '14dad69e-099b-42c9-810b-d002981feec1', false, true, 'View your basic profile'),
  scope('email', '64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0', false, true, 'View your email address'),
  scope(
    'offline_access',
    '7427e0e9-2fba-42fe-b0c0-848c9e6a8182',
    false,
    true,
    'Maintain access to data you have given it access to',
  ),
  scope('User.Read', 'e1fe6dd8-ba31-4d61-89e7-88639da4683d', false, true, 'Sign you in and read your profile'),
  scope('User.ReadWrite', 'b4e74841-8e56-480b-be8b-910348b18b4c', false, false, 'Read and update your profile'),
  scope('User.ReadBasic.All', 'b340eb25-3456-403f-be2f-af7a0d370277', false, true, "Read all users' basic profiles"),
  scope('User.Read.All', 'a154be20-db9c-4678-8ab7-66f6cc099a59', true, false, "Read all users' full profiles"),
  scope('User.ReadWrite.All', '204e0828-b5ca-4ad8-b9f3-f32a958e7cc4', true, false, "Read and write all users' full profiles"),
  scope('User.Invite.All', '63dd7cd9-b489-4adf-a28c-ac38b9a0f962', true, false, 'Invite guest users to the organization'),
  scope('Group.Read.All', '5f8c59db-677d-491f-a6b8-5f174b11ec1d', true, false, 'Read all groups'),
  scope('Group.ReadWrite.All', '4e46008b-f24c-477d-8fff-7bb4ec7aafe0', true, false, 'Read and write all groups'),
  scope('GroupMember.Read.All', 'bc024368-1153-4739-b217-4326f2e966d0', true, false, 'Read group memberships'),
  scope('GroupMember.ReadWrite.All', 'f81125ac-d3b7-4573-a3b2-7099cc39df9e', true, false, 'Read and write group memberships'),
  scope('Directory.Read.All', '06da0dbc-49e2-44d2-8312-53f166ab848a', true, false, 'Read directory data'),
  scope('Directory.ReadWrite.All', 'c5366453-9fb0-48a5-a156-24f0c49a4b84', true, false, 'Read and write directory data'),
  scope('Directory.AccessAsUser.All', '0e263e50-5827-48a4-b97c-d940288653c7', true, false, 'Access the directory as you'),
  scope(
    'RoleManagement.Read.Directory',
    '741c54c3-0c1e-44a1-818b-3f97ab4e8c83',
    true,
    false,
    'Read your directory RBAC settings',
  ),
  scope(
    'RoleManagement.ReadWrite.Directory',
    'd01b97e9-cbc0-49fe-810a-750afd5527a3',
    true,
    false,
    'Read and write your directory RBAC settings',
  ),
  scope('Policy.Read.All', '572fea84-0151-49b2-9301-11cb16974376', true, false, "Read your organization's policies"),
  scope(
    'Policy.ReadWrite.Authorization',
    'edb72de9-4252-4d03-a925-451deef99db7',
    true,
    false,
    "Read and write your organization's authorization policy",
  ),
  scope('Organization.Read.All', '4908d5b9-3fb2-4b1e-9336-1888b7937185', true, false, 'Read organization information'),
  scope(
    'Organization.ReadWrite.All',
    '46ca0847-7e6b-426e-9775-ea810a948356',
    true,
    false,
    'Read and write organization information',
  ),
  scope('AuditLog.Read.All', 'e4c9e354-4dc5-45b8-9e7c-e1393b0b1a20', true, false, 'Read audit log data'),
  scope('Application.Read.All', 'c79f8feb-a9db-4090-85f9-90d820caa0eb', true, false, 'Read applications'),
  scope('Application.ReadWrite.All', 'bdfbf15f-ee85-4955-8675-146e8e5296b5', true, false, 'Read and write all applications'),
  scope(
    'AppRoleAssignment.ReadWrite.All',
    '84bccea3-f856-4a8a-967b-dbe0a3d53a64',
    true,
    false,
    'Manage app permission grants and app role assignments',
  ),
  scope(
    'DelegatedPermissionGrant.ReadWrite.All',
    '41ce6ca6-6826-4807-84f1-1c82854f7ee5',
    true,
    false,
    'Manage all delegated permission grants',
  ),
];

const byLower = new Map(graphDelegatedScopes.map((s) => [s.value.toLowerCase(), s]));

/** OIDC scopes: granted like Graph permissions, never part of `scp`. */
export const OIDC_SCOPE_VALUES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'offline_access']);

/** The catalogue entry of a permission name (case-insensitive, as Entra matches scopes). */
export const findGraphScope = (value: string): GraphDelegatedScope | undefined => byLower.get(value.toLowerCase());

/**
 * A requested scope in any of Graph's spellings (`User.Read`, `https://graph.microsoft.com/User.Read`,
 * `<Portico>/v1.0/User.Read`) as Portico's canonical permission name, `.default` for "everything
 * granted", or undefined when it names no Graph permission (another resource, a typo).
 */
export function canonicalGraphScope(requested: string, ownResource: string): string | undefined {
  let s = requested;
  for (const prefix of [...GRAPH_RESOURCE_URIS, ownResource]) {
    if (s.toLowerCase().startsWith(`${prefix.toLowerCase()}/`)) {
      s = s.slice(prefix.length + 1);
      break;
    }
  }
  if (s === '.default') return s;
  return findGraphScope(s)?.value;
}

/**
 * The object id of the tenant's Microsoft Graph service principal (`resourceId` of its
 * oauth2PermissionGrants): stable per tenant, derived from the tenant id.
 */
export function graphServicePrincipalId(tenantId: string): string {
  const h = createHash('sha256').update(`graph-service-principal:${tenantId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
