import { type Kysely, sql } from 'kysely';
import * as ddl from '../migration-helpers.js';

// Migrations import nothing from the app: they describe tables as they were at this version.
// Portable types only: ids and timestamps are text (UUID strings, ISO-8601 UTC), booleans are
// integer 0/1, JSON documents are text. The same statements run on SQLite and PostgreSQL.

export async function up(db: Kysely<unknown>): Promise<void> {
  await ddl.createTable(db, 'tenants', {
    id: 'text primary key not null',
    display_name: 'text not null',
    initial_domain: 'text not null',
    is_default: 'integer not null default 0',
    privacy_statement_url: 'text',
    privacy_contact_email: 'text',
    technical_notification_mails: "text not null default '[]'",
    created_date_time: 'text not null',
  });
  await ddl.createIndex(db, 'tenants_initial_domain_uq', 'tenants', ['initial_domain'], { unique: true });

  await ddl.createTable(db, 'users', {
    ...ddl.TENANT_OBJECT,
    display_name: 'text not null',
    given_name: 'text',
    surname: 'text',
    mail: 'text',
    mail_lower: 'text',
    other_mails: "text not null default '[]'",
    user_principal_name: 'text not null',
    upn_lower: 'text not null',
    user_type: 'text not null',
    account_enabled: 'integer not null default 1',
    creation_type: 'text',
    external_user_state: 'text',
    external_user_state_change_date_time: 'text',
    identities: "text not null default '[]'",
    department: 'text',
    job_title: 'text',
    company_name: 'text',
    preferred_language: 'text',
    password_hash: 'text',
    created_date_time: 'text not null',
  });
  await ddl.createIndex(db, 'users_upn_uq', 'users', ['tenant_id', 'upn_lower'], { unique: true });
  await ddl.createIndex(db, 'users_mail_uq', 'users', ['tenant_id', 'mail_lower'], { unique: true });
  await ddl.createIndex(db, 'users_display_name_ix', 'users', ['tenant_id', 'display_name', 'id']);

  await ddl.createTable(db, 'groups', {
    ...ddl.TENANT_OBJECT,
    display_name: 'text not null',
    description: 'text',
    mail_nickname: 'text not null',
    mail_nickname_lower: 'text not null',
    mail: 'text',
    mail_enabled: 'integer not null default 0',
    security_enabled: 'integer not null default 1',
    group_types: "text not null default '[]'",
    membership_rule: 'text',
    membership_rule_processing_state: 'text',
    on_premises_sync_enabled: 'integer',
    visibility: 'text',
    is_assignable_to_role: 'integer not null default 0',
    created_by_user_id: 'text',
    created_date_time: 'text not null',
  });
  await ddl.createIndex(db, 'groups_display_name_ix', 'groups', ['tenant_id', 'display_name', 'id']);
  await ddl.createIndex(db, 'groups_mail_nickname_ix', 'groups', ['tenant_id', 'mail_nickname_lower']);

  // Members and owners reference users or groups (a polymorphic directory object id), so the
  // member side has no foreign key; services delete memberships when an object is deleted.
  await ddl.createLinkTable(db, 'group_members', ['group_id', 'groups.id'], 'member_id', { member_type: 'text not null' });
  await ddl.createIndex(db, 'group_members_member_ix', 'group_members', ['member_id', 'group_id']);
  await ddl.createLinkTable(db, 'group_owners', ['group_id', 'groups.id'], 'owner_id', { owner_type: 'text not null' });
  await ddl.createIndex(db, 'group_owners_owner_ix', 'group_owners', ['owner_id', 'group_id']);

  await ddl.createTable(db, 'role_assignments', {
    ...ddl.TENANT_OBJECT,
    principal_id: 'text not null',
    role_definition_id: 'text not null',
    directory_scope_id: 'text not null',
    created_date_time: 'text not null',
  });
  await ddl.createIndex(
    db,
    'role_assignments_uq',
    'role_assignments',
    ['tenant_id', 'principal_id', 'role_definition_id', 'directory_scope_id'],
    { unique: true },
  );

  // Tenant-wide policy documents (authorizationPolicy, groupManagementPolicy, later b2b policies).
  await ddl.createTableWithKey(db, 'policies', ['tenant_id', 'name'], {
    tenant_id: 'text not null references tenants.id',
    name: 'text not null',
    value: 'text not null',
    updated_date_time: 'text not null',
  });

  await ddl.createTable(db, 'directory_audits', {
    ...ddl.TENANT_RECORD,
    activity_date_time: 'text not null',
    activity_display_name: 'text not null',
    category: 'text not null',
    correlation_id: 'text not null',
    logged_by_service: 'text not null',
    operation_type: 'text not null',
    result: 'text not null',
    result_reason: "text not null default ''",
    initiated_by: 'text not null',
    initiator_user_id: 'text',
    initiator_app_id: 'text',
    target_resources: 'text not null',
    additional_details: "text not null default '[]'",
  });
  await ddl.createIndex(db, 'directory_audits_time_ix', 'directory_audits', ['tenant_id', 'activity_date_time', 'id']);
  await ddl.createTableWithKey(db, 'directory_audit_targets', ['audit_id', 'target_id'], {
    audit_id: 'text not null references directory_audits.id on delete cascade',
    tenant_id: 'text not null',
    target_id: 'text not null',
  });
  await ddl.createIndex(db, 'directory_audit_targets_ix', 'directory_audit_targets', ['tenant_id', 'target_id']);

  // Automation clients (client-credentials grant with Graph application permissions).
  await ddl.createTable(db, 'automation_clients', {
    ...ddl.TENANT_OBJECT,
    display_name: 'text not null',
    secret_hash: 'text not null',
    permissions: 'text not null',
    created_date_time: 'text not null',
  });

  // Token-signing keys per tenant. Private keys are stored as JWK; keep the database private.
  await ddl.createTable(db, 'signing_keys', {
    kid: 'text primary key not null',
    tenant_id: 'text not null references tenants.id',
    alg: 'text not null',
    private_jwk: 'text not null',
    public_jwk: 'text not null',
    created_date_time: 'text not null',
    retired_date_time: 'text',
  });

  // Instance-wide secrets shared by every process on one database (cookie keys).
  await ddl.createTable(db, 'instance_secrets', {
    name: 'text primary key not null',
    value: 'text not null',
    created_date_time: 'text not null',
  });

  // oidc-provider artefacts (sessions, interactions, codes, grants, tokens) via the Kysely adapter.
  await ddl.createTableWithKey(db, 'oidc_payloads', ['model', 'id'], {
    model: 'text not null',
    id: 'text not null',
    payload: 'text not null',
    grant_id: 'text',
    user_code: 'text',
    uid: 'text',
    expires_at: 'text',
    consumed_at: 'text',
  });
  await ddl.createIndex(db, 'oidc_payloads_grant_ix', 'oidc_payloads', ['grant_id']);
  await ddl.createIndex(db, 'oidc_payloads_uid_ix', 'oidc_payloads', ['uid']);
  await ddl.createIndex(db, 'oidc_payloads_expires_ix', 'oidc_payloads', ['expires_at']);

  // Fixed-window counters for rate limits that must hold across processes (sign-in failures…).
  await ddl.createTable(db, 'rate_limits', {
    key: 'text primary key not null',
    count: 'integer not null',
    window_ends_at: 'text not null',
  });

  await sql`select 1`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await ddl.dropTables(db, [
    'rate_limits',
    'oidc_payloads',
    'instance_secrets',
    'signing_keys',
    'automation_clients',
    'directory_audit_targets',
    'directory_audits',
    'policies',
    'role_assignments',
    'group_owners',
    'group_members',
    'groups',
    'users',
    'tenants',
  ]);
}
