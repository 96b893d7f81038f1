import type { SelectQueryBuilder } from 'kysely';
import type { ObjectIdentity, User } from '../../../contracts/users.js';
import type { Executor } from '../../db/index.js';
import { rowsByIds } from '../../db/tenant-rows.js';
import { notFound } from '../../domain/errors.js';
import { type ODataQuery, queryPage, type ResourceSpec } from '../../odata/query.js';
import { usersResource } from './users.query.js';
import type { UsersTable } from './users.table.js';

export const toUser = (r: UsersTable): User => ({
  id: r.id,
  displayName: r.display_name,
  givenName: r.given_name,
  surname: r.surname,
  mail: r.mail,
  otherMails: JSON.parse(r.other_mails) as string[],
  userPrincipalName: r.user_principal_name,
  userType: r.user_type as User['userType'],
  accountEnabled: r.account_enabled === 1,
  creationType: r.creation_type,
  externalUserState: r.external_user_state as User['externalUserState'],
  externalUserStateChangeDateTime: r.external_user_state_change_date_time,
  createdDateTime: r.created_date_time,
  identities: JSON.parse(r.identities) as ObjectIdentity[],
  department: r.department,
  jobTitle: r.job_title,
  companyName: r.company_name,
  preferredLanguage: r.preferred_language,
  country: r.country,
  city: r.city,
  signInSessionsValidFromDateTime: r.sign_in_sessions_valid_from,
});

/** The row of a user object; `sign_in_sessions_valid_from` is not part of it (see `setSignInSessionsValidFrom`). */
export const toRow = (
  tenantId: string,
  u: User,
  passwordHash: string | null,
): Omit<UsersTable, 'sign_in_sessions_valid_from'> => ({
  id: u.id,
  tenant_id: tenantId,
  display_name: u.displayName,
  given_name: u.givenName,
  surname: u.surname,
  mail: u.mail,
  mail_lower: u.mail?.toLowerCase() ?? null,
  other_mails: JSON.stringify(u.otherMails),
  user_principal_name: u.userPrincipalName,
  upn_lower: u.userPrincipalName.toLowerCase(),
  user_type: u.userType,
  account_enabled: u.accountEnabled ? 1 : 0,
  creation_type: u.creationType,
  external_user_state: u.externalUserState,
  external_user_state_change_date_time: u.externalUserStateChangeDateTime,
  identities: JSON.stringify(u.identities),
  department: u.department,
  job_title: u.jobTitle,
  company_name: u.companyName,
  preferred_language: u.preferredLanguage,
  country: u.country,
  city: u.city,
  password_hash: passwordHash,
  created_date_time: u.createdDateTime,
});

export async function findUser(db: Executor, tenantId: string, id: string): Promise<User | undefined> {
  const r = await db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return r && toUser(r);
}

/** Finds by object id or by userPrincipalName (case-insensitive), as Graph's /users/{id | upn}. */
export async function findUserByIdOrUpn(db: Executor, tenantId: string, key: string): Promise<User | undefined> {
  const r = await db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where((eb) => (key.includes('@') ? eb('upn_lower', '=', key.toLowerCase()) : eb('id', '=', key.toLowerCase())))
    .executeTakeFirst();
  return r && toUser(r);
}

export async function getUser(db: Executor, tenantId: string, id: string): Promise<User> {
  const u = await findUserByIdOrUpn(db, tenantId, id);
  if (!u) throw notFound(id);
  return u;
}

/** Up to `limit` users of the tenant with ids after `afterId`, in id order (batched scans). */
export async function listUsersAfter(
  db: Executor,
  tenantId: string,
  afterId: string | undefined,
  limit: number,
): Promise<User[]> {
  let q = db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId);
  if (afterId !== undefined) q = q.where('id', '>', afterId);
  const rows = await q.orderBy('id').limit(limit).execute();
  return rows.map(toUser);
}

export async function findUsersByIds(db: Executor, tenantId: string, ids: readonly string[]): Promise<User[]> {
  const rows = await rowsByIds(db.selectFrom('users').selectAll(), tenantId, ids);
  return rows.map(toUser);
}

/** Sign-in lookup: user principal name or mail, case-insensitive. Returns the password hash too. */
export async function findUserForSignIn(
  db: Executor,
  tenantId: string,
  login: string,
): Promise<{ user: User; passwordHash: string | null } | undefined> {
  const l = login.trim().toLowerCase();
  const r = await db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('upn_lower', '=', l), eb('mail_lower', '=', l)]))
    .orderBy('upn_lower')
    .executeTakeFirst();
  return r && { user: toUser(r), passwordHash: r.password_hash };
}

export async function insertUser(db: Executor, tenantId: string, u: User, passwordHash: string | null): Promise<void> {
  await db
    .insertInto('users')
    .values(toRow(tenantId, u, passwordHash))
    .execute();
  await insertOtherMails(db, tenantId, [u]);
}

/** The address rows of users' otherMails (lower-cased, duplicates within a user dropped). */
async function insertOtherMails(
  db: Executor,
  tenantId: string,
  users: readonly Pick<User, 'id' | 'otherMails'>[],
): Promise<void> {
  const rows = users.flatMap((u) =>
    [...new Set(u.otherMails.map((m) => m.trim().toLowerCase()).filter(Boolean))].map((address_lower) => ({
      tenant_id: tenantId,
      address_lower,
      user_id: u.id,
    })),
  );
  if (rows.length) await db.insertInto('user_other_mails').values(rows).execute();
}

/** Bulk load (`portico seed`): the users in one multi-row statement; the caller batches and wraps in a transaction. */
export async function insertUsers(
  db: Executor,
  tenantId: string,
  users: readonly User[],
  passwordHash: string | null,
): Promise<void> {
  if (users.length === 0) return;
  await db
    .insertInto('users')
    .values(users.map((u) => toRow(tenantId, u, passwordHash)))
    .execute();
  await insertOtherMails(db, tenantId, users);
}

export async function updateUserRow(
  db: Executor,
  tenantId: string,
  u: User,
  passwordHash: string | null | undefined,
): Promise<void> {
  const { id: _id, tenant_id: _t, created_date_time: _c, password_hash: _p, ...values } = toRow(tenantId, u, null);
  await db
    .updateTable('users')
    .set(passwordHash === undefined ? values : { ...values, password_hash: passwordHash })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', u.id)
    .execute();
  await db.deleteFrom('user_other_mails').where('tenant_id', '=', tenantId).where('user_id', '=', u.id).execute();
  await insertOtherMails(db, tenantId, [u]);
}

export async function deleteUserRow(db: Executor, tenantId: string, id: string): Promise<void> {
  await db.deleteFrom('user_other_mails').where('tenant_id', '=', tenantId).where('user_id', '=', id).execute();
  await db.deleteFrom('users').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

/** A subquery selecting user ids (one column named `id`), e.g. a group's members. */
export type UserIdSource = (db: Executor) => SelectQueryBuilder<any, any, { id: string }>;

export async function listUsers(
  db: Executor,
  tenantId: string,
  q: ODataQuery,
  restrictToIds?: readonly string[] | UserIdSource,
  spec: ResourceSpec = usersResource,
): Promise<{ items: User[]; skiptoken?: string; count?: number }> {
  let base = db.selectFrom('users').where('users.tenant_id', '=', tenantId);
  if (typeof restrictToIds === 'function') base = base.where('users.id', 'in', restrictToIds(db));
  else if (restrictToIds) base = base.where('users.id', 'in', restrictToIds.length ? [...restrictToIds] : ['']);
  const { rows, ...page } = await queryPage<UsersTable>(base, (b) => b.selectAll('users'), spec, q);
  return { ...page, items: rows.map(toUser) };
}

/** Finds the user an address belongs to: mail, userPrincipalName or otherMails (case-insensitive). */
export async function findUserByEmail(db: Executor, tenantId: string, email: string): Promise<User | undefined> {
  const l = email.trim().toLowerCase();
  // Each alternative is an index lookup (users_mail_uq, users_upn_uq, user_other_mails_pk), never a
  // scan of the tenant: this runs inside the invitation transaction. The three lookups are a union
  // of ids, not an OR: PostgreSQL cannot combine `mail = ? or upn = ? or id in (…)` into index scans
  // and read every user of the tenant instead (21 ms at 20k users, inside the write).
  const r = await db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('users as by_mail')
        .select('by_mail.id')
        .where('by_mail.tenant_id', '=', tenantId)
        .where('by_mail.mail_lower', '=', l)
        .unionAll(
          eb
            .selectFrom('users as by_upn')
            .select('by_upn.id')
            .where('by_upn.tenant_id', '=', tenantId)
            .where('by_upn.upn_lower', '=', l),
        )
        .unionAll(
          eb
            .selectFrom('user_other_mails')
            .select('user_other_mails.user_id as id')
            .where('user_other_mails.tenant_id', '=', tenantId)
            .where('user_other_mails.address_lower', '=', l),
        ),
    )
    .orderBy('created_date_time')
    .executeTakeFirst();
  return r && toUser(r);
}

/**
 * PendingAcceptance → Accepted in one guarded statement; returns false when the user was not
 * pending (already redeemed by a concurrent request, or reset meanwhile).
 */
export async function markGuestAccepted(
  db: Executor,
  tenantId: string,
  userId: string,
  identities: string,
  now: string,
): Promise<boolean> {
  const r = await db
    .updateTable('users')
    .set({ external_user_state: 'Accepted', external_user_state_change_date_time: now, identities })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .where('external_user_state', '=', 'PendingAcceptance')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** How many of `ids` are enabled users of the tenant. */
export async function countEnabledUsers(db: Executor, tenantId: string, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const r = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', [...ids])
    .where('account_enabled', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Sets signInSessionsValidFromDateTime: sessions and tokens of the user from before `at` are refused. */
export function setSignInSessionsValidFrom(db: Executor, tenantId: string, id: string, at: string): Promise<void> {
  return setUserColumns(db, tenantId, id, { sign_in_sessions_valid_from: at });
}

/** The SCIM externalIds of some users (those that have one). */
export async function findExternalIds(db: Executor, tenantId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await rowsByIds(
    db.selectFrom('users').select(['id', 'external_id']).where('external_id', 'is not', null),
    tenantId,
    ids,
  );
  return new Map(rows.map((r) => [r.id, r.external_id as string]));
}

export function setExternalId(db: Executor, tenantId: string, id: string, externalId: string | null): Promise<void> {
  return setUserColumns(db, tenantId, id, { external_id: externalId });
}

/** Soft delete: the user's row as stored (restored as is by `insertUserRowSnapshot`). */
export async function selectUserRowSnapshot(db: Executor, tenantId: string, id: string): Promise<UsersTable | undefined> {
  return db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/**
 * Restore: puts a snapshot row back (a unique violation means its UPN or mail was taken
 * meanwhile). Its manager is kept when that user still exists, cleared otherwise.
 */
export async function insertUserRowSnapshot(db: Executor, tenantId: string, row: UsersTable): Promise<User> {
  const managerId = row.manager_id ? ((await findManagerRow(db, tenantId, row.manager_id)) ?? null) : null;
  const values = { ...row, tenant_id: tenantId, manager_id: managerId };
  await db.insertInto('users').values(values).execute();
  return toUser(values);
}

const findManagerRow = async (db: Executor, tenantId: string, id: string): Promise<string | undefined> =>
  (await db.selectFrom('users').select('id').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst())?.id;

/** The id of a user's manager, or null (undefined when the user does not exist). */
export async function findManagerId(db: Executor, tenantId: string, userId: string): Promise<string | null | undefined> {
  const row = await db
    .selectFrom('users')
    .select('manager_id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .executeTakeFirst();
  return row === undefined ? undefined : (row.manager_id ?? null);
}

/** Sets (or with null clears) a user's manager; the caller checked tenant and cycles. */
export function setManagerId(db: Executor, tenantId: string, userId: string, managerId: string | null): Promise<void> {
  return setUserColumns(db, tenantId, userId, { manager_id: managerId });
}

/** Sets some columns of one user's row. */
async function setUserColumns(
  db: Executor,
  tenantId: string,
  id: string,
  values: Partial<Pick<UsersTable, 'sign_in_sessions_valid_from' | 'external_id' | 'manager_id'>>,
): Promise<void> {
  await db.updateTable('users').set(values).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

/**
 * Whether `userId` is `managerId` or one of its managers, up the chain (an assignment of
 * `managerId` as `userId`'s manager would close a cycle). Bounded walk: chains are short, and a
 * chain longer than the bound is treated as a cycle rather than walked forever.
 */
export async function isInManagementChain(db: Executor, tenantId: string, managerId: string, userId: string): Promise<boolean> {
  let current: string | null | undefined = managerId;
  for (let depth = 0; depth < MAX_MANAGEMENT_DEPTH && current; depth++) {
    if (current === userId) return true;
    current = await findManagerId(db, tenantId, current);
  }
  return Boolean(current);
}
const MAX_MANAGEMENT_DEPTH = 1000;

/** The ids of a user's direct reports, as a subquery for `listUsers`. */
export const directReportsOf =
  (tenantId: string, managerId: string): UserIdSource =>
  (db) =>
    db
      .selectFrom('users as reports')
      .select('reports.id')
      .where('reports.tenant_id', '=', tenantId)
      .where('reports.manager_id', '=', managerId);

/** The managers of `ids` (users without one are absent), keyed by the report's id: one query for a page. */
export async function findManagersOf(db: Executor, tenantId: string, ids: readonly string[]): Promise<Map<string, User>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('users as r')
    .innerJoin('users as m', (j) => j.onRef('m.id', '=', 'r.manager_id').onRef('m.tenant_id', '=', 'r.tenant_id'))
    .selectAll('m')
    .select('r.id as report_id')
    .where('r.tenant_id', '=', tenantId)
    .where('r.id', 'in', ids)
    .execute();
  return new Map(rows.map(({ report_id, ...m }) => [report_id, toUser(m)]));
}
