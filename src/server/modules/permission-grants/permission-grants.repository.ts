import type { OAuth2PermissionGrant } from '../../../contracts/permission-grants.js';
import type { Executor } from '../../db/index.js';
import { tenantRow, updateTenantRows } from '../../db/tenant-rows.js';
import type { ODataQuery } from '../../odata/query.js';
import { mappedPage } from '../../odata/rows-page.js';
import { permissionGrantsResource } from './permission-grants.query.js';
import type { OAuth2PermissionGrantsTable } from './permission-grants.table.js';

export const ALL_PRINCIPALS = 'AllPrincipals';

const toGrant = (r: OAuth2PermissionGrantsTable): OAuth2PermissionGrant => ({
  id: r.id,
  clientId: r.client_id,
  consentType: r.consent_type === ALL_PRINCIPALS ? 'AllPrincipals' : 'Principal',
  principalId: r.principal_id,
  resourceId: r.resource_id,
  scope: r.scope,
});

export async function findPermissionGrant(
  db: Executor,
  tenantId: string,
  id: string,
): Promise<OAuth2PermissionGrant | undefined> {
  const r = await tenantRow(db.selectFrom('oauth2_permission_grants').selectAll(), tenantId, { id });
  return r && toGrant(r);
}

/** The grant of a client for one principal (or AllPrincipals) on a resource. */
export async function findGrantFor(
  db: Executor,
  tenantId: string,
  k: { clientId: string; resourceId: string; principalKey: string },
): Promise<OAuth2PermissionGrant | undefined> {
  const r = await tenantRow(db.selectFrom('oauth2_permission_grants').selectAll(), tenantId, {
    client_id: k.clientId,
    resource_id: k.resourceId,
    principal_key: k.principalKey,
  });
  return r && toGrant(r);
}

export function listPermissionGrants(
  db: Executor,
  tenantId: string,
  q: ODataQuery,
): Promise<{ items: OAuth2PermissionGrant[]; skiptoken?: string; count?: number }> {
  return mappedPage(
    db.selectFrom('oauth2_permission_grants').where('tenant_id', '=', tenantId),
    permissionGrantsResource,
    q,
    toGrant,
  );
}

/** Scopes granted to a client on a resource for a user: admin consent (AllPrincipals) plus theirs. */
export async function grantedScopes(
  db: Executor,
  tenantId: string,
  k: { clientId: string; resourceId: string; userId: string | undefined },
): Promise<string[]> {
  const keys = k.userId ? [ALL_PRINCIPALS, k.userId] : [ALL_PRINCIPALS];
  const rows = await db
    .selectFrom('oauth2_permission_grants')
    .select('scope')
    .where('tenant_id', '=', tenantId)
    .where('client_id', '=', k.clientId)
    .where('resource_id', '=', k.resourceId)
    .where('principal_key', 'in', keys)
    .execute();
  return [...new Set(rows.flatMap((r) => r.scope.split(' ').filter(Boolean)))];
}

export async function insertPermissionGrant(
  db: Executor,
  tenantId: string,
  g: OAuth2PermissionGrant,
  createdDateTime: string,
): Promise<void> {
  await db
    .insertInto('oauth2_permission_grants')
    .values({
      id: g.id,
      tenant_id: tenantId,
      client_id: g.clientId,
      consent_type: g.consentType,
      principal_id: g.principalId,
      principal_key: g.principalId ?? ALL_PRINCIPALS,
      resource_id: g.resourceId,
      scope: g.scope,
      created_date_time: createdDateTime,
    })
    .execute();
}

export function updatePermissionGrantScope(db: Executor, tenantId: string, id: string, scope: string): Promise<boolean> {
  return updateTenantRows(db.updateTable('oauth2_permission_grants').set({ scope }), tenantId, { id });
}

export async function deletePermissionGrant(db: Executor, tenantId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom('oauth2_permission_grants')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
