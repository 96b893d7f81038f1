import type {
  AppAccessRequest,
  AppAccessRequestStatus,
  GroupJoinRequest,
  GroupJoinRequestStatus,
} from '../../../contracts/requests.js';
import type { Executor } from '../../db/index.js';
import { type ODataQuery, pageNewestFirst } from '../../odata/query.js';
import { appAccessRequestsResource, groupJoinRequestsResource } from './requests.query.js';
import type { AppAccessRequestsTable, GroupJoinRequestsTable } from './requests.table.js';

type Page<T> = { items: T[]; skiptoken?: string };

/** A decision (or cancellation) recorded on a pending request. */
export interface Decision<S extends string> {
  status: S;
  decidedById: string | null;
  decidedByDisplayName: string | null;
  decidedDateTime: string;
  decisionReason: string | null;
}

const decisionColumns = <S extends string>(d: Decision<S>) => ({
  status: d.status,
  decided_by_id: d.decidedById,
  decided_by_display_name: d.decidedByDisplayName,
  decided_date_time: d.decidedDateTime,
  decision_reason: d.decisionReason,
});

// ---------------------------------------------------------------------------------------------
// App access requests

const toAppRequest = (r: AppAccessRequestsTable): AppAccessRequest => ({
  id: r.id,
  status: r.status as AppAccessRequestStatus,
  servicePrincipalId: r.service_principal_id,
  appId: r.app_id,
  appDisplayName: r.app_display_name,
  requesterId: r.requester_id,
  requesterDisplayName: r.requester_display_name,
  requesterUserPrincipalName: r.requester_user_principal_name,
  justification: r.justification,
  groupId: r.group_id,
  appRoleId: r.app_role_id,
  requireApproval: r.require_approval === 1,
  createdDateTime: r.created_date_time,
  decidedById: r.decided_by_id,
  decidedByDisplayName: r.decided_by_display_name,
  decidedDateTime: r.decided_date_time,
  decisionReason: r.decision_reason,
});

export async function insertAppRequest(db: Executor, tenantId: string, a: AppAccessRequest): Promise<void> {
  await db
    .insertInto('app_access_requests')
    .values({
      id: a.id,
      tenant_id: tenantId,
      service_principal_id: a.servicePrincipalId,
      app_id: a.appId,
      app_display_name: a.appDisplayName,
      requester_id: a.requesterId,
      requester_display_name: a.requesterDisplayName,
      requester_user_principal_name: a.requesterUserPrincipalName,
      justification: a.justification,
      group_id: a.groupId,
      app_role_id: a.appRoleId,
      require_approval: a.requireApproval ? 1 : 0,
      status: a.status,
      created_date_time: a.createdDateTime,
      decided_by_id: a.decidedById,
      decided_by_display_name: a.decidedByDisplayName,
      decided_date_time: a.decidedDateTime,
      decision_reason: a.decisionReason,
    })
    .execute();
}

export async function findAppRequest(db: Executor, tenantId: string, id: string): Promise<AppAccessRequest | undefined> {
  const r = await db
    .selectFrom('app_access_requests')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id.toLowerCase())
    .executeTakeFirst();
  return r && toAppRequest(r);
}

export async function pendingAppRequestExists(
  db: Executor,
  tenantId: string,
  servicePrincipalId: string,
  requesterId: string,
): Promise<boolean> {
  const r = await db
    .selectFrom('app_access_requests')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('service_principal_id', '=', servicePrincipalId)
    .where('requester_id', '=', requesterId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return r !== undefined;
}

/** The guarded transition out of `pending`: the updated request, or undefined when it was no longer pending. */
export async function decideAppRequest(
  db: Executor,
  tenantId: string,
  id: string,
  d: Decision<AppAccessRequestStatus>,
): Promise<AppAccessRequest | undefined> {
  const r = await db
    .updateTable('app_access_requests')
    .set(decisionColumns(d))
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
  return r && toAppRequest(r);
}

export type AppRequestScope =
  | { requesterId: string }
  | { servicePrincipalId: string }
  /** Pending requests for these applications that someone other than `exceptRequesterId` made. */
  | { pendingFor: readonly string[]; exceptRequesterId: string };

/** Newest first, keyset-paged, with `q`'s $filter / $search. */
export async function listAppRequests(
  db: Executor,
  tenantId: string,
  scope: AppRequestScope,
  q: ODataQuery,
): Promise<Page<AppAccessRequest>> {
  let base = db.selectFrom('app_access_requests').selectAll().where('tenant_id', '=', tenantId);
  if ('requesterId' in scope) base = base.where('requester_id', '=', scope.requesterId);
  else if ('servicePrincipalId' in scope) base = base.where('service_principal_id', '=', scope.servicePrincipalId);
  else {
    if (scope.pendingFor.length === 0) return { items: [] };
    base = base
      .where('service_principal_id', 'in', [...scope.pendingFor])
      .where('status', '=', 'pending')
      .where('requester_id', '<>', scope.exceptRequesterId);
  }
  return pageNewestFirst<AppAccessRequestsTable, AppAccessRequest>(
    base,
    appAccessRequestsResource,
    'created_date_time',
    q,
    (r) => r.created_date_time,
    toAppRequest,
  );
}

/** Pending requests per application (made by someone other than `exceptRequesterId`). */
export async function countPendingAppRequests(
  db: Executor,
  tenantId: string,
  servicePrincipalIds: readonly string[],
  exceptRequesterId: string,
): Promise<Map<string, number>> {
  if (servicePrincipalIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('app_access_requests')
    .select(['service_principal_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenant_id', '=', tenantId)
    .where('service_principal_id', 'in', [...servicePrincipalIds])
    .where('status', '=', 'pending')
    .where('requester_id', '<>', exceptRequesterId)
    .groupBy('service_principal_id')
    .execute();
  return new Map(rows.map((r) => [r.service_principal_id, Number(r.n)]));
}

/** The requester's pending request per application, among `servicePrincipalIds`. */
export async function pendingAppRequestIds(
  db: Executor,
  tenantId: string,
  requesterId: string,
  servicePrincipalIds: readonly string[],
): Promise<Map<string, string>> {
  if (servicePrincipalIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('app_access_requests')
    .select(['id', 'service_principal_id'])
    .where('tenant_id', '=', tenantId)
    .where('requester_id', '=', requesterId)
    .where('service_principal_id', 'in', [...servicePrincipalIds])
    .where('status', '=', 'pending')
    .execute();
  return new Map(rows.map((r) => [r.service_principal_id, r.id]));
}

// ---------------------------------------------------------------------------------------------
// Group join requests

const toJoinRequest = (r: GroupJoinRequestsTable): GroupJoinRequest => ({
  id: r.id,
  status: r.status as GroupJoinRequestStatus,
  groupId: r.group_id,
  groupDisplayName: r.group_display_name,
  requesterId: r.requester_id,
  requesterDisplayName: r.requester_display_name,
  requesterUserPrincipalName: r.requester_user_principal_name,
  justification: r.justification,
  createdDateTime: r.created_date_time,
  decidedById: r.decided_by_id,
  decidedByDisplayName: r.decided_by_display_name,
  decidedDateTime: r.decided_date_time,
  decisionReason: r.decision_reason,
});

export async function insertJoinRequest(db: Executor, tenantId: string, j: GroupJoinRequest): Promise<void> {
  await db
    .insertInto('group_join_requests')
    .values({
      id: j.id,
      tenant_id: tenantId,
      group_id: j.groupId,
      group_display_name: j.groupDisplayName,
      requester_id: j.requesterId,
      requester_display_name: j.requesterDisplayName,
      requester_user_principal_name: j.requesterUserPrincipalName,
      justification: j.justification,
      status: j.status,
      created_date_time: j.createdDateTime,
      decided_by_id: j.decidedById,
      decided_by_display_name: j.decidedByDisplayName,
      decided_date_time: j.decidedDateTime,
      decision_reason: j.decisionReason,
    })
    .execute();
}

export async function findJoinRequest(db: Executor, tenantId: string, id: string): Promise<GroupJoinRequest | undefined> {
  const r = await db
    .selectFrom('group_join_requests')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id.toLowerCase())
    .executeTakeFirst();
  return r && toJoinRequest(r);
}

export async function pendingJoinRequestExists(
  db: Executor,
  tenantId: string,
  groupId: string,
  requesterId: string,
): Promise<boolean> {
  const r = await db
    .selectFrom('group_join_requests')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('group_id', '=', groupId)
    .where('requester_id', '=', requesterId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return r !== undefined;
}

/** The guarded transition out of `pending`: the updated request, or undefined when it was no longer pending. */
export async function decideJoinRequest(
  db: Executor,
  tenantId: string,
  id: string,
  d: Decision<GroupJoinRequestStatus>,
): Promise<GroupJoinRequest | undefined> {
  const r = await db
    .updateTable('group_join_requests')
    .set(decisionColumns(d))
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
  return r && toJoinRequest(r);
}

export type JoinRequestScope =
  | { requesterId: string }
  | { groupId: string }
  /** Pending requests to these groups that someone other than `exceptRequesterId` made. */
  | { pendingFor: readonly string[]; exceptRequesterId: string };

/** Newest first, keyset-paged, with `q`'s $filter / $search. */
export async function listJoinRequests(
  db: Executor,
  tenantId: string,
  scope: JoinRequestScope,
  q: ODataQuery,
): Promise<Page<GroupJoinRequest>> {
  let base = db.selectFrom('group_join_requests').selectAll().where('tenant_id', '=', tenantId);
  if ('requesterId' in scope) base = base.where('requester_id', '=', scope.requesterId);
  else if ('groupId' in scope) base = base.where('group_id', '=', scope.groupId);
  else {
    if (scope.pendingFor.length === 0) return { items: [] };
    base = base
      .where('group_id', 'in', [...scope.pendingFor])
      .where('status', '=', 'pending')
      .where('requester_id', '<>', scope.exceptRequesterId);
  }
  return pageNewestFirst<GroupJoinRequestsTable, GroupJoinRequest>(
    base,
    groupJoinRequestsResource,
    'created_date_time',
    q,
    (r) => r.created_date_time,
    toJoinRequest,
  );
}

/** Pending join requests per group (made by someone other than `exceptRequesterId`). */
export async function countPendingJoinRequests(
  db: Executor,
  tenantId: string,
  groupIds: readonly string[],
  exceptRequesterId: string,
): Promise<{ groupId: string; groupDisplayName: string; n: number }[]> {
  if (groupIds.length === 0) return [];
  const rows = await db
    .selectFrom('group_join_requests')
    .select([
      'group_id',
      (eb) => eb.fn.max('group_display_name').as('group_display_name'),
      (eb) => eb.fn.countAll<number>().as('n'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('group_id', 'in', [...groupIds])
    .where('status', '=', 'pending')
    .where('requester_id', '<>', exceptRequesterId)
    .groupBy('group_id')
    .execute();
  return rows.map((r) => ({ groupId: r.group_id, groupDisplayName: String(r.group_display_name), n: Number(r.n) }));
}

// ---------------------------------------------------------------------------------------------
// Deletion of people and groups

/**
 * Inside a deletion transaction: the requests a deleted user made disappear with them, and so do
 * the join requests of a deleted group (access requests naming a deleted group fail when decided).
 */
export async function deleteRequestsOf(db: Executor, tenantId: string, principalId: string): Promise<void> {
  await db.deleteFrom('app_access_requests').where('tenant_id', '=', tenantId).where('requester_id', '=', principalId).execute();
  await db
    .deleteFrom('group_join_requests')
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('requester_id', '=', principalId), eb('group_id', '=', principalId)]))
    .execute();
}
