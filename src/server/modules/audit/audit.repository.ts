import type { Executor } from '../../db/index.js';
import type { DirectoryAuditsTable } from '../../db/types.js';

export interface ModifiedProperty {
  displayName: string;
  oldValue: string | null;
  newValue: string | null;
}

export interface TargetResource {
  id: string;
  displayName: string | null;
  type: 'User' | 'Group' | 'ServicePrincipal' | 'Application' | 'Policy' | 'Role' | 'Other';
  userPrincipalName?: string | null;
  groupType?: string | null;
  modifiedProperties: ModifiedProperty[];
}

export interface InitiatedBy {
  user: { id: string; displayName: string | null; userPrincipalName: string | null; ipAddress: string | null } | null;
  app: { appId: string | null; displayName: string | null; servicePrincipalId: string | null; servicePrincipalName: string | null } | null;
}

export interface DirectoryAudit {
  id: string;
  activityDateTime: string;
  activityDisplayName: string;
  category: string;
  correlationId: string;
  loggedByService: string;
  operationType: string;
  result: 'success' | 'failure' | 'timeout' | 'unknownFutureValue';
  resultReason: string;
  initiatedBy: InitiatedBy;
  targetResources: TargetResource[];
  additionalDetails: { key: string; value: string }[];
}

export const toDirectoryAudit = (r: DirectoryAuditsTable): DirectoryAudit => ({
  id: r.id,
  activityDateTime: r.activity_date_time,
  activityDisplayName: r.activity_display_name,
  category: r.category,
  correlationId: r.correlation_id,
  loggedByService: r.logged_by_service,
  operationType: r.operation_type,
  result: r.result as DirectoryAudit['result'],
  resultReason: r.result_reason,
  initiatedBy: JSON.parse(r.initiated_by) as InitiatedBy,
  targetResources: JSON.parse(r.target_resources) as TargetResource[],
  additionalDetails: JSON.parse(r.additional_details) as DirectoryAudit['additionalDetails'],
});

export async function insertDirectoryAudit(db: Executor, tenantId: string, a: DirectoryAudit): Promise<void> {
  await db
    .insertInto('directory_audits')
    .values({
      id: a.id,
      tenant_id: tenantId,
      activity_date_time: a.activityDateTime,
      activity_display_name: a.activityDisplayName,
      category: a.category,
      correlation_id: a.correlationId,
      logged_by_service: a.loggedByService,
      operation_type: a.operationType,
      result: a.result,
      result_reason: a.resultReason,
      initiated_by: JSON.stringify(a.initiatedBy),
      initiator_user_id: a.initiatedBy.user?.id ?? null,
      initiator_app_id: a.initiatedBy.app?.appId ?? null,
      target_resources: JSON.stringify(a.targetResources),
      additional_details: JSON.stringify(a.additionalDetails),
    })
    .execute();
  const ids = [...new Set(a.targetResources.map((t) => t.id))];
  if (ids.length) {
    await db
      .insertInto('directory_audit_targets')
      .values(ids.map((target_id) => ({ audit_id: a.id, tenant_id: tenantId, target_id })))
      .execute();
  }
}
