import type { Executor } from '../../db/index.js';
import type { OidcPayloadsTable } from './oidc.table.js';

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

/** Marks an artefact consumed; with `once`, only when it is not yet (true for the one caller that did). */
export async function consumePayload(db: Executor, model: string, id: string, now: string, once: boolean): Promise<boolean> {
  let q = db.updateTable('oidc_payloads').set({ consumed_at: now }).where('model', '=', model).where('id', '=', id);
  if (once) q = q.where('consumed_at', 'is', null);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deletePayload(db: Executor, model: string, id: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('model', '=', model).where('id', '=', id).execute();
}

/** Deletes every artefact of a grant in one tenant (models `<tenantId>/…`). */
export async function deletePayloadsOfGrant(db: Executor, tenantPrefix: string, grantId: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).where('model', 'like', `${tenantPrefix}%`).execute();
}
