import type { Kysely } from 'kysely';
import * as ddl from '../migration-helpers.js';

// SAML 2.0 identity provider: token-signing certificates, answered AuthnRequest ids (replay
// protection) and the per-application SAML settings. Same portability rules as 0001.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Signing certificates: one per tenant by default (service_principal_id null), or an
  // application's own after addTokenSigningCertificate. The newest of an application (else of its
  // tenant) signs; older ones stay for audit and download. Private keys are PKCS#8 PEM: protect the
  // database (and its backups) like the OIDC signing keys.
  await ddl.createTable(db, 'saml_signing_certificates', {
    key_id: 'text primary key not null',
    tenant_id: 'text not null references tenants.id',
    service_principal_id: 'text references service_principals.id on delete cascade',
    // Set (to the tenant id) on the tenant's first certificate only: two processes creating it at
    // once collide here and the loser reads the winner's, so every response is signed by the one
    // certificate the metadata publishes.
    initial_for_tenant: 'text',
    display_name: 'text not null',
    certificate_pem: 'text not null',
    private_key_pem: 'text not null',
    thumbprint: 'text not null',
    start_date_time: 'text not null',
    end_date_time: 'text not null',
    created_date_time: 'text not null',
  });
  await ddl.createIndex(db, 'saml_signing_certificates_initial_uq', 'saml_signing_certificates', ['initial_for_tenant'], {
    unique: true,
  });
  await ddl.createIndex(db, 'saml_signing_certificates_owner_ix', 'saml_signing_certificates', [
    'tenant_id',
    'service_principal_id',
    'created_date_time',
  ]);

  // Each AuthnRequest ID of an application is answered once; rows expire with the request.
  await ddl.createTableWithKey(db, 'saml_request_ids', ['tenant_id', 'service_principal_id', 'request_id'], {
    tenant_id: 'text not null',
    service_principal_id: 'text not null',
    request_id: 'text not null',
    expires_at: 'text not null',
  });
  await ddl.createIndex(db, 'saml_request_ids_expiry_ix', 'saml_request_ids', ['expires_at']);

  // Portico extension of the service principal: NameID format, what is signed, attribute statements.
  await db.schema
    .alterTable('service_principals')
    .addColumn('saml_settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('service_principals').dropColumn('saml_settings').execute();
  await ddl.dropTables(db, ['saml_request_ids', 'saml_signing_certificates']);
}
