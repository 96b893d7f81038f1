import { createHash } from 'node:crypto';
import { type ApplicationPermission, applicationPermissions } from './permissions.js';

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

/** Microsoft Graph's application id: the same in every tenant (`servicePrincipals(appId='…')`). */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/**
 * Graph's application permissions as the app roles of its service principal (`appRoles`), with
 * Entra's ids: an appRoleAssignment of one of these ids to a client's service principal is the
 * admin consent that puts the permission in the `roles` claim of the client's app-only tokens.
 */
const graphAppRoleCatalogue: Record<ApplicationPermission, { id: string; displayName: string }> = {
  'User.Read.All': { id: 'df021288-bdef-4463-88db-98f22de89214', displayName: "Read all users' full profiles" },
  'User.ReadWrite.All': { id: '741f803b-c850-494e-b5df-cde7c675a1ca', displayName: "Read and write all users' full profiles" },
  'User.Invite.All': { id: '09850681-111b-4a89-9bed-3f2cae46d706', displayName: 'Invite guest users to the organization' },
  'Group.Read.All': { id: '5b567255-7703-4780-807c-7be8301ae99b', displayName: 'Read all groups' },
  'Group.ReadWrite.All': { id: '62a82d76-70ea-41e2-9197-370581804d09', displayName: 'Read and write all groups' },
  'Group.Create': { id: 'bf7b1a76-6e77-406b-b258-bf5c7720e98f', displayName: 'Create groups' },
  'GroupMember.Read.All': { id: '98830695-27a2-44f7-8c18-0c3ebc9698f6', displayName: 'Read all group memberships' },
  'GroupMember.ReadWrite.All': {
    id: 'dbaae8cf-10b5-4b86-a4a1-f871c94c6695',
    displayName: 'Read and write all group memberships',
  },
  'Directory.Read.All': { id: '7ab1d382-f21e-4acd-a863-ba3e13f7da61', displayName: 'Read directory data' },
  'Directory.ReadWrite.All': { id: '19dbc75e-c2e2-444c-a770-ec69d8559fc7', displayName: 'Read and write directory data' },
  'RoleManagement.Read.Directory': {
    id: '483bed4a-2ad3-4361-a73b-c83ccdbdc53c',
    displayName: 'Read all directory RBAC settings',
  },
  'RoleManagement.ReadWrite.Directory': {
    id: '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8',
    displayName: 'Read and write all directory RBAC settings',
  },
  'Policy.Read.All': { id: '246dd0d5-5bd0-4def-940b-0421030a5b68', displayName: "Read your organization's policies" },
  'Policy.ReadWrite.Authorization': {
    id: 'fb221be6-99f2-473f-bd32-01c6a0e9ca3b',
    displayName: "Read and write your organization's authorization policy",
  },
  'Organization.Read.All': { id: '498476ce-e0fe-48b0-b801-37ba7e2685c6', displayName: 'Read organization information' },
  'Organization.ReadWrite.All': {
    id: '292d869f-3427-49a8-9dab-8c70152b74e9',
    displayName: 'Read and write organization information',
  },
  'AuditLog.Read.All': { id: 'b0afded3-3588-46d8-8b3d-9842eff778da', displayName: 'Read all audit log data' },
  'Application.Read.All': { id: '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30', displayName: 'Read all applications' },
  'Application.ReadWrite.All': { id: '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9', displayName: 'Read and write all applications' },
  'AppRoleAssignment.ReadWrite.All': {
    id: '06b708a9-e830-4db3-a914-8e69da51d44f',
    displayName: 'Manage app permission grants and app role assignments',
  },
  'DelegatedPermissionGrant.ReadWrite.All': {
    id: '8e8e4742-1d95-4f68-9d56-6ee75648c72a',
    displayName: 'Manage all delegated permission grants',
  },
  'SynchronizationData-User.Upload': {
    id: 'db31e92a-b9ea-4d87-bf6a-75a37a9ca35a',
    displayName: 'Upload user data to the identity synchronization service',
  },
};

export interface GraphAppRole {
  allowedMemberTypes: ['Application'];
  description: string;
  displayName: string;
  id: string;
  isEnabled: true;
  origin: 'Application';
  value: ApplicationPermission;
}

/** The `appRoles` of Microsoft Graph's service principal, in the order of `applicationPermissions`. */
export const graphAppRoles: readonly GraphAppRole[] = applicationPermissions.map((value) => {
  const r = graphAppRoleCatalogue[value];
  return {
    allowedMemberTypes: ['Application'],
    description: `Allows the app to ${r.displayName.charAt(0).toLowerCase()}${r.displayName.slice(1)} without a signed-in user.`,
    displayName: r.displayName,
    id: r.id,
    isEnabled: true,
    origin: 'Application',
    value,
  };
});

/** The application permission an app role id of Graph's service principal names (undefined: none). */
export const graphAppRoleValue = (appRoleId: string): ApplicationPermission | undefined =>
  graphAppRoles.find((r) => r.id === appRoleId.toLowerCase())?.value;

/** The `oauth2PermissionScopes` of Microsoft Graph's service principal: the delegated permissions above. */
export const graphPermissionScopes = graphDelegatedScopes.map((s) => ({
  adminConsentDescription: s.description,
  adminConsentDisplayName: s.description,
  id: s.id,
  isEnabled: true,
  type: s.adminConsentRequired ? ('Admin' as const) : ('User' as const),
  userConsentDescription: s.adminConsentRequired ? null : s.description,
  userConsentDisplayName: s.adminConsentRequired ? null : s.description,
  value: s.value,
}));
