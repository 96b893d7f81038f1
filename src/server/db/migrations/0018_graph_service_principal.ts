import { type Kysely, sql } from 'kysely';
import * as ddl from '../migration-helpers.js';

// Microsoft Graph's service principal in every tenant (appId 00000003-0000-0000-c000-000000000000):
// the resource of applications' Graph permissions (oauth2PermissionGrants already name its object
// id; appRoleAssignments to it are application permissions). The appId is the same in every
// tenant, so the global unique index on app_id (the OIDC client lookup needs it) leaves Graph's
// rows out, and (tenant_id, app_id) is unique instead. The assignment read model learns the names
// of service principals that hold roles. Tenants created later get the row from the application.

const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** The object id Portico derives for a tenant's Graph service principal (domain/graph-permissions.ts, frozen here). */
async function graphServicePrincipalId(tenantId: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`graph-service-principal:${tenantId}`));
  const h = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('service_principals_app_id_uq').execute();
  await sql`create unique index service_principals_app_id_uq on service_principals (app_id) where app_id <> '00000003-0000-0000-c000-000000000000'`.execute(
    db,
  );
  await ddl.createIndex(db, 'service_principals_tenant_app_id_uq', 'service_principals', ['tenant_id', 'app_id'], {
    unique: true,
  });

  await sql`drop view app_role_assignment_details`.execute(db);
  await sql`
    create view app_role_assignment_details as
      select a.id, a.tenant_id, a.resource_id, a.principal_id, a.principal_type, a.app_role_id, a.created_date_time,
        coalesce(u.display_name, g.display_name, psp.display_name) as principal_display_name,
        sp.display_name as resource_display_name
      from app_role_assignments a
      inner join service_principals sp on sp.id = a.resource_id
      left join users u on u.id = a.principal_id and a.principal_type = 'User'
      left join groups g on g.id = a.principal_id and a.principal_type = 'Group'
      left join service_principals psp on psp.id = a.principal_id and a.principal_type = 'ServicePrincipal'
  `.execute(db);

  const tenants = await sql<{ id: string }>`select id from tenants`.execute(db);
  const now = new Date().toISOString();
  for (const t of tenants.rows) {
    const id = await graphServicePrincipalId(t.id);
    const names = JSON.stringify([GRAPH_APP_ID, 'https://graph.microsoft.com']);
    await sql`
      insert into service_principals (id, tenant_id, app_id, display_name, reply_urls, app_role_assignment_required,
        app_roles, tags, account_enabled, service_principal_names, self_service_access, key_credentials, saml_settings,
        created_date_time)
      values (${id}, ${t.id}, ${GRAPH_APP_ID}, 'Microsoft Graph', '[]', 0, '[]', '[]', 1, ${names}, '{}', '[]', '{}', ${now})
    `.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from app_role_assignments where principal_type = 'ServicePrincipal'`.execute(db);
  await sql`delete from service_principals where app_id = ${GRAPH_APP_ID}`.execute(db);
  await sql`drop view app_role_assignment_details`.execute(db);
  await ddl.createAppRoleAssignmentDetailsOf0006(db);
  await db.schema.dropIndex('service_principals_tenant_app_id_uq').execute();
  await db.schema.dropIndex('service_principals_app_id_uq').execute();
  await ddl.createIndex(db, 'service_principals_app_id_uq', 'service_principals', ['app_id'], { unique: true });
}
