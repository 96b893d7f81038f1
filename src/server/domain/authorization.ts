import type { ErrorCode } from '../../contracts/errors.js';
import { type AllowInvitesFrom, GUEST_ROLE_IDS } from '../../contracts/policies.js';
import type { ApplicationPermission } from './permissions.js';
import { RoleIds } from './roles.js';

/**
 * The one authorization policy. Pure functions: services load the facts (caller roles, ownership,
 * tenant policy, target's privileged roles) and ask `authorize`; nothing here does I/O.
 * Follows entra-behaviour.md §5 (roles) and §2/§4.1 (default member/guest permissions).
 */

export type Caller =
  | {
      kind: 'user';
      tenantId: string;
      userId: string;
      userType: 'Member' | 'Guest';
      displayName: string;
      userPrincipalName: string;
      /** Role template ids held by the user (directory scope "/"). */
      roles: ReadonlySet<string>;
      /**
       * Delegated permissions of the token (`scp`): the application acts for the user within
       * these only. Undefined for Portico's own sessions (full user rights).
       */
      scopes?: ReadonlySet<string>;
    }
  | {
      kind: 'app';
      tenantId: string;
      clientId: string;
      displayName: string;
      permissions: ReadonlySet<string>;
    }
  /** Trusted local operator (CLI); never reachable over HTTP. */
  | { kind: 'system'; tenantId: string; displayName: string };

/** member: same access as members; limited (default): own objects and those they know; restricted: own objects only. */
export const GuestRoleIds = GUEST_ROLE_IDS;
export type { AllowInvitesFrom };

/** The subset of tenant policy the decisions need. */
export interface PolicyFacts {
  guestUserRoleId: string;
  allowInvitesFrom: AllowInvitesFrom;
  allowedToCreateSecurityGroups: boolean;
}

export type Action =
  | 'user.list'
  | 'user.read'
  | 'user.create'
  /** Basic properties (names, job title, department…). */
  | 'user.update'
  /** Sign-in identity and account state: accountEnabled, mail, otherMails, identities, userPrincipalName. */
  | 'user.updateSensitive'
  /** passwordProfile (an administrator resets the password). */
  | 'user.resetPassword'
  /** POST /users/{id}/revokeSignInSessions (administrators, by the credential table) and /me/revokeSignInSessions (anyone). */
  | 'user.revokeSessions'
  | 'user.delete'
  /** Deleted users (directory/deletedItems): list and read; restore and hard delete need user.delete. */
  | 'user.readDeleted'
  | 'group.list'
  | 'group.read'
  | 'group.readMembers'
  | 'group.create'
  | 'group.update'
  | 'group.delete'
  /** Deleted groups (directory/deletedItems): list and read; restore and hard delete need group.delete. */
  | 'group.readDeleted'
  | 'group.manageMembers'
  | 'group.manageOwners'
  /** Remove oneself from a group's members (My Groups → Leave group). */
  | 'group.leave'
  | 'role.read'
  | 'role.assign'
  | 'authorizationPolicy.read'
  | 'authorizationPolicy.update'
  | 'groupManagementPolicy.read'
  | 'groupManagementPolicy.update'
  | 'organization.read'
  | 'organization.update'
  | 'audit.read'
  /** The sign-in log (auditLogs/signIns): Entra's report readers. */
  | 'signIn.read'
  /** Portico extension: the development mailbox and the outbox delivery status. */
  | 'devMailbox.read'
  | 'user.invite'
  | 'user.inviteMember'
  | 'user.manageInvitation'
  | 'b2bPolicy.read'
  | 'b2bPolicy.update'
  /** Enterprise applications (service principals), entra-behaviour.md §7. */
  | 'application.list'
  | 'application.read'
  /** Create, update, delete, credentials and owners of an application (owners: their own app). */
  | 'application.manage'
  /** App role assignments (users and groups to an application). */
  | 'application.assign'
  /**
   * "Why does this person have access?" (Portico extension): the paths from a user to an
   * application with who made each link. The user themselves, the application's owners, and the
   * administrators who assign users to applications.
   */
  | 'application.explainAccess'
  /** Self-service requests (entra-behaviour.md §6.6, §7.4): ask for access to an application. */
  | 'appAccessRequest.create'
  /** See an application's access requests and approve or deny them (approvers, owners, app admins). */
  | 'appAccessRequest.decide'
  /** Join a group or ask to join it (My Groups). */
  | 'groupJoinRequest.create'
  /** See a group's join requests and approve or reject them (owners, group admins). */
  | 'groupJoinRequest.decide'
  /** oauth2PermissionGrants: read the delegated permissions granted to applications. */
  | 'permissionGrant.read'
  /** oauth2PermissionGrants: grant (admin consent), change and revoke delegated permissions. */
  | 'permissionGrant.manage'
  /**
   * Application permissions: grant (admin consent) and revoke an app role of Microsoft Graph to an
   * application (appRoleAssignments of a service principal on Graph's service principal).
   */
  | 'appPermission.grant';

/** Facts about the object acted on, loaded by the service when the action needs them. */
export interface TargetFacts {
  /** The caller is the object itself (a user reading or changing their own object). */
  isSelf?: boolean;
  /** The caller owns the target group or application (service principal). */
  isOwner?: boolean;
  /** The caller is a member of the target group (guests with limited access can read those). */
  isMember?: boolean;
  /** The caller is one of the target application's self-service approvers. */
  isApprover?: boolean;
  /**
   * Directory roles the target user holds: who may touch a user's credentials and sign-in identity
   * depends on them (CREDENTIAL_TARGETS). Undefined when the action has no user target.
   */
  targetRoles?: ReadonlySet<string>;
  /** The role being assigned is privileged. */
  roleIsPrivileged?: boolean;
}

/** A refusal names its catalogue code, so a client can tell "the invite setting blocks you" from a missing role. */
export type Decision = { allowed: true } | { allowed: false; reason: string; code: DenialCode };

/** Catalogue codes an authorization decision may carry (all 403). */
export type DenialCode = Extract<ErrorCode, 'authorization_denied' | 'invitation_setting_denied' | 'group_creation_disabled'>;

const ALLOW: Decision = { allowed: true };
const deny = (
  reason = 'Insufficient privileges to complete the operation.',
  code: DenialCode = 'authorization_denied',
): Decision => ({
  allowed: false,
  reason,
  code,
});

const R = RoleIds;

const has = (c: Extract<Caller, { kind: 'user' }>, ...roles: string[]) => roles.some((r) => c.roles.has(r));
const appHas = (c: Extract<Caller, { kind: 'app' }>, ...perms: ApplicationPermission[]) =>
  perms.some((p) => c.permissions.has(p));

/** The application permissions that read a group and its members. */
const GROUP_READERS: ApplicationPermission[] = [
  'Group.Read.All',
  'Group.ReadWrite.All',
  'GroupMember.Read.All',
  'GroupMember.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];

/** Application permissions that allow each action for client-credential callers. */
const appRules: Record<Action, ApplicationPermission[]> = {
  'user.list': ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'user.read': ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'user.create': ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  'user.update': ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  'user.updateSensitive': ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  'user.resetPassword': ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  'user.revokeSessions': ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  'user.delete': ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  'user.readDeleted': ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'group.list': ['Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'group.read': GROUP_READERS,
  'group.readMembers': GROUP_READERS,
  'group.create': ['Group.Create', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  'group.update': ['Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  'group.delete': ['Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  'group.readDeleted': ['Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'group.manageMembers': ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  'group.manageOwners': ['Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  // Leaving, requesting and deciding are acts of a person (My Apps, My Groups): no application permission.
  'group.leave': [],
  'role.read': [
    'RoleManagement.Read.Directory',
    'RoleManagement.ReadWrite.Directory',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  'role.assign': ['RoleManagement.ReadWrite.Directory'],
  'authorizationPolicy.read': ['Policy.Read.All', 'Policy.ReadWrite.Authorization'],
  'authorizationPolicy.update': ['Policy.ReadWrite.Authorization'],
  'groupManagementPolicy.read': ['Policy.Read.All', 'Policy.ReadWrite.Authorization', 'Directory.Read.All'],
  'groupManagementPolicy.update': ['Policy.ReadWrite.Authorization'],
  'organization.read': [
    'Organization.Read.All',
    'Organization.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
    'User.Read.All',
  ],
  'organization.update': ['Organization.ReadWrite.All'],
  'audit.read': ['AuditLog.Read.All'],
  'signIn.read': ['AuditLog.Read.All'],
  'devMailbox.read': [],
  'user.invite': ['User.Invite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
  'user.inviteMember': ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  'user.manageInvitation': ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  'b2bPolicy.read': ['Policy.Read.All', 'Policy.ReadWrite.Authorization'],
  'b2bPolicy.update': ['Policy.ReadWrite.Authorization'],
  'application.list': [
    'Application.Read.All',
    'Application.ReadWrite.All',
    'AppRoleAssignment.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  'application.read': [
    'Application.Read.All',
    'Application.ReadWrite.All',
    'AppRoleAssignment.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  // Graph does not let Directory.ReadWrite.All manage application credentials: only this one.
  'application.manage': ['Application.ReadWrite.All'],
  'application.assign': ['AppRoleAssignment.ReadWrite.All', 'Application.ReadWrite.All'],
  'application.explainAccess': [
    'Application.Read.All',
    'Application.ReadWrite.All',
    'AppRoleAssignment.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  'appAccessRequest.create': [],
  'appAccessRequest.decide': [],
  'groupJoinRequest.create': [],
  'groupJoinRequest.decide': [],
  'permissionGrant.read': [
    'DelegatedPermissionGrant.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
    'Application.Read.All',
    'Application.ReadWrite.All',
  ],
  'permissionGrant.manage': ['DelegatedPermissionGrant.ReadWrite.All'],
  'appPermission.grant': ['AppRoleAssignment.ReadWrite.All'],
};

/**
 * Entra's permission for API-driven inbound provisioning (SCIM /Users, docs/scim.md): member users'
 * read, create and update — never deletion, password resets or anything of groups.
 */
const PROVISIONING_UPLOAD_ACTIONS: readonly Action[] = [
  'user.list',
  'user.read',
  'user.create',
  'user.update',
  'user.updateSensitive',
];
for (const action of PROVISIONING_UPLOAD_ACTIONS) appRules[action].push('SynchronizationData-User.Upload');

/**
 * Delegated permissions (`scp`) that allow each action: Graph's delegated permissions carry the
 * names of the application ones (User.Read.All, Group.ReadWrite.All…), plus the user-scoped ones:
 * User.Read (the user's own profile and basic company information), User.ReadWrite (own profile),
 * User.ReadBasic.All (other users' basic profiles), Directory.AccessAsUser.All (all the user can
 * do). Acts of a person (leaving a group, requests) need GroupMember.ReadWrite.All /
 * Group.ReadWrite.All or Directory.AccessAsUser.All.
 */
function delegatedScopesFor(action: Action, target: TargetFacts): Set<string> {
  const out = new Set<string>(appRules[action].filter((p) => p !== 'SynchronizationData-User.Upload'));
  if (action === 'user.read' && target.isSelf) for (const p of ['User.Read', 'User.ReadWrite']) out.add(p);
  if (action === 'user.update' && target.isSelf) out.add('User.ReadWrite');
  if (action === 'user.read' || action === 'user.list') out.add('User.ReadBasic.All');
  if (action === 'organization.read') out.add('User.Read');
  if (action === 'group.leave') for (const p of ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All']) out.add(p);
  out.add('Directory.AccessAsUser.All');
  return out;
}

const delegatedAllows = (scopes: ReadonlySet<string>, action: Action, target: TargetFacts): boolean =>
  [...delegatedScopesFor(action, target)].some((p) => scopes.has(p));

const ALL_ADMINS = [
  R.globalAdministrator,
  R.userAdministrator,
  R.groupsAdministrator,
  R.applicationAdministrator,
  R.cloudApplicationAdministrator,
  R.helpdeskAdministrator,
  R.privilegedRoleAdministrator,
  R.passwordAdministrator,
  R.authenticationAdministrator,
  R.privilegedAuthenticationAdministrator,
];
/** Administrators and Directory Readers read the directory whatever the guest/member defaults are. */
const DIRECTORY_READERS = [...ALL_ADMINS, R.directoryReaders];
const AUDIT_READERS = [...ALL_ADMINS, R.reportsReader];
/**
 * Entra's readers of the sign-in log: Reports Reader and the administrators whose roles include
 * reading reports. (Security Reader, Global Reader and Security Administrator read it in Entra
 * too; Portico does not define those roles yet — add them here when it does.)
 */
const SIGN_IN_READERS = AUDIT_READERS;
const GROUP_ADMINS = [R.globalAdministrator, R.userAdministrator, R.groupsAdministrator];
const APP_ADMINS = [R.globalAdministrator, R.applicationAdministrator, R.cloudApplicationAdministrator];

/** An application acting on its own (application permissions). */
function authorizeApp(caller: Caller & { kind: 'app' }, action: Action, target: TargetFacts): Decision {
  if (appRules[action].length === 0) return deny('This operation is not available to applications: sign in as a user.');
  // Graph: an application's User.ReadWrite.All does not reach administrators' credentials.
  if (APP_LIMITED_TO_UNPRIVILEGED.has(action) && (target.targetRoles?.size ?? 0) > 0) {
    return deny('Applications cannot change the credentials, sign-in identity or account of a user who holds directory roles.');
  }
  return appHas(caller, ...appRules[action])
    ? ALLOW
    : deny(`Insufficient privileges to complete the operation. The application needs one of: ${appRules[action].join(', ')}.`);
}

/**
 * Decides whether `caller` may perform `action`. `policy` is the tenant's current policy; `target`
 * carries the facts about the object acted on.
 */
export function authorize(caller: Caller, action: Action, policy: PolicyFacts, target: TargetFacts = {}): Decision {
  if (caller.kind === 'system') return ALLOW;
  // A delegated token: both the application's scopes and the user's own rights must allow it.
  if (caller.kind === 'user' && caller.scopes && !delegatedAllows(caller.scopes, action, target)) {
    return deny(
      `The application's delegated permissions (scp) do not allow this operation. It needs one of: ${[
        ...delegatedScopesFor(action, target),
      ].join(', ')}.`,
    );
  }
  if (caller.kind === 'app') return authorizeApp(caller, action, target);

  const isGuest = caller.userType === 'Guest';
  // "Guest users have the same access as members" makes a guest a member for default permissions.
  const guestAccess = isGuest ? policy.guestUserRoleId : GuestRoleIds.member;
  const memberLike = guestAccess === GuestRoleIds.member;
  const restricted = guestAccess === GuestRoleIds.restricted;

  switch (action) {
    case 'user.list':
      return memberLike || has(caller, ...DIRECTORY_READERS, R.guestInviter) ? ALLOW : deny();
    case 'user.read':
      if (target.isSelf) return ALLOW;
      if (memberLike || has(caller, ...DIRECTORY_READERS, R.guestInviter)) return ALLOW;
      // Limited guests may look up a user they already know the id of.
      return restricted ? deny() : ALLOW;
    case 'user.create':
      return has(caller, R.globalAdministrator, R.userAdministrator) ? ALLOW : deny();
    case 'user.revokeSessions':
      // Anyone may sign themselves out everywhere (POST /me/revokeSignInSessions).
      return target.isSelf ? ALLOW : credentialDecision(caller, action, target);
    case 'user.update':
    case 'user.updateSensitive':
    case 'user.resetPassword':
    case 'user.delete':
    case 'user.manageInvitation':
      return credentialDecision(caller, action, target);
    // Deleted objects are an administrators' view (Entra admin center → Deleted users / groups).
    case 'user.readDeleted':
      return has(caller, ...DIRECTORY_READERS) ? ALLOW : deny();
    case 'group.readDeleted':
      return has(caller, ...DIRECTORY_READERS) || target.isOwner ? ALLOW : deny();
    case 'group.list':
      return memberLike || has(caller, ...DIRECTORY_READERS) ? ALLOW : deny();
    case 'group.read':
    case 'group.readMembers':
      if (memberLike || has(caller, ...DIRECTORY_READERS)) return ALLOW;
      if (target.isOwner || target.isMember) return restricted && action === 'group.readMembers' ? deny() : ALLOW;
      return restricted ? deny() : ALLOW;
    case 'group.create':
      if (has(caller, ...GROUP_ADMINS)) return ALLOW;
      if (isGuest) return deny('Guest users cannot create groups.', 'group_creation_disabled');
      return policy.allowedToCreateSecurityGroups
        ? ALLOW
        : deny('Users cannot create security groups in this organization: ask an administrator.', 'group_creation_disabled');
    case 'group.update':
    case 'group.delete':
    case 'group.manageMembers':
    case 'group.manageOwners':
      if (has(caller, ...GROUP_ADMINS)) return ALLOW;
      return target.isOwner ? ALLOW : deny();
    case 'group.leave':
      // Anyone may take themselves out of a group (the service only allows it for the caller's own membership).
      return ALLOW;
    case 'role.read':
      return memberLike || has(caller, ...DIRECTORY_READERS) ? ALLOW : deny();
    case 'role.assign':
      return has(caller, R.globalAdministrator, R.privilegedRoleAdministrator) ? ALLOW : deny();
    case 'authorizationPolicy.read':
    case 'groupManagementPolicy.read':
      return memberLike || has(caller, ...ALL_ADMINS, R.guestInviter) ? ALLOW : deny();
    case 'authorizationPolicy.update':
      return has(caller, R.globalAdministrator, R.privilegedRoleAdministrator) ? ALLOW : deny();
    case 'groupManagementPolicy.update':
      return has(caller, ...GROUP_ADMINS) ? ALLOW : deny();
    case 'organization.read':
      return ALLOW;
    case 'organization.update':
      return has(caller, R.globalAdministrator) ? ALLOW : deny();
    case 'audit.read':
      return has(caller, ...AUDIT_READERS) ? ALLOW : deny();
    case 'signIn.read':
      return has(caller, ...SIGN_IN_READERS) ? ALLOW : deny();
    case 'user.invite':
      return inviteDecision(caller, policy.allowInvitesFrom);
    case 'user.inviteMember':
      return has(caller, R.globalAdministrator, R.userAdministrator)
        ? ALLOW
        : deny('Only Global Administrators and User Administrators can invite external users as members.');
    case 'b2bPolicy.read':
      return has(caller, ...ALL_ADMINS, R.guestInviter) || memberLike ? ALLOW : deny();
    case 'b2bPolicy.update':
      return has(caller, R.globalAdministrator)
        ? ALLOW
        : deny('Only a Global Administrator can change collaboration restrictions.');
    case 'devMailbox.read':
      return has(caller, R.globalAdministrator, R.userAdministrator) ? ALLOW : deny();
    // Default user permissions: members read all enterprise applications; guests with limited
    // access read one they know the id of; owners always read their own (entra-behaviour.md §7.3).
    case 'application.list':
      return memberLike || has(caller, ...DIRECTORY_READERS) ? ALLOW : deny();
    case 'application.read':
      if (memberLike || has(caller, ...DIRECTORY_READERS) || target.isOwner) return ALLOW;
      return restricted ? deny() : ALLOW;
    case 'application.manage':
      if (has(caller, ...APP_ADMINS)) return ALLOW;
      return target.isOwner
        ? ALLOW
        : deny(
            'Only Application Administrators, Cloud Application Administrators and the owners of an application can change it.',
          );
    case 'application.assign':
      // User Administrators may assign users and groups to applications (appRoleAssignedTo/update).
      if (has(caller, ...APP_ADMINS, R.userAdministrator)) return ALLOW;
      return target.isOwner
        ? ALLOW
        : deny(
            'Only Application, Cloud Application and User Administrators and the owners of an application can assign users and groups to it.',
          );
    case 'application.explainAccess':
      if (target.isSelf || target.isOwner || has(caller, ...APP_ADMINS, R.userAdministrator)) return ALLOW;
      return deny(
        "Only the user themselves, the application's owners and the administrators who assign users to applications can see why a user has access.",
      );
    // Self-service requests: guests as their access level allows (restricted guests see nothing to request).
    case 'appAccessRequest.create':
    case 'groupJoinRequest.create':
      return restricted ? deny('Guests with restricted access cannot request access to applications or groups.') : ALLOW;
    case 'appAccessRequest.decide':
      if (has(caller, ...APP_ADMINS) || target.isOwner || target.isApprover) return ALLOW;
      return deny(
        'Only the approvers and owners of an application (and application administrators) can see and decide its access requests.',
      );
    case 'groupJoinRequest.decide':
      if (has(caller, ...GROUP_ADMINS) || target.isOwner) return ALLOW;
      return deny('Only the owners of a group (and group administrators) can see and decide its join requests.');
    case 'permissionGrant.read':
      return memberLike || has(caller, ...DIRECTORY_READERS) ? ALLOW : deny();
    case 'permissionGrant.manage':
    case 'appPermission.grant':
      // Admin consent to Microsoft Graph permissions, delegated and application: Entra reserves it
      // to these two roles (Application Administrators may consent to anything but Graph's).
      return has(caller, R.globalAdministrator, R.privilegedRoleAdministrator)
        ? ALLOW
        : deny('Only Global Administrators and Privileged Role Administrators can grant consent to Microsoft Graph permissions.');
  }
}

// ---------------------------------------------------------------------------------------------
// Who may touch another user's credentials and sign-in identity (Entra's "Who can reset passwords"
// and "Who can perform sensitive actions" tables, privileged-roles-permissions.md). One table:
// rows are the roles a TARGET may hold ('none': no role; 'other': any role not listed), cells the
// ACTOR roles that may act on such a target. An actor may act on a user only when every role the
// user holds allows it. The tests check every cell.

type CredentialAction = Extract<
  Action,
  'user.update' | 'user.updateSensitive' | 'user.resetPassword' | 'user.revokeSessions' | 'user.delete' | 'user.manageInvitation'
>;

/** "Who can reset passwords": the roles that reset a password or invalidate refresh tokens. */
const PASSWORD_RESETTERS = [
  R.passwordAdministrator,
  R.helpdeskAdministrator,
  R.authenticationAdministrator,
  R.userAdministrator,
  R.privilegedAuthenticationAdministrator,
  R.globalAdministrator,
];

/** Roles that perform each action at all (the columns that apply to it). */
export const CREDENTIAL_ACTORS: Record<CredentialAction, readonly string[]> = {
  // Basic properties: User and Global Administrators (as before), within the same target limits.
  'user.update': [R.userAdministrator, R.privilegedAuthenticationAdministrator, R.globalAdministrator],
  // "Who can perform sensitive actions": disable/enable, e-mail addresses, UPN, identities, delete.
  'user.updateSensitive': [
    R.authenticationAdministrator,
    R.userAdministrator,
    R.privilegedAuthenticationAdministrator,
    R.globalAdministrator,
  ],
  'user.delete': [
    R.authenticationAdministrator,
    R.userAdministrator,
    R.privilegedAuthenticationAdministrator,
    R.globalAdministrator,
  ],
  // "Who can reset passwords" (and invalidate refresh tokens).
  'user.resetPassword': PASSWORD_RESETTERS,
  'user.revokeSessions': PASSWORD_RESETTERS,
  // Reset redemption and resend (entra-behaviour.md §2: Helpdesk Administrator is the least role).
  'user.manageInvitation': [
    R.helpdeskAdministrator,
    R.userAdministrator,
    R.privilegedAuthenticationAdministrator,
    R.globalAdministrator,
  ],
};

const APP_LIMITED_TO_UNPRIVILEGED: ReadonlySet<Action> = new Set<Action>([
  'user.updateSensitive',
  'user.resetPassword',
  'user.revokeSessions',
  'user.delete',
  'user.manageInvitation',
]);

const PA = R.passwordAdministrator;
const HD = R.helpdeskAdministrator;
const AU = R.authenticationAdministrator;
const UA = R.userAdministrator;
const PAA = R.privilegedAuthenticationAdministrator;
const GA = R.globalAdministrator;

/** Target role → actor roles that may act on a user holding it. */
export const CREDENTIAL_TARGETS: Record<string, readonly string[]> = {
  none: [PA, HD, AU, UA, PAA, GA],
  [R.authenticationAdministrator]: [AU, PAA, GA],
  [R.directoryReaders]: [PA, HD, AU, UA, PAA, GA],
  [R.globalAdministrator]: [PAA, GA],
  [R.groupsAdministrator]: [UA, PAA, GA],
  [R.guestInviter]: [PA, HD, AU, UA, PAA, GA],
  [R.helpdeskAdministrator]: [HD, UA, PAA, GA],
  [R.messageCenterReader]: [HD, AU, UA, PAA, GA],
  [R.passwordAdministrator]: [PA, HD, AU, UA, PAA, GA],
  [R.privilegedAuthenticationAdministrator]: [PAA, GA],
  [R.privilegedRoleAdministrator]: [PAA, GA],
  [R.reportsReader]: [HD, AU, UA, PAA, GA],
  [R.userAdministrator]: [UA, PAA, GA],
  [R.usageSummaryReportsReader]: [HD, AU, UA, PAA, GA],
  other: [PAA, GA],
};

/** May an actor holding `actorRole` act on a user holding exactly `targetRoles`? */
export const actorCoversTarget = (actorRole: string, targetRoles: ReadonlySet<string>): boolean =>
  (targetRoles.size === 0 ? ['none'] : [...targetRoles]).every((t) =>
    (CREDENTIAL_TARGETS[t] ?? CREDENTIAL_TARGETS.other ?? []).includes(actorRole),
  );

function credentialDecision(caller: Extract<Caller, { kind: 'user' }>, action: CredentialAction, target: TargetFacts): Decision {
  const actors = CREDENTIAL_ACTORS[action].filter((r) => caller.roles.has(r));
  if (actors.length === 0) return deny();
  const targetRoles = target.targetRoles ?? new Set<string>();
  if (actors.some((r) => actorCoversTarget(r, targetRoles))) return ALLOW;
  return deny(
    'Insufficient privileges to complete the operation: this user holds a directory role that only more privileged administrators may manage (their credentials, sign-in identity and account).',
  );
}

/** Messages say which setting blocks the caller, so people know whom to ask. */
export const inviteDenials = {
  none: 'Guest invitations are turned off in this organization: the guest invite setting is "No one in the organization can invite guest users including admins".',
  adminsAndGuestInviters:
    'Only users with the Guest Inviter role can invite guests: the guest invite setting is "Only users assigned to specific admin roles can invite guest users".',
  adminsGuestInvitersAndAllMembers:
    'Guest users cannot invite other guests: the guest invite setting is "Member users and users assigned to specific admin roles can invite guest users".',
} as const;

/** Who may invite (entra-behaviour.md §4.2): users by `allowInvitesFrom` and role. */
function inviteDecision(caller: Extract<Caller, { kind: 'user' }>, setting: AllowInvitesFrom): Decision {
  if (setting === 'none') return deny(inviteDenials.none, 'invitation_setting_denied');
  if (has(caller, R.globalAdministrator, R.userAdministrator, R.guestInviter)) return ALLOW;
  if (setting === 'adminsAndGuestInviters') return deny(inviteDenials.adminsAndGuestInviters, 'invitation_setting_denied');
  if (caller.userType === 'Member') return ALLOW;
  return setting === 'everyone' ? ALLOW : deny(inviteDenials.adminsGuestInvitersAndAllMembers, 'invitation_setting_denied');
}
