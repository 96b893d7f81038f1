import type { Kysely } from 'kysely';
import * as ddl from '../migration-helpers.js';

// Delegated permission grants (Graph's oauth2PermissionGrant): which Microsoft Graph delegated
// permissions an application (its service principal, `client_id`) holds, for every user of the
// tenant (admin consent, `AllPrincipals`) or for one user (user consent, `Principal`).
// `principal_key` is the principal id or 'AllPrincipals', so one grant per client, resource and
// principal is a plain unique index on both dialects.

export async function up(db: Kysely<unknown>): Promise<void> {
  await ddl.createTable(db, 'oauth2_permission_grants', {
    ...ddl.TENANT_OBJECT,
    client_id: 'text not null references service_principals.id on delete cascade',
    consent_type: 'text not null',
    principal_id: 'text',
    principal_key: 'text not null',
    resource_id: 'text not null',
    scope: 'text not null',
    created_date_time: 'text not null',
  });
  await ddl.createIndex(
    db,
    'oauth2_permission_grants_uq',
    'oauth2_permission_grants',
    ['tenant_id', 'client_id', 'resource_id', 'principal_key'],
    { unique: true },
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oauth2_permission_grants').ifExists().execute();
}
