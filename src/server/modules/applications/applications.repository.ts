import { sql } from 'kysely';
import type {
  AppRole,
  AppRoleAssignment,
  KeyCredential,
  PasswordCredential,
  PreferredSingleSignOnMode,
  PrincipalType,
  SamlSettings,
  SelfServiceAccess,
  ServicePrincipal,
} from '../../../contracts/applications.js';
import { DEFAULT_SAML_SETTINGS, HIDE_APP_TAG } from '../../../contracts/applications.js';
import type { Executor } from '../../db/index.js';
import {
  deleteTenantRows,
  rowById,
  rowExists,
  rowsByIds,
  rowWhere,
  tenantColumn,
  tenantRowExists,
  tenantRows,
  updateTenantRows,
} from '../../db/tenant-rows.js';
import { GRAPH_APP_ID, graphAppRoles, graphPermissionScopes } from '../../domain/graph-permissions.js';
import { type ODataQuery, queryPage } from '../../odata/query.js';
import { appRoleAssignmentsResource, servicePrincipalsResource } from './applications.query.js';
import type {
  AppRoleAssignmentsTable,
  ServicePrincipalOwnersTable,
  ServicePrincipalPasswordsTable,
  ServicePrincipalsTable,
} from './applications.table.js';

type Page<T> = { items: T[]; skiptoken?: string; count?: number };

export const DEFAULT_SELF_SERVICE: SelfServiceAccess = {
  enabled: false,
  groupId: null,
  requireApproval: false,
  approverIds: [],
  appRoleId: null,
};

/** The stored part of a service principal (credentials live in their own table). */
export type StoredServicePrincipal = Omit<ServicePrincipal, 'passwordCredentials'>;

const toPasswordCredential = (r: ServicePrincipalPasswordsTable): PasswordCredential => ({
  customKeyIdentifier: null,
  displayName: r.display_name,
  endDateTime: r.end_date_time,
  hint: r.hint,
  keyId: r.key_id,
  secretText: null,
  startDateTime: r.start_date_time,
});

const toStored = (r: ServicePrincipalsTable): StoredServicePrincipal => ({
  id: r.id,
  appId: r.app_id,
  appDisplayName: r.display_name,
  displayName: r.display_name,
  description: r.description,
  notes: r.notes,
  homepage: r.homepage,
  loginUrl: r.login_url,
  logoutUrl: r.logout_url,
  replyUrls: JSON.parse(r.reply_urls) as string[],
  preferredSingleSignOnMode: r.preferred_single_sign_on_mode as PreferredSingleSignOnMode | null,
  appRoleAssignmentRequired: r.app_role_assignment_required === 1,
  // Microsoft Graph's roles and scopes are Portico's permission catalogue, not stored data.
  appRoles: r.app_id === GRAPH_APP_ID ? graphAppRoles.map((x) => ({ ...x })) : (JSON.parse(r.app_roles) as AppRole[]),
  oauth2PermissionScopes: r.app_id === GRAPH_APP_ID ? graphPermissionScopes.map((x) => ({ ...x })) : [],
  tags: JSON.parse(r.tags) as string[],
  accountEnabled: r.account_enabled === 1,
  info: { logoUrl: r.logo_url },
  servicePrincipalNames: JSON.parse(r.service_principal_names) as string[],
  samlSingleSignOnSettings: { relayState: r.saml_relay_state },
  samlSettings: { ...DEFAULT_SAML_SETTINGS, ...(JSON.parse(r.saml_settings) as Partial<SamlSettings>) },
  servicePrincipalType: 'Application',
  signInAudience: 'AzureADMyOrg',
  applicationTemplateId: r.application_template_id,
  keyCredentials: JSON.parse(r.key_credentials) as KeyCredential[],
  selfServiceAccess: { ...DEFAULT_SELF_SERVICE, ...(JSON.parse(r.self_service_access) as Partial<SelfServiceAccess>) },
  createdDateTime: r.created_date_time,
});

const toRow = (tenantId: string, sp: StoredServicePrincipal): ServicePrincipalsTable => ({
  id: sp.id,
  tenant_id: tenantId,
  app_id: sp.appId,
  display_name: sp.displayName,
  description: sp.description,
  notes: sp.notes,
  homepage: sp.homepage,
  login_url: sp.loginUrl,
  logout_url: sp.logoutUrl,
  reply_urls: JSON.stringify(sp.replyUrls),
  preferred_single_sign_on_mode: sp.preferredSingleSignOnMode,
  app_role_assignment_required: sp.appRoleAssignmentRequired ? 1 : 0,
  app_roles: JSON.stringify(sp.appRoles),
  tags: JSON.stringify(sp.tags),
  account_enabled: sp.accountEnabled ? 1 : 0,
  logo_url: sp.info.logoUrl,
  service_principal_names: JSON.stringify(sp.servicePrincipalNames),
  saml_relay_state: sp.samlSingleSignOnSettings.relayState,
  self_service_access: JSON.stringify(sp.selfServiceAccess),
  key_credentials: JSON.stringify(sp.keyCredentials),
  saml_settings: JSON.stringify(sp.samlSettings),
  application_template_id: sp.applicationTemplateId,
  created_date_time: sp.createdDateTime,
});

/** Attaches password credential metadata (never hashes) to stored service principals. */
async function withCredentials(db: Executor, sps: StoredServicePrincipal[]): Promise<ServicePrincipal[]> {
  if (sps.length === 0) return [];
  const rows = await db
    .selectFrom('service_principal_passwords')
    .selectAll()
    .where(
      'service_principal_id',
      'in',
      sps.map((s) => s.id),
    )
    .orderBy('created_date_time')
    .orderBy('key_id')
    .execute();
  return sps.map((sp) => ({
    ...sp,
    passwordCredentials: rows.filter((r) => r.service_principal_id === sp.id).map(toPasswordCredential),
  }));
}

// ---------------------------------------------------------------------------------------------
// Service principals

export async function findServicePrincipal(db: Executor, tenantId: string, id: string): Promise<ServicePrincipal | undefined> {
  const r = await rowById(db.selectFrom('service_principals').selectAll(), tenantId, id);
  return r && (await withCredentials(db, [toStored(r)]))[0];
}

export async function findServicePrincipalByAppId(
  db: Executor,
  appId: string,
  tenantId?: string,
): Promise<(ServicePrincipal & { tenantId: string }) | undefined> {
  let q = db.selectFrom('service_principals').selectAll().where('app_id', '=', appId.toLowerCase());
  if (tenantId !== undefined) q = q.where('tenant_id', '=', tenantId);
  const r = await q.executeTakeFirst();
  if (!r) return undefined;
  const [sp] = await withCredentials(db, [toStored(r)]);
  return sp && { ...sp, tenantId: r.tenant_id };
}

export async function findServicePrincipalByName(
  db: Executor,
  tenantId: string,
  name: string,
): Promise<ServicePrincipal | undefined> {
  const r = await db
    .selectFrom('service_principal_names')
    .select('service_principal_id')
    .where('tenant_id', '=', tenantId)
    .where('name_lower', '=', name.toLowerCase())
    .executeTakeFirst();
  return r && findServicePrincipal(db, tenantId, r.service_principal_id);
}

export async function findServicePrincipalsByIds(
  db: Executor,
  tenantId: string,
  ids: readonly string[],
): Promise<ServicePrincipal[]> {
  const rows = await rowsByIds(
    db.selectFrom('service_principals').selectAll().orderBy('display_name').orderBy('id'),
    tenantId,
    ids,
  );
  return withCredentials(db, rows.map(toStored));
}

export async function listServicePrincipals(db: Executor, tenantId: string, q: ODataQuery): Promise<Page<ServicePrincipal>> {
  const base = db.selectFrom('service_principals').where('service_principals.tenant_id', '=', tenantId);
  const { rows, ...page } = await queryPage<ServicePrincipalsTable>(base, (b) => b.selectAll(), servicePrincipalsResource, q);
  return { ...page, items: await withCredentials(db, rows.map(toStored)) };
}

export async function insertServicePrincipal(db: Executor, tenantId: string, sp: StoredServicePrincipal): Promise<void> {
  await db.insertInto('service_principals').values(toRow(tenantId, sp)).execute();
  await replaceNames(db, tenantId, sp.id, sp.servicePrincipalNames);
}

/**
 * Creates the tenant's Microsoft Graph service principal unless it exists (idempotent, safe when
 * several processes start at once: the (tenant, appId) index decides). Its app roles and
 * permission scopes are read from the permission catalogue, not stored.
 */
export async function ensureGraphServicePrincipalRow(db: Executor, tenantId: string, id: string, now: string): Promise<void> {
  await db
    .insertInto('service_principals')
    .values({
      id,
      tenant_id: tenantId,
      app_id: GRAPH_APP_ID,
      display_name: 'Microsoft Graph',
      description: null,
      notes: null,
      homepage: null,
      login_url: null,
      logout_url: null,
      reply_urls: '[]',
      preferred_single_sign_on_mode: null,
      app_role_assignment_required: 0,
      app_roles: '[]',
      tags: '[]',
      account_enabled: 1,
      logo_url: null,
      service_principal_names: JSON.stringify([GRAPH_APP_ID, 'https://graph.microsoft.com']),
      saml_relay_state: null,
      self_service_access: '{}',
      key_credentials: '[]',
      saml_settings: '{}',
      application_template_id: null,
      created_date_time: now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The app role ids a principal holds on one resource (an application's permissions on Microsoft Graph). */
export function appRoleIdsHeld(db: Executor, tenantId: string, principalId: string, resourceId: string): Promise<string[]> {
  const held = db.selectFrom('app_role_assignments').select('app_role_id');
  return tenantColumn(held, tenantId, { principal_id: principalId, resource_id: resourceId }, 'app_role_id');
}

/** Bulk load (`portico seed`): service principals in one multi-row statement; the caller batches. */
export async function insertServicePrincipals(
  db: Executor,
  tenantId: string,
  sps: readonly StoredServicePrincipal[],
): Promise<void> {
  if (sps.length === 0) return;
  await db
    .insertInto('service_principals')
    .values(sps.map((sp) => toRow(tenantId, sp)))
    .execute();
}

/** Bulk load (`portico seed`): assignment rows in one multi-row statement; the caller batches. */
export async function insertAssignments(db: Executor, rows: readonly AppRoleAssignmentsTable[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('app_role_assignments')
    .values([...rows])
    .execute();
}

export async function updateServicePrincipalRow(
  db: Executor,
  tenantId: string,
  sp: StoredServicePrincipal,
  namesChanged: boolean,
): Promise<void> {
  const { id: _i, tenant_id: _t, app_id: _a, created_date_time: _c, ...values } = toRow(tenantId, sp);
  await db.updateTable('service_principals').set(values).where('tenant_id', '=', tenantId).where('id', '=', sp.id).execute();
  if (namesChanged) await replaceNames(db, tenantId, sp.id, sp.servicePrincipalNames);
}

/** Replaces the certificate metadata (SAML token signing) of an application. */
export async function updateKeyCredentials(
  db: Executor,
  tenantId: string,
  spId: string,
  keyCredentials: readonly KeyCredential[],
): Promise<void> {
  const update = db.updateTable('service_principals').set({ key_credentials: JSON.stringify(keyCredentials) });
  await updateTenantRows(update, tenantId, { id: spId });
}

/** Unique per tenant (case-insensitive): a violation surfaces as a unique-constraint error. */
async function replaceNames(db: Executor, tenantId: string, spId: string, names: readonly string[]): Promise<void> {
  await db.deleteFrom('service_principal_names').where('service_principal_id', '=', spId).execute();
  const lower = [...new Set(names.map((n) => n.toLowerCase()))];
  if (lower.length === 0) return;
  await db
    .insertInto('service_principal_names')
    .values(lower.map((name_lower) => ({ tenant_id: tenantId, name_lower, service_principal_id: spId })))
    .execute();
}

/** Names (lower-cased) already used by another application of the tenant. */
export async function namesTaken(db: Executor, tenantId: string, names: readonly string[], exceptId?: string): Promise<string[]> {
  if (names.length === 0) return [];
  let q = db
    .selectFrom('service_principal_names')
    .select('name_lower')
    .where('tenant_id', '=', tenantId)
    .where(
      'name_lower',
      'in',
      names.map((n) => n.toLowerCase()),
    );
  if (exceptId !== undefined) q = q.where('service_principal_id', '<>', exceptId);
  return (await q.execute()).map((r) => r.name_lower);
}

/**
 * Deletes the application with its names, owners, secrets and assignments: to it (FK cascade,
 * explicit for clarity) and held by it (application permissions, no foreign key).
 */
export async function deleteServicePrincipalRow(db: Executor, tenantId: string, id: string): Promise<void> {
  await db.deleteFrom('app_role_assignments').where('tenant_id', '=', tenantId).where('resource_id', '=', id).execute();
  await db.deleteFrom('app_role_assignments').where('tenant_id', '=', tenantId).where('principal_id', '=', id).execute();
  await db.deleteFrom('service_principal_passwords').where('service_principal_id', '=', id).execute();
  await db.deleteFrom('service_principal_owners').where('service_principal_id', '=', id).execute();
  await db.deleteFrom('service_principal_names').where('service_principal_id', '=', id).execute();
  await db.deleteFrom('service_principals').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

/**
 * Takes the application's row lock (a no-op update) so that concurrent owner, secret and
 * assignment changes of one application serialise on both dialects.
 */
export function lockServicePrincipal(db: Executor, tenantId: string, id: string): Promise<boolean> {
  const noOp = db.updateTable('service_principals').set((eb) => ({ display_name: eb.ref('display_name') }));
  return updateTenantRows(noOp, tenantId, { id });
}

// ---------------------------------------------------------------------------------------------
// Client secrets

export interface NewPassword {
  keyId: string;
  displayName: string | null;
  hint: string;
  secretHash: string;
  startDateTime: string;
  endDateTime: string;
  createdDateTime: string;
}

export async function insertPassword(db: Executor, tenantId: string, spId: string, p: NewPassword): Promise<void> {
  await db
    .insertInto('service_principal_passwords')
    .values({
      key_id: p.keyId,
      tenant_id: tenantId,
      service_principal_id: spId,
      display_name: p.displayName,
      hint: p.hint,
      secret_hash: p.secretHash,
      start_date_time: p.startDateTime,
      end_date_time: p.endDateTime,
      created_date_time: p.createdDateTime,
    })
    .execute();
}

/** How many rows of `table` belong to the service principal (its client secrets, its owners). */
async function countOfServicePrincipal(
  db: Executor,
  table: 'service_principal_passwords' | 'service_principal_owners',
  spId: string,
): Promise<number> {
  const r = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('service_principal_id', '=', spId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export const countPasswords = (db: Executor, spId: string): Promise<number> =>
  countOfServicePrincipal(db, 'service_principal_passwords', spId);

/** Returns the removed credential's metadata, or undefined when the application has no such key. */
export async function deletePassword(db: Executor, spId: string, keyId: string): Promise<PasswordCredential | undefined> {
  const r = await rowWhere(db.selectFrom('service_principal_passwords').selectAll(), {
    service_principal_id: spId,
    key_id: keyId,
  });
  if (!r) return undefined;
  await db.deleteFrom('service_principal_passwords').where('key_id', '=', keyId).execute();
  return toPasswordCredential(r);
}

/** Hashes of the application's secrets that are valid at `now` (for client authentication). */
export async function validSecretHashes(db: Executor, spId: string, now: string): Promise<string[]> {
  const rows = await db
    .selectFrom('service_principal_passwords')
    .select('secret_hash')
    .where('service_principal_id', '=', spId)
    .where('start_date_time', '<=', now)
    .where('end_date_time', '>', now)
    .execute();
  return rows.map((r) => r.secret_hash);
}

// ---------------------------------------------------------------------------------------------
// Owners

export function ownerIdsOf(db: Executor, tenantId: string, spId: string): Promise<string[]> {
  const owners = db.selectFrom('service_principal_owners').select('owner_id');
  return tenantColumn(owners, tenantId, { service_principal_id: spId }, 'owner_id');
}

export function isOwner(db: Executor, tenantId: string, spId: string, userId: string): Promise<boolean> {
  const owners = db.selectFrom('service_principal_owners').select('owner_id');
  return tenantRowExists(owners, tenantId, { service_principal_id: spId, owner_id: userId });
}

export const countOwners = (db: Executor, spId: string): Promise<number> =>
  countOfServicePrincipal(db, 'service_principal_owners', spId);

export async function insertOwner(db: Executor, tenantId: string, spId: string, ownerId: string, now: string): Promise<void> {
  await db
    .insertInto('service_principal_owners')
    .values({ tenant_id: tenantId, service_principal_id: spId, owner_id: ownerId, created_date_time: now })
    .execute();
}

export function deleteOwner(db: Executor, tenantId: string, spId: string, ownerId: string): Promise<boolean> {
  return deleteTenantRows(db.deleteFrom('service_principal_owners'), tenantId, { service_principal_id: spId, owner_id: ownerId });
}

/** Ids of the applications a user owns. */
export function ownedServicePrincipalIds(db: Executor, tenantId: string, userId: string): Promise<string[]> {
  const owned = db.selectFrom('service_principal_owners').select('service_principal_id');
  return tenantColumn(owned, tenantId, { owner_id: userId }, 'service_principal_id');
}

// ---------------------------------------------------------------------------------------------
// App role assignments

interface AssignmentRow {
  id: string;
  app_role_id: string;
  created_date_time: string;
  principal_display_name: string | null;
  principal_id: string;
  principal_type: string;
  resource_display_name: string;
  resource_id: string;
}

const toAssignment = (r: AssignmentRow): AppRoleAssignment => ({
  id: r.id,
  appRoleId: r.app_role_id,
  createdDateTime: r.created_date_time,
  deletedDateTime: null,
  principalDisplayName: r.principal_display_name,
  principalId: r.principal_id,
  principalType: r.principal_type as PrincipalType,
  resourceDisplayName: r.resource_display_name,
  resourceId: r.resource_id,
});

export type AssignmentScope = { resourceId: string } | { principalId: string } | { id: string };

/** Assignments with the display names of principal and resource (the `app_role_assignment_details` read model). */
const assignmentsView = (db: Executor, tenantId: string, scope: AssignmentScope) => {
  let q = db.selectFrom('app_role_assignment_details').where('tenant_id', '=', tenantId);
  if ('resourceId' in scope) q = q.where('resource_id', '=', scope.resourceId);
  else if ('principalId' in scope) q = q.where('principal_id', '=', scope.principalId);
  else q = q.where('id', '=', scope.id);
  return q;
};

export async function listAssignments(
  db: Executor,
  tenantId: string,
  scope: AssignmentScope,
  q: ODataQuery,
): Promise<Page<AppRoleAssignment>> {
  const { rows, ...page } = await queryPage<AssignmentRow>(
    assignmentsView(db, tenantId, scope),
    (b) => b.selectAll(),
    appRoleAssignmentsResource,
    q,
  );
  return { ...page, items: rows.map(toAssignment) };
}

export async function findAssignment(db: Executor, tenantId: string, id: string): Promise<AppRoleAssignment | undefined> {
  const r = (await assignmentsView(db, tenantId, { id }).selectAll().executeTakeFirst()) as AssignmentRow | undefined;
  return r && toAssignment(r);
}

/** The assignment of one principal with one role to an application, if any. */
export async function findAssignmentOf(
  db: Executor,
  tenantId: string,
  resourceId: string,
  principalId: string,
  appRoleId: string,
): Promise<AppRoleAssignment | undefined> {
  const r = (await assignmentsView(db, tenantId, { resourceId })
    .where('principal_id', '=', principalId)
    .where('app_role_id', '=', appRoleId)
    .selectAll()
    .executeTakeFirst()) as AssignmentRow | undefined;
  return r && toAssignment(r);
}

export function assignmentExists(db: Executor, resourceId: string, principalId: string, appRoleId: string): Promise<boolean> {
  const assignments = db.selectFrom('app_role_assignments').select('id');
  return rowExists(assignments, { resource_id: resourceId, principal_id: principalId, app_role_id: appRoleId });
}

export async function insertAssignment(db: Executor, row: AppRoleAssignmentsTable): Promise<void> {
  await db.insertInto('app_role_assignments').values(row).execute();
}

export function deleteAssignment(db: Executor, tenantId: string, resourceId: string, id: string): Promise<boolean> {
  return deleteTenantRows(db.deleteFrom('app_role_assignments'), tenantId, { resource_id: resourceId, id });
}

/**
 * Removes every assignment held by a principal, its application ownerships, and its place in
 * self-service settings (a deleted target group turns self-service off; a deleted approver is
 * dropped, and self-service that needs approval but has no approver left is turned off).
 */
export async function deleteReferencesTo(db: Executor, tenantId: string, principalId: string): Promise<void> {
  await db.deleteFrom('app_role_assignments').where('tenant_id', '=', tenantId).where('principal_id', '=', principalId).execute();
  await db.deleteFrom('service_principal_owners').where('tenant_id', '=', tenantId).where('owner_id', '=', principalId).execute();
  // Ids are GUIDs (no LIKE metacharacters); the JSON is checked exactly below.
  const rows = await db
    .selectFrom('service_principals')
    .select(['id', 'self_service_access'])
    .where('tenant_id', '=', tenantId)
    .where('self_service_access', 'like', `%${principalId}%`)
    .execute();
  for (const r of rows) {
    const s: SelfServiceAccess = {
      ...DEFAULT_SELF_SERVICE,
      ...(JSON.parse(r.self_service_access) as Partial<SelfServiceAccess>),
    };
    const next: SelfServiceAccess = { ...s, approverIds: s.approverIds.filter((id) => id !== principalId) };
    if (s.groupId === principalId) next.groupId = null;
    if (next.groupId === null || (next.requireApproval && next.approverIds.length === 0)) next.enabled = false;
    if (JSON.stringify(next) === JSON.stringify(s)) continue;
    await updateTenantRows(db.updateTable('service_principals').set({ self_service_access: JSON.stringify(next) }), tenantId, {
      id: r.id,
    });
  }
}

/**
 * Assignments to one application held by any of the principals: the user and the groups it is a
 * DIRECT member of (Entra semantics: nested groups do not count; the caller lists them).
 */
export async function assignmentsForUser(
  db: Executor,
  tenantId: string,
  resourceId: string,
  principalIds: readonly string[],
): Promise<{ appRoleId: string; principalId: string; principalType: PrincipalType; createdDateTime: string }[]> {
  const rows = await db
    .selectFrom('app_role_assignments as a')
    .select(['a.app_role_id', 'a.principal_id', 'a.principal_type', 'a.created_date_time'])
    .where('a.tenant_id', '=', tenantId)
    .where('a.resource_id', '=', resourceId)
    .where('a.principal_id', 'in', principalIds)
    .execute();
  return rows.map((r) => ({
    appRoleId: r.app_role_id,
    principalId: r.principal_id,
    principalType: r.principal_type as PrincipalType,
    createdDateTime: r.created_date_time,
  }));
}

/** Ids of the applications assigned to any of the principals (a user and the groups it is a direct member of). */
export async function assignedServicePrincipalIds(
  db: Executor,
  tenantId: string,
  principalIds: readonly string[],
): Promise<string[]> {
  const rows = await db
    .selectFrom('app_role_assignments as a')
    .select('a.resource_id')
    .distinct()
    .where('a.tenant_id', '=', tenantId)
    .where('a.principal_id', 'in', principalIds)
    .execute();
  return rows.map((r) => r.resource_id);
}

// ---------------------------------------------------------------------------------------------
// Self-service access (entra-behaviour.md §7.4)

// `selfServiceAccess` is stored as JSON written by JSON.stringify (compact, `"enabled":true`); the
// LIKE narrows the scan and the parsed value decides (as in deleteReferencesTo).
const SELF_SERVICE_ON = '%"enabled":true%';

/**
 * One page of the applications people may request in My Apps: self-service on, enabled, not
 * hidden (HideApp), by display name unless `q` orders otherwise; `q`'s $search/$filter apply.
 */
export async function listSelfServiceApps(db: Executor, tenantId: string, q: ODataQuery): Promise<Page<ServicePrincipal>> {
  const base = db
    .selectFrom('service_principals')
    .where('service_principals.tenant_id', '=', tenantId)
    .where('self_service_access', 'like', SELF_SERVICE_ON)
    .where('account_enabled', '=', 1);
  const { rows, ...page } = await queryPage<ServicePrincipalsTable>(base, (b) => b.selectAll(), servicePrincipalsResource, q);
  const items = rows.map(toStored).filter((sp) => sp.selfServiceAccess.enabled && !sp.tags.includes(HIDE_APP_TAG));
  return { ...page, items: await withCredentials(db, items) };
}

/** Applications whose self-service approvers include the user. */
export async function servicePrincipalsApprovedBy(db: Executor, tenantId: string, userId: string): Promise<ServicePrincipal[]> {
  // Ids are GUIDs (no LIKE metacharacters); the parsed settings decide.
  const rows = await db
    .selectFrom('service_principals')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('self_service_access', 'like', `%${userId}%`)
    .orderBy('display_name')
    .orderBy('id')
    .execute();
  const sps = rows.map(toStored).filter((sp) => sp.selfServiceAccess.approverIds.includes(userId));
  return withCredentials(db, sps);
}

/** What soft delete keeps of a principal's app role assignments and application ownerships, for restore. */
export interface PrincipalApplicationSnapshot {
  assignments: AppRoleAssignmentsTable[];
  owners: ServicePrincipalOwnersTable[];
}

export async function snapshotReferencesTo(
  db: Executor,
  tenantId: string,
  principalId: string,
): Promise<PrincipalApplicationSnapshot> {
  const assignments = await tenantRows(db.selectFrom('app_role_assignments').selectAll(), tenantId, {
    principal_id: principalId,
  });
  const owners = await tenantRows(db.selectFrom('service_principal_owners').selectAll(), tenantId, { owner_id: principalId });
  return { assignments, owners };
}

/** Restore: the assignments and ownerships whose application still exists. */
export async function restoreReferences(db: Executor, tenantId: string, s: PrincipalApplicationSnapshot): Promise<void> {
  const spIds = [...new Set([...s.assignments.map((a) => a.resource_id), ...s.owners.map((o) => o.service_principal_id)])];
  if (spIds.length === 0) return;
  const live = new Set(
    (
      await db.selectFrom('service_principals').select('id').where('tenant_id', '=', tenantId).where('id', 'in', spIds).execute()
    ).map((r) => r.id),
  );
  const assignments = s.assignments.filter((a) => live.has(a.resource_id));
  const owners = s.owners.filter((o) => live.has(o.service_principal_id));
  if (assignments.length) {
    await db
      .insertInto('app_role_assignments')
      .values(assignments.map((a) => ({ ...a, tenant_id: tenantId })))
      .execute();
  }
  if (owners.length) {
    await db
      .insertInto('service_principal_owners')
      .values(owners.map((o) => ({ ...o, tenant_id: tenantId })))
      .execute();
  }
}

/** Up to `limit` assignments of each principal (ordered by id), for a page of users or groups at once (`$expand`). */
export async function assignmentsPerPrincipal(
  db: Executor,
  tenantId: string,
  principalIds: readonly string[],
  limit: number,
): Promise<AppRoleAssignment[]> {
  if (principalIds.length === 0) return [];
  const inner = db
    .selectFrom('app_role_assignment_details')
    .selectAll()
    .select(sql<number>`row_number() over (partition by principal_id order by id)`.as('rn'))
    .where('tenant_id', '=', tenantId)
    .where('principal_id', 'in', [...principalIds]);
  const rows = await db
    .selectFrom(inner.as('x'))
    .selectAll()
    .where('x.rn', '<=', limit)
    .orderBy('x.principal_id')
    .orderBy('x.id')
    .execute();
  return (rows as unknown as AssignmentRow[]).map(toAssignment);
}
