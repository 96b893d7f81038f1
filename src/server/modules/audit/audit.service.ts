import type { DirectoryAudit, InitiatedBy, ModifiedProperty, TargetResource } from '../../../contracts/audit.js';
import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import type { OperationContext } from '../../domain/context.js';
import type { IdGenerator } from '../../domain/ids.js';
import type { ODataQuery } from '../../odata/query.js';
import type { Access } from '../access/access.js';
import {
  auditsBetween,
  auditsOfCorrelations,
  changeStamps,
  findDirectoryAudit,
  insertDirectoryAudit,
  listDirectoryAudits,
} from './audit.repository.js';

import { type ChangeInput, insertChanges } from './changes.repository.js';

export type { DirectoryAudit, ModifiedProperty, TargetResource } from '../../../contracts/audit.js';
export type { ChangeInput } from './changes.repository.js';

const MEMBERSHIP_CHANGES: Record<string, 'added' | 'removed'> = {
  'Add member to group': 'added',
  'Remove member from group': 'removed',
};

/**
 * The users and groups an audited change touched, for the delta change log: a membership change
 * (targets: the group, then the member) is a change of the group's members; otherwise every user
 * and group target changed.
 */
export function changesOf(entry: Pick<AuditEntry, 'activityDisplayName' | 'targetResources'>): ChangeInput[] {
  const membership = MEMBERSHIP_CHANGES[entry.activityDisplayName];
  const [group, member] = entry.targetResources;
  if (membership && group?.type === 'Group' && member) {
    const memberType = member.type === 'Group' ? 'group' : 'user';
    return [{ objectType: 'group', objectId: group.id, memberId: member.id, memberType, memberChange: membership }];
  }
  return entry.targetResources.flatMap((t): ChangeInput[] =>
    t.type === 'User'
      ? [{ objectType: 'user', objectId: t.id }]
      : t.type === 'Group'
        ? [{ objectType: 'group', objectId: t.id }]
        : [],
  );
}

/** The audit target for an object known by its id and name (an application, a service principal…). */
export const namedTarget = (
  type: TargetResource['type'],
  o: { id: string; displayName: string | null },
  modifiedProperties: ModifiedProperty[] = [],
): TargetResource => ({ id: o.id, displayName: o.displayName, type, modifiedProperties });

/** The audit target for a user (id, name, UPN), the most common target. */
export const userTarget = (
  u: { id: string; displayName: string | null; userPrincipalName: string | null },
  modifiedProperties: ModifiedProperty[] = [],
): TargetResource => ({
  id: u.id,
  displayName: u.displayName,
  type: 'User',
  userPrincipalName: u.userPrincipalName,
  modifiedProperties,
});

export interface AuditEntry {
  activityDisplayName: string;
  category: string;
  operationType: 'Add' | 'Update' | 'Delete' | 'Assign' | 'Unassign' | 'Other';
  loggedByService?: string;
  result?: DirectoryAudit['result'];
  resultReason?: string;
  targetResources: TargetResource[];
  additionalDetails?: { key: string; value: string }[];
}

/**
 * The audited change of a SCIM client's `externalId`: none when no new one is given or it is the
 * current one (read by `current`, only when a new one is given).
 */
export async function externalIdChange(
  next: string | null | undefined,
  current: () => Promise<string | null>,
): Promise<ModifiedProperty | undefined> {
  if (next === undefined) return undefined;
  const old = await current();
  return next === old ? undefined : { displayName: 'externalId', oldValue: JSON.stringify(old), newValue: JSON.stringify(next) };
}

/**
 * What a use case is built from: the database (or a transaction), time, ids, the audit log and the
 * one authorize step. A feature's deps extend it with the services it calls.
 */
export interface UseCaseDeps {
  db: Executor;
  clock: Clock;
  newId: IdGenerator;
  audit: AuditService;
  access: Access;
}

export interface AuditDeps {
  clock: Clock;
  newId: IdGenerator;
}

export const initiatedBy = (ctx: OperationContext): InitiatedBy => {
  const c = ctx.caller;
  if (c.kind === 'user') {
    return {
      user: {
        id: c.userId,
        displayName: c.displayName,
        userPrincipalName: c.userPrincipalName,
        ipAddress: ctx.ipAddress ?? null,
      },
      app: null,
    };
  }
  if (c.kind === 'app') {
    return {
      user: null,
      app: { appId: c.clientId, displayName: c.displayName, servicePrincipalId: c.clientId, servicePrincipalName: c.displayName },
    };
  }
  return { user: null, app: { appId: null, displayName: c.displayName, servicePrincipalId: null, servicePrincipalName: null } };
};

/** The write side of the audit log: every use case records its change through it. */
export class AuditService {
  constructor(private readonly deps: AuditDeps) {}

  /**
   * Writes one directoryAudit record. Call it with the transaction of the change it records, so
   * the change and its audit entry commit (or roll back) together.
   */
  async record(db: Executor, ctx: OperationContext, entry: AuditEntry): Promise<void> {
    await insertDirectoryAudit(db, ctx.caller.tenantId, {
      id: this.deps.newId(),
      activityDateTime: this.deps.clock.now().toISOString(),
      activityDisplayName: entry.activityDisplayName,
      category: entry.category,
      correlationId: ctx.correlationId,
      loggedByService: entry.loggedByService ?? 'Core Directory',
      operationType: entry.operationType,
      result: entry.result ?? 'success',
      resultReason: entry.resultReason ?? '',
      initiatedBy: initiatedBy(ctx),
      targetResources: entry.targetResources,
      additionalDetails: entry.additionalDetails ?? [],
    });
    if (entry.result === undefined || entry.result === 'success') {
      await this.recordChanges(db, ctx.caller.tenantId, changesOf(entry));
    }
  }

  /**
   * Appends changes of users and groups to the delta change log, in the caller's transaction. Every
   * audited change does this itself; call it for changes that have no audit record of their own
   * (the memberships a deleted or restored object leaves or rejoins).
   */
  recordChanges(db: Executor, tenantId: string, changes: readonly ChangeInput[]): Promise<void> {
    return insertChanges(db, tenantId, changes, this.deps.clock.now().toISOString(), this.deps.newId);
  }
}

export interface AuditLogDeps {
  db: Executor;
  access: Access;
}

/** The read side of the audit log (GET /auditLogs/directoryAudits): administrators (`audit.read`). */
export class AuditLogService {
  constructor(private readonly deps: AuditLogDeps) {}

  /** Newest first unless `$orderby=activityDateTime asc`; keyset paging via `$skiptoken`. */
  async listDirectoryAudits(
    ctx: OperationContext,
    q: ODataQuery,
  ): Promise<{ items: DirectoryAudit[]; skiptoken?: string; count?: number }> {
    await this.deps.access.require(ctx, 'audit.read');
    return listDirectoryAudits(this.deps.db, ctx.caller.tenantId, q);
  }

  /**
   * Internal (no authorization: the caller has authorized reading the objects): per object, the
   * number of audit records naming it and the time of the latest one after its creation (null when
   * unchanged since). Every write of a user or group is audited in its own transaction, so this is
   * the objects' change history (SCIM's meta.lastModified and version).
   */
  changeStampsOf(
    tenantId: string,
    ids: readonly string[],
  ): Promise<Map<string, { lastModified: string | null; changes: number }>> {
    return changeStamps(this.deps.db, tenantId, ids);
  }

  /**
   * Internal (no authorization: the caller has authorized reading what it explains): per pair
   * (a, b), the successful records of `activities` naming both, newest first; keyed `${a} ${b}`.
   */
  between(
    tenantId: string,
    activities: readonly string[],
    pairs: readonly { a: string; b: string }[],
  ): Promise<Map<string, DirectoryAudit[]>> {
    return auditsBetween(this.deps.db, tenantId, activities, pairs);
  }

  /** Internal: the successful records of `activities` that the given requests (correlation ids) wrote. */
  ofCorrelations(tenantId: string, correlationIds: readonly string[], activities: readonly string[]): Promise<DirectoryAudit[]> {
    return auditsOfCorrelations(this.deps.db, tenantId, correlationIds, activities);
  }

  async getDirectoryAudit(ctx: OperationContext, id: string): Promise<DirectoryAudit> {
    return this.deps.access.readOne(ctx, 'audit.read', id, (tenantId) => findDirectoryAudit(this.deps.db, tenantId, id));
  }
}
