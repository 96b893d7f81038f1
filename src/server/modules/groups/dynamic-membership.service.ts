import type { Group } from '../../../contracts/groups.js';
import type { User } from '../../../contracts/users.js';
import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import type { OperationContext } from '../../domain/context.js';
import { type MembershipRule, matchesRule, parseMembershipRule } from '../../domain/membership-rule.js';
import type { AuditService } from '../audit/audit.service.js';
import type { TenantsService } from '../tenants/tenants.service.js';
import type { UsersService } from '../users/users.service.js';
import { groupProps, groupTarget, objectTarget, type Resolved } from './group-rules.js';
import {
  deleteMember,
  findGroupsByIds,
  insertMember,
  listDirectMembers,
  listRuleProcessedGroups,
  memberOfAmong,
  type ObjectRef,
} from './groups.repository.js';

export interface DynamicMembershipDeps {
  clock: Clock;
  audit: AuditService;
  users: Pick<UsersService, 'listUsersAfter'>;
  tenants: Pick<TenantsService, 'lockTenant' | 'shareLockTenant'>;
}

/** Users read per query when a rule is evaluated for the whole tenant. */
const SCAN_BATCH = 500;
/** Parsed rules kept in memory (rules are short and few; the text is the key). */
const RULE_CACHE_SIZE = 500;

/**
 * The rule engine's changes are its own, as in Entra (where a Microsoft service, not the person
 * who changed the user or the rule, is the initiator of "Add member to group"): a system initiator,
 * correlated with the request that caused them.
 */
const ruleEngine = (ctx: OperationContext): OperationContext => ({
  caller: { kind: 'system', tenantId: ctx.caller.tenantId, displayName: 'Dynamic membership rules' },
  correlationId: ctx.correlationId,
});

/**
 * Membership of dynamic groups: stored as ordinary `group_members` rows (so listings, nesting and
 * app assignments through groups work unchanged), written only by the rule engine. Two entry
 * points, both inside the caller's transaction:
 * - `recomputeGroup` when a rule is set or changed, a group becomes dynamic, or processing goes
 *   Paused → On: every user of the tenant, in batches;
 * - `reevaluateUser` when a user is created, invited, redeemed or changed: that one user against
 *   the tenant's processed rules — O(dynamic groups), never O(users).
 * A recomputation holds the tenant lock and user changes a shared hold on it (PostgreSQL), so
 * neither misses the other's change. Paused groups are frozen: neither entry point touches them.
 */
export class DynamicMembershipService {
  private readonly rules = new Map<string, MembershipRule>();

  constructor(private readonly deps: DynamicMembershipDeps) {}

  /** Parses a rule, or throws `group_membership_rule_invalid` naming the position. */
  parse(text: string): MembershipRule {
    const cached = this.rules.get(text);
    if (cached) return cached;
    const rule = parseMembershipRule(text);
    if (this.rules.size >= RULE_CACHE_SIZE) this.rules.clear();
    this.rules.set(text, rule);
    return rule;
  }

  /** The parsed rule of a stored group, or undefined (a rule stored before rules were parsed may not parse). */
  private ruleOf(g: Group): MembershipRule | undefined {
    if (!g.membershipRule) return undefined;
    try {
      return this.parse(g.membershipRule);
    } catch {
      return undefined;
    }
  }

  private async record(trx: Executor, ctx: OperationContext, group: Group, o: Resolved, added: boolean): Promise<void> {
    await this.deps.audit.record(trx, ruleEngine(ctx), {
      activityDisplayName: added ? 'Add member to group' : 'Remove member from group',
      category: 'GroupManagement',
      operationType: added ? 'Assign' : 'Unassign',
      targetResources: [groupTarget(group), objectTarget(o, groupProps(group))],
      additionalDetails: [{ key: 'membershipRule', value: group.membershipRule ?? '' }],
    });
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  /**
   * Inside `trx`, after `user` was created or changed (its new state): adds it to the processed
   * dynamic groups whose rule it now satisfies and removes it from those whose rule it no longer
   * does. Reads the tenant's processed dynamic groups and the user's memberships among them: two
   * queries, plus one write per change.
   */
  async reevaluateUser(trx: Executor, ctx: OperationContext, user: User): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    await this.deps.tenants.shareLockTenant(trx, tenantId);
    const groups = await listRuleProcessedGroups(trx, tenantId);
    if (groups.length === 0) return;
    const current = await memberOfAmong(
      trx,
      tenantId,
      user.id,
      groups.map((g) => g.id),
    );
    const o: Resolved = { ref: { id: user.id, type: 'user' }, user };
    for (const g of groups) {
      const rule = this.ruleOf(g);
      if (!rule) continue;
      const matches = matchesRule(rule, user);
      if (matches && !current.has(g.id)) {
        await insertMember(trx, tenantId, g.id, o.ref, this.now());
        await this.record(trx, ctx, g, o, true);
      } else if (!matches && current.has(g.id)) {
        await deleteMember(trx, tenantId, g.id, user.id);
        await this.record(trx, ctx, g, o, false);
      }
    }
  }

  /**
   * Inside `trx`, before a user's references are removed (deletion): waits for a recomputation in
   * progress, so that it cannot add the user back to a group after the references are gone.
   */
  holdForUserChange(trx: Executor, tenantId: string): Promise<void> {
    return this.deps.tenants.shareLockTenant(trx, tenantId);
  }

  /**
   * Inside `trx`, first: takes the tenant lock a recomputation needs. Call it before locking the
   * group, so that every transaction takes the tenant before a group (a user change that adds to a
   * group holds the tenant's shared lock, then the group's) and none waits for the other in a cycle.
   */
  lockForRecompute(trx: Executor, tenantId: string): Promise<void> {
    return this.deps.tenants.lockTenant(trx, tenantId);
  }

  /**
   * Inside `trx` (the group's row is written and locked by the caller, after `lockForRecompute`): makes the members of the
   * dynamic group `group` exactly the users its rule selects, scanning the tenant's users in
   * batches. Members that are not selected — including nested groups and, when a group is
   * converted to dynamic, everyone added by hand — are removed. Each change is audited.
   */
  async recomputeGroup(trx: Executor, ctx: OperationContext, group: Group): Promise<{ added: number; removed: number }> {
    const tenantId = ctx.caller.tenantId;
    const rule = this.parse(group.membershipRule ?? '');
    await this.deps.tenants.lockTenant(trx, tenantId);
    const members = await listDirectMembers(trx, tenantId, group.id);
    const current = new Set(members.map((m) => m.id));
    const selected = new Set<string>();
    const leaving = new Map<string, User>();
    let added = 0;
    for (let after: string | undefined; ; ) {
      const page = await this.deps.users.listUsersAfter(tenantId, after, SCAN_BATCH, trx);
      for (const user of page) {
        if (!matchesRule(rule, user)) {
          if (current.has(user.id)) leaving.set(user.id, user);
          continue;
        }
        selected.add(user.id);
        if (current.has(user.id)) continue;
        const o: Resolved = { ref: { id: user.id, type: 'user' }, user };
        await insertMember(trx, tenantId, group.id, o.ref, this.now());
        await this.record(trx, ctx, group, o, true);
        added++;
      }
      if (page.length < SCAN_BATCH) break;
      after = page[page.length - 1]?.id;
    }
    const removedRefs = members.filter((m) => m.type !== 'user' || !selected.has(m.id));
    await this.removeMembers(trx, ctx, group, removedRefs, leaving);
    return { added, removed: removedRefs.length };
  }

  private async removeMembers(
    trx: Executor,
    ctx: OperationContext,
    group: Group,
    refs: readonly ObjectRef[],
    knownUsers: ReadonlyMap<string, User>,
  ): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    const groupIds = refs.filter((r) => r.type === 'group').map((r) => r.id);
    const groups = new Map((await findGroupsByIds(trx, tenantId, groupIds)).map((g) => [g.id, g]));
    for (const ref of refs) {
      await deleteMember(trx, tenantId, group.id, ref.id);
      const user = knownUsers.get(ref.id);
      const nested = groups.get(ref.id);
      const o: Resolved = { ref, ...(user ? { user } : {}), ...(nested ? { group: nested } : {}) };
      await this.record(trx, ctx, group, o, false);
    }
  }
}
