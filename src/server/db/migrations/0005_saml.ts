import type { Kysely } from 'kysely';

// SAML 2.0 identity provider: token-signing certificates, answered AuthnRequest ids (replay
// protection) and the per-application SAML settings. Same portability rules as 0001.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Signing certificates: one per tenant by default (service_principal_id null), or an
  // application's own after addTokenSigningCertificate. The newest of an application (else of its
  // tenant) signs; older ones stay for audit and download. Private keys are PKCS#8 PEM: protect the
  // database (and its backups) like the OIDC signing keys.
  await db.schema
    .createTable('saml_signing_certificates')
    .addColumn('key_id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('service_principal_id', 'text', (c) => c.references('service_principals.id').onDelete('cascade'))
    // Set (to the tenant id) on the tenant's first certificate only: two processes creating it at
    // once collide here and the loser reads the winner's, so every response is signed by the one
    // certificate the metadata publishes.
    .addColumn('initial_for_tenant', 'text')
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('certificate_pem', 'text', (c) => c.notNull())
    .addColumn('private_key_pem', 'text', (c) => c.notNull())
    .addColumn('thumbprint', 'text', (c) => c.notNull())
    .addColumn('start_date_time', 'text', (c) => c.notNull())
    .addColumn('end_date_time', 'text', (c) => c.notNull())
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('saml_signing_certificates_initial_uq')
    .on('saml_signing_certificates')
    .column('initial_for_tenant')
    .unique()
    .execute();
  await db.schema
    .createIndex('saml_signing_certificates_owner_ix')
    .on('saml_signing_certificates')
    .columns(['tenant_id', 'service_principal_id', 'created_date_time'])
    .execute();

  // Each AuthnRequest ID of an application is answered once; rows expire with the request.
  await db.schema
    .createTable('saml_request_ids')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('service_principal_id', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('saml_request_ids_pk', ['tenant_id', 'service_principal_id', 'request_id'])
    .execute();
  await db.schema.createIndex('saml_request_ids_expiry_ix').on('saml_request_ids').column('expires_at').execute();

  // Portico extension of the service principal: NameID format, what is signed, attribute statements.
  await db.schema
    .alterTable('service_principals')
    .addColumn('saml_settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('service_principals').dropColumn('saml_settings').execute();
  await db.schema.dropTable('saml_request_ids').ifExists().execute();
  await db.schema.dropTable('saml_signing_certificates').ifExists().execute();
}
