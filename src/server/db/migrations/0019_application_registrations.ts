import type { Kysely } from 'kysely';

// App registrations (Graph's `application` objects), paired 1:1 with service principals. The
// properties both objects show (display name, redirect URIs, identifier URIs, app roles, secrets,
// owners) stay in the service principal's tables, one stored value; this table keeps the object id
// of the application and what only it has: which redirect URIs are single-page-app or
// public-client ones (the others are web ones) and the API permissions it declares
// (requiredResourceAccess). Every existing service principal gets its application object.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('application_registrations')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('service_principal_id', 'text', (c) => c.notNull().references('service_principals.id').onDelete('cascade'))
    .addColumn('spa_redirect_uris', 'text', (c) => c.notNull())
    .addColumn('public_client_redirect_uris', 'text', (c) => c.notNull())
    .addColumn('required_resource_access', 'text', (c) => c.notNull())
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('application_registrations_sp_uq')
    .on('application_registrations')
    .column('service_principal_id')
    .unique()
    .execute();
  await db.schema
    .createIndex('application_registrations_tenant_ix')
    .on('application_registrations')
    .column('tenant_id')
    .execute();

  // Backfill: one application object per existing service principal (a fresh random object id).
  const d = db as Kysely<any>;
  // Microsoft Graph's own service principal (0018) has no application object in the tenant: its
  // registration lives in Microsoft's tenant, as in Entra.
  const sps = (await d
    .selectFrom('service_principals')
    .select(['id', 'tenant_id', 'created_date_time'])
    .where('app_id', '<>', '00000003-0000-0000-c000-000000000000')
    .execute()) as {
    id: string;
    tenant_id: string;
    created_date_time: string;
  }[];
  for (let i = 0; i < sps.length; i += 200) {
    await d
      .insertInto('application_registrations')
      .values(
        sps.slice(i, i + 200).map((sp) => ({
          id: globalThis.crypto.randomUUID(),
          tenant_id: sp.tenant_id,
          service_principal_id: sp.id,
          spa_redirect_uris: '[]',
          public_client_redirect_uris: '[]',
          required_resource_access: '[]',
          created_date_time: sp.created_date_time,
        })),
      )
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('application_registrations').ifExists().execute();
}
