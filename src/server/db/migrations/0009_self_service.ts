import { type Kysely, sql } from 'kysely';
import * as ddl from '../migration-helpers.js';

// Self-service: the join policy of groups (Portico extension, entra-behaviour.md §6.5–§6.6) and the
// requests of My Apps (access to an application) and My Groups (joining a group). Same
// portability rules as 0001: text and integer columns only, every row carries tenant_id, and
// "one pending request per person and target" is a partial unique index (SQLite and PostgreSQL
// both have them), so two concurrent requests cannot both be pending.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('groups')
    .addColumn('join_policy', 'text', (c) => c.notNull().defaultTo('closed'))
    .execute();
  // Existing groups get Entra's defaults for groups created through the API or the admin centre:
  // Microsoft 365 groups are open (Public) or need an owner's approval (Private); security groups,
  // dynamic and synced groups are not joinable.
  await sql`
    update groups set join_policy = case when visibility = 'Public' then 'open' else 'ownerApproval' end
    where group_types like '%"Unified"%' and group_types not like '%"DynamicMembership"%'
      and (on_premises_sync_enabled is null or on_premises_sync_enabled = 0)
  `.execute(db);

  // No foreign keys to the application, group or people: a request is also a record of what
  // was asked and decided, kept (with the names of the time) when they are deleted.
  // pending → approved | denied | canceled | failed (guarded: update … where status = 'pending').
  await createRequestTable(db, 'app_access_requests', ['service_principal_id', 'app'], {
    service_principal_id: 'text not null',
    app_id: 'text not null',
    app_display_name: 'text not null',
    ...REQUESTER,
    justification: 'text not null',
    group_id: 'text not null',
    app_role_id: 'text not null',
    require_approval: 'integer not null',
  });
  // pending → approved | rejected | canceled | failed; an open group's join is stored as approved.
  await createRequestTable(db, 'group_join_requests', ['group_id', 'group'], {
    group_id: 'text not null',
    group_display_name: 'text not null',
    ...REQUESTER,
    justification: 'text',
  });
}

/** Who asked, with the names of the time. */
const REQUESTER = {
  requester_id: 'text not null',
  requester_display_name: 'text not null',
  requester_user_principal_name: 'text',
};

/**
 * A request table: the tenant's object, what is asked (`columns`, among them the `target` column the
 * request is about), then its status and decision; one pending request per requester and target (a
 * partial unique index), listed per target and status (index `<table>_<indexSuffix>_ix`) and per
 * requester.
 */
async function createRequestTable(
  db: Kysely<unknown>,
  table: string,
  [target, targetIndex]: [column: string, indexSuffix: string],
  columns: Record<string, string>,
): Promise<void> {
  await ddl.createTable(db, table, {
    ...ddl.TENANT_OBJECT,
    ...columns,
    status: 'text not null',
    created_date_time: 'text not null',
    decided_by_id: 'text',
    decided_by_display_name: 'text',
    decided_date_time: 'text',
    decision_reason: 'text',
  });
  await ddl.createIndex(db, `${table}_pending_uq`, table, ['tenant_id', target, 'requester_id'], {
    unique: true,
    where: ['status', 'pending'],
  });
  await ddl.createIndex(db, `${table}_${targetIndex}_ix`, table, ['tenant_id', target, 'status']);
  await ddl.createIndex(db, `${table}_requester_ix`, table, ['tenant_id', 'requester_id', 'created_date_time']);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('group_join_requests').execute();
  await db.schema.dropTable('app_access_requests').execute();
  await db.schema.alterTable('groups').dropColumn('join_policy').execute();
}
