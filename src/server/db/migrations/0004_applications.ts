import type { Kysely } from 'kysely';

// Enterprise applications (service principals), their owners, client secrets, unique service
// principal names and app role assignments. Same portability rules as 0001.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('service_principals')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    // The OIDC client id; globally unique so that a client can be found without knowing its tenant.
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('notes', 'text')
    .addColumn('homepage', 'text')
    .addColumn('login_url', 'text')
    .addColumn('logout_url', 'text')
    .addColumn('reply_urls', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('preferred_single_sign_on_mode', 'text')
    .addColumn('app_role_assignment_required', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('app_roles', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('account_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('logo_url', 'text')
    // JSON copy of the names for reading and $filter; uniqueness lives in service_principal_names.
    .addColumn('service_principal_names', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('saml_relay_state', 'text')
    .addColumn('self_service_access', 'text', (c) => c.notNull().defaultTo('{}'))
    // Certificate metadata (token signing), written by the SAML configuration; never private keys.
    .addColumn('key_credentials', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('application_template_id', 'text')
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('service_principals_app_id_uq').on('service_principals').column('app_id').unique().execute();
  await db.schema
    .createIndex('service_principals_display_name_ix')
    .on('service_principals')
    .columns(['tenant_id', 'display_name', 'id'])
    .execute();

  // One row per name, lower-cased: a SAML entity id identifies one application of the tenant.
  await db.schema
    .createTable('service_principal_names')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('name_lower', 'text', (c) => c.notNull())
    .addColumn('service_principal_id', 'text', (c) => c.notNull().references('service_principals.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('service_principal_names_pk', ['tenant_id', 'name_lower'])
    .execute();
  await db.schema
    .createIndex('service_principal_names_sp_ix')
    .on('service_principal_names')
    .column('service_principal_id')
    .execute();

  await db.schema
    .createTable('service_principal_owners')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('service_principal_id', 'text', (c) => c.notNull().references('service_principals.id').onDelete('cascade'))
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('service_principal_owners_pk', ['service_principal_id', 'owner_id'])
    .execute();
  await db.schema
    .createIndex('service_principal_owners_owner_ix')
    .on('service_principal_owners')
    .columns(['owner_id', 'service_principal_id'])
    .execute();

  // Client secrets: only the SHA-256 of the secret is kept; the secret is shown once at creation.
  await db.schema
    .createTable('service_principal_passwords')
    .addColumn('key_id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('service_principal_id', 'text', (c) => c.notNull().references('service_principals.id').onDelete('cascade'))
    .addColumn('display_name', 'text')
    .addColumn('hint', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('start_date_time', 'text', (c) => c.notNull())
    .addColumn('end_date_time', 'text', (c) => c.notNull())
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('service_principal_passwords_sp_ix')
    .on('service_principal_passwords')
    .column('service_principal_id')
    .execute();

  // Principals are users or groups (polymorphic id, no foreign key): the users and groups services
  // remove a principal's assignments in the transaction that deletes it.
  await db.schema
    .createTable('app_role_assignments')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull().references('service_principals.id').onDelete('cascade'))
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('principal_type', 'text', (c) => c.notNull())
    .addColumn('app_role_id', 'text', (c) => c.notNull())
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('app_role_assignments_uq')
    .on('app_role_assignments')
    .columns(['resource_id', 'principal_id', 'app_role_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('app_role_assignments_principal_ix')
    .on('app_role_assignments')
    .columns(['tenant_id', 'principal_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'app_role_assignments',
    'service_principal_passwords',
    'service_principal_owners',
    'service_principal_names',
    'service_principals',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
