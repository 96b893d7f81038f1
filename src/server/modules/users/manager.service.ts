import { idFromODataRef } from '../../../contracts/common.js';
import type { User } from '../../../contracts/users.js';
import type { Executor } from '../../db/index.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError, invalid, notFound } from '../../domain/errors.js';
import type { ODataQuery } from '../../odata/query.js';
import type { Access } from '../access/access.js';
import { type AuditService, userTarget } from '../audit/audit.service.js';
import {
  directReportsOf,
  findManagerId,
  findManagersOf,
  findUser,
  isInManagementChain,
  setManagerId,
} from './users.repository.js';
import type { UsersService } from './users.service.js';

export interface ManagerDeps {
  db: Executor;
  audit: AuditService;
  access: Access;
  users: Pick<UsersService, 'getUser' | 'loadForChange' | 'listUsersAmong'>;
}

/** Graph's answer when a user has no manager (GET and DELETE alike). */
const noManager = () =>
  new DomainError(
    'resource_not_found',
    "Resource 'manager' does not exist or one of its queried reference-property objects are not present.",
  );

/**
 * A user's manager and direct reports (Graph's `manager` / `directReports`). Reading follows the
 * user's own read rule (the manager as a user of its own); assigning and removing the manager is
 * a change of the user (`user.update`: User and Global Administrators, `User.ReadWrite.All`; a
 * User Administrator may not change privileged administrators), audited as Entra's "Update user"
 * with the `manager` property. Each write is one transaction with its audit record.
 */
export class ManagerService {
  constructor(private readonly deps: ManagerDeps) {}

  /** GET /users/{id}/manager: the manager, or 404 when the user has none. */
  async getManager(ctx: OperationContext, key: string): Promise<User> {
    const user = await this.deps.users.getUser(ctx, key);
    const managerId = await findManagerId(this.deps.db, ctx.caller.tenantId, user.id);
    if (!managerId) throw noManager();
    return this.deps.users.getUser(ctx, managerId);
  }

  /** `$expand=manager` for a page of users: each user's manager (at most one), keyed by user id. */
  async managersOf(ctx: OperationContext, users: readonly { id: string }[]): Promise<Map<string, User[]>> {
    await this.deps.access.require(ctx, 'user.list');
    const managers = await findManagersOf(
      this.deps.db,
      ctx.caller.tenantId,
      users.map((u) => u.id),
    );
    return new Map(users.map((u) => [u.id, managers.has(u.id) ? [managers.get(u.id) as User] : []]));
  }

  /** GET /users/{id}/directReports: the users whose manager the user is (as the users collection). */
  async listDirectReports(ctx: OperationContext, key: string, q: ODataQuery) {
    const user = await this.deps.users.getUser(ctx, key);
    await this.deps.access.require(ctx, 'user.list');
    return this.deps.users.listUsersAmong(ctx.caller.tenantId, directReportsOf(ctx.caller.tenantId, user.id), q);
  }

  /**
   * PUT /users/{id}/manager/$ref: assigns the user of `ref` (an `@odata.id` URL or a bare id) as
   * the manager. Refuses the user themselves and a manager whose own management chain contains
   * the user (a cycle). Assigning the current manager again changes nothing.
   */
  async setManager(ctx: OperationContext, key: string, ref: string): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    const { user } = await this.deps.users.loadForChange(ctx, key, ['user.update']);
    const managerId = idFromODataRef(ref);
    if (managerId === undefined) {
      throw invalid(
        'object_reference_invalid',
        `Invalid object identifier '${ref}': expected a URL ending in /users/{id} or /directoryObjects/{id}.`,
        '@odata.id',
      );
    }
    if (managerId === user.id) throw invalid('user_manager_self', undefined, '@odata.id');
    await this.deps.db.transaction().execute(async (trx) => {
      const manager = await findUser(trx, tenantId, managerId);
      if (!manager) throw notFound(managerId);
      const current = await findManagerId(trx, tenantId, user.id);
      if (current === managerId) return;
      if (await isInManagementChain(trx, tenantId, manager.id, user.id))
        throw invalid('user_manager_cycle', undefined, '@odata.id');
      await setManagerId(trx, tenantId, user.id, manager.id);
      await this.recordChange(trx, ctx, user, current ?? null, manager.id);
    });
  }

  /** DELETE /users/{id}/manager/$ref: removes the manager; 404 when the user has none. */
  async removeManager(ctx: OperationContext, key: string): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    const { user } = await this.deps.users.loadForChange(ctx, key, ['user.update']);
    await this.deps.db.transaction().execute(async (trx) => {
      const current = await findManagerId(trx, tenantId, user.id);
      if (!current) throw noManager();
      await setManagerId(trx, tenantId, user.id, null);
      await this.recordChange(trx, ctx, user, current, null);
    });
  }

  private recordChange(trx: Executor, ctx: OperationContext, user: User, from: string | null, to: string | null) {
    return this.deps.audit.record(trx, ctx, {
      activityDisplayName: 'Update user',
      category: 'UserManagement',
      operationType: 'Update',
      targetResources: [
        userTarget(user, [{ displayName: 'manager', oldValue: JSON.stringify(from), newValue: JSON.stringify(to) }]),
      ],
    });
  }
}
