import type { Kysely } from 'kysely';
import type { DB, Executor } from '../../db/index.js';

/**
 * The change log behind delta queries. Writers insert rows with a null `seq` inside the
 * transaction of their change; readers stamp the rows they can see (committed) with the tenant's
 * next numbers, under a lock on the tenant's counter row. A delta token is a stamped seq, so a
 * change committed after a token was handed out always gets a larger number, whatever the order
 * in which the writers' transactions started. Reading costs the changes since the token, not the
 * size of the tenant.
 */

export interface ChangeInput {
  objectType: 'user' | 'group';
  objectId: string;
  /** For a membership change of a group: the member, its Graph type and whether it joined or left. */
  memberId?: string;
  memberType?: 'user' | 'group';
  memberChange?: 'added' | 'removed';
}

export async function insertChanges(
  db: Executor,
  tenantId: string,
  changes: readonly ChangeInput[],
  now: string,
  newId: () => string,
): Promise<void> {
  if (changes.length === 0) return;
  await db
    .insertInto('directory_changes')
    .values(
      changes.map((c) => ({
        id: newId(),
        tenant_id: tenantId,
        object_type: c.objectType,
        object_id: c.objectId,
        member_id: c.memberId ?? null,
        member_type: c.memberType ?? null,
        member_change: c.memberChange ?? null,
        created_date_time: now,
        seq: null,
      })),
    )
    .execute();
}

const STAMP_CHUNK = 500;

/** Stamps every visible unstamped change of the tenant; returns the tenant's highest seq (the delta horizon). */
export async function stampChanges(db: Kysely<DB>, tenantId: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('directory_change_counters')
      .values({ tenant_id: tenantId, seq: 0 })
      .onConflict((oc) => oc.column('tenant_id').doNothing())
      .execute();
    // The no-op update takes the row lock: concurrent stampers of a tenant queue here.
    const counter = await trx
      .updateTable('directory_change_counters')
      .set((eb) => ({ seq: eb('seq', '+', 0) }))
      .where('tenant_id', '=', tenantId)
      .returning('seq')
      .executeTakeFirstOrThrow();
    let seq = Number(counter.seq);
    for (;;) {
      const pending = await trx
        .selectFrom('directory_changes')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('seq', 'is', null)
        .orderBy('created_date_time')
        .orderBy('id')
        .limit(STAMP_CHUNK)
        .execute();
      for (const row of pending) {
        seq += 1;
        await trx.updateTable('directory_changes').set({ seq }).where('id', '=', row.id).execute();
      }
      if (pending.length < STAMP_CHUNK) break;
    }
    await trx.updateTable('directory_change_counters').set({ seq }).where('tenant_id', '=', tenantId).execute();
    return seq;
  });
}

/**
 * Objects of a type changed in (after, upTo], one entry per object with its latest seq, in that
 * order, starting after the object whose latest seq is `cursor`.
 */
export async function listChangedObjects(
  db: Executor,
  tenantId: string,
  objectType: 'user' | 'group',
  range: { after: number; upTo: number; cursor: number },
  limit: number,
): Promise<{ objectId: string; seq: number }[]> {
  const rows = await db
    .selectFrom('directory_changes')
    .select(['object_id'])
    .select((eb) => eb.fn.max('seq').as('last'))
    .where('tenant_id', '=', tenantId)
    .where('object_type', '=', objectType)
    .where('seq', '>', range.after)
    .where('seq', '<=', range.upTo)
    .groupBy('object_id')
    .having((eb) => eb.fn.max('seq'), '>', range.cursor)
    .orderBy('last')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ objectId: r.object_id, seq: Number(r.last) }));
}

/** Membership changes of these groups in (after, upTo], oldest first. */
export async function listMemberChanges(
  db: Executor,
  tenantId: string,
  groupIds: readonly string[],
  range: { after: number; upTo: number },
): Promise<{ groupId: string; memberId: string; memberType: string; change: 'added' | 'removed' }[]> {
  if (groupIds.length === 0) return [];
  const rows = await db
    .selectFrom('directory_changes')
    .select(['object_id', 'member_id', 'member_type', 'member_change'])
    .where('tenant_id', '=', tenantId)
    .where('object_type', '=', 'group')
    .where('object_id', 'in', groupIds)
    .where('member_change', 'is not', null)
    .where('seq', '>', range.after)
    .where('seq', '<=', range.upTo)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    groupId: r.object_id,
    memberId: r.member_id ?? '',
    memberType: r.member_type ?? 'user',
    change: r.member_change ?? 'added',
  }));
}

/** Retention: drops stamped changes older than `before` (delta tokens older than that are refused). */
export async function purgeChanges(db: Executor, before: string): Promise<number> {
  const r = await db
    .deleteFrom('directory_changes')
    .where('created_date_time', '<', before)
    .where('seq', 'is not', null)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
