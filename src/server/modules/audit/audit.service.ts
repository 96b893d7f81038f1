import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import type { OperationContext } from '../../domain/context.js';
import type { IdGenerator } from '../../domain/ids.js';
import {
  type DirectoryAudit,
  type InitiatedBy,
  insertDirectoryAudit,
  type ModifiedProperty,
  type TargetResource,
} from './audit.repository.js';

export type { DirectoryAudit, ModifiedProperty, TargetResource } from './audit.repository.js';

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

export function createAuditService(deps: AuditDeps) {
  return {
    /**
     * Writes one directoryAudit record. Call it with the transaction of the change it records, so
     * the change and its audit entry commit (or roll back) together.
     */
    async record(db: Executor, ctx: OperationContext, entry: AuditEntry): Promise<void> {
      await insertDirectoryAudit(db, ctx.caller.tenantId, {
        id: deps.newId(),
        activityDateTime: deps.clock.now().toISOString(),
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
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
