import { type Kysely, sql } from 'kysely';

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

  await db.schema
    .createTable('app_access_requests')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    // No foreign keys to the application, group or people: a request is also a record of what
    // was asked and decided, kept (with the names of the time) when they are deleted.
    .addColumn('service_principal_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('app_display_name', 'text', (c) => c.notNull())
    .addColumn('requester_id', 'text', (c) => c.notNull())
    .addColumn('requester_display_name', 'text', (c) => c.notNull())
    .addColumn('requester_user_principal_name', 'text')
    .addColumn('justification', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('app_role_id', 'text', (c) => c.notNull())
    .addColumn('require_approval', 'integer', (c) => c.notNull())
    // pending → approved | denied | canceled | failed (guarded: update … where status = 'pending').
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .addColumn('decided_by_id', 'text')
    .addColumn('decided_by_display_name', 'text')
    .addColumn('decided_date_time', 'text')
    .addColumn('decision_reason', 'text')
    .execute();
  await db.schema
    .createIndex('app_access_requests_pending_uq')
    .on('app_access_requests')
    .columns(['tenant_id', 'service_principal_id', 'requester_id'])
    .unique()
    .where(sql.ref('status'), '=', 'pending')
    .execute();
  await db.schema
    .createIndex('app_access_requests_app_ix')
    .on('app_access_requests')
    .columns(['tenant_id', 'service_principal_id', 'status'])
    .execute();
  await db.schema
    .createIndex('app_access_requests_requester_ix')
    .on('app_access_requests')
    .columns(['tenant_id', 'requester_id', 'created_date_time'])
    .execute();

  await db.schema
    .createTable('group_join_requests')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('group_display_name', 'text', (c) => c.notNull())
    .addColumn('requester_id', 'text', (c) => c.notNull())
    .addColumn('requester_display_name', 'text', (c) => c.notNull())
    .addColumn('requester_user_principal_name', 'text')
    .addColumn('justification', 'text')
    // pending → approved | rejected | canceled | failed; an open group's join is stored as approved.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .addColumn('decided_by_id', 'text')
    .addColumn('decided_by_display_name', 'text')
    .addColumn('decided_date_time', 'text')
    .addColumn('decision_reason', 'text')
    .execute();
  await db.schema
    .createIndex('group_join_requests_pending_uq')
    .on('group_join_requests')
    .columns(['tenant_id', 'group_id', 'requester_id'])
    .unique()
    .where(sql.ref('status'), '=', 'pending')
    .execute();
  await db.schema
    .createIndex('group_join_requests_group_ix')
    .on('group_join_requests')
    .columns(['tenant_id', 'group_id', 'status'])
    .execute();
  await db.schema
    .createIndex('group_join_requests_requester_ix')
    .on('group_join_requests')
    .columns(['tenant_id', 'requester_id', 'created_date_time'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('group_join_requests').execute();
  await db.schema.dropTable('app_access_requests').execute();
  await db.schema.alterTable('groups').dropColumn('join_policy').execute();
}
