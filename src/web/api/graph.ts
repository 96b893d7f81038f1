/** Typed calls of the /v1.0 endpoints the SPA uses (Graph shapes). */
import type {
  ApplicationTemplate,
  AppRoleAssignment,
  PasswordCredential,
  PreferredSingleSignOnMode,
  ServicePrincipal,
} from '../../contracts/applications';
import type { DirectoryObject, Group } from '../../contracts/groups';
import type { Invitation } from '../../contracts/invitations';
import type { Organization } from '../../contracts/organization';
import type { UnifiedRoleAssignment, UnifiedRoleDefinition } from '../../contracts/roles';
import type { User } from '../../contracts/users';
import { api, type Collection, withQuery } from './client';
import { quote } from './odata';

export type { ApplicationTemplate, AppRoleAssignment, PasswordCredential, PreferredSingleSignOnMode, ServicePrincipal };
export type { DirectoryObject, Group, Invitation, Organization, UnifiedRoleAssignment, UnifiedRoleDefinition, User };

/** Body of `POST /invitations` (Graph invitation manager). */
export interface InvitationRequest {
  invitedUserEmailAddress: string;
  inviteRedirectUrl: string;
  invitedUserDisplayName?: string;
  invitedUserType?: 'Guest' | 'Member';
  sendInvitationMessage?: boolean;
  invitedUserMessageInfo?: {
    customizedMessageBody?: string | null;
    messageLanguage?: string | null;
    ccRecipients?: { emailAddress: { address: string; name?: string | null } }[];
  };
  invitedUser?: { id: string };
  resetRedemption?: boolean;
}

/** Body of My Groups' `POST /groups/{id}/members/add` (Portico extension). */
export type MyGroupsAddRequest =
  | { userId: string }
  | { emailAddress: string; displayName?: string; welcomeMessage?: string; messageLanguage?: string };

export interface MyGroupsAddResult {
  status: 'added' | 'invited';
  user: User;
  invitation?: Invitation;
}

/** Collaboration restrictions, Portico's readable form of `b2bManagementPolicy`. */
export type InvitationDomainsMode = 'allowAll' | 'allowList' | 'denyList';
export interface B2bManagementPolicy {
  id: 'default';
  displayName: string;
  definition: string[];
  invitationDomains: { mode: InvitationDomainsMode; domains: string[] };
}

/** A message of the development mailbox (Portico extension, no SMTP configured). */
export interface DevMailboxMessage {
  id: string;
  outboxId: string;
  internetMessageId: string;
  receivedDateTime: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html: string | null;
  links: string[];
}

export type AllowInvitesFrom = 'none' | 'adminsAndGuestInviters' | 'adminsGuestInvitersAndAllMembers' | 'everyone';

export interface AuthorizationPolicy {
  id: string;
  allowInvitesFrom: AllowInvitesFrom;
  guestUserRoleId: string;
}

export interface GroupManagementPolicy {
  id: string;
  selfServiceGroupManagementEnabled: boolean;
  restrictGroupsFeaturesInMyGroups: boolean;
  usersCanCreateSecurityGroups: boolean;
  usersCanCreateMicrosoft365Groups: boolean;
}

export interface DirectoryAudit {
  id: string;
  activityDateTime: string;
  activityDisplayName: string;
  category: string;
  correlationId: string;
  loggedByService: string;
  operationType: string;
  result: string;
  resultReason: string;
  initiatedBy: {
    user: { id: string; displayName: string | null; userPrincipalName: string | null; ipAddress: string | null } | null;
    app: { appId: string | null; displayName: string | null } | null;
  };
  targetResources: {
    id: string;
    displayName: string | null;
    type: string;
    userPrincipalName?: string | null;
    modifiedProperties?: { displayName: string; oldValue: string | null; newValue: string | null }[];
  }[];
  additionalDetails?: { key: string; value: string }[];
}

/** Role template ids the SPA needs to know by name. */
export const ROLE_IDS = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  guestInviter: '95e79109-95c0-4d8e-aee3-d01accf2d47b',
} as const;

/** `guestUserRoleId` values (entra-behaviour.md §4.1). */
export const GUEST_ROLE_IDS = {
  member: 'a0b1b346-4d3e-4e8b-98f8-753987be4970',
  limited: '10dae51f-b6af-4016-8d66-8c2a99b929b3',
  restricted: '2af84b1e-32c8-42b7-82bc-daa82404023b',
} as const;

/** Answer of `POST /servicePrincipals/{id}/addTokenSigningCertificate` (Graph `selfSignedCertificate`). */
export interface SelfSignedCertificate {
  customKeyIdentifier: string;
  displayName: string;
  endDateTime: string;
  key: string;
  keyId: string;
  startDateTime: string;
  thumbprint: string;
}

export const PEOPLE_SEARCH_FIELDS = ['displayName', 'mail', 'userPrincipalName'] as const;
export const GROUP_SEARCH_FIELDS = ['displayName', 'description', 'mailNickname'] as const;

const enc = encodeURIComponent;

/** The `@odata.id` reference body of `$ref` calls. */
export const directoryObjectRef = (id: string) => ({ '@odata.id': `${window.location.origin}/v1.0/directoryObjects/${id}` });

export const isDynamicGroup = (g: Pick<Group, 'groupTypes'>): boolean => g.groupTypes.includes('DynamicMembership');
export const isMicrosoft365Group = (g: Pick<Group, 'groupTypes'>): boolean => g.groupTypes.includes('Unified');
export const groupTypeLabel = (g: Pick<Group, 'groupTypes'>): string => (isMicrosoft365Group(g) ? 'Microsoft 365' : 'Security');
export const membershipTypeLabel = (g: Pick<Group, 'groupTypes'>): string => (isDynamicGroup(g) ? 'Dynamic user' : 'Assigned');

export const graph = {
  me: () => api.get<User>('/me'),
  myMemberOf: (top = 100) => api.get<Collection<DirectoryObject>>(`/me/memberOf?$top=${top}`),
  myOwnedObjects: (top = 100) => api.get<Collection<DirectoryObject>>(`/me/ownedObjects?$top=${top}`),

  user: (id: string) => api.get<User>(`/users/${enc(id)}`),
  createUser: (body: Record<string, unknown>) => api.post<User>('/users', body),
  updateUser: (id: string, body: Record<string, unknown>) => api.patch(`/users/${enc(id)}`, body),
  deleteUser: (id: string) => api.delete(`/users/${enc(id)}`),
  userMemberOf: (id: string) => api.get<Collection<DirectoryObject>>(`/users/${enc(id)}/memberOf?$top=100`),

  group: (id: string) => api.get<Group>(`/groups/${enc(id)}`),
  createGroup: (body: Record<string, unknown>) => api.post<Group>('/groups', body),
  updateGroup: (id: string, body: Record<string, unknown>) => api.patch(`/groups/${enc(id)}`, body),
  deleteGroup: (id: string) => api.delete(`/groups/${enc(id)}`),
  groupMembersUrl: (id: string) => `/groups/${enc(id)}/members?$top=50`,
  groupOwnersUrl: (id: string) => `/groups/${enc(id)}/owners?$top=50`,
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
    }),
  removeRoleAssignment: (id: string) => api.delete(`/roleManagement/directory/roleAssignments/${enc(id)}`),

  authorizationPolicy: () => api.get<AuthorizationPolicy>('/policies/authorizationPolicy'),
  updateAuthorizationPolicy: (body: Partial<Pick<AuthorizationPolicy, 'allowInvitesFrom' | 'guestUserRoleId'>>) =>
    api.patch('/policies/authorizationPolicy', body),
  groupManagementPolicy: () => api.get<GroupManagementPolicy>('/policies/groupManagementPolicy'),
  updateGroupManagementPolicy: (body: Partial<Omit<GroupManagementPolicy, 'id'>>) =>
    api.patch('/policies/groupManagementPolicy', body),

  // Invitations (B2B collaboration)
  invite: (body: InvitationRequest) => api.post<Invitation>('/invitations', body),
  myGroupsAdd: (groupId: string, body: MyGroupsAddRequest) =>
    api.post<MyGroupsAddResult>(`/groups/${enc(groupId)}/members/add`, body),
  resendInvitation: (userId: string) => api.post<Invitation>(`/users/${enc(userId)}/resendInvitation`, {}),
  sponsors: (userId: string) => api.get<Collection<User>>(`/users/${enc(userId)}/sponsors`),
  b2bManagementPolicy: () => api.get<B2bManagementPolicy>('/policies/b2bManagementPolicies/default'),
  updateB2bManagementPolicy: (invitationDomains: B2bManagementPolicy['invitationDomains']) =>
    api.patch('/policies/b2bManagementPolicies/default', { invitationDomains }),

  // Development mailbox (Portico extension)
  devMessagesUrl: (top = 25) => withQuery('/devMailbox/messages', { $top: top }),
  devMessage: (id: string) => api.get<DevMailboxMessage>(`/devMailbox/messages/${enc(id)}`),

  organization: async (): Promise<Organization | undefined> =>
    (await api.get<Collection<Organization>>('/organization')).value[0],
  updateOrganization: (id: string, body: Record<string, unknown>) => api.patch(`/organization/${enc(id)}`, body),

  // Enterprise applications (service principals)
  servicePrincipal: (id: string) => api.get<ServicePrincipal>(`/servicePrincipals/${enc(id)}`),
  createServicePrincipal: (body: Record<string, unknown>) => api.post<ServicePrincipal>('/servicePrincipals', body),
  updateServicePrincipal: (id: string, body: Record<string, unknown>) => api.patch(`/servicePrincipals/${enc(id)}`, body),
  deleteServicePrincipal: (id: string) => api.delete(`/servicePrincipals/${enc(id)}`),
  applicationTemplates: () => api.get<Collection<ApplicationTemplate>>('/applicationTemplates'),
  instantiateTemplate: (
    templateId: string,
    body: { displayName: string; baseUrl?: string; preferredSingleSignOnMode?: 'oidc' | 'saml' },
  ) => api.post<{ servicePrincipal: ServicePrincipal }>(`/applicationTemplates/${enc(templateId)}/instantiate`, body),
  addPassword: (id: string, passwordCredential: { displayName?: string; endDateTime?: string }) =>
    api.post<PasswordCredential>(`/servicePrincipals/${enc(id)}/addPassword`, { passwordCredential }),
  removePassword: (id: string, keyId: string) => api.post(`/servicePrincipals/${enc(id)}/removePassword`, { keyId }),
  addTokenSigningCertificate: (id: string, body: { displayName?: string; endDateTime?: string } = {}) =>
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
    }),
  removeAppAssignment: (resourceId: string, assignmentId: string) =>
    api.delete(`/servicePrincipals/${enc(resourceId)}/appRoleAssignedTo/${enc(assignmentId)}`),
};
