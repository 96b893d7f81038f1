import { type Adapter, type AdapterPayload, errors } from 'oidc-provider';
import type { Executor } from '../../db/index.js';
import { isStorableText } from '../../domain/text.js';
import {
  consumePayload,
  deleteExpiredPayloads,
  deletePayload,
  deletePayloadsOfGrant,
  findPayloadRow,
  upsertPayload,
} from './oidc.repository.js';
import type { RevokedGrants } from './revocations.js';

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
 *
 * Each row carries the account it belongs to (`account_id`), so that everything a user holds can
 * be revoked at once (revocations.ts); revoking a grant also records it, so that its access tokens
 * (JWTs, never looked up) are refused too.
 */
export class KyselyOidcAdapter implements Adapter {
  private readonly model: string;

  constructor(
    private readonly db: Executor,
    tenantId: string,
    private readonly name: string,
    private readonly clients: ClientLookup,
    private readonly revokedGrants: Pick<RevokedGrants, 'revokeNow'>,
  ) {
    this.model = `${tenantId}/${name}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const now = Date.now();
    await upsertPayload(this.db, {
      model: this.model,
      id,
      payload: JSON.stringify(payload),
      grant_id: payload.grantId ?? null,
      user_code: payload.userCode ?? null,
      uid: payload.uid ?? null,
      account_id: typeof payload.accountId === 'string' ? payload.accountId : null,
      expires_at: expiresIn ? new Date(now + expiresIn * 1000).toISOString() : null,
      consumed_at: null,
    });
    if (now - lastPurge > PURGE_EVERY_MS) {
      lastPurge = now;
      await deleteExpiredPayloads(this.db, new Date(now).toISOString());
    }
  }

  private async findWhere(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
    // Nothing stored has such an id, and PostgreSQL would refuse to compare it (domain/text.ts).
    if (!isStorableText(value)) return undefined;
    const row = await findPayloadRow(this.db, this.model, column, value);
    if (!row) return undefined;
    if (row.expires_at !== null && row.expires_at <= new Date().toISOString()) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    if (row.consumed_at !== null) payload.consumed = Math.floor(new Date(row.consumed_at).getTime() / 1000);
    return payload;
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (this.name === 'Client') return isStorableText(id) ? this.clients(id) : undefined;
    return this.findWhere('id', id);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findWhere('user_code', userCode);
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findWhere('uid', uid);
  }

  /**
   * Consumes an authorization code or refresh token by one guarded statement. oidc-provider checks
   * `consumed` on the artefact it read and then consumes it, so two concurrent redemptions could
   * both pass its check: the one that loses here is a replay, answered like a later one —
   * everything issued under the grant is revoked and the request fails with `invalid_grant`.
   */
  async consume(id: string): Promise<void> {
    if (await consumePayload(this.db, this.model, id, new Date().toISOString())) return;
    const payload = await this.findWhere('id', id);
    if (typeof payload?.grantId === 'string') await this.revokeByGrantId(payload.grantId);
    throw new errors.InvalidGrant(`${this.name === 'RefreshToken' ? 'refresh token' : 'authorization code'} already consumed`);
  }

  /**
   * Marks an artefact consumed when it is not yet: true for the one caller that consumed it (a
   * single guarded statement, so two concurrent redemptions of one code cannot both succeed).
   */
  consumeOnce(id: string): Promise<boolean> {
    return consumePayload(this.db, this.model, id, new Date().toISOString());
  }

  destroy(id: string): Promise<void> {
    return deletePayload(this.db, this.model, id);
  }

  /**
   * Revokes everything issued under a grant (oidc-provider calls it on code or refresh-token
   * replay, on revocation and on sign-out): the grant is recorded as revoked first — so that its
   * access tokens are refused even if the deletion fails — then its artefacts are deleted.
   */
  async revokeByGrantId(grantId: string): Promise<void> {
    const tenantPrefix = this.model.slice(0, this.model.indexOf('/') + 1);
    await this.revokedGrants.revokeNow(tenantPrefix.slice(0, -1), [grantId]);
    await deletePayloadsOfGrant(this.db, tenantPrefix, grantId);
  }
}
