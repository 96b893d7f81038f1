import type { Executor } from '../../db/index.js';
import type { DeletedDirectoryObjectsTable } from './directory.table.js';

/** A soft-deleted user or group as stored: the snapshot is parsed by the service. */
export interface DeletedItemRow {
  id: string;
  objectType: 'user' | 'group';
  deletedDateTime: string;
  snapshot: string;
}

const toItem = (
  r: Pick<DeletedDirectoryObjectsTable, 'id' | 'object_type' | 'deleted_date_time' | 'snapshot'>,
): DeletedItemRow => ({
  id: r.id,
  objectType: r.object_type,
  deletedDateTime: r.deleted_date_time,
  snapshot: r.snapshot,
});

export async function insertDeletedItem(
  db: Executor,
  tenantId: string,
  item: DeletedItemRow & { displayName: string | null; userPrincipalName: string | null; mail: string | null },
): Promise<void> {
  await db
    .insertInto('deleted_directory_objects')
    .values({
      id: item.id,
      tenant_id: tenantId,
      object_type: item.objectType,
      display_name: item.displayName,
      user_principal_name: item.userPrincipalName,
      mail: item.mail,
      deleted_date_time: item.deletedDateTime,
      snapshot: item.snapshot,
    })
    .execute();
}

export async function findDeletedItem(db: Executor, tenantId: string, id: string): Promise<DeletedItemRow | undefined> {
  const r = await db
    .selectFrom('deleted_directory_objects')
    .select(['id', 'object_type', 'deleted_date_time', 'snapshot'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r && toItem(r);
}

/** Newest deletion first; keyset paging on (deleted_date_time, id). */
export async function listDeletedItems(
  db: Executor,
  tenantId: string,
  objectType: 'user' | 'group',
  after: { deletedDateTime: string; id: string } | undefined,
  limit: number,
): Promise<DeletedItemRow[]> {
  let q = db
    .selectFrom('deleted_directory_objects')
    .select(['id', 'object_type', 'deleted_date_time', 'snapshot'])
    .where('tenant_id', '=', tenantId)
    .where('object_type', '=', objectType);
  if (after) {
    q = q.where((eb) =>
      eb.or([
        eb('deleted_date_time', '<', after.deletedDateTime),
        eb.and([eb('deleted_date_time', '=', after.deletedDateTime), eb('id', '<', after.id)]),
      ]),
    );
  }
  const rows = await q.orderBy('deleted_date_time', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toItem);
}

/** Removes a deleted item (restore or hard delete); false when another request removed it first. */
export async function deleteDeletedItem(db: Executor, tenantId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom('deleted_directory_objects')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Deleted items of every tenant deleted before `before` (the purge job), oldest first. */
export async function listExpiredDeletedItems(
  db: Executor,
  before: string,
  limit: number,
): Promise<(DeletedItemRow & { tenantId: string })[]> {
  const rows = await db
    .selectFrom('deleted_directory_objects')
    .select(['id', 'tenant_id', 'object_type', 'deleted_date_time', 'snapshot'])
    .where('deleted_date_time', '<', before)
    .orderBy('deleted_date_time')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...toItem(r), tenantId: r.tenant_id }));
}
