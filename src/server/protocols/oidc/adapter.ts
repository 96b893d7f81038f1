import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Executor } from '../../db/index.js';

/** Looks up clients that are not static (automation clients, applications of the tenant), as oidc-provider metadata. */
export type ClientLookup = (clientId: string) => Promise<AdapterPayload | undefined>;

const PURGE_EVERY_MS = 10 * 60 * 1000;
let lastPurge = 0;

/**
 * oidc-provider storage in `oidc_payloads`, one row per (model, id), on both dialects. Models are
 * namespaced by tenant (`<tenantId>/<Model>`) because each tenant has its own provider.
 *
 * Times use the real clock, not the app's injected one: oidc-provider computes every expiry from
 * Date.now() itself, and the adapter must agree with it. Expired rows read as missing; they are
 * deleted opportunistically (at most every ten minutes per process) on writes.
 */
export class KyselyOidcAdapter implements Adapter {
  private readonly model: string;

  constructor(
    private readonly db: Executor,
    tenantId: string,
    private readonly name: string,
    private readonly clients: ClientLookup,
  ) {
    this.model = `${tenantId}/${name}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const now = Date.now();
    const row = {
      model: this.model,
      id,
      payload: JSON.stringify(payload),
      grant_id: payload.grantId ?? null,
      user_code: payload.userCode ?? null,
      uid: payload.uid ?? null,
      expires_at: expiresIn ? new Date(now + expiresIn * 1000).toISOString() : null,
      consumed_at: null,
    };
    await this.db
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
    if (now - lastPurge > PURGE_EVERY_MS) {
      lastPurge = now;
      await this.db.deleteFrom('oidc_payloads').where('expires_at', '<', new Date(now).toISOString()).execute();
    }
  }

  private async findWhere(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
    const row = await this.db
      .selectFrom('oidc_payloads')
      .select(['payload', 'expires_at', 'consumed_at'])
      .where('model', '=', this.model)
      .where(column, '=', value)
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.expires_at !== null && row.expires_at <= new Date().toISOString()) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    if (row.consumed_at !== null) payload.consumed = Math.floor(new Date(row.consumed_at).getTime() / 1000);
    return payload;
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (this.name === 'Client') return this.clients(id);
    return this.findWhere('id', id);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findWhere('user_code', userCode);
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findWhere('uid', uid);
  }

  async consume(id: string): Promise<void> {
    await this.db
      .updateTable('oidc_payloads')
      .set({ consumed_at: new Date().toISOString() })
      .where('model', '=', this.model)
      .where('id', '=', id)
      .execute();
  }

  /**
   * Marks an artefact consumed when it is not yet: true for the one caller that consumed it (a
   * single guarded statement, so two concurrent redemptions of one code cannot both succeed).
   */
  async consumeOnce(id: string): Promise<boolean> {
    const r = await this.db
      .updateTable('oidc_payloads')
      .set({ consumed_at: new Date().toISOString() })
      .where('model', '=', this.model)
      .where('id', '=', id)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async destroy(id: string): Promise<void> {
    await this.db.deleteFrom('oidc_payloads').where('model', '=', this.model).where('id', '=', id).execute();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db
      .deleteFrom('oidc_payloads')
      .where('grant_id', '=', grantId)
      .where('model', 'like', `${this.model.slice(0, this.model.indexOf('/') + 1)}%`)
      .execute();
  }
}
