import type { CreateUserBody, UpdateUserBody, User } from '../../../contracts/users.js';
import { asUniqueViolation } from '../../db/errors.js';
import type { Executor } from '../../db/index.js';
import type { Caller, TargetFacts } from '../../domain/authorization.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError, invalid, notFound } from '../../domain/errors.js';
import { RoleIds } from '../../domain/roles.js';
import type { ODataQuery } from '../../odata/query.js';
import { hashPassword, passwordComplexityProblem } from '../../platform/passwords.js';
import { externalIdChange, type ModifiedProperty, type UseCaseDeps, userTarget } from '../audit/audit.service.js';
import type { RolesService } from '../roles/roles.service.js';
import type { TenantsService } from '../tenants/tenants.service.js';
import { provisionedUsersResource } from './users.query.js';
import {
  countEnabledUsers,
  deleteUserRow,
  findExternalIds,
  findUser,
  findUserByEmail,
  findUserByIdOrUpn,
  findUserForSignIn,
  findUsersByIds,
  getUser,
  insertUser,
  insertUserRowSnapshot,
  insertUsers,
  listUsers,
  listUsersAfter,
  markGuestAccepted,
  selectUserRowSnapshot,
  setExternalId,
  setSignInSessionsValidFrom,
  type UserIdSource,
  updateUserRow,
} from './users.repository.js';
import type { UsersTable } from './users.table.js';

/** A user's stored row, as soft delete keeps it (opaque to other features). */
export type UserRowSnapshot = UsersTable;

/**
 * What the token issuer holds for a user: browser sessions, grants, authorization codes and
 * refresh tokens. A port the OIDC adapter implements (app.ts wires it in), so that revoking a
 * user's sign-in sessions ends them inside the same transaction as the change that revokes them.
 */
export interface SignInSessionStore {
  /** Revokes every session, grant and token of the user (their access tokens are refused within seconds). */
  revokeAll(trx: Executor, tenantId: string, userId: string): Promise<void>;
}

export interface UsersDeps extends UseCaseDeps {
  /** The target's roles decide who may change it (a User Administrator may not touch privileged admins). */
  roles: Pick<RolesService, 'roleIdsOf' | 'holdersOf'>;
  /** Serialises the "one enabled Global Administrator" rule across concurrent transactions. */
  tenants: Pick<TenantsService, 'lockTenant'>;
  /** Sessions and tokens of the token issuer, revoked with the user's sign-in sessions. */
  signInSessions: SignInSessionStore;
}

const conflict = (err: unknown): DomainError | undefined => {
  const v = asUniqueViolation(err);
  if (!v) return undefined;
  if (v.detail.includes('upn')) return new DomainError('user_upn_conflict');
  if (v.detail.includes('mail')) return new DomainError('user_mail_conflict');
  return undefined;
};

const isSelf = (caller: Caller, id: string) => caller.kind === 'user' && caller.userId === id;
const GUEST_UPN_MARK = '#';

async function validatePassword(password: string): Promise<string> {
  const problem = passwordComplexityProblem(password);
  if (problem) throw new DomainError('user_password_invalid', problem, { target: 'passwordProfile.password' });
  return hashPassword(password);
}

/** The Graph user object a POST /users body describes. */
function newUser(id: string, now: string, body: CreateUserBody): User {
  return {
    id,
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
    createdDateTime: now,
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
    country: body.country ?? null,
    city: body.city ?? null,
  };
}

/** The properties a PATCH changes, as audit "modifiedProperties". */
function changesOf(existing: User, updated: User, keys: readonly string[]): ModifiedProperty[] {
  const get = (u: User, k: string) => (u as unknown as Record<string, unknown>)[k];
  return keys
    .filter((k) => JSON.stringify(get(existing, k)) !== JSON.stringify(get(updated, k)))
    .map((k) => ({
      displayName: k,
      oldValue: JSON.stringify(get(existing, k) ?? null),
      newValue: JSON.stringify(get(updated, k) ?? null),
    }));
}

/** The audit entry of a new signInSessionsValidFromDateTime. */
const validFromChange = (user: User, at: string): ModifiedProperty => ({
  displayName: 'signInSessionsValidFromDateTime',
  oldValue: JSON.stringify(user.signInSessionsValidFromDateTime ?? null),
  newValue: JSON.stringify(at),
});

/** Actions that change a user, by what they touch (domain/authorization.ts: CREDENTIAL_ACTORS). */
export type UserChangeAction =
  | 'user.update'
  | 'user.updateSensitive'
  | 'user.resetPassword'
  | 'user.delete'
  | 'user.revokeSessions';

/** Properties that are the user's sign-in identity or account state (Entra's "sensitive actions"). */
const SENSITIVE: readonly (keyof UpdateUserBody)[] = ['accountEnabled', 'mail', 'otherMails', 'userPrincipalName'];

/** The authorization a PATCH needs: each kind of property it touches. */
function actionsFor(body: UpdateUserBody): UserChangeAction[] {
  const keys = (Object.keys(body) as (keyof UpdateUserBody)[]).filter((k) => body[k] !== undefined);
  const actions: UserChangeAction[] = [];
  if (keys.some((k) => SENSITIVE.includes(k))) actions.push('user.updateSensitive');
  if (keys.includes('passwordProfile')) actions.push('user.resetPassword');
  if (keys.some((k) => k !== 'passwordProfile' && !SENSITIVE.includes(k)) || actions.length === 0) actions.push('user.update');
  return actions;
}

/**
 * Attributes only provisioning (SCIM) writes, besides the Graph body: the client's `externalId`,
 * its anchor for the user. Changing it is a change of the sign-in identity (as Entra's
 * onPremisesImmutableId): `user.updateSensitive`.
 */
export interface ProvisioningAttributes {
  externalId?: string | null;
}

/** Users: the directory's people (members and guests). Deletion is the directory module's use case. */
export class UsersService {
  constructor(private readonly deps: UsersDeps) {}

  /**
   * Bulk load for `portico seed` (benchmarks, trials): inserts the users as given, in the caller's
   * executor, all with one password hash. No authorization, validation or audit: never reachable
   * from an API.
   */
  importUsers(db: Executor, tenantId: string, users: readonly User[], passwordHash: string | null): Promise<void> {
    return insertUsers(db, tenantId, users, passwordHash);
  }

  /** Facts about a target user for the authorization policy (self, privileged roles). */
  async targetFacts(ctx: OperationContext, user: Pick<User, 'id'>): Promise<TargetFacts & { roleIds: string[] }> {
    const roleIds = await this.deps.roles.roleIdsOf(ctx.caller.tenantId, user.id);
    return { isSelf: isSelf(ctx.caller, user.id), targetRoles: new Set(roleIds), roleIds };
  }

  /** GET /users. Members enumerate; limited guests cannot (Entra default permissions). */
  async listUsers(ctx: OperationContext, q: ODataQuery) {
    await this.deps.access.require(ctx, 'user.list');
    return listUsers(this.deps.db, ctx.caller.tenantId, q);
  }

  /**
   * Internal: a page of the users among `ids` (a relationship's subquery), queried as the users
   * collection. The caller has authorized reading the relationship.
   */
  listUsersAmong(tenantId: string, ids: UserIdSource, q: ODataQuery) {
    return listUsers(this.deps.db, tenantId, q, ids);
  }

  /** SCIM listing: GET /users' authorization, filtered with the provisioning description (externalId, SCIM operators). */
  async listProvisionedUsers(ctx: OperationContext, q: ODataQuery) {
    await this.deps.access.require(ctx, 'user.list');
    return listUsers(this.deps.db, ctx.caller.tenantId, q, undefined, provisionedUsersResource);
  }

  /** Internal: the SCIM externalIds of users (callers authorize the read of the users). */
  externalIdsOf(tenantId: string, ids: readonly string[]): Promise<Map<string, string>> {
    return findExternalIds(this.deps.db, tenantId, ids);
  }

  /** GET /users/{id | userPrincipalName}. 404 for objects of other tenants. */
  async getUser(ctx: OperationContext, key: string): Promise<User> {
    const u = await findUserByIdOrUpn(this.deps.db, ctx.caller.tenantId, key);
    if (!u) {
      // Do not reveal existence to callers who may not read users at all.
      await this.deps.access.require(ctx, 'user.read');
      throw notFound(key);
    }
    await this.deps.access.require(ctx, 'user.read', { isSelf: isSelf(ctx.caller, u.id) });
    return u;
  }

  /**
   * Loads a user for a change by `ctx` that needs `action`, or 404 (existence is revealed only to
   * callers who may perform the action at all). Returns the target's facts with it.
   */
  async loadForChange(
    ctx: OperationContext,
    key: string,
    actions: readonly UserChangeAction[],
  ): Promise<{ user: User; facts: TargetFacts & { roleIds: string[] } }> {
    const user = await findUserByIdOrUpn(this.deps.db, ctx.caller.tenantId, key);
    if (!user) {
      for (const action of actions) await this.deps.access.require(ctx, action);
      throw notFound(key);
    }
    const facts = await this.targetFacts(ctx, user);
    for (const action of actions) await this.deps.access.require(ctx, action, facts);
    return { user, facts };
  }

  // Internal lookups for other features (no authorization: callers authorize).
  findUser(tenantId: string, id: string, db: Executor = this.deps.db): Promise<User | undefined> {
    return findUser(db, tenantId, id);
  }
  findUsersByIds(tenantId: string, ids: readonly string[], db: Executor = this.deps.db): Promise<User[]> {
    return findUsersByIds(db, tenantId, ids);
  }
  /** Up to `limit` users with ids after `afterId`, in id order: a tenant-wide scan in batches. */
  listUsersAfter(tenantId: string, afterId: string | undefined, limit: number, db: Executor = this.deps.db): Promise<User[]> {
    return listUsersAfter(db, tenantId, afterId, limit);
  }
  findUserForSignIn(tenantId: string, login: string) {
    return findUserForSignIn(this.deps.db, tenantId, login);
  }
  listUsersByIds(tenantId: string, ids: readonly string[], q: ODataQuery) {
    return listUsers(this.deps.db, tenantId, q, ids);
  }
  /** The user an e-mail address belongs to (mail, UPN or otherMails). */
  findUserByEmail(tenantId: string, email: string, db: Executor = this.deps.db): Promise<User | undefined> {
    return findUserByEmail(db, tenantId, email);
  }
  /** Get by id or UPN, or throw 404 (no authorization). */
  requireUser(tenantId: string, key: string, db: Executor = this.deps.db): Promise<User> {
    return getUser(db, tenantId, key);
  }

  /**
   * Validates a POST /users body for `ctx` (User and Global Administrators) and builds the user
   * with its password hash; `insertNewUser` stores it inside the caller's transaction (POST /users
   * is the directory module's `createUser`: the new user joins the dynamic groups it matches).
   */
  async prepareNewUser(ctx: OperationContext, body: CreateUserBody): Promise<{ user: User; passwordHash: string }> {
    await this.deps.access.require(ctx, 'user.create');
    if (body.userPrincipalName.includes(GUEST_UPN_MARK)) {
      throw invalid('user_upn_reserved_character', undefined, 'userPrincipalName');
    }
    const passwordHash = await validatePassword(body.passwordProfile.password);
    return { user: newUser(this.deps.newId(), this.deps.clock.now().toISOString(), body), passwordHash };
  }

  /** Inserts a prepared user with its "Add user" audit record inside `trx` (uniqueness errors mapped). */
  async insertNewUser(
    trx: Executor,
    ctx: OperationContext,
    prepared: { user: User; passwordHash: string },
    extra: ProvisioningAttributes = {},
  ): Promise<void> {
    try {
      await insertUser(trx, ctx.caller.tenantId, prepared.user, prepared.passwordHash);
    } catch (err) {
      throw conflict(err) ?? err;
    }
    if (extra.externalId != null) await setExternalId(trx, ctx.caller.tenantId, prepared.user.id, extra.externalId);
    await this.deps.audit.record(trx, ctx, {
      activityDisplayName: 'Add user',
      category: 'UserManagement',
      operationType: 'Add',
      targetResources: [userTarget(prepared.user)],
    });
  }

  /**
   * PATCH /users/{id}. Audits "Update user" (+ "Disable account"/"Enable account"), one transaction.
   * `alsoInTransaction` runs inside it with the changed user: the directory module keeps what
   * depends on the user's properties (dynamic group membership) current atomically. Disabling the
   * account, or a password reset by someone else, also revokes the user's sign-in sessions (as
   * `revokeSignInSessions`, in the same transaction).
   */
  async updateUser(
    ctx: OperationContext,
    key: string,
    body: UpdateUserBody,
    alsoInTransaction?: (trx: Executor, updated: User) => Promise<void>,
    extra: ProvisioningAttributes = {},
  ): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    const actions = actionsFor(body);
    if (extra.externalId !== undefined && !actions.includes('user.updateSensitive')) actions.push('user.updateSensitive');
    const { user: existing, facts } = await this.loadForChange(ctx, key, actions);
    if (body.userPrincipalName?.includes(GUEST_UPN_MARK) && body.userPrincipalName !== existing.userPrincipalName) {
      throw invalid('user_upn_reserved_character', undefined, 'userPrincipalName');
    }
    if (facts.isSelf && body.accountEnabled === false) throw invalid('user_cannot_disable_self', undefined, 'accountEnabled');
    const passwordHash = body.passwordProfile ? await validatePassword(body.passwordProfile.password) : undefined;
    const { passwordProfile: _pp, mailNickname: _mn, ...fields } = body;
    const updated: User = { ...existing };
    for (const [k, v] of Object.entries(fields)) {
      if (v !== undefined) (updated as unknown as Record<string, unknown>)[k] = v;
    }
    const changes = changesOf(existing, updated, Object.keys(fields));
    if (passwordHash !== undefined) changes.push({ displayName: 'passwordProfile', oldValue: null, newValue: '"[changed]"' });
    const externalIdChanged = await externalIdChange(
      extra.externalId,
      async () => (await this.externalIdsOf(tenantId, [existing.id])).get(existing.id) ?? null,
    );
    if (externalIdChanged) changes.push(externalIdChanged);
    if (changes.length === 0) return;
    // An administrator's password reset and disabling the account end every session (Entra).
    const disabling = existing.accountEnabled && !updated.accountEnabled;
    const revokeAt = (passwordHash !== undefined && !facts.isSelf) || disabling ? this.deps.clock.now().toISOString() : undefined;
    if (revokeAt) changes.push(validFromChange(existing, revokeAt));
    try {
      await this.deps.db.transaction().execute(async (trx) => {
        if (disabling && facts.roleIds.includes(RoleIds.globalAdministrator)) {
          await this.requireAnotherEnabledGlobalAdministrator(trx, tenantId, existing.id, 'disabled');
        }
        await updateUserRow(trx, tenantId, updated, passwordHash);
        if (revokeAt) await this.revokeSessionsIn(trx, tenantId, existing.id, revokeAt);
        if (externalIdChanged) await setExternalId(trx, tenantId, existing.id, extra.externalId ?? null);
        await this.deps.audit.record(trx, ctx, {
          activityDisplayName: 'Update user',
          category: 'UserManagement',
          operationType: 'Update',
          targetResources: [userTarget(updated, changes)],
        });
        if (existing.accountEnabled !== updated.accountEnabled) {
          await this.deps.audit.record(trx, ctx, {
            activityDisplayName: updated.accountEnabled ? 'Enable account' : 'Disable account',
            category: 'UserManagement',
            operationType: 'Update',
            targetResources: [userTarget(updated)],
          });
        }
        await alsoInTransaction?.(trx, updated);
      });
    } catch (err) {
      throw conflict(err) ?? err;
    }
  }

  /**
   * POST /users/{id}/revokeSignInSessions and /me/revokeSignInSessions: revokes every refresh
   * token, grant and browser session the user holds and sets signInSessionsValidFromDateTime to
   * now, so that tokens issued before are refused (/v1.0 and the token endpoint alike). Anyone for
   * themselves; for others the roles of Entra's password-reset table (`user.revokeSessions`). One
   * transaction with its "Invalidate all refresh tokens for user" audit record.
   */
  async revokeSignInSessions(ctx: OperationContext, key: string): Promise<void> {
    const { user } = await this.loadForChange(ctx, key, ['user.revokeSessions']);
    const at = this.deps.clock.now().toISOString();
    await this.deps.db.transaction().execute(async (trx) => {
      await this.revokeSessionsIn(trx, ctx.caller.tenantId, user.id, at);
      await this.deps.audit.record(trx, ctx, {
        activityDisplayName: 'Invalidate all refresh tokens for user',
        category: 'UserManagement',
        operationType: 'Update',
        targetResources: [userTarget(user, [validFromChange(user, at)])],
      });
    });
  }

  /** Inside `trx`: sessions and tokens of the user from before `at` stop working. */
  private async revokeSessionsIn(trx: Executor, tenantId: string, userId: string, at: string): Promise<void> {
    await setSignInSessionsValidFrom(trx, tenantId, userId, at);
    await this.deps.signInSessions.revokeAll(trx, tenantId, userId);
  }

  /**
   * Inside `trx`, after taking the tenant lock: refuses a change that would leave the tenant
   * without an enabled Global Administrator — disabling, deleting or removing the role of
   * `userId` (which must hold the role). Two concurrent changes cannot both see another one left.
   */
  async requireAnotherEnabledGlobalAdministrator(trx: Executor, tenantId: string, userId: string, change: string): Promise<void> {
    await this.deps.tenants.lockTenant(trx, tenantId);
    const others = (await this.deps.roles.holdersOf(tenantId, RoleIds.globalAdministrator, trx)).filter((id) => id !== userId);
    if ((await countEnabledUsers(trx, tenantId, others)) === 0) {
      throw invalid(
        'last_global_administrator',
        `The last enabled Global Administrator of the organization cannot be ${change}: assign the role to another enabled user first.`,
      );
    }
  }

  /** Internal, inside the deletion transaction of the directory module: removes the user row. */
  deleteUserRow(trx: Executor, tenantId: string, id: string): Promise<void> {
    return deleteUserRow(trx, tenantId, id);
  }

  /** Internal, inside a soft-delete transaction: the user's stored row, kept for restore. */
  snapshotUserRow(trx: Executor, tenantId: string, id: string): Promise<UserRowSnapshot | undefined> {
    return selectUserRowSnapshot(trx, tenantId, id);
  }

  /** Internal, inside a restore transaction: puts the kept row back (unique violation: UPN or mail taken). */
  restoreUserRow(trx: Executor, tenantId: string, row: UserRowSnapshot): Promise<User> {
    return insertUserRowSnapshot(trx, tenantId, row);
  }

  /**
   * Internal, for the invitations feature inside its transaction: inserts a guest object built
   * by the caller. Unique violations surface as user_upn_conflict / user_mail_conflict.
   */
  async insertInvitedUser(trx: Executor, tenantId: string, user: User): Promise<void> {
    try {
      await insertUser(trx, tenantId, user, null);
    } catch (err) {
      throw conflict(err) ?? err;
    }
  }

  /**
   * Internal: writes a changed user object (invitations: reset redemption, state changes). With
   * `clearPassword` the account can no longer sign in with a password (an internal member
   * converted to B2B signs in with the external identity only).
   */
  saveUser(trx: Executor, tenantId: string, user: User, opts: { clearPassword?: boolean } = {}): Promise<void> {
    return updateUserRow(trx, tenantId, user, opts.clearPassword ? null : undefined);
  }

  /** Internal: PendingAcceptance → Accepted as one guarded statement (false if not pending). */
  markGuestAccepted(trx: Executor, tenantId: string, user: User, now: string): Promise<boolean> {
    return markGuestAccepted(trx, tenantId, user.id, JSON.stringify(user.identities), now);
  }
}
