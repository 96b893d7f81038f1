import type { Kysely } from 'kysely';

// Delegated permission grants (Graph's oauth2PermissionGrant): which Microsoft Graph delegated
// permissions an application (its service principal, `client_id`) holds, for every user of the
// tenant (admin consent, `AllPrincipals`) or for one user (user consent, `Principal`).
// `principal_key` is the principal id or 'AllPrincipals', so one grant per client, resource and
// principal is a plain unique index on both dialects.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oauth2_permission_grants')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('client_id', 'text', (c) => c.notNull().references('service_principals.id').onDelete('cascade'))
    .addColumn('consent_type', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text')
    .addColumn('principal_key', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('oauth2_permission_grants_uq')
    .on('oauth2_permission_grants')
    .columns(['tenant_id', 'client_id', 'resource_id', 'principal_key'])
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oauth2_permission_grants').ifExists().execute();
}
