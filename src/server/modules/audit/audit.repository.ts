import { sql } from 'kysely';
import type { DirectoryAudit, InitiatedBy, TargetResource } from '../../../contracts/audit.js';
import type { Executor } from '../../db/index.js';
import { rowById } from '../../db/tenant-rows.js';
import { compileODataWhere, encodeSkipToken, type ODataQuery } from '../../odata/query.js';
import { directoryAuditsResource } from './audit.query.js';
import type { DirectoryAuditsTable } from './audit.table.js';

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

/**
 * One page of a tenant's directory audits, newest first (`activityDateTime desc, id desc`, or
 * ascending with `$orderby=activityDateTime asc`), keyset-paged on that same pair so that pages
 * stay stable while new records arrive.
 */
export async function listDirectoryAudits(
  db: Executor,
  tenantId: string,
  q: ODataQuery,
): Promise<{ items: DirectoryAudit[]; skiptoken?: string; count?: number }> {
  const opts = { direction: q.orderBy?.direction ?? 'desc', after: q.after, top: q.top, count: q.count };
  let base = db.selectFrom('directory_audits').where('directory_audits.tenant_id', '=', tenantId);
  const where = compileODataWhere(directoryAuditsResource, q);
  if (where) base = base.where(where);
  let page = base.selectAll('directory_audits');
  if (opts.after) {
    const op = opts.direction === 'desc' ? '<' : '>';
    const v = opts.after.v ?? '';
    const id = opts.after.id;
    page = page.where((eb) =>
      eb.or([
        eb('directory_audits.activity_date_time', op, v),
        eb.and([eb('directory_audits.activity_date_time', '=', v), eb('directory_audits.id', op, id)]),
      ]),
    );
  }
  const rows = await page
    .orderBy('directory_audits.activity_date_time', opts.direction)
    .orderBy('directory_audits.id', opts.direction)
    .limit(opts.top + 1)
    .execute();
  const items = rows.slice(0, opts.top).map(toDirectoryAudit);
  const last = items[items.length - 1];
  const result: { items: DirectoryAudit[]; skiptoken?: string; count?: number } = { items };
  if (rows.length > opts.top && last) result.skiptoken = encodeSkipToken(last.activityDateTime, last.id, q.orderBy);
  if (opts.count) {
    const c = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    result.count = Number(c?.n ?? 0);
  }
  return result;
}

export async function findDirectoryAudit(db: Executor, tenantId: string, id: string): Promise<DirectoryAudit | undefined> {
  const r = await rowById(db.selectFrom('directory_audits').selectAll(), tenantId, id);
  return r && toDirectoryAudit(r);
}

/**
 * Per object: how many audit records name it as a target, and the time of the latest one written
 * by another request than the one that created it (null when it has not changed since).
 */
export async function changeStamps(
  db: Executor,
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, { lastModified: string | null; changes: number }>> {
  if (ids.length === 0) return new Map();
  // The request (correlation id) of the object's first audit record: its creation.
  const creation = db
    .selectFrom('directory_audits as a2')
    .innerJoin('directory_audit_targets as t2', 't2.audit_id', 'a2.id')
    .select('a2.correlation_id')
    .where('t2.tenant_id', '=', tenantId)
    .where(sql<boolean>`t2.target_id = t.target_id`)
    .orderBy('a2.activity_date_time')
    .orderBy('a2.id')
    .limit(1);
  const rows = await db
    .selectFrom('directory_audit_targets as t')
    .innerJoin('directory_audits as a', 'a.id', 't.audit_id')
    .select((eb) => [
      't.target_id',
      eb.fn.countAll<number>().as('n'),
      sql<string | null>`max(case when a.correlation_id = (${creation}) then null else a.activity_date_time end)`.as('changed'),
    ])
    .where('t.tenant_id', '=', tenantId)
    .where('t.target_id', 'in', [...ids])
    .groupBy('t.target_id')
    .execute();
  return new Map(rows.map((r) => [r.target_id, { lastModified: r.changed ?? null, changes: Number(r.n) }]));
}

/**
 * For each pair (a, b): the successful records of one of `activities` naming both a and b as
 * targets (e.g. "Add member to group" for a member and its group), newest first. One query,
 * bounded by the pairs' own history; keyed `${a} ${b}`.
 */
export async function auditsBetween(
  db: Executor,
  tenantId: string,
  activities: readonly string[],
  pairs: readonly { a: string; b: string }[],
): Promise<Map<string, DirectoryAudit[]>> {
  if (pairs.length === 0 || activities.length === 0) return new Map();
  const rows = await db
    .selectFrom('directory_audits as d')
    .innerJoin('directory_audit_targets as ta', 'ta.audit_id', 'd.id')
    .innerJoin('directory_audit_targets as tb', 'tb.audit_id', 'd.id')
    .selectAll('d')
    .select(['ta.target_id as pair_a', 'tb.target_id as pair_b'])
    .where('d.tenant_id', '=', tenantId)
    .where('ta.tenant_id', '=', tenantId)
    .where('d.activity_display_name', 'in', [...activities])
    .where('d.result', '=', 'success')
    .where((eb) => eb.or(pairs.map((p) => eb.and([eb('ta.target_id', '=', p.a), eb('tb.target_id', '=', p.b)]))))
    .orderBy('d.activity_date_time', 'desc')
    .orderBy('d.id', 'desc')
    .execute();
  const out = new Map<string, DirectoryAudit[]>();
  for (const r of rows) {
    const k = `${r.pair_a} ${r.pair_b}`;
    out.set(k, [...(out.get(k) ?? []), toDirectoryAudit(r)]);
  }
  return out;
}

/** The successful records of `activities` written by the requests (correlation ids) given: what else those requests did. */
export async function auditsOfCorrelations(
  db: Executor,
  tenantId: string,
  correlationIds: readonly string[],
  activities: readonly string[],
): Promise<DirectoryAudit[]> {
  if (correlationIds.length === 0 || activities.length === 0) return [];
  const rows = await db
    .selectFrom('directory_audits')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('correlation_id', 'in', [...new Set(correlationIds)])
    .where('activity_display_name', 'in', [...activities])
    .where('result', '=', 'success')
    .orderBy('activity_date_time')
    .orderBy('id')
    .execute();
  return rows.map(toDirectoryAudit);
}
