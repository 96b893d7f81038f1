/**
 * Typed calls of the /v1.0 endpoints the SPA uses. Every request and response shape comes from
 * src/contracts, the one definition the server implements; nothing here declares a wire type.
 */
import type { AccessExplanation } from '../../contracts/access-explanation';
import type {
  AddPasswordBody,
  ApplicationTemplate,
  AppRoleAssignment,
  AppRoleAssignmentBody,
  CreateServicePrincipalBody,
  InstantiateTemplateBody,
  PasswordCredential,
  RemovePasswordBody,
  ServicePrincipal,
  UpdateServicePrincipalBody,
} from '../../contracts/applications';
import type { DirectoryAudit } from '../../contracts/audit';
import type { AddTokenSigningCertificateBody, SelfSignedCertificate } from '../../contracts/certificates';
import type { ODataRef } from '../../contracts/common';
import type { CreateGroupBody, DirectoryObject, Group, UpdateGroupBody } from '../../contracts/groups';
import type {
  Invitation,
  InvitationBody,
  MyGroupsAddBody,
  MyGroupsAddOptions,
  MyGroupsAddResult,
} from '../../contracts/invitations';
import type { DevMailboxMessage, OutboxEntry } from '../../contracts/mail';
import type { MyApp } from '../../contracts/myapps';
import type { Organization, UpdateOrganizationBody } from '../../contracts/organization';
import type {
  AuthorizationPolicy,
  AuthorizationPolicyPatch,
  B2bManagementPolicy,
  B2bManagementPolicyPatch,
  GroupManagementPolicy,
  GroupManagementPolicyPatch,
  InvitationDomains,
} from '../../contracts/policies';
import type {
  AppAccessRequest,
  ApproveRequestBody,
  CreateAppAccessRequestBody,
  CreateGroupJoinRequestBody,
  CreateSelfServiceGroupBody,
  DenyRequestBody,
  GroupJoinRequest,
  PendingApprovals,
  RequestableApp,
} from '../../contracts/requests';
import type { CreateRoleAssignmentBody, UnifiedRoleAssignment, UnifiedRoleDefinition } from '../../contracts/roles';
import type { CreateUserBody, UpdateUserBody, User } from '../../contracts/users';
import { api, type Collection, withQuery } from './client';
import { quote } from './odata';

export type { AllowInvitesFrom, InvitationDomainsMode } from '../../contracts/policies';
export { GUEST_ROLE_IDS } from '../../contracts/policies';
export type {
  AccessExplanation,
  AppAccessRequest,
  ApplicationTemplate,
  AppRoleAssignment,
  AuthorizationPolicy,
  B2bManagementPolicy,
  DevMailboxMessage,
  DirectoryAudit,
  DirectoryObject,
  Group,
  GroupJoinRequest,
  GroupManagementPolicy,
  Invitation,
  InvitationBody,
  MyApp,
  MyGroupsAddOptions,
  MyGroupsAddResult,
  Organization,
  OutboxEntry,
  PasswordCredential,
  PendingApprovals,
  RequestableApp,
  ServicePrincipal,
  UnifiedRoleAssignment,
  UnifiedRoleDefinition,
  User,
};

/** Role template ids the SPA needs to know by name. */
export const ROLE_IDS = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  guestInviter: '95e79109-95c0-4d8e-aee3-d01accf2d47b',
} as const;

export const PEOPLE_SEARCH_FIELDS = ['displayName', 'mail', 'userPrincipalName'] as const;
export const GROUP_SEARCH_FIELDS = ['displayName', 'description', 'mailNickname'] as const;

const enc = encodeURIComponent;

/** The `@odata.id` reference body of `$ref` calls. */
export const directoryObjectRef = (id: string): ODataRef => ({
  '@odata.id': `${window.location.origin}/v1.0/directoryObjects/${id}`,
});

export const isDynamicGroup = (g: Pick<Group, 'groupTypes'>): boolean => g.groupTypes.includes('DynamicMembership');
export const isMicrosoft365Group = (g: Pick<Group, 'groupTypes'>): boolean => g.groupTypes.includes('Unified');
export const groupTypeLabel = (g: Pick<Group, 'groupTypes'>): string => (isMicrosoft365Group(g) ? 'Microsoft 365' : 'Security');
export const membershipTypeLabel = (g: Pick<Group, 'groupTypes'>): string => (isDynamicGroup(g) ? 'Dynamic user' : 'Assigned');

/** Query options of a directory list: `$search` needs `ConsistencyLevel: eventual`, which usePaged sends. */
export interface ListQuery {
  /** A `$search` expression (see searchExpression); without one the list is ordered by name. */
  search?: string;
  filter?: string;
  select?: string;
  top: number;
}

const listUrl = (path: string, q: ListQuery): string =>
  withQuery(path, {
    $search: q.search,
    $filter: q.filter,
    $top: q.top,
    $orderby: q.search ? undefined : 'displayName',
    $select: q.select,
  });

/** The first `top` users or groups matching a `$search` expression, by name (the pickers' search). */
const search =
  <T>(path: '/users' | '/groups') =>
  async (expr: string, top: number, signal?: AbortSignal): Promise<T[]> =>
    (
      await api.get<Collection<T>>(withQuery(path, { $search: expr, $top: top, $orderby: 'displayName' }), {
        eventual: true,
        signal,
      })
    ).value;

export const graph = {
  me: () => api.get<User>('/me'),
  myMemberOf: (top = 100) => api.get<Collection<DirectoryObject>>(`/me/memberOf?$top=${top}`),
  myOwnedObjects: (top = 100) => api.get<Collection<DirectoryObject>>(`/me/ownedObjects?$top=${top}`),
  myApps: (signal?: AbortSignal) => api.get<Collection<MyApp>>('/me/myApps', { signal }),

  usersUrl: (q: ListQuery) => listUrl('/users', q),
  searchUsers: search<User>('/users'),
  /** The users with these ids, in one request. */
  usersById: async (ids: readonly string[]): Promise<User[]> =>
    ids.length === 0
      ? []
      : (
          await api.get<Collection<User>>(
            withQuery('/users', { $filter: `id in (${ids.map(quote).join(',')})`, $top: ids.length }),
          )
        ).value,
  user: (id: string) => api.get<User>(`/users/${enc(id)}`),
  createUser: (body: CreateUserBody) => api.post<User>('/users', body),
  updateUser: (id: string, body: UpdateUserBody) => api.patch(`/users/${enc(id)}`, body),
  deleteUser: (id: string) => api.delete(`/users/${enc(id)}`),
  userMemberOf: (id: string) => api.get<Collection<DirectoryObject>>(`/users/${enc(id)}/memberOf?$top=100`),

  groupsUrl: (q: ListQuery) => listUrl('/groups', q),
  searchGroups: search<Group>('/groups'),
  group: (id: string) => api.get<Group>(`/groups/${enc(id)}`),
  createGroup: (body: CreateGroupBody) => api.post<Group>('/groups', body),
  updateGroup: (id: string, body: UpdateGroupBody) => api.patch(`/groups/${enc(id)}`, body),
  deleteGroup: (id: string) => api.delete(`/groups/${enc(id)}`),
  groupMembersUrl: (id: string) => `/groups/${enc(id)}/members?$top=50`,
  groupOwnersUrl: (id: string) => `/groups/${enc(id)}/owners?$top=50`,
  groupOwners: (id: string) => api.get<Collection<DirectoryObject>>(`/groups/${enc(id)}/owners?$top=100`),
  addMember: (groupId: string, objectId: string) =>
    api.post(`/groups/${enc(groupId)}/members/$ref`, directoryObjectRef(objectId)),
  removeMember: (groupId: string, objectId: string) => api.delete(`/groups/${enc(groupId)}/members/${enc(objectId)}/$ref`),
  addOwner: (groupId: string, objectId: string) => api.post(`/groups/${enc(groupId)}/owners/$ref`, directoryObjectRef(objectId)),
  removeOwner: (groupId: string, objectId: string) => api.delete(`/groups/${enc(groupId)}/owners/${enc(objectId)}/$ref`),

  roleDefinitions: () => api.get<Collection<UnifiedRoleDefinition>>('/roleManagement/directory/roleDefinitions'),
  roleDefinition: (id: string) => api.get<UnifiedRoleDefinition>(`/roleManagement/directory/roleDefinitions/${enc(id)}`),
  roleAssignmentsOf: (principalId: string) =>
    api.get<Collection<UnifiedRoleAssignment>>(
      withQuery('/roleManagement/directory/roleAssignments', { $filter: `principalId eq ${quote(principalId)}`, $top: 100 }),
    ),
  roleAssignmentsUrl: (roleDefinitionId: string) =>
    withQuery('/roleManagement/directory/roleAssignments', {
      $filter: `roleDefinitionId eq ${quote(roleDefinitionId)}`,
      $top: 50,
    }),
  allRoleAssignments: () => api.get<Collection<UnifiedRoleAssignment>>('/roleManagement/directory/roleAssignments?$top=999'),
  assignRole: (principalId: string, roleDefinitionId: string) =>
    api.post<UnifiedRoleAssignment>('/roleManagement/directory/roleAssignments', {
      principalId,
      roleDefinitionId,
      directoryScopeId: '/',
    } satisfies CreateRoleAssignmentBody),
  removeRoleAssignment: (id: string) => api.delete(`/roleManagement/directory/roleAssignments/${enc(id)}`),

  authorizationPolicy: () => api.get<AuthorizationPolicy>('/policies/authorizationPolicy'),
  updateAuthorizationPolicy: (body: AuthorizationPolicyPatch) => api.patch('/policies/authorizationPolicy', body),
  groupManagementPolicy: () => api.get<GroupManagementPolicy>('/policies/groupManagementPolicy'),
  updateGroupManagementPolicy: (body: GroupManagementPolicyPatch) => api.patch('/policies/groupManagementPolicy', body),

  // Invitations (B2B collaboration)
  invite: (body: InvitationBody) => api.post<Invitation>('/invitations', body),
  myGroupsAdd: (groupId: string, body: MyGroupsAddBody) =>
    api.post<MyGroupsAddResult>(`/groups/${enc(groupId)}/members/add`, body),
  /** What Add members will allow the signed-in user (asked when the dialog opens). */
  myGroupsAddOptions: (groupId: string, signal?: AbortSignal) =>
    api.get<MyGroupsAddOptions>(`/groups/${enc(groupId)}/members/addOptions`, { signal }),

  // Why does this person have access? (Graph function-call syntax)
  accessExplanation: (spId: string, userId: string, signal?: AbortSignal) =>
    api.get<AccessExplanation>(`/servicePrincipals/${enc(spId)}/accessExplanation(userId='${enc(userId)}')`, { signal }),
  myAccessExplanation: (spId: string, signal?: AbortSignal) =>
    api.get<AccessExplanation>(`/me/accessExplanation(servicePrincipalId='${enc(spId)}')`, { signal }),
  resendInvitation: (userId: string) => api.post<Invitation>(`/users/${enc(userId)}/resendInvitation`, {}),
  sponsors: (userId: string) => api.get<Collection<User>>(`/users/${enc(userId)}/sponsors`),
  b2bManagementPolicy: () => api.get<B2bManagementPolicy>('/policies/b2bManagementPolicies/default'),
  updateB2bManagementPolicy: (invitationDomains: InvitationDomains) =>
    api.patch('/policies/b2bManagementPolicies/default', { invitationDomains } satisfies B2bManagementPolicyPatch),
  updateAllowedRedirectHosts: (allowedRedirectHosts: string[]) =>
    api.patch('/policies/b2bManagementPolicies/default', { allowedRedirectHosts } satisfies B2bManagementPolicyPatch),

  // Development mailbox (Portico extension)
  devMessagesUrl: (top = 25) => withQuery('/devMailbox/messages', { $top: top }),
  devMessage: (id: string) => api.get<DevMailboxMessage>(`/devMailbox/messages/${enc(id)}`),
  devOutboxUrl: (top = 25) => withQuery('/devMailbox/outbox', { $top: top }),

  auditUrl: (filter: string | undefined, top: number) => withQuery('/auditLogs/directoryAudits', { $filter: filter, $top: top }),

  organization: async (): Promise<Organization | undefined> =>
    (await api.get<Collection<Organization>>('/organization')).value[0],
  updateOrganization: (id: string, body: UpdateOrganizationBody) => api.patch(`/organization/${enc(id)}`, body),

  // Enterprise applications (service principals)
  servicePrincipalsUrl: (q: ListQuery) => listUrl('/servicePrincipals', q),
  servicePrincipal: (id: string) => api.get<ServicePrincipal>(`/servicePrincipals/${enc(id)}`),
  createServicePrincipal: (body: CreateServicePrincipalBody) => api.post<ServicePrincipal>('/servicePrincipals', body),
  updateServicePrincipal: (id: string, body: UpdateServicePrincipalBody) => api.patch(`/servicePrincipals/${enc(id)}`, body),
  deleteServicePrincipal: (id: string) => api.delete(`/servicePrincipals/${enc(id)}`),
  applicationTemplates: () => api.get<Collection<ApplicationTemplate>>('/applicationTemplates'),
  instantiateTemplate: (templateId: string, body: InstantiateTemplateBody) =>
    api.post<{ servicePrincipal: ServicePrincipal }>(`/applicationTemplates/${enc(templateId)}/instantiate`, body),
  addPassword: (id: string, passwordCredential: NonNullable<AddPasswordBody['passwordCredential']>) =>
    api.post<PasswordCredential>(`/servicePrincipals/${enc(id)}/addPassword`, { passwordCredential } satisfies AddPasswordBody),
  removePassword: (id: string, keyId: string) =>
    api.post(`/servicePrincipals/${enc(id)}/removePassword`, { keyId } satisfies RemovePasswordBody),
  addTokenSigningCertificate: (id: string, body: AddTokenSigningCertificateBody = {}) =>
    api.post<SelfSignedCertificate>(`/servicePrincipals/${enc(id)}/addTokenSigningCertificate`, body),
  servicePrincipalOwnersUrl: (id: string) => `/servicePrincipals/${enc(id)}/owners?$top=50`,
  addServicePrincipalOwner: (id: string, userId: string) =>
    api.post(`/servicePrincipals/${enc(id)}/owners/$ref`, directoryObjectRef(userId)),
  removeServicePrincipalOwner: (id: string, userId: string) =>
    api.delete(`/servicePrincipals/${enc(id)}/owners/${enc(userId)}/$ref`),
  appRoleAssignedToUrl: (id: string) => `/servicePrincipals/${enc(id)}/appRoleAssignedTo?$top=50`,
  assignApp: (resourceId: string, principalId: string, appRoleId: string) =>
    api.post<AppRoleAssignment>(`/servicePrincipals/${enc(resourceId)}/appRoleAssignedTo`, {
      principalId,
      resourceId,
      appRoleId,
    } satisfies AppRoleAssignmentBody),
  removeAppAssignment: (resourceId: string, assignmentId: string) =>
    api.delete(`/servicePrincipals/${enc(resourceId)}/appRoleAssignedTo/${enc(assignmentId)}`),
  groupAppAssignments: (groupId: string) =>
    api.get<Collection<AppRoleAssignment>>(`/groups/${enc(groupId)}/appRoleAssignments?$top=100`),
  createSelfServiceGroup: (id: string, body: CreateSelfServiceGroupBody) =>
    api.post<Group>(`/servicePrincipals/${enc(id)}/selfServiceGroup`, body),

  // Self-service requests (Portico's own resources): My Apps → Request new apps, My Groups → Join
  /** The catalogue of requestable applications; with a search term it needs `eventual` (usePaged sends it). */
  requestableAppsUrl: (search: string | undefined, top = 24) =>
    withQuery('/me/requestableApps', { $search: search, $top: top, $orderby: search ? undefined : 'displayName' }),
  /** An application by its appId (the "Request access" link of the no-access page names one). */
  servicePrincipalByAppId: (appId: string) => api.get<ServicePrincipal>(`/servicePrincipals(appId='${enc(appId)}')`),
  requestAppAccess: (spId: string, justification: string) =>
    api.post<AppAccessRequest>(`/servicePrincipals/${enc(spId)}/accessRequests`, {
      justification,
    } satisfies CreateAppAccessRequestBody),
  myAppAccessRequestsUrl: (top = 20) => withQuery('/me/appAccessRequests', { $top: top }),
  appAccessRequestsUrl: (spId: string, status: string | undefined, top = 20) =>
    withQuery(`/servicePrincipals/${enc(spId)}/accessRequests`, {
      $filter: status ? `status eq ${quote(status)}` : undefined,
      $top: top,
    }),
  approveAppAccessRequest: (id: string, reason: string | null) =>
    api.post<AppAccessRequest>(`/appAccessRequests/${enc(id)}/approve`, { reason } satisfies ApproveRequestBody),
  denyAppAccessRequest: (id: string, reason: string) =>
    api.post<AppAccessRequest>(`/appAccessRequests/${enc(id)}/deny`, { reason } satisfies DenyRequestBody),
  cancelAppAccessRequest: (id: string) => api.post<AppAccessRequest>(`/appAccessRequests/${enc(id)}/cancel`, {}),
  pendingApprovals: (signal?: AbortSignal) => api.get<PendingApprovals>('/me/pendingApprovals', { signal }),

  /** Groups people may join or ask to join (their join policy is not closed), by name or search. */
  joinableGroupsUrl: (search: string | undefined, top = 20) =>
    listUrl('/groups', { search, filter: "joinPolicy ne 'closed'", top }),
  joinGroup: (groupId: string, justification: string | null) =>
    api.post<GroupJoinRequest>(`/groups/${enc(groupId)}/joinRequests`, { justification } satisfies CreateGroupJoinRequestBody),
  myGroupJoinRequestsUrl: (top = 20) => withQuery('/me/groupJoinRequests', { $top: top }),
  /** The signed-in user's pending join requests (to mark the groups they wait for). */
  myPendingJoinRequests: async (signal?: AbortSignal): Promise<GroupJoinRequest[]> =>
    (
      await api.get<Collection<GroupJoinRequest>>(
        withQuery('/me/groupJoinRequests', { $filter: "status eq 'pending'", $top: 999 }),
        { signal },
      )
    ).value,
  /** Pending join requests for the groups the signed-in user owns. */
  groupJoinApprovalsUrl: (top = 20) => withQuery('/me/pendingApprovals/groupJoinRequests', { $top: top }),
  approveGroupJoinRequest: (id: string, reason: string | null) =>
    api.post<GroupJoinRequest>(`/groupJoinRequests/${enc(id)}/approve`, { reason } satisfies ApproveRequestBody),
  rejectGroupJoinRequest: (id: string, reason: string) =>
    api.post<GroupJoinRequest>(`/groupJoinRequests/${enc(id)}/reject`, { reason } satisfies DenyRequestBody),
  cancelGroupJoinRequest: (id: string) => api.post<GroupJoinRequest>(`/groupJoinRequests/${enc(id)}/cancel`, {}),
};
