import type { RequiredResourceAccess } from '../../../contracts/app-registrations.js';
import type { Executor } from '../../db/index.js';
import { updateTenantRows } from '../../db/tenant-rows.js';
import type { ODataQuery } from '../../odata/query.js';
import { mappedPage } from '../../odata/rows-page.js';
import { applicationsResource } from './app-registrations.query.js';
import type { ApplicationRegistrationsTable } from './app-registrations.table.js';

type Page<T> = { items: T[]; skiptoken?: string; count?: number };

/** What the application object keeps of its own; everything else is read from its service principal. */
export interface StoredRegistration {
  id: string;
  servicePrincipalId: string;
  spaRedirectUris: string[];
  publicClientRedirectUris: string[];
  requiredResourceAccess: RequiredResourceAccess[];
  createdDateTime: string;
}

const toRegistration = (
  r: Pick<
    ApplicationRegistrationsTable,
    | 'id'
    | 'service_principal_id'
    | 'spa_redirect_uris'
    | 'public_client_redirect_uris'
    | 'required_resource_access'
    | 'created_date_time'
  >,
): StoredRegistration => ({
  id: r.id,
  servicePrincipalId: r.service_principal_id,
  spaRedirectUris: JSON.parse(r.spa_redirect_uris) as string[],
  publicClientRedirectUris: JSON.parse(r.public_client_redirect_uris) as string[],
  requiredResourceAccess: JSON.parse(r.required_resource_access) as RequiredResourceAccess[],
  createdDateTime: r.created_date_time,
});

const registrationColumns = [
  'r.id',
  'r.service_principal_id',
  'r.spa_redirect_uris',
  'r.public_client_redirect_uris',
  'r.required_resource_access',
  'r.created_date_time',
] as const;

/** Registrations joined with the columns of their service principal that OData filters and orders on. */
const joined = (db: Executor, tenantId: string) =>
  db
    .selectFrom('application_registrations as r')
    .innerJoin('service_principals as s', 's.id', 'r.service_principal_id')
    .where('r.tenant_id', '=', tenantId)
    .select([...registrationColumns, 's.app_id', 's.display_name', 's.description', 's.service_principal_names']);

const toRow = (tenantId: string, r: StoredRegistration): ApplicationRegistrationsTable => ({
  id: r.id,
  tenant_id: tenantId,
  service_principal_id: r.servicePrincipalId,
  spa_redirect_uris: JSON.stringify(r.spaRedirectUris),
  public_client_redirect_uris: JSON.stringify(r.publicClientRedirectUris),
  required_resource_access: JSON.stringify(r.requiredResourceAccess),
  created_date_time: r.createdDateTime,
});

export async function insertRegistration(db: Executor, tenantId: string, r: StoredRegistration): Promise<void> {
  await db.insertInto('application_registrations').values(toRow(tenantId, r)).execute();
}

/** Bulk load (`portico seed`): one multi-row statement; the caller batches. */
export async function insertRegistrations(db: Executor, tenantId: string, rs: readonly StoredRegistration[]): Promise<void> {
  if (rs.length === 0) return;
  await db
    .insertInto('application_registrations')
    .values(rs.map((r) => toRow(tenantId, r)))
    .execute();
}

export async function updateRegistration(db: Executor, tenantId: string, r: StoredRegistration): Promise<void> {
  const update = db.updateTable('application_registrations').set({
    spa_redirect_uris: JSON.stringify(r.spaRedirectUris),
    public_client_redirect_uris: JSON.stringify(r.publicClientRedirectUris),
    required_resource_access: JSON.stringify(r.requiredResourceAccess),
  });
  await updateTenantRows(update, tenantId, { id: r.id });
}

/** By application object id, or by the appId of its service principal. */
export async function findRegistration(
  db: Executor,
  tenantId: string,
  key: { id: string } | { appId: string },
): Promise<StoredRegistration | undefined> {
  const q = joined(db, tenantId);
  const r = await ('id' in key
    ? q.where('r.id', '=', key.id.toLowerCase())
    : q.where('s.app_id', '=', key.appId.toLowerCase())
  ).executeTakeFirst();
  return r && toRegistration(r);
}

/** Registrations by object id (directoryObjects/getByIds). */
export async function findRegistrationsByIds(
  db: Executor,
  tenantId: string,
  ids: readonly string[],
): Promise<StoredRegistration[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('application_registrations')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where(
      'id',
      'in',
      ids.map((i) => i.toLowerCase()),
    )
    .execute();
  return rows.map(toRegistration);
}

/** One page of the tenant's registrations ($filter, $orderby, $search, $count on the joined columns). */
export function listRegistrations(db: Executor, tenantId: string, q: ODataQuery): Promise<Page<StoredRegistration>> {
  return mappedPage(db.selectFrom(joined(db, tenantId).as('a')), applicationsResource, q, toRegistration);
}

/** Owner ids of several service principals (oldest ownership first), for `$expand=owners`. */
export async function ownersOfServicePrincipals(
  db: Executor,
  tenantId: string,
  spIds: readonly string[],
): Promise<{ servicePrincipalId: string; ownerId: string }[]> {
  if (spIds.length === 0) return [];
  const rows = await db
    .selectFrom('service_principal_owners')
    .select(['service_principal_id', 'owner_id'])
    .where('tenant_id', '=', tenantId)
    .where('service_principal_id', 'in', [...spIds])
    .orderBy('created_date_time')
    .orderBy('owner_id')
    .execute();
  return rows.map((r) => ({ servicePrincipalId: r.service_principal_id, ownerId: r.owner_id }));
}
