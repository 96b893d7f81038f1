import type { CreateUserBody, UpdateUserBody, User } from '../../../contracts/users.js';
import { asUniqueViolation } from '../../db/errors.js';
import type { Executor } from '../../db/index.js';
import { type Action, authorize, type Caller } from '../../domain/authorization.js';
import type { Clock } from '../../domain/clock.js';
import type { OperationContext } from '../../domain/context.js';
import { badRequest, DomainError, denied, notFound } from '../../domain/errors.js';
import type { IdGenerator } from '../../domain/ids.js';
import { findRoleDefinition, RoleIds } from '../../domain/roles.js';
import type { ODataQuery } from '../../http/odata/query.js';
import { hashPassword, passwordComplexityProblem } from '../../platform/passwords.js';
import { type AuditService, type ModifiedProperty, userTarget } from '../audit/audit.service.js';
import type { PoliciesService } from '../policies/policies.service.js';
import {
  deleteUserRow,
  findUser,
  findUserByEmail,
  findUserByIdOrUpn,
  findUserForSignIn,
  findUsersByIds,
  getUser,
  insertUser,
  listUsers,
  markGuestAccepted,
  updateUserRow,
} from './users.repository.js';

export interface UsersDeps {
  db: Executor;
  clock: Clock;
  newId: IdGenerator;
  audit: AuditService;
  policies: PoliciesService;
}

/** What the users service needs from the roles service (wired by the composition root). */
export interface RoleLookup {
  roleIdsOf(tenantId: string, principalId: string, db?: Executor): Promise<string[]>;
  /** Locks the tenant's Global Administrator set for this transaction and counts its holders. */
  lockAndCountGlobalAdmins(trx: Executor, tenantId: string): Promise<number>;
  removeAllOf(trx: Executor, tenantId: string, principalId: string): Promise<void>;
}

/** Called inside the deletion transaction so other features drop their references to the user. */
export type UserDeletionHook = (trx: Executor, tenantId: string, userId: string) => Promise<void>;

const conflict = (err: unknown): DomainError | undefined => {
  const v = asUniqueViolation(err);
  if (!v) return undefined;
  if (v.detail.includes('upn')) return new DomainError('user_upn_conflict');
  if (v.detail.includes('mail')) return new DomainError('user_mail_conflict');
  return undefined;
};

const isPrivileged = (roleIds: string[]) => roleIds.some((id) => findRoleDefinition(id)?.isPrivileged);

export function createUsersService(deps: UsersDeps) {
  const deletionHooks: UserDeletionHook[] = [];
  // Set by the composition root: the roles service depends on this one, so it is wired late.
  let roles: RoleLookup | undefined;
  const rolesOrThrow = (): RoleLookup => {
    if (!roles) throw new Error('users service: role lookup not wired');
    return roles;
  };
  const listRoleIdsForPrincipal = (db: Executor, tenantId: string, principalId: string) =>
    rolesOrThrow().roleIdsOf(tenantId, principalId, db);

  async function check(ctx: OperationContext, action: Action, target: Parameters<typeof authorize>[3] = {}) {
    const decision = authorize(ctx.caller, action, await deps.policies.policyFacts(ctx.caller.tenantId), target);
    if (!decision.allowed) throw denied(decision.reason);
  }

  const isSelf = (caller: Caller, id: string) => caller.kind === 'user' && caller.userId === id;

  async function validatePassword(password: string): Promise<string> {
    const problem = passwordComplexityProblem(password);
    if (problem) throw new DomainError('user_password_invalid', problem, { target: 'passwordProfile.password' });
    return hashPassword(password);
  }

  const service = {
    /** Wires the roles service (privileged-target checks, last-admin rule, cleanup on delete). */
    useRoles(lookup: RoleLookup): void {
      roles = lookup;
    },

    onUserDeleted(hook: UserDeletionHook): void {
      deletionHooks.push(hook);
    },

    /** GET /users. Members enumerate; limited guests cannot (Entra default permissions). */
    async listUsers(ctx: OperationContext, q: ODataQuery) {
      await check(ctx, 'user.list');
      return listUsers(deps.db, ctx.caller.tenantId, q);
    },

    /** GET /users/{id | userPrincipalName}. 404 for objects of other tenants. */
    async getUser(ctx: OperationContext, key: string): Promise<User> {
      const u = await findUserByIdOrUpn(deps.db, ctx.caller.tenantId, key);
      if (!u) {
        // Do not reveal existence to callers who may not read users at all.
        await check(ctx, 'user.read');
        throw notFound(key);
      }
      await check(ctx, 'user.read', { isSelf: isSelf(ctx.caller, u.id) });
      return u;
    },

    /** Internal lookups for other services (no authorization; callers authorize). */
    findUser: (tenantId: string, id: string, db: Executor = deps.db) => findUser(db, tenantId, id),
    findUsersByIds: (tenantId: string, ids: readonly string[], db: Executor = deps.db) => findUsersByIds(db, tenantId, ids),
    findUserForSignIn: (tenantId: string, login: string) => findUserForSignIn(deps.db, tenantId, login),
    listUsersByIds: (tenantId: string, ids: readonly string[], q: ODataQuery) => listUsers(deps.db, tenantId, q, ids),

    /**
     * POST /users: creates a member (or guest, when userType says so) with a password. One
     * transaction with its "Add user" audit record.
     */
    async createUser(ctx: OperationContext, body: CreateUserBody): Promise<User> {
      await check(ctx, 'user.create');
      if (body.userPrincipalName.includes('#')) {
        throw badRequest("The userPrincipalName may not contain '#': it is reserved for guest accounts.", 'userPrincipalName');
      }
      const passwordHash = await validatePassword(body.passwordProfile.password);
      const user: User = {
        id: deps.newId(),
        displayName: body.displayName,
        givenName: body.givenName ?? null,
        surname: body.surname ?? null,
        mail: body.mail ?? null,
        otherMails: body.otherMails ?? [],
        userPrincipalName: body.userPrincipalName,
        userType: body.userType ?? 'Member',
        accountEnabled: body.accountEnabled ?? true,
        creationType: null,
        externalUserState: null,
        externalUserStateChangeDateTime: null,
        createdDateTime: deps.clock.now().toISOString(),
        identities: [
          {
            signInType: 'userPrincipalName',
            issuer: body.userPrincipalName.split('@')[1] ?? '',
            issuerAssignedId: body.userPrincipalName,
          },
        ],
        department: body.department ?? null,
        jobTitle: body.jobTitle ?? null,
        companyName: body.companyName ?? null,
        preferredLanguage: body.preferredLanguage ?? null,
      };
      try {
        await deps.db.transaction().execute(async (trx) => {
          await insertUser(trx, ctx.caller.tenantId, user, passwordHash);
          await deps.audit.record(trx, ctx, {
            activityDisplayName: 'Add user',
            category: 'UserManagement',
            operationType: 'Add',
            targetResources: [userTarget(user)],
          });
        });
      } catch (err) {
        throw conflict(err) ?? err;
      }
      return user;
    },

    /** PATCH /users/{id}. Audits "Update user" (+ "Disable account"/"Enable account"). */
    async updateUser(ctx: OperationContext, key: string, body: UpdateUserBody): Promise<void> {
      const tenantId = ctx.caller.tenantId;
      const existing = await findUserByIdOrUpn(deps.db, tenantId, key);
      if (!existing) {
        await check(ctx, 'user.update');
        throw notFound(key);
      }
      await check(ctx, 'user.update', {
        isSelf: isSelf(ctx.caller, existing.id),
        targetIsPrivileged: isPrivileged(await listRoleIdsForPrincipal(deps.db, tenantId, existing.id)),
      });
      if (body.userPrincipalName?.includes('#') && body.userPrincipalName !== existing.userPrincipalName) {
        throw badRequest("The userPrincipalName may not contain '#': it is reserved for guest accounts.", 'userPrincipalName');
      }
      if (isSelf(ctx.caller, existing.id) && body.accountEnabled === false) {
        throw badRequest('You cannot disable your own account.', 'accountEnabled');
      }
      const passwordHash = body.passwordProfile ? await validatePassword(body.passwordProfile.password) : undefined;
      const { passwordProfile: _pp, mailNickname: _mn, ...fields } = body;
      const updated: User = { ...existing };
      for (const [k, v] of Object.entries(fields)) {
        if (v !== undefined) (updated as unknown as Record<string, unknown>)[k] = v;
      }
      const changes: ModifiedProperty[] = Object.keys(fields)
        .filter(
          (k) =>
            JSON.stringify((existing as unknown as Record<string, unknown>)[k]) !==
            JSON.stringify((updated as unknown as Record<string, unknown>)[k]),
        )
        .map((k) => ({
          displayName: k,
          oldValue: JSON.stringify((existing as unknown as Record<string, unknown>)[k] ?? null),
          newValue: JSON.stringify((updated as unknown as Record<string, unknown>)[k] ?? null),
        }));
      if (passwordHash !== undefined) changes.push({ displayName: 'passwordProfile', oldValue: null, newValue: '"[changed]"' });
      if (changes.length === 0) return;
      try {
        await deps.db.transaction().execute(async (trx) => {
          await updateUserRow(trx, tenantId, updated, passwordHash);
          await deps.audit.record(trx, ctx, {
            activityDisplayName: 'Update user',
            category: 'UserManagement',
            operationType: 'Update',
            targetResources: [userTarget(updated, changes)],
          });
          if (existing.accountEnabled !== updated.accountEnabled) {
            await deps.audit.record(trx, ctx, {
              activityDisplayName: updated.accountEnabled ? 'Enable account' : 'Disable account',
              category: 'UserManagement',
              operationType: 'Update',
              targetResources: [userTarget(updated)],
            });
          }
        });
      } catch (err) {
        throw conflict(err) ?? err;
      }
    },

    /**
     * DELETE /users/{id}: removes the user and, in the same transaction, every reference other
     * features hold (memberships, ownerships, role assignments). The last Global Administrator
     * cannot be deleted.
     */
    async deleteUser(ctx: OperationContext, key: string): Promise<void> {
      const tenantId = ctx.caller.tenantId;
      const existing = await findUserByIdOrUpn(deps.db, tenantId, key);
      if (!existing) {
        await check(ctx, 'user.delete');
        throw notFound(key);
      }
      const roles = await listRoleIdsForPrincipal(deps.db, tenantId, existing.id);
      await check(ctx, 'user.delete', { isSelf: isSelf(ctx.caller, existing.id), targetIsPrivileged: isPrivileged(roles) });
      if (isSelf(ctx.caller, existing.id)) throw badRequest('You cannot delete your own account.');
      await deps.db.transaction().execute(async (trx) => {
        if (roles.includes(RoleIds.globalAdministrator) && (await rolesOrThrow().lockAndCountGlobalAdmins(trx, tenantId)) <= 1) {
          throw badRequest('The last Global Administrator of the organization cannot be deleted.');
        }
        for (const hook of deletionHooks) await hook(trx, tenantId, existing.id);
        await rolesOrThrow().removeAllOf(trx, tenantId, existing.id);
        await deleteUserRow(trx, tenantId, existing.id);
        await deps.audit.record(trx, ctx, {
          activityDisplayName: 'Delete user',
          category: 'UserManagement',
          operationType: 'Delete',
          targetResources: [userTarget(existing)],
        });
      });
    },

    /** Internal: the user an e-mail address belongs to (mail, UPN or otherMails). */
    findUserByEmail: (tenantId: string, email: string, db: Executor = deps.db) => findUserByEmail(db, tenantId, email),

    /**
     * Internal, for the invitations service inside its transaction: inserts a guest object built
     * by the caller. Unique violations surface as user_upn_conflict / user_mail_conflict.
     */
    async insertInvitedUser(trx: Executor, tenantId: string, user: User): Promise<void> {
      try {
        await insertUser(trx, tenantId, user, null);
      } catch (err) {
        throw conflict(err) ?? err;
      }
    },

    /** Internal: writes a changed user object (invitations: reset redemption, state changes). */
    saveUser: (trx: Executor, tenantId: string, user: User) => updateUserRow(trx, tenantId, user, undefined),

    /** Internal: PendingAcceptance → Accepted as one guarded statement (false if not pending). */
    markGuestAccepted: (trx: Executor, tenantId: string, user: User, now: string) =>
      markGuestAccepted(trx, tenantId, user.id, JSON.stringify(user.identities), now),

    /** Resolves a user for /users/{id}/... relationship routes with read authorization. */
    async getUserForRelationship(ctx: OperationContext, key: string): Promise<User> {
      return service.getUser(ctx, key);
    },

    /** Internal: get by id or throw 404 (no authorization). */
    requireUser: (tenantId: string, key: string, db: Executor = deps.db) => getUser(db, tenantId, key),
  };
  return service;
}

export type UsersService = ReturnType<typeof createUsersService>;
