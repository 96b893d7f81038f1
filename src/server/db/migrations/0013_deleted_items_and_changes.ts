import type { Kysely } from 'kysely';
import * as ddl from '../migration-helpers.js';

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
  await ddl.createTable(db, 'deleted_directory_objects', {
    ...ddl.TENANT_RECORD,
    object_type: 'text not null',
    display_name: 'text',
    user_principal_name: 'text',
    mail: 'text',
    deleted_date_time: 'text not null',
    snapshot: 'text not null',
  });
  await ddl.createIndex(db, 'deleted_directory_objects_type_ix', 'deleted_directory_objects', [
    'tenant_id',
    'object_type',
    'deleted_date_time',
  ]);
  await ddl.createIndex(db, 'deleted_directory_objects_purge_ix', 'deleted_directory_objects', ['deleted_date_time']);

  await ddl.createTable(db, 'directory_changes', {
    ...ddl.TENANT_RECORD,
    object_type: 'text not null',
    object_id: 'text not null',
    member_id: 'text',
    member_type: 'text',
    member_change: 'text',
    created_date_time: 'text not null',
    seq: 'integer',
  });
  await ddl.createIndex(db, 'directory_changes_seq_ix', 'directory_changes', ['tenant_id', 'object_type', 'seq']);
  await ddl.createIndex(db, 'directory_changes_pending_ix', 'directory_changes', ['tenant_id', 'seq']);
  await ddl.createIndex(db, 'directory_changes_purge_ix', 'directory_changes', ['created_date_time']);

  await ddl.createTable(db, 'directory_change_counters', {
    tenant_id: 'text primary key not null',
    seq: 'integer not null',
  });
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await ddl.dropTables(db, ['directory_change_counters', 'directory_changes', 'deleted_directory_objects']);
}
