import type { Kysely } from 'kysely';
import type {
  AppAccessRequest,
  AppAccessRequestStatus,
  GroupJoinRequest,
  GroupJoinRequestStatus,
} from '../../../contracts/requests.js';
import type { Executor } from '../../db/index.js';
import { type ODataQuery, pageNewestFirst, type ResourceSpec } from '../../odata/query.js';
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

/** The decision `who` records now on a pending request (approval, denial, rejection or cancellation). */
export const decisionBy = <S extends string>(
  who: { userId: string; displayName: string },
  status: S,
  reason: string | null,
  at: string,
): Decision<S> => ({
  status,
  decidedById: who.userId,
  decidedByDisplayName: who.displayName,
  decidedDateTime: at,
  decisionReason: reason,
});

const decisionColumns = <S extends string>(d: Decision<S>) => ({
  status: d.status,
  decided_by_id: d.decidedById,
  decided_by_display_name: d.decidedByDisplayName,
  decided_date_time: d.decidedDateTime,
  decision_reason: d.decisionReason,
});

/** The columns of a new request that both kinds share: who asked, when, where it stands. */
type RequestHead = Pick<
  AppAccessRequest | GroupJoinRequest,
  | 'id'
  | 'status'
  | 'requesterId'
  | 'requesterDisplayName'
  | 'requesterUserPrincipalName'
  | 'createdDateTime'
  | 'decidedById'
  | 'decidedByDisplayName'
  | 'decidedDateTime'
  | 'decisionReason'
>;
const requestColumns = (tenantId: string, r: RequestHead) => ({
  id: r.id,
  tenant_id: tenantId,
  requester_id: r.requesterId,
  requester_display_name: r.requesterDisplayName,
  requester_user_principal_name: r.requesterUserPrincipalName,
  status: r.status,
  created_date_time: r.createdDateTime,
  decided_by_id: r.decidedById,
  decided_by_display_name: r.decidedByDisplayName,
  decided_date_time: r.decidedDateTime,
  decision_reason: r.decisionReason,
});

/** Columns both request tables share; `target` names the column of what is requested (app or group). */
interface RequestRow {
  id: string;
  tenant_id: string;
  requester_id: string;
  status: string;
  created_date_time: string;
  service_principal_id: string;
  group_id: string;
}
/** The two request tables seen through their common columns (each store uses only its own target column). */
type RequestDb = Kysely<Record<string, RequestRow>>;
type Target = 'service_principal_id' | 'group_id';

/** What someone's requests are listed by: their own, one target's, or those awaiting a decider. */
export type RequestScope =
  | { requesterId: string }
  | { targetId: string }
  /** Pending requests for these targets that someone other than `exceptRequesterId` made. */
  | { pendingFor: readonly string[]; exceptRequesterId: string };

/**
 * The queries app access requests and group join requests share: one table per kind, the same
 * life cycle (pending → decided), the same listings. `target` is the requested object's column.
 */
function requestStore<T extends { id: string; created_date_time: string }, M, S extends string>(
  table: string,
  target: Target,
  resource: ResourceSpec,
  toModel: (row: T) => M,
  /** The kind's own columns of a new request (its target among them). */
  ownColumns: (m: M) => Partial<T>,
) {
  const from = (db: Executor) => (db as unknown as RequestDb).selectFrom(table);
  const map = (r: unknown) => toModel(r as T);
  return {
    async find(db: Executor, tenantId: string, id: string): Promise<M | undefined> {
      const r = await from(db)
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id.toLowerCase())
        .executeTakeFirst();
      return r && map(r);
    },

    async pendingExists(db: Executor, tenantId: string, targetId: string, requesterId: string): Promise<boolean> {
      const r = await from(db)
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where(target, '=', targetId)
        .where('requester_id', '=', requesterId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return r !== undefined;
    },

    /** Stores a new request: the columns both kinds share, and the kind's own. */
    async insert(db: Executor, tenantId: string, r: M & RequestHead): Promise<void> {
      const values = { ...requestColumns(tenantId, r), ...ownColumns(r) } as unknown as RequestRow;
      await (db as unknown as RequestDb).insertInto(table).values(values).execute();
    },

    /** The guarded transition out of `pending`: the updated request, or undefined when it was no longer pending. */
    async decide(db: Executor, tenantId: string, id: string, d: Decision<S>): Promise<M | undefined> {
      const r = await (db as unknown as RequestDb)
        .updateTable(table)
        .set(decisionColumns(d))
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .returningAll()
        .executeTakeFirst();
      return r && map(r);
    },

    /** Newest first, keyset-paged, with `q`'s $filter / $search. */
    async list(db: Executor, tenantId: string, scope: RequestScope, q: ODataQuery): Promise<Page<M>> {
      let base = from(db).selectAll().where('tenant_id', '=', tenantId);
      if ('requesterId' in scope) base = base.where('requester_id', '=', scope.requesterId);
      else if ('targetId' in scope) base = base.where(target, '=', scope.targetId);
      else {
        if (scope.pendingFor.length === 0) return { items: [] };
        base = base
          .where(target, 'in', [...scope.pendingFor])
          .where('status', '=', 'pending')
          .where('requester_id', '<>', scope.exceptRequesterId);
      }
      return pageNewestFirst<T, M>(base, resource, 'created_date_time', q, (r) => r.created_date_time, toModel);
    },

    /** Pending requests per target (made by someone other than `exceptRequesterId`). */
    async countPending(
      db: Executor,
      tenantId: string,
      targetIds: readonly string[],
      exceptRequesterId: string,
    ): Promise<Map<string, number>> {
      if (targetIds.length === 0) return new Map();
      const rows = await from(db)
        .select([target, (eb) => eb.fn.countAll<number>().as('n')])
        .where('tenant_id', '=', tenantId)
        .where(target, 'in', [...targetIds])
        .where('status', '=', 'pending')
        .where('requester_id', '<>', exceptRequesterId)
        .groupBy(target)
        .execute();
      return new Map(rows.map((r) => [(r as Record<Target, string>)[target], Number(r.n)]));
    },

    /** The requester's pending request id per target, among `targetIds`. */
    async pendingIds(
      db: Executor,
      tenantId: string,
      requesterId: string,
      targetIds: readonly string[],
    ): Promise<Map<string, string>> {
      if (targetIds.length === 0) return new Map();
      const rows = await from(db)
        .select(['id', target])
        .where('tenant_id', '=', tenantId)
        .where('requester_id', '=', requesterId)
        .where(target, 'in', [...targetIds])
        .where('status', '=', 'pending')
        .execute();
      return new Map(rows.map((r) => [(r as Record<Target, string>)[target], r.id]));
    },
  };
}

/** The requester's columns of a request row, as the wire type names them (the inverse of `requestColumns`). */
const requesterOf = (r: AppAccessRequestsTable | GroupJoinRequestsTable) => ({
  requesterId: r.requester_id,
  requesterDisplayName: r.requester_display_name,
  requesterUserPrincipalName: r.requester_user_principal_name,
});

/** When a request was made, and its decision's columns. */
const decisionOf = (r: AppAccessRequestsTable | GroupJoinRequestsTable) => ({
  createdDateTime: r.created_date_time,
  decidedById: r.decided_by_id,
  decidedByDisplayName: r.decided_by_display_name,
  decidedDateTime: r.decided_date_time,
  decisionReason: r.decision_reason,
});

// ---------------------------------------------------------------------------------------------
// App access requests

const toAppRequest = (r: AppAccessRequestsTable): AppAccessRequest => ({
  id: r.id,
  status: r.status as AppAccessRequestStatus,
  servicePrincipalId: r.service_principal_id,
  appId: r.app_id,
  appDisplayName: r.app_display_name,
  ...requesterOf(r),
  justification: r.justification,
  groupId: r.group_id,
  appRoleId: r.app_role_id,
  requireApproval: r.require_approval === 1,
  ...decisionOf(r),
});

/** App access requests: the store both request kinds share, over `app_access_requests`. */
export const appRequests = requestStore<AppAccessRequestsTable, AppAccessRequest, AppAccessRequestStatus>(
  'app_access_requests',
  'service_principal_id',
  appAccessRequestsResource,
  toAppRequest,
  (a) => ({
    service_principal_id: a.servicePrincipalId,
    app_id: a.appId,
    app_display_name: a.appDisplayName,
    justification: a.justification,
    group_id: a.groupId,
    app_role_id: a.appRoleId,
    require_approval: a.requireApproval ? 1 : 0,
  }),
);

// ---------------------------------------------------------------------------------------------
// Group join requests

const toJoinRequest = (r: GroupJoinRequestsTable): GroupJoinRequest => ({
  id: r.id,
  status: r.status as GroupJoinRequestStatus,
  groupId: r.group_id,
  groupDisplayName: r.group_display_name,
  ...requesterOf(r),
  justification: r.justification,
  ...decisionOf(r),
});

/** Join requests: the store both request kinds share, over `group_join_requests`. */
export const joinRequests = requestStore<GroupJoinRequestsTable, GroupJoinRequest, GroupJoinRequestStatus>(
  'group_join_requests',
  'group_id',
  groupJoinRequestsResource,
  toJoinRequest,
  (j) => ({ group_id: j.groupId, group_display_name: j.groupDisplayName, justification: j.justification }),
);

/** Pending join requests per group (made by someone other than `exceptRequesterId`), with the group's name. */
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
