import type { Kysely } from 'kysely';
import * as ddl from '../migration-helpers.js';

// App registrations (Graph's `application` objects), paired 1:1 with service principals. The
// properties both objects show (display name, redirect URIs, identifier URIs, app roles, secrets,
// owners) stay in the service principal's tables, one stored value; this table keeps the object id
// of the application and what only it has: which redirect URIs are single-page-app or
// public-client ones (the others are web ones) and the API permissions it declares
// (requiredResourceAccess). Every existing service principal gets its application object.

export async function up(db: Kysely<unknown>): Promise<void> {
  await ddl.createTable(db, 'application_registrations', {
    ...ddl.TENANT_OBJECT,
    service_principal_id: 'text not null references service_principals.id on delete cascade',
    spa_redirect_uris: 'text not null',
    public_client_redirect_uris: 'text not null',
    required_resource_access: 'text not null',
    created_date_time: 'text not null',
  });
  await ddl.createIndex(db, 'application_registrations_sp_uq', 'application_registrations', ['service_principal_id'], {
    unique: true,
  });
  await ddl.createIndex(db, 'application_registrations_tenant_ix', 'application_registrations', ['tenant_id']);

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
