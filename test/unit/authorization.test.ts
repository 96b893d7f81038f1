import { describe, expect, it } from 'vitest';
import {
  type Action,
  authorize,
  type Caller,
  GuestRoleIds,
  type PolicyFacts,
  type TargetFacts,
} from '../../src/server/domain/authorization.js';
import { type ApplicationPermission, applicationPermissions } from '../../src/server/domain/permissions.js';
import { findRoleDefinition, RoleIds } from '../../src/server/domain/roles.js';

const roleName = (id: string) => findRoleDefinition(id)?.displayName;

/**
 * The role × action matrix of entra-behaviour.md §5 / §2 / §4.1, written out explicitly. Each row
 * is an action; each letter a caller kind (columns below): Y = allowed, N = denied.
 * Defaults: guests have limited access, only admins and Guest Inviters invite, members may create
 * security groups.
 */
const COLUMNS = [
  'globalAdmin',
  'userAdmin',
  'groupsAdmin',
  'guestInviter',
  'applicationAdmin',
  'cloudApplicationAdmin',
  'helpdeskAdmin',
  'privilegedRoleAdmin',
  'member',
  'memberOwner',
  'memberSelf',
  'guestLimited',
  'guestRestricted',
  'guestWithMemberAccess',
] as const;
type Column = (typeof COLUMNS)[number];

//                                           GA UA GrA GI AA CAA HD PRA mem own self gL gR gM
const MATRIX = {
  'user.list': /*                        */ 'Y  Y  Y   Y  Y  Y   Y  Y   Y   Y   Y    N  N  Y',
  'user.read': /*                        */ 'Y  Y  Y   Y  Y  Y   Y  Y   Y   Y   Y    Y  N  Y',
  'user.create': /*                      */ 'Y  Y  N   N  N  N   N  N   N   N   N    N  N  N',
  'user.update': /*                      */ 'Y  Y  N   N  N  N   N  N   N   N   N    N  N  N',
  // Targets without roles here; the role-target table is checked cell by cell below.
  'user.updateSensitive': /*             */ 'Y  Y  N   N  N  N   N  N   N   N   N    N  N  N',
  'user.resetPassword': /*               */ 'Y  Y  N   N  N  N   Y  N   N   N   N    N  N  N',
  // Anyone may revoke their own sessions (/me/revokeSignInSessions).
  'user.revokeSessions': /*              */ 'Y  Y  N   N  N  N   Y  N   N   N   Y    N  N  N',
  'user.delete': /*                      */ 'Y  Y  N   N  N  N   N  N   N   N   N    N  N  N',
  'user.readDeleted': /*                 */ 'Y  Y  Y   N  Y  Y   Y  Y   N   N   N    N  N  N',
  'group.list': /*                       */ 'Y  Y  Y   Y  Y  Y   Y  Y   Y   Y   Y    N  N  Y',
  'group.read': /*                       */ 'Y  Y  Y   Y  Y  Y   Y  Y   Y   Y   Y    Y  N  Y',
  'group.readMembers': /*                */ 'Y  Y  Y   Y  Y  Y   Y  Y   Y   Y   Y    Y  N  Y',
  'group.create': /*                     */ 'Y  Y  Y   Y  Y  Y   Y  Y   Y   Y   Y    N  N  N',
  'group.update': /*                     */ 'Y  Y  Y   N  N  N   N  N   N   Y   N    N  N  N',
  'group.delete': /*                     */ 'Y  Y  Y   N  N  N   N  N   N   Y   N    N  N  N',
  'group.readDeleted': /*                */ 'Y  Y  Y   N  Y  Y   Y  Y   N   Y   N    N  N  N',
  'group.manageMembers': /*              */ 'Y  Y  Y   N  N  N   N  N   N   Y   N    N  N  N',
  'group.manageOwners': /*               */ 'Y  Y  Y   N  N  N   N  N   N   Y   N    N  N  N',
  // Leaving: the service allows it for the caller's own membership only.
  'group.leave': /*                      */ 'Y  Y  Y   Y  Y  Y   Y  Y   Y   Y   Y    Y  Y  Y',
  'role.read': /*                        */ 'Y  Y  Y   Y  Y  Y   Y  Y   Y   Y   Y    N  N  Y',
  'role.assign': /*                      */ 'Y  N  N   N  N  N   N  Y   N   N   N    N  N  N',
  'authorizationPolicy.read': /*         */ 'Y  Y  Y   Y  Y  Y   Y  Y   Y   Y   Y    N  N  Y',
  'authorizationPolicy.update': /*       */ 'Y  N  N   N  N  N   N  Y   N   N   N    N  N  N',
  'groupManagementPolicy.read': /*       */ 'Y  Y  Y   Y  Y  Y   Y  Y   Y   Y   Y    N  N  Y',
  'groupManagementPolicy.update': /*     */ 'Y  Y  Y   N  N  N   N  N   N   N   N    N  N  N',
  'organization.read': /*                */ 'Y  Y  Y   Y  Y  Y   Y  Y   Y   Y   Y    Y  Y  Y',
  'organization.update': /*              */ 'Y  N  N   N  N  N   N  N   N   N   N    N  N  N',
  'audit.read': /*                       */ 'Y  Y  Y   N  Y  Y   Y  Y   N   N   N    N  N  N',
  'signIn.read': /*                      */ 'Y  Y  Y   N  Y  Y   Y  Y   N   N   N    N  N  N',
  'devMailbox.read': /*                  */ 'Y  Y  N   N  N  N   N  N   N   N   N    N  N  N',
  // Under the default guest invite setting (adminsAndGuestInviters); other settings are tested below.
  'user.invite': /*                      */ 'Y  Y  N   Y  N  N   N  N   N   N   N    N  N  N',
  'user.inviteMember': /*                */ 'Y  Y  N   N  N  N   N  N   N   N   N    N  N  N',
  'user.manageInvitation': /*            */ 'Y  Y  N   N  N  N   Y  N   N   N   N    N  N  N',
  'b2bPolicy.read': /*                   */ 'Y  Y  Y   Y  Y  Y   Y  Y   Y   Y   Y    N  N  Y',
  'b2bPolicy.update': /*                 */ 'Y  N  N   N  N  N   N  N   N   N   N    N  N  N',
  // "own" = owner of the application (service principal).
  'application.list': /*                 */ 'Y  Y  Y   Y  Y  Y   Y  Y   Y   Y   Y    N  N  Y',
  'application.read': /*                 */ 'Y  Y  Y   Y  Y  Y   Y  Y   Y   Y   Y    Y  N  Y',
  'application.manage': /*               */ 'Y  N  N   N  Y  Y   N  N   N   Y   N    N  N  N',
  'application.assign': /*               */ 'Y  Y  N   N  Y  Y   N  N   N   Y   N    N  N  N',
  // Self-service requests: restricted guests cannot ask; "own" = owner of the app or group
  // (approvers of an application are checked below).
  'appAccessRequest.create': /*          */ 'Y  Y  Y   Y  Y  Y   Y  Y   Y   Y   Y    Y  N  Y',
  'appAccessRequest.decide': /*          */ 'Y  N  N   N  Y  Y   N  N   N   Y   N    N  N  N',
  // "Why does this person have access?": the person, the app's owners, those who assign.
  'application.explainAccess': /*        */ 'Y  Y  N   N  Y  Y   N  N   N   Y   Y    N  N  N',
  'groupJoinRequest.create': /*          */ 'Y  Y  Y   Y  Y  Y   Y  Y   Y   Y   Y    Y  N  Y',
  'groupJoinRequest.decide': /*          */ 'Y  Y  Y   N  N  N   N  N   N   Y   N    N  N  N',
  'permissionGrant.read': /*             */ 'Y  Y  Y   Y  Y  Y   Y  Y   Y   Y   Y    N  N  Y',
  'permissionGrant.manage': /*           */ 'Y  N  N   N  N  N   N  Y   N   N   N    N  N  N',
  // Microsoft Graph's application permissions: not even application administrators or owners.
  'appPermission.grant': /*              */ 'Y  N  N   N  N  N   N  Y   N   N   N    N  N  N',
} as const satisfies Record<Action, string>;

/** Application permissions that grant each action to a client-credentials caller (and only these). */
const APP_GRANTS = {
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
  'group.read': [
    'Group.Read.All',
    'Group.ReadWrite.All',
    'GroupMember.Read.All',
    'GroupMember.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  'group.readMembers': [
    'Group.Read.All',
    'Group.ReadWrite.All',
    'GroupMember.Read.All',
    'GroupMember.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  'group.create': ['Group.Create', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  'group.update': ['Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  'group.delete': ['Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  'group.readDeleted': ['Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'group.manageMembers': ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  'group.manageOwners': ['Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  // Acts of a person in My Apps and My Groups: never granted to applications.
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
  // Portico extension for operators: never granted to applications.
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
} as const satisfies Record<Action, readonly ApplicationPermission[]>;

const TENANT = '00000000-0000-7000-8000-0000000000aa';
const basePolicy: PolicyFacts = {
  guestUserRoleId: GuestRoleIds.limited,
  allowInvitesFrom: 'adminsAndGuestInviters',
  allowedToCreateSecurityGroups: true,
};

const user = (roles: string[] = [], userType: 'Member' | 'Guest' = 'Member'): Caller => ({
  kind: 'user',
  tenantId: TENANT,
  userId: '00000000-0000-7000-8000-000000000001',
  userType,
  displayName: 'Caller',
  userPrincipalName: 'caller@contoso.test',
  roles: new Set(roles),
});
const app = (permissions: readonly string[]): Caller => ({
  kind: 'app',
  tenantId: TENANT,
  clientId: '00000000-0000-7000-8000-0000000000c1',
  displayName: 'Automation',
  permissions: new Set(permissions),
});

/** Each column: the caller, the tenant policy it is judged under, and the target facts. */
const CALLERS: Record<Column, { caller: Caller; policy: PolicyFacts; target: TargetFacts }> = {
  globalAdmin: { caller: user([RoleIds.globalAdministrator]), policy: basePolicy, target: {} },
  userAdmin: { caller: user([RoleIds.userAdministrator]), policy: basePolicy, target: {} },
  groupsAdmin: { caller: user([RoleIds.groupsAdministrator]), policy: basePolicy, target: {} },
  guestInviter: { caller: user([RoleIds.guestInviter]), policy: basePolicy, target: {} },
  applicationAdmin: { caller: user([RoleIds.applicationAdministrator]), policy: basePolicy, target: {} },
  cloudApplicationAdmin: { caller: user([RoleIds.cloudApplicationAdministrator]), policy: basePolicy, target: {} },
  helpdeskAdmin: { caller: user([RoleIds.helpdeskAdministrator]), policy: basePolicy, target: {} },
  privilegedRoleAdmin: { caller: user([RoleIds.privilegedRoleAdministrator]), policy: basePolicy, target: {} },
  member: { caller: user(), policy: basePolicy, target: {} },
  memberOwner: { caller: user(), policy: basePolicy, target: { isOwner: true } },
  memberSelf: { caller: user(), policy: basePolicy, target: { isSelf: true } },
  guestLimited: { caller: user([], 'Guest'), policy: basePolicy, target: {} },
  guestRestricted: { caller: user([], 'Guest'), policy: { ...basePolicy, guestUserRoleId: GuestRoleIds.restricted }, target: {} },
  guestWithMemberAccess: {
    caller: user([], 'Guest'),
    policy: { ...basePolicy, guestUserRoleId: GuestRoleIds.member },
    target: {},
  },
};

const expected = (row: string): boolean[] => {
  const cells = row.trim().split(/\s+/);
  if (cells.length !== COLUMNS.length || cells.some((c) => c !== 'Y' && c !== 'N')) throw new Error(`malformed row: ${row}`);
  return cells.map((c) => c === 'Y');
};

const ACTIONS = Object.keys(MATRIX) as Action[];

describe('authorize(): role × action matrix for users', () => {
  const cases = ACTIONS.flatMap((action) =>
    expected(MATRIX[action]).map((allowed, i) => ({ action, column: COLUMNS[i] as Column, allowed })),
  );
  it.each(cases)('$action by $column → $allowed', ({ action, column, allowed }) => {
    const { caller, policy, target } = CALLERS[column];
    const decision = authorize(caller, action, policy, target);
    expect(decision.allowed).toBe(allowed);
    if (!decision.allowed) expect(decision.reason).toMatch(/\S/);
  });
});

const UPLOAD_GRANTS: readonly Action[] = ['user.list', 'user.read', 'user.create', 'user.update', 'user.updateSensitive'];

describe('authorize(): application permissions', () => {
  const all = applicationPermissions as readonly ApplicationPermission[];
  it.each(ACTIONS)('%s is granted by exactly its permissions', (action) => {
    const grants: readonly ApplicationPermission[] = [
      ...APP_GRANTS[action],
      // Entra's inbound provisioning permission grants these user actions too (SCIM, docs/scim.md).
      ...(UPLOAD_GRANTS.includes(action) ? (['SynchronizationData-User.Upload'] as const) : []),
    ];
    for (const p of grants) expect(authorize(app([p]), action, basePolicy).allowed, `${action} with ${p}`).toBe(true);
    const others = all.filter((p) => !grants.includes(p));
    const denied = authorize(app(others), action, basePolicy);
    expect(denied.allowed, `${action} with every other permission`).toBe(false);
    if (!denied.allowed) for (const p of grants) expect(denied.reason).toContain(p);
    expect(authorize(app([]), action, basePolicy).allowed).toBe(false);
  });
  it('permission names are matched exactly (case matters, no wildcards)', () => {
    expect(authorize(app(['auditlog.read.all']), 'audit.read', basePolicy).allowed).toBe(false);
    expect(authorize(app(['*']), 'audit.read', basePolicy).allowed).toBe(false);
  });
});

describe('authorize(): the local operator (CLI)', () => {
  it.each(ACTIONS)('%s is allowed for the system caller', (action) => {
    expect(authorize({ kind: 'system', tenantId: TENANT, displayName: 'cli' }, action, basePolicy).allowed).toBe(true);
  });
});

describe('authorize(): decisions that depend on policy and target facts', () => {
  const ga = user([RoleIds.globalAdministrator]);
  const ua = user([RoleIds.userAdministrator]);
  const pra = user([RoleIds.privilegedRoleAdministrator]);
  const member = user();
  const guest = user([], 'Guest');
  const restricted: PolicyFacts = { ...basePolicy, guestUserRoleId: GuestRoleIds.restricted };

  it('members cannot create security groups when the policy forbids it; group admins still can', () => {
    const off = { ...basePolicy, allowedToCreateSecurityGroups: false };
    const d = authorize(member, 'group.create', off);
    expect(d).toEqual({ allowed: false, reason: expect.stringContaining('security groups'), code: 'group_creation_disabled' });
    expect(authorize(user([RoleIds.groupsAdministrator]), 'group.create', off).allowed).toBe(true);
    expect(authorize(user([RoleIds.guestInviter]), 'group.create', off).allowed).toBe(false);
    expect(authorize(guest, 'group.create', { ...basePolicy, guestUserRoleId: GuestRoleIds.member }).allowed).toBe(false);
  });

  it('a User Administrator cannot change or delete a privileged administrator; a Global Administrator can', () => {
    const privileged = { targetRoles: new Set([RoleIds.applicationAdministrator]) };
    for (const action of ['user.update', 'user.delete'] as const) {
      const d = authorize(ua, action, basePolicy, privileged);
      expect(d).toEqual({ allowed: false, reason: expect.stringContaining('privileged'), code: 'authorization_denied' });
      expect(authorize(ga, action, basePolicy, privileged).allowed).toBe(true);
      expect(authorize(pra, action, basePolicy, privileged).allowed).toBe(false);
    }
  });

  it('restricted guests see their own object and the groups they belong to or own, but not those groups’ members', () => {
    expect(authorize(guest, 'user.read', restricted, { isSelf: true }).allowed).toBe(true);
    expect(authorize(guest, 'user.read', restricted, {}).allowed).toBe(false);
    expect(authorize(guest, 'group.read', restricted, { isMember: true }).allowed).toBe(true);
    expect(authorize(guest, 'group.read', restricted, { isOwner: true }).allowed).toBe(true);
    expect(authorize(guest, 'group.readMembers', restricted, { isMember: true }).allowed).toBe(false);
    expect(authorize(guest, 'group.readMembers', restricted, { isOwner: true }).allowed).toBe(false);
  });

  it('guest owners manage their own groups; owning does not extend to other actions', () => {
    expect(authorize(guest, 'group.manageMembers', basePolicy, { isOwner: true }).allowed).toBe(true);
    expect(authorize(guest, 'group.update', restricted, { isOwner: true }).allowed).toBe(true);
    expect(authorize(member, 'role.assign', basePolicy, { isOwner: true }).allowed).toBe(false);
    expect(authorize(member, 'user.update', basePolicy, { isSelf: true }).allowed).toBe(false);
  });

  it("an application's approvers decide its access requests, whatever their user type; being an approver grants nothing else", () => {
    for (const who of [member, guest]) {
      expect(authorize(who, 'appAccessRequest.decide', basePolicy, { isApprover: true }).allowed).toBe(true);
      expect(authorize(who, 'application.manage', basePolicy, { isApprover: true }).allowed).toBe(false);
      expect(authorize(who, 'application.assign', basePolicy, { isApprover: true }).allowed).toBe(false);
      expect(authorize(who, 'groupJoinRequest.decide', basePolicy, { isApprover: true }).allowed).toBe(false);
    }
    const d = authorize(member, 'appAccessRequest.decide', basePolicy);
    expect(d).toEqual({ allowed: false, reason: expect.stringContaining('approvers and owners'), code: 'authorization_denied' });
  });

  it('guests request and join as their access level allows: restricted guests cannot', () => {
    for (const action of ['appAccessRequest.create', 'groupJoinRequest.create'] as const) {
      expect(authorize(guest, action, basePolicy).allowed).toBe(true);
      expect(authorize(guest, action, { ...basePolicy, guestUserRoleId: GuestRoleIds.member }).allowed).toBe(true);
      expect(authorize(guest, action, restricted).allowed).toBe(false);
      // An owner who is a restricted guest still decides the requests of their own group.
      expect(authorize(guest, 'groupJoinRequest.decide', restricted, { isOwner: true }).allowed).toBe(true);
    }
  });

  it('holding several roles grants the union', () => {
    const both = user([RoleIds.guestInviter, RoleIds.groupsAdministrator]);
    expect(authorize(both, 'group.delete', basePolicy).allowed).toBe(true);
    expect(authorize(both, 'audit.read', basePolicy).allowed).toBe(true);
    expect(authorize(both, 'user.create', basePolicy).allowed).toBe(false);
  });

  it('roles held by a guest count like a member’s', () => {
    const guestAdmin = user([RoleIds.userAdministrator], 'Guest');
    expect(authorize(guestAdmin, 'user.list', restricted).allowed).toBe(true);
    expect(authorize(guestAdmin, 'user.create', restricted).allowed).toBe(true);
  });
});

describe('authorize(): who may invite under each guest invite setting (entra-behaviour.md §4.2)', () => {
  const settings = ['none', 'adminsAndGuestInviters', 'adminsGuestInvitersAndAllMembers', 'everyone'] as const;
  //                                  none  admins  members  everyone
  const table: [string, Caller, boolean[]][] = [
    ['Global Administrator', user([RoleIds.globalAdministrator]), [false, true, true, true]],
    ['User Administrator', user([RoleIds.userAdministrator]), [false, true, true, true]],
    ['Guest Inviter', user([RoleIds.guestInviter]), [false, true, true, true]],
    ['Groups Administrator', user([RoleIds.groupsAdministrator]), [false, false, true, true]],
    ['member', user(), [false, false, true, true]],
    ['guest', user([], 'Guest'), [false, false, false, true]],
    ['guest holding Guest Inviter', user([RoleIds.guestInviter], 'Guest'), [false, true, true, true]],
  ];
  for (const [name, caller, allowed] of table) {
    settings.forEach((setting, i) => {
      it(`${name} under ${setting}: ${allowed[i] ? 'allowed' : 'denied'}`, () => {
        const d = authorize(caller, 'user.invite', { ...basePolicy, allowInvitesFrom: setting });
        expect(d.allowed).toBe(allowed[i]);
        if (!d.allowed) expect(d.reason).toMatch(/guest invite setting/);
      });
    });
  }
  it('applications with User.Invite.All may invite whatever the setting says (the setting governs users)', () => {
    const app: Caller = {
      kind: 'app',
      tenantId: TENANT,
      clientId: 'c',
      displayName: 'a',
      permissions: new Set(['User.Invite.All']),
    };
    for (const s of settings) expect(authorize(app, 'user.invite', { ...basePolicy, allowInvitesFrom: s }).allowed).toBe(true);
  });
});

/**
 * Entra's "Who can reset passwords" and "Who can perform sensitive actions" tables
 * (privileged-roles-permissions.md), transcribed: rows are the role the TARGET holds, columns the
 * role of the ACTOR. Password reset / session revocation use every column; sensitive actions
 * (disable, e-mail addresses, UPN, identities, delete) only Auth, User, Privileged Auth and Global
 * Administrators; reset redemption and resend Helpdesk, User, Privileged Auth and Global Administrators.
 */
describe("authorize(): who may act on another user's credentials and sign-in identity", () => {
  const R = RoleIds;
  //                    PA HD AU UA PAA GA
  const RESET: Record<string, string> = {
    none: /*                         */ 'Y  Y  Y  Y  Y   Y',
    [R.authenticationAdministrator]: /**/ 'N  N  Y  N  Y   Y',
    [R.directoryReaders]: /*          */ 'Y  Y  Y  Y  Y   Y',
    [R.globalAdministrator]: /*       */ 'N  N  N  N  Y   Y',
    [R.groupsAdministrator]: /*       */ 'N  N  N  Y  Y   Y',
    [R.guestInviter]: /*              */ 'Y  Y  Y  Y  Y   Y',
    [R.helpdeskAdministrator]: /*     */ 'N  Y  N  Y  Y   Y',
    [R.messageCenterReader]: /*       */ 'N  Y  Y  Y  Y   Y',
    [R.passwordAdministrator]: /*     */ 'Y  Y  Y  Y  Y   Y',
    [R.privilegedAuthenticationAdministrator]: 'N  N  N  N  Y   Y',
    [R.privilegedRoleAdministrator]: /**/ 'N  N  N  N  Y   Y',
    [R.reportsReader]: /*             */ 'N  Y  Y  Y  Y   Y',
    [R.userAdministrator]: /*         */ 'N  N  N  Y  Y   Y',
    [R.usageSummaryReportsReader]: /* */ 'N  Y  Y  Y  Y   Y',
    // "All other built-in and custom roles".
    [R.applicationAdministrator]: /*  */ 'N  N  N  N  Y   Y',
    [R.cloudApplicationAdministrator]: 'N  N  N  N  Y   Y',
  };
  const ACTORS = [
    ['Password Admin', R.passwordAdministrator],
    ['Helpdesk Admin', R.helpdeskAdministrator],
    ['Auth Admin', R.authenticationAdministrator],
    ['User Admin', R.userAdministrator],
    ['Privileged Auth Admin', R.privilegedAuthenticationAdministrator],
    ['Global Admin', R.globalAdministrator],
  ] as const;
  const ACTORS_OF: Record<string, readonly string[]> = {
    'user.resetPassword': ACTORS.map(([, id]) => id),
    'user.revokeSessions': ACTORS.map(([, id]) => id),
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
    'user.manageInvitation': [
      R.helpdeskAdministrator,
      R.userAdministrator,
      R.privilegedAuthenticationAdministrator,
      R.globalAdministrator,
    ],
  };
  const name = (id: string) => (id === 'none' ? 'no role' : (roleName(id) ?? id));
  const cells = Object.entries(RESET).flatMap(([targetRole, row]) =>
    row
      .trim()
      .split(/\s+/)
      .flatMap((cell, i) =>
        Object.entries(ACTORS_OF).map(([action, actors]) => {
          const [actorName, actorRole] = ACTORS[i] as (typeof ACTORS)[number];
          return {
            action: action as Action,
            actor: actorName,
            actorRole,
            target: name(targetRole),
            targetRoles: targetRole === 'none' ? new Set<string>() : new Set([targetRole]),
            allowed: cell === 'Y' && actors.includes(actorRole),
          };
        }),
      ),
  );
  it.each(cells)('$action by $actor on a user with $target → $allowed', ({ action, actorRole, targetRoles, allowed }) => {
    expect(authorize(user([actorRole]), action, basePolicy, { targetRoles }).allowed).toBe(allowed);
  });

  it('a target with several roles needs an actor allowed for every one of them', () => {
    const helpdeskAndGroups = new Set([R.helpdeskAdministrator, R.groupsAdministrator]);
    expect(
      authorize(user([R.helpdeskAdministrator]), 'user.resetPassword', basePolicy, { targetRoles: helpdeskAndGroups }).allowed,
    ).toBe(false);
    expect(
      authorize(user([R.userAdministrator]), 'user.resetPassword', basePolicy, { targetRoles: helpdeskAndGroups }).allowed,
    ).toBe(true);
  });

  it('an actor with several roles may act when any of them covers the target', () => {
    const target = { targetRoles: new Set([R.groupsAdministrator]) };
    expect(authorize(user([R.helpdeskAdministrator]), 'user.resetPassword', basePolicy, target).allowed).toBe(false);
    expect(
      authorize(user([R.helpdeskAdministrator, R.userAdministrator]), 'user.resetPassword', basePolicy, target).allowed,
    ).toBe(true);
  });

  it('applications with User.ReadWrite.All act only on users who hold no directory role', () => {
    const writer = app(['User.ReadWrite.All']);
    for (const action of ['user.updateSensitive', 'user.resetPassword', 'user.revokeSessions', 'user.delete'] as const) {
      expect(authorize(writer, action, basePolicy, { targetRoles: new Set() }).allowed).toBe(true);
      expect(authorize(writer, action, basePolicy, { targetRoles: new Set([R.guestInviter]) }).allowed).toBe(false);
    }
  });
});

describe("delegated tokens: the scopes and the user's own rights, both", () => {
  const withScopes = (c: Caller, ...scopes: string[]): Caller => ({ ...c, scopes: new Set(scopes) }) as Caller;

  it('User.Read reads the signed-in user (and the organization), nothing else', () => {
    const c = withScopes(user([RoleIds.globalAdministrator]), 'User.Read');
    expect(authorize(c, 'user.read', basePolicy, { isSelf: true }).allowed).toBe(true);
    expect(authorize(c, 'organization.read', basePolicy).allowed).toBe(true);
    expect(authorize(c, 'user.read', basePolicy, { isSelf: false }).allowed).toBe(false);
    expect(authorize(c, 'user.list', basePolicy).allowed).toBe(false);
    expect(authorize(c, 'user.create', basePolicy).allowed).toBe(false);
    expect(authorize(c, 'user.update', basePolicy, { isSelf: true }).allowed).toBe(false);
  });

  it('a scope never widens what the user may do', () => {
    const member = withScopes(user(), 'User.ReadWrite.All', 'Directory.AccessAsUser.All');
    expect(authorize(member, 'user.create', basePolicy).allowed).toBe(false);
    expect(authorize(member, 'user.list', basePolicy).allowed).toBe(true);
    const admin = withScopes(user([RoleIds.userAdministrator]), 'User.ReadWrite.All');
    expect(authorize(admin, 'user.create', basePolicy).allowed).toBe(true);
    expect(authorize(admin, 'group.create', basePolicy).allowed).toBe(false);
  });

  it('a token without scp (Portico itself) keeps the full user rights; an empty scp allows nothing', () => {
    expect(authorize(user([RoleIds.userAdministrator]), 'user.create', basePolicy).allowed).toBe(true);
    const none = withScopes(user([RoleIds.globalAdministrator]));
    expect(authorize(none, 'user.read', basePolicy, { isSelf: true }).allowed).toBe(false);
  });
});
