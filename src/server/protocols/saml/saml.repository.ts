import type { Executor } from '../../db/index.js';
import type { SamlLogoutsTable, SamlSessionsTable, SamlSigningCertificatesTable } from './saml.table.js';

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

// ---------------------------------------------------------------------------------------------
// saml_sessions and saml_logouts: single logout.

/** Records an issued assertion's session (expired rows are purged on the way). */
export async function insertSamlSession(db: Executor, row: SamlSessionsTable, now: Date): Promise<void> {
  await db.deleteFrom('saml_sessions').where('expires_at', '<', now.toISOString()).execute();
  await db.insertInto('saml_sessions').values(row).execute();
}

/**
 * The sessions of an application's principal (NameID) named by a LogoutRequest: those with one of
 * `sessionIndexes`, or every one of the principal when the request names none. Ended ones included.
 */
export async function findSessionsOfPrincipal(
  db: Executor,
  k: { tenantId: string; servicePrincipalId: string; nameId: string; sessionIndexes: readonly string[] },
): Promise<SamlSessionsTable[]> {
  let q = db
    .selectFrom('saml_sessions')
    .selectAll()
    .where('tenant_id', '=', k.tenantId)
    .where('service_principal_id', '=', k.servicePrincipalId)
    .where('name_id', '=', k.nameId);
  if (k.sessionIndexes.length > 0) q = q.where('session_index', 'in', [...k.sessionIndexes]);
  return q.orderBy('created_date_time').execute();
}

/** The sessions of a browser session that are still active (oldest first). */
export async function listActiveSessionsOfBrowser(
  db: Executor,
  tenantId: string,
  browserSession: string,
  now: Date,
): Promise<SamlSessionsTable[]> {
  return db
    .selectFrom('saml_sessions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('browser_session', '=', browserSession)
    .where('ended_date_time', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .orderBy('created_date_time')
    .orderBy('session_index')
    .execute();
}

/**
 * Ends an active session for a logout (single guarded statement: of two logouts reaching it at
 * once, one wins). `logoutRequestId` is the LogoutRequest sent to its application, if any. True
 * for the caller that ended it.
 */
export async function endSamlSession(
  db: Executor,
  sessionIndex: string,
  e: { now: Date; logoutId: string | null; logoutRequestId: string | null },
): Promise<boolean> {
  const r = await db
    .updateTable('saml_sessions')
    .set({ ended_date_time: e.now.toISOString(), logout_id: e.logoutId, logout_request_id: e.logoutRequestId })
    .where('session_index', '=', sessionIndex)
    .where('ended_date_time', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The session whose application was sent the LogoutRequest `requestId`. */
export async function findSessionByLogoutRequest(
  db: Executor,
  tenantId: string,
  requestId: string,
): Promise<SamlSessionsTable | undefined> {
  return db
    .selectFrom('saml_sessions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('logout_request_id', '=', requestId)
    .executeTakeFirst();
}

/** Forgets the LogoutRequest of a session once its response arrived (each response counts once). */
export async function clearLogoutRequest(db: Executor, sessionIndex: string, requestId: string): Promise<boolean> {
  const r = await db
    .updateTable('saml_sessions')
    .set({ logout_request_id: null })
    .where('session_index', '=', sessionIndex)
    .where('logout_request_id', '=', requestId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertSamlLogout(db: Executor, row: SamlLogoutsTable, now: Date): Promise<void> {
  await db.deleteFrom('saml_logouts').where('expires_at', '<', now.toISOString()).execute();
  await db.insertInto('saml_logouts').values(row).execute();
}

export async function findSamlLogout(db: Executor, id: string, now: Date): Promise<SamlLogoutsTable | undefined> {
  return db
    .selectFrom('saml_logouts')
    .selectAll()
    .where('id', '=', id)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
}

export async function markSamlLogoutPartial(db: Executor, id: string): Promise<void> {
  await db.updateTable('saml_logouts').set({ partial: 1 }).where('id', '=', id).execute();
}

/** Removes a finished logout: true for the one caller that finished it. */
export async function deleteSamlLogout(db: Executor, id: string): Promise<boolean> {
  const r = await db.deleteFrom('saml_logouts').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}
