import { type Kysely, sql } from 'kysely';
import { createIndex, createTable } from '../migration-helpers.js';

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

  await createTable(db, 'app_access_requests', {
    id: 'text primary key not null',
    tenant_id: 'text not null references tenants.id',
    // No foreign keys to the application, group or people: a request is also a record of what
    // was asked and decided, kept (with the names of the time) when they are deleted.
    service_principal_id: 'text not null',
    app_id: 'text not null',
    app_display_name: 'text not null',
    requester_id: 'text not null',
    requester_display_name: 'text not null',
    requester_user_principal_name: 'text',
    justification: 'text not null',
    group_id: 'text not null',
    app_role_id: 'text not null',
    require_approval: 'integer not null',
    // pending → approved | denied | canceled | failed (guarded: update … where status = 'pending').
    status: 'text not null',
    created_date_time: 'text not null',
    decided_by_id: 'text',
    decided_by_display_name: 'text',
    decided_date_time: 'text',
    decision_reason: 'text',
  });
  await createIndex(
    db,
    'app_access_requests_pending_uq',
    'app_access_requests',
    ['tenant_id', 'service_principal_id', 'requester_id'],
    { unique: true, where: ['status', 'pending'] },
  );
  await createIndex(db, 'app_access_requests_app_ix', 'app_access_requests', ['tenant_id', 'service_principal_id', 'status']);
  await createIndex(db, 'app_access_requests_requester_ix', 'app_access_requests', [
    'tenant_id',
    'requester_id',
    'created_date_time',
  ]);

  await createTable(db, 'group_join_requests', {
    id: 'text primary key not null',
    tenant_id: 'text not null references tenants.id',
    group_id: 'text not null',
    group_display_name: 'text not null',
    requester_id: 'text not null',
    requester_display_name: 'text not null',
    requester_user_principal_name: 'text',
    justification: 'text',
    // pending → approved | rejected | canceled | failed; an open group's join is stored as approved.
    status: 'text not null',
    created_date_time: 'text not null',
    decided_by_id: 'text',
    decided_by_display_name: 'text',
    decided_date_time: 'text',
    decision_reason: 'text',
  });
  await createIndex(db, 'group_join_requests_pending_uq', 'group_join_requests', ['tenant_id', 'group_id', 'requester_id'], {
    unique: true,
    where: ['status', 'pending'],
  });
  await createIndex(db, 'group_join_requests_group_ix', 'group_join_requests', ['tenant_id', 'group_id', 'status']);
  await createIndex(db, 'group_join_requests_requester_ix', 'group_join_requests', [
    'tenant_id',
    'requester_id',
    'created_date_time',
  ]);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('group_join_requests').execute();
  await db.schema.dropTable('app_access_requests').execute();
  await db.schema.alterTable('groups').dropColumn('join_policy').execute();
}
