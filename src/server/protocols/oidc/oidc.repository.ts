import type { Executor } from '../../db/index.js';
import type { OidcPayloadsTable, OidcRevokedGrantsTable } from './oidc.table.js';

/** oidc-provider's artefacts (sessions, grants, codes, tokens…) keyed by `<tenantId>/<Model>` and id. */

export async function upsertPayload(db: Executor, row: OidcPayloadsTable): Promise<void> {
  await db
    .insertInto('oidc_payloads')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['model', 'id']).doUpdateSet({
        payload: row.payload,
        grant_id: row.grant_id,
        user_code: row.user_code,
        uid: row.uid,
        expires_at: row.expires_at,
        account_id: row.account_id,
      }),
    )
    .execute();
}

export async function deleteExpiredPayloads(db: Executor, now: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('expires_at', '<', now).execute();
}

export function findPayloadRow(db: Executor, model: string, column: 'id' | 'uid' | 'user_code', value: string) {
  return db
    .selectFrom('oidc_payloads')
    .select(['payload', 'expires_at', 'consumed_at'])
    .where('model', '=', model)
    .where(column, '=', value)
    .executeTakeFirst();
}

/** Marks an artefact consumed when it is not yet: true for the one caller that did. */
export async function consumePayload(db: Executor, model: string, id: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('oidc_payloads')
    .set({ consumed_at: now })
    .where('model', '=', model)
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deletePayload(db: Executor, model: string, id: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('model', '=', model).where('id', '=', id).execute();
}

/** Deletes every artefact of a grant in one tenant (models `<tenantId>/…`). */
export async function deletePayloadsOfGrant(db: Executor, tenantPrefix: string, grantId: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).where('model', 'like', `${tenantPrefix}%`).execute();
}

/** The grants a user holds in one tenant: Grant artefacts of the account and grants its tokens name. */
export async function grantIdsOfAccount(db: Executor, tenantPrefix: string, accountId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('oidc_payloads')
    .select(['model', 'id', 'grant_id'])
    .where('account_id', '=', accountId)
    .where('model', 'like', `${tenantPrefix}%`)
    .execute();
  const ids = rows.map((r) => (r.model === `${tenantPrefix}Grant` ? r.id : r.grant_id));
  return [...new Set(ids.filter((id): id is string => id !== null))];
}

/** Deletes every artefact of an account in one tenant, and every artefact of the given grants. */
export async function deletePayloadsOfAccount(
  db: Executor,
  tenantPrefix: string,
  accountId: string,
  grantIds: readonly string[],
): Promise<void> {
  await db
    .deleteFrom('oidc_payloads')
    .where('model', 'like', `${tenantPrefix}%`)
    .where((eb) =>
      eb.or([
        eb('account_id', '=', accountId),
        ...(grantIds.length
          ? [
              eb('grant_id', 'in', [...grantIds]),
              eb.and([eb('model', '=', `${tenantPrefix}Grant`), eb('id', 'in', [...grantIds])]),
            ]
          : []),
      ]),
    )
    .execute();
}

/** Records revoked grants (a grant revoked twice keeps its first record). */
export async function insertRevokedGrants(db: Executor, rows: readonly OidcRevokedGrantsTable[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('oidc_revoked_grants')
    .values([...rows])
    .onConflict((oc) => oc.columns(['tenant_id', 'grant_id']).doNothing())
    .execute();
}

/** Revoked grants still in force at `now`, revoked at or after `since` when given. */
export function listRevokedGrants(db: Executor, now: string, since?: string): Promise<OidcRevokedGrantsTable[]> {
  let q = db.selectFrom('oidc_revoked_grants').selectAll().where('expires_at', '>', now);
  if (since !== undefined) q = q.where('revoked_at', '>=', since);
  return q.execute();
}

export async function deleteExpiredRevokedGrants(db: Executor, now: string): Promise<void> {
  await db.deleteFrom('oidc_revoked_grants').where('expires_at', '<=', now).execute();
}
