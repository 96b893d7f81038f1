/**
 * Tenant policies as the API returns and accepts them (entra-behaviour.md §4): Graph's
 * `authorizationPolicy`, Portico's `groupManagementPolicy` and the collaboration restrictions
 * (Graph beta `b2bManagementPolicy`). The server validates the PATCH bodies (policies.service.ts).
 */

export type AllowInvitesFrom = 'none' | 'adminsAndGuestInviters' | 'adminsGuestInvitersAndAllMembers' | 'everyone';

/** `guestUserRoleId` values (entra-behaviour.md §4.1). */
export const GUEST_ROLE_IDS = {
  /** Guests have the same access as members. */
  member: 'a0b1b346-4d3e-4e8b-98f8-753987be4970',
  /** Default: limited access to properties and memberships of directory objects. */
  limited: '10dae51f-b6af-4016-8d66-8c2a99b929b3',
  /** Most restrictive: own directory objects only. */
  restricted: '2af84b1e-32c8-42b7-82bc-daa82404023b',
} as const;
export type GuestRoleId = (typeof GUEST_ROLE_IDS)[keyof typeof GUEST_ROLE_IDS];

/** `GET /policies/authorizationPolicy` (GD authorizationpolicy.md). */
export interface AuthorizationPolicy {
  id: 'authorizationPolicy';
  displayName: string;
  description: string;
  allowInvitesFrom: AllowInvitesFrom;
  allowedToSignUpEmailBasedSubscriptions: boolean;
  allowedToUseSSPR: boolean;
  allowEmailVerifiedUsersToJoinOrganization: boolean;
  blockMsolPowerShell: boolean;
  guestUserRoleId: GuestRoleId;
  defaultUserRolePermissions: {
    allowedToCreateApps: boolean;
    allowedToCreateSecurityGroups: boolean;
    allowedToCreateTenants: boolean;
    allowedToReadBitlockerKeysForOwnedDevice: boolean;
    allowedToReadOtherUsers: boolean;
    permissionGrantPoliciesAssigned: string[];
  };
}

/** `PATCH /policies/authorizationPolicy`: the properties to change (an `@odata.type` is accepted and ignored). */
export type AuthorizationPolicyPatch = Partial<
  Omit<AuthorizationPolicy, 'id' | 'defaultUserRolePermissions'> & {
    defaultUserRolePermissions: Partial<AuthorizationPolicy['defaultUserRolePermissions']>;
  }
>;

/**
 * `GET /policies/groupManagementPolicy`: Portico's own resource for Entra's Groups → General
 * settings (Entra has no public API for them).
 */
export interface GroupManagementPolicy {
  id: 'groupManagementPolicy';
  /** "Owners can manage group membership requests in My Groups". */
  selfServiceGroupManagementEnabled: boolean;
  /** "Restrict user ability to access groups features in My Groups" (non-admins). */
  restrictGroupsFeaturesInMyGroups: boolean;
  /** "Users can create security groups": the same value as authorizationPolicy.defaultUserRolePermissions.allowedToCreateSecurityGroups. */
  usersCanCreateSecurityGroups: boolean;
  /** "Users can create Microsoft 365 groups". */
  usersCanCreateMicrosoft365Groups: boolean;
}

/** `PATCH /policies/groupManagementPolicy`. */
export type GroupManagementPolicyPatch = Partial<Omit<GroupManagementPolicy, 'id'>>;

export type InvitationDomainsMode = 'allowAll' | 'allowList' | 'denyList';

/** Portico's readable form of the collaboration restrictions: one list type at a time. */
export interface InvitationDomains {
  mode: InvitationDomainsMode;
  /** Lower-cased domain names; a listed domain also covers its sub-domains. */
  domains: string[];
}

/**
 * `GET /policies/b2bManagementPolicies/default`: `definition` holds one JSON string with
 * `B2BManagementPolicy.InvitationsAllowedAndBlockedDomainsPolicy.{AllowedDomains|BlockedDomains}`;
 * `invitationDomains` is the same setting in readable form.
 */
export interface B2bManagementPolicy {
  id: 'default';
  displayName: string;
  description: string;
  isOrganizationDefault: true;
  definition: string[];
  invitationDomains: InvitationDomains;
}

/** `PATCH /policies/b2bManagementPolicies/default`: `definition` (Graph beta form) or `invitationDomains`. */
export interface B2bManagementPolicyPatch {
  displayName?: string;
  description?: string;
  definition?: string[];
  invitationDomains?: { mode: InvitationDomainsMode; domains?: string[] };
}
