import { type Kysely, sql } from 'kysely';

// Migrations import nothing from the app: they describe tables as they were at this version.
// Portable types only: ids and timestamps are text (UUID strings, ISO-8601 UTC), booleans are
// integer 0/1, JSON documents are text. The same statements run on SQLite and PostgreSQL.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('initial_domain', 'text', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('privacy_statement_url', 'text')
    .addColumn('privacy_contact_email', 'text')
    .addColumn('technical_notification_mails', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tenants_initial_domain_uq').on('tenants').column('initial_domain').unique().execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('given_name', 'text')
    .addColumn('surname', 'text')
    .addColumn('mail', 'text')
    .addColumn('mail_lower', 'text')
    .addColumn('other_mails', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('user_principal_name', 'text', (c) => c.notNull())
    .addColumn('upn_lower', 'text', (c) => c.notNull())
    .addColumn('user_type', 'text', (c) => c.notNull())
    .addColumn('account_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('creation_type', 'text')
    .addColumn('external_user_state', 'text')
    .addColumn('external_user_state_change_date_time', 'text')
    .addColumn('identities', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('department', 'text')
    .addColumn('job_title', 'text')
    .addColumn('company_name', 'text')
    .addColumn('preferred_language', 'text')
    .addColumn('password_hash', 'text')
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_upn_uq').on('users').columns(['tenant_id', 'upn_lower']).unique().execute();
  await db.schema.createIndex('users_mail_uq').on('users').columns(['tenant_id', 'mail_lower']).unique().execute();
  await db.schema.createIndex('users_display_name_ix').on('users').columns(['tenant_id', 'display_name', 'id']).execute();

  await db.schema
    .createTable('groups')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('mail_nickname', 'text', (c) => c.notNull())
    .addColumn('mail_nickname_lower', 'text', (c) => c.notNull())
    .addColumn('mail', 'text')
    .addColumn('mail_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('security_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('group_types', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('membership_rule', 'text')
    .addColumn('membership_rule_processing_state', 'text')
    .addColumn('on_premises_sync_enabled', 'integer')
    .addColumn('visibility', 'text')
    .addColumn('is_assignable_to_role', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by_user_id', 'text')
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('groups_display_name_ix').on('groups').columns(['tenant_id', 'display_name', 'id']).execute();
  await db.schema.createIndex('groups_mail_nickname_ix').on('groups').columns(['tenant_id', 'mail_nickname_lower']).execute();

  // Members and owners reference users or groups (a polymorphic directory object id), so the
  // member side has no foreign key; services delete memberships when an object is deleted.
  await db.schema
    .createTable('group_members')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('member_type', 'text', (c) => c.notNull())
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'member_id'])
    .execute();
  await db.schema.createIndex('group_members_member_ix').on('group_members').columns(['member_id', 'group_id']).execute();

  await db.schema
    .createTable('group_owners')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('owner_type', 'text', (c) => c.notNull())
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_owners_pk', ['group_id', 'owner_id'])
    .execute();
  await db.schema.createIndex('group_owners_owner_ix').on('group_owners').columns(['owner_id', 'group_id']).execute();

  await db.schema
    .createTable('role_assignments')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('role_definition_id', 'text', (c) => c.notNull())
    .addColumn('directory_scope_id', 'text', (c) => c.notNull())
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('role_assignments_uq')
    .on('role_assignments')
    .columns(['tenant_id', 'principal_id', 'role_definition_id', 'directory_scope_id'])
    .unique()
    .execute();

  // Tenant-wide policy documents (authorizationPolicy, groupManagementPolicy, later b2b policies).
  await db.schema
    .createTable('policies')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_date_time', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('policies_pk', ['tenant_id', 'name'])
    .execute();

  await db.schema
    .createTable('directory_audits')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('activity_date_time', 'text', (c) => c.notNull())
    .addColumn('activity_display_name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('correlation_id', 'text', (c) => c.notNull())
    .addColumn('logged_by_service', 'text', (c) => c.notNull())
    .addColumn('operation_type', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('result_reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('initiated_by', 'text', (c) => c.notNull())
    .addColumn('initiator_user_id', 'text')
    .addColumn('initiator_app_id', 'text')
    .addColumn('target_resources', 'text', (c) => c.notNull())
    .addColumn('additional_details', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema
    .createIndex('directory_audits_time_ix')
    .on('directory_audits')
    .columns(['tenant_id', 'activity_date_time', 'id'])
    .execute();
  await db.schema
    .createTable('directory_audit_targets')
    .addColumn('audit_id', 'text', (c) => c.notNull().references('directory_audits.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('directory_audit_targets_pk', ['audit_id', 'target_id'])
    .execute();
  await db.schema
    .createIndex('directory_audit_targets_ix')
    .on('directory_audit_targets')
    .columns(['tenant_id', 'target_id'])
    .execute();

  // Automation clients (client-credentials grant with Graph application permissions).
  await db.schema
    .createTable('automation_clients')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('permissions', 'text', (c) => c.notNull())
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .execute();

  // Token-signing keys per tenant. Private keys are stored as JWK; keep the database private.
  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('private_jwk', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .addColumn('retired_date_time', 'text')
    .execute();

  // Instance-wide secrets shared by every process on one database (cookie keys).
  await db.schema
    .createTable('instance_secrets')
    .addColumn('name', 'text', (c) => c.primaryKey().notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .execute();

  // oidc-provider artefacts (sessions, interactions, codes, grants, tokens) via the Kysely adapter.
  await db.schema
    .createTable('oidc_payloads')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('user_code', 'text')
    .addColumn('uid', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('consumed_at', 'text')
    .addPrimaryKeyConstraint('oidc_payloads_pk', ['model', 'id'])
    .execute();
  await db.schema.createIndex('oidc_payloads_grant_ix').on('oidc_payloads').column('grant_id').execute();
  await db.schema.createIndex('oidc_payloads_uid_ix').on('oidc_payloads').column('uid').execute();
  await db.schema.createIndex('oidc_payloads_expires_ix').on('oidc_payloads').column('expires_at').execute();

  // Fixed-window counters for rate limits that must hold across processes (sign-in failures…).
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey().notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('window_ends_at', 'text', (c) => c.notNull())
    .execute();

  await sql`select 1`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
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
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
