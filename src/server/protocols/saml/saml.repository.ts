import type { Executor } from '../../db/index.js';
import type { SamlSigningCertificatesTable } from './saml.table.js';

/** The SAML IdP's tables: answered AuthnRequest ids and token-signing certificates. */

// ---------------------------------------------------------------------------------------------
// saml_request_ids: each AuthnRequest is answered once.

/**
 * Records that an AuthnRequest id of an application was answered, unless it already was: true for
 * the one caller that recorded it (a single `insert … on conflict do nothing`, so two concurrent
 * answers to one request cannot both pass). Expired records are purged on the way.
 */
export async function insertAnsweredRequestId(
  db: Executor,
  row: { tenantId: string; servicePrincipalId: string; requestId: string; now: Date; keepUntil: Date },
): Promise<boolean> {
  await db.deleteFrom('saml_request_ids').where('expires_at', '<', row.now.toISOString()).execute();
  const r = await db
    .insertInto('saml_request_ids')
    .values({
      tenant_id: row.tenantId,
      service_principal_id: row.servicePrincipalId,
      request_id: row.requestId,
      expires_at: row.keepUntil.toISOString(),
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'service_principal_id', 'request_id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** True when the AuthnRequest id of the application was answered before. */
export async function isRequestIdAnswered(
  db: Executor,
  tenantId: string,
  servicePrincipalId: string,
  requestId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('saml_request_ids')
    .select('request_id')
    .where('tenant_id', '=', tenantId)
    .where('service_principal_id', '=', servicePrincipalId)
    .where('request_id', '=', requestId)
    .executeTakeFirst();
  return row !== undefined;
}

// ---------------------------------------------------------------------------------------------
// saml_signing_certificates: the tenant's certificate and applications' own certificates.

/** The newest certificate of the tenant (`servicePrincipalId` null) or of one application. */
export async function findNewestCertificate(
  db: Executor,
  tenantId: string,
  servicePrincipalId: string | null,
): Promise<SamlSigningCertificatesTable | undefined> {
  let q = db.selectFrom('saml_signing_certificates').selectAll().where('tenant_id', '=', tenantId);
  q =
    servicePrincipalId === null
      ? q.where('service_principal_id', 'is', null)
      : q.where('service_principal_id', '=', servicePrincipalId);
  return q.orderBy('created_date_time', 'desc').orderBy('key_id', 'desc').executeTakeFirst();
}

/**
 * Inserts the tenant's first certificate; false when another process inserted one first (the
 * unique `initial_for_tenant` column makes the race safe).
 */
export async function insertInitialCertificate(db: Executor, row: SamlSigningCertificatesTable): Promise<boolean> {
  const r = await db
    .insertInto('saml_signing_certificates')
    .values({ ...row, initial_for_tenant: row.tenant_id })
    .onConflict((oc) => oc.column('initial_for_tenant').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function insertCertificate(db: Executor, row: SamlSigningCertificatesTable): Promise<void> {
  await db.insertInto('saml_signing_certificates').values(row).execute();
}

/** Every certificate of an application, newest first. */
export async function listApplicationCertificates(
  db: Executor,
  tenantId: string,
  servicePrincipalId: string,
): Promise<SamlSigningCertificatesTable[]> {
  return db
    .selectFrom('saml_signing_certificates')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('service_principal_id', '=', servicePrincipalId)
    .orderBy('created_date_time', 'desc')
    .orderBy('key_id', 'desc')
    .execute();
}
