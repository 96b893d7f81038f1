import type { Kysely } from 'kysely';
import * as ddl from '../migration-helpers.js';

// Enterprise applications (service principals), their owners, client secrets, unique service
// principal names and app role assignments. Same portability rules as 0001.

export async function up(db: Kysely<unknown>): Promise<void> {
  await ddl.createTable(db, 'service_principals', {
    ...ddl.TENANT_OBJECT,
    // The OIDC client id; globally unique so that a client can be found without knowing its tenant.
    app_id: 'text not null',
    display_name: 'text not null',
    description: 'text',
    notes: 'text',
    homepage: 'text',
    login_url: 'text',
    logout_url: 'text',
    reply_urls: "text not null default '[]'",
    preferred_single_sign_on_mode: 'text',
    app_role_assignment_required: 'integer not null default 0',
    app_roles: "text not null default '[]'",
    tags: "text not null default '[]'",
    account_enabled: 'integer not null default 1',
    logo_url: 'text',
    // JSON copy of the names for reading and $filter; uniqueness lives in service_principal_names.
    service_principal_names: "text not null default '[]'",
    saml_relay_state: 'text',
    self_service_access: "text not null default '{}'",
    // Certificate metadata (token signing), written by the SAML configuration; never private keys.
    key_credentials: "text not null default '[]'",
    application_template_id: 'text',
    created_date_time: 'text not null',
  });
  await ddl.createIndex(db, 'service_principals_app_id_uq', 'service_principals', ['app_id'], { unique: true });
  await ddl.createIndex(db, 'service_principals_display_name_ix', 'service_principals', ['tenant_id', 'display_name', 'id']);

  // One row per name, lower-cased: a SAML entity id identifies one application of the tenant.
  await ddl.createTableWithKey(db, 'service_principal_names', ['tenant_id', 'name_lower'], {
    tenant_id: 'text not null',
    name_lower: 'text not null',
    service_principal_id: 'text not null references service_principals.id on delete cascade',
  });
  await ddl.createIndex(db, 'service_principal_names_sp_ix', 'service_principal_names', ['service_principal_id']);

  await ddl.createLinkTable(db, 'service_principal_owners', ['service_principal_id', 'service_principals.id'], 'owner_id');
  await ddl.createIndex(db, 'service_principal_owners_owner_ix', 'service_principal_owners', [
    'owner_id',
    'service_principal_id',
  ]);

  // Client secrets: only the SHA-256 of the secret is kept; the secret is shown once at creation.
  await ddl.createTable(db, 'service_principal_passwords', {
    key_id: 'text primary key not null',
    tenant_id: 'text not null',
    service_principal_id: 'text not null references service_principals.id on delete cascade',
    display_name: 'text',
    hint: 'text not null',
    secret_hash: 'text not null',
    start_date_time: 'text not null',
    end_date_time: 'text not null',
    created_date_time: 'text not null',
  });
  await ddl.createIndex(db, 'service_principal_passwords_sp_ix', 'service_principal_passwords', ['service_principal_id']);

  // Principals are users or groups (polymorphic id, no foreign key): the users and groups services
  // remove a principal's assignments in the transaction that deletes it.
  await ddl.createTable(db, 'app_role_assignments', {
    ...ddl.TENANT_RECORD,
    resource_id: 'text not null references service_principals.id on delete cascade',
    principal_id: 'text not null',
    principal_type: 'text not null',
    app_role_id: 'text not null',
    created_date_time: 'text not null',
  });
  await ddl.createIndex(db, 'app_role_assignments_uq', 'app_role_assignments', ['resource_id', 'principal_id', 'app_role_id'], {
    unique: true,
  });
  await ddl.createIndex(db, 'app_role_assignments_principal_ix', 'app_role_assignments', ['tenant_id', 'principal_id']);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await ddl.dropTables(db, [
    'app_role_assignments',
    'service_principal_passwords',
    'service_principal_owners',
    'service_principal_names',
    'service_principals',
  ]);
}
