import { z } from 'zod';

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
  /**
   * Portico extension: the hosts an invitation's `inviteRedirectUrl` may point to (lower-case host
   * names; `*.contoso.com` covers the sub-domains of contoso.com, not contoso.com itself). Empty:
   * any host (Graph's behaviour). Portico's own address is always allowed.
   */
  allowedRedirectHosts: string[];
}

/** Upper bound of `allowedRedirectHosts`. */
export const REDIRECT_HOSTS_MAX = 200;

const LABEL = '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?';
const REDIRECT_HOST = new RegExp(`^(?=.{1,253}$)(\\*\\.)?${LABEL}(\\.${LABEL})*$`);

/** Normalizes an entry of `allowedRedirectHosts` (trim, lower case, no trailing dot); undefined when it is not a host pattern. */
export function redirectHostPattern(entry: string): string | undefined {
  const h = entry.trim().toLowerCase().replace(/\.$/, '');
  return REDIRECT_HOST.test(h) ? h : undefined;
}

const redirectHostList = z
  .array(
    z.string().superRefine((s, ctx) => {
      if (redirectHostPattern(s) === undefined) {
        ctx.addIssue({ code: 'custom', message: 'must be a host name such as apps.contoso.com or *.contoso.com' });
      }
    }),
  )
  .max(REDIRECT_HOSTS_MAX, `must have at most ${REDIRECT_HOSTS_MAX} entries`)
  .transform((hosts) => [...new Set(hosts.map((h) => redirectHostPattern(h) ?? h))]);

// --- Request bodies (validated by the server's routes) ---

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
export const domainList = z
  .array(z.string().trim().toLowerCase().regex(DOMAIN, 'must be a domain name such as contoso.com'))
  .max(2000);

export const b2bPolicyPatch = z
  .object({
    displayName: z.string().max(256).optional(),
    description: z.string().max(1024).optional(),
    definition: z.array(z.string().max(25_000)).max(1).optional(),
    invitationDomains: z
      .object({ mode: z.enum(['allowAll', 'allowList', 'denyList']), domains: domainList.default([]) })
      .strict()
      .optional(),
    allowedRedirectHosts: redirectHostList.optional(),
    '@odata.type': z.string().optional(),
  })
  .strict();
/**
 * `PATCH /policies/b2bManagementPolicies/default`: `definition` (Graph beta form) or
 * `invitationDomains`, and/or `allowedRedirectHosts`.
 */
export type B2bPolicyPatch = z.infer<typeof b2bPolicyPatch>;
export type B2bManagementPolicyPatch = z.input<typeof b2bPolicyPatch>;

export const authorizationPolicyPatch = z
  .object({
    displayName: z.string().min(1).max(256).optional(),
    description: z.string().max(1024).optional(),
    allowInvitesFrom: z.enum(['none', 'adminsAndGuestInviters', 'adminsGuestInvitersAndAllMembers', 'everyone']).optional(),
    allowedToSignUpEmailBasedSubscriptions: z.boolean().optional(),
    allowedToUseSSPR: z.boolean().optional(),
    allowEmailVerifiedUsersToJoinOrganization: z.boolean().optional(),
    blockMsolPowerShell: z.boolean().optional(),
    guestUserRoleId: z
      .enum([GUEST_ROLE_IDS.member, GUEST_ROLE_IDS.limited, GUEST_ROLE_IDS.restricted], {
        message: `guestUserRoleId must be one of ${GUEST_ROLE_IDS.member}, ${GUEST_ROLE_IDS.limited}, ${GUEST_ROLE_IDS.restricted}`,
      })
      .optional(),
    defaultUserRolePermissions: z
      .object({
        allowedToCreateApps: z.boolean().optional(),
        allowedToCreateSecurityGroups: z.boolean().optional(),
        allowedToCreateTenants: z.boolean().optional(),
        allowedToReadBitlockerKeysForOwnedDevice: z.boolean().optional(),
        allowedToReadOtherUsers: z.boolean().optional(),
        permissionGrantPoliciesAssigned: z.array(z.string().max(256)).max(50).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
/** `PATCH /policies/authorizationPolicy`: the properties to change. */
export type AuthorizationPolicyPatch = z.infer<typeof authorizationPolicyPatch>;

export const groupManagementPolicyPatch = z
  .object({
    selfServiceGroupManagementEnabled: z.boolean().optional(),
    restrictGroupsFeaturesInMyGroups: z.boolean().optional(),
    usersCanCreateSecurityGroups: z.boolean().optional(),
    usersCanCreateMicrosoft365Groups: z.boolean().optional(),
  })
  .strict();
/** `PATCH /policies/groupManagementPolicy`. */
export type GroupManagementPolicyPatch = z.infer<typeof groupManagementPolicyPatch>;
