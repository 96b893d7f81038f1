import type { Kysely } from 'kysely';

// Soft delete and delta queries (Graph's directory/deletedItems and users|groups/delta).
//
// deleted_directory_objects: a deleted user or group leaves the live tables (so no read path can
//   see it and its userPrincipalName, mail and mailNickname are free again, as in Entra) and is kept
//   here for 30 days with a snapshot of its row and relationships, so restore brings it back whole.
// directory_changes: one row per change of a user or group (written with the audit record of the
//   change, in its transaction). `seq` is stamped later, by the reader, in the order rows become
//   visible (committed), from the tenant's counter in directory_change_counters: a delta token is a
//   seq, and no change can commit "behind" a token already handed out.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('deleted_directory_objects')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text')
    .addColumn('user_principal_name', 'text')
    .addColumn('mail', 'text')
    .addColumn('deleted_date_time', 'text', (c) => c.notNull())
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('deleted_directory_objects_type_ix')
    .on('deleted_directory_objects')
    .columns(['tenant_id', 'object_type', 'deleted_date_time'])
    .execute();
  await db.schema
    .createIndex('deleted_directory_objects_purge_ix')
    .on('deleted_directory_objects')
    .columns(['deleted_date_time'])
    .execute();

  await db.schema
    .createTable('directory_changes')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text')
    .addColumn('member_type', 'text')
    .addColumn('member_change', 'text')
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer')
    .execute();
  await db.schema
    .createIndex('directory_changes_seq_ix')
    .on('directory_changes')
    .columns(['tenant_id', 'object_type', 'seq'])
    .execute();
  await db.schema.createIndex('directory_changes_pending_ix').on('directory_changes').columns(['tenant_id', 'seq']).execute();
  await db.schema.createIndex('directory_changes_purge_ix').on('directory_changes').columns(['created_date_time']).execute();

  await db.schema
    .createTable('directory_change_counters')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('directory_change_counters').ifExists().execute();
  await db.schema.dropTable('directory_changes').ifExists().execute();
  await db.schema.dropTable('deleted_directory_objects').ifExists().execute();
}
