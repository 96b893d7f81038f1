import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import type { SignInSessionStore } from '../../modules/users/users.service.js';
import {
  deleteExpiredRevokedGrants,
  deletePayloadsOfAccount,
  grantIdsOfAccount,
  insertRevokedGrants,
  listRevokedGrants,
} from './oidc.repository.js';

/**
 * Revocation of tokens that are checked without the database.
 *
 * Graph access tokens are JWTs: /v1.0 verifies them with the signing key and never looks them up,
 * so deleting a grant's artefacts (oidc-provider's `revokeByGrantId`) cannot reach them. Every
 * access token names its grant (`grant_id`, configuration.ts), and every revoked grant is written
 * to `oidc_revoked_grants` — by whichever process revokes it, in the statement or transaction that
 * revokes it. Each process keeps the rows in memory and reloads the recent ones when a check finds
 * its copy older than `REVOCATION_POLL_MS`: at most one small query per process per interval,
 * none per request. The bound: a request that starts `REVOCATION_POLL_MS` (2 s) after a
 * revocation committed is refused by every process; the process that revoked refuses at once (it
 * notes the grant, or reloads at its next check when the revocation was part of a transaction).
 * Polls overlap by a minute, so a transaction that committed late or a writer whose clock is up to
 * a minute behind is still seen. A row lives until every access token issued before it has expired
 * (access-token lifetime plus five minutes of margin).
 *
 * Revoking a user's sessions is a second, immediate mechanism: the user's
 * `signInSessionsValidFromDateTime` is on the user row that /v1.0 reads for every request anyway
 * (http/authenticate.ts) and that `findAccount` reads at every token issuance (configuration.ts).
 */

/** The longest a process answers from its in-memory copy before reloading. */
export const REVOCATION_POLL_MS = 2000;
/** How far back each reload looks before the previous one (late commits, clock skew between processes). */
const POLL_OVERLAP_MS = 60_000;
/** Housekeeping of expired rows, at most this often per process. */
const PURGE_EVERY_MS = 10 * 60_000;

export interface RevokedGrantsDeps {
  db: Executor;
  /** Paces the reloads (tests move it instead of sleeping). */
  clock: Clock;
  /** Access-token lifetime in seconds: how long a revoked grant must be remembered. */
  accessTokenTtl: number;
}

export interface RevokedGrants {
  /**
   * Records that the tokens of `grantIds` are revoked, on `db` (a transaction when the revocation is
   * part of a larger change). This process reloads at its next check; others learn it within
   * `REVOCATION_POLL_MS` of the commit.
   */
  record(db: Executor, tenantId: string, grantIds: readonly string[]): Promise<void>;
  /** `record` outside any transaction, also known to this process at once. */
  revokeNow(tenantId: string, grantIds: readonly string[]): Promise<void>;
  /** Whether the grant's tokens are revoked (from memory; reloads when the copy is older than the interval). */
  isRevoked(tenantId: string, grantId: string): Promise<boolean>;
}

const keyOf = (tenantId: string, grantId: string) => `${tenantId}/${grantId}`;

/**
 * The revoked grants of this process. Times of the rows are real time, like every time
 * oidc-provider computes (adapter.ts); the reload interval follows the app's clock.
 */
export function createRevokedGrants(deps: RevokedGrantsDeps): RevokedGrants {
  /** key → when the revocation may be forgotten (epoch ms). */
  const revoked = new Map<string, number>();
  /** Real time at which the last reload started; undefined before the first (which loads everything in force). */
  let lastLoadStartedAt: number | undefined;
  /** App-clock time of the last reload, for pacing. */
  let loadedAt = Number.NEGATIVE_INFINITY;
  /** Set by `record`: the next check reloads, whatever the pace. */
  let dirty = false;
  let loading: Promise<void> | undefined;
  let lastPurge = 0;

  async function reload(): Promise<void> {
    const pacedAt = deps.clock.now().getTime();
    const startedAt = Date.now();
    const since = lastLoadStartedAt === undefined ? undefined : new Date(lastLoadStartedAt - POLL_OVERLAP_MS).toISOString();
    const rows = await listRevokedGrants(deps.db, new Date(startedAt).toISOString(), since);
    for (const r of rows) revoked.set(keyOf(r.tenant_id, r.grant_id), Date.parse(r.expires_at));
    for (const [key, until] of revoked) if (until <= startedAt) revoked.delete(key);
    lastLoadStartedAt = startedAt;
    loadedAt = pacedAt;
  }

  const rowsOf = (tenantId: string, grantIds: readonly string[]) => {
    const now = Date.now();
    const revokedAt = new Date(now).toISOString();
    const expiresAt = new Date(now + (deps.accessTokenTtl + 300) * 1000).toISOString();
    return grantIds.map((grantId) => ({ tenant_id: tenantId, grant_id: grantId, revoked_at: revokedAt, expires_at: expiresAt }));
  };

  const api: RevokedGrants = {
    async record(db, tenantId, grantIds) {
      await insertRevokedGrants(db, rowsOf(tenantId, grantIds));
      // This process reloads at its next check, by when the caller's transaction has usually
      // committed (a rolled-back one leaves nothing to find).
      dirty = true;
      const now = Date.now();
      if (now - lastPurge > PURGE_EVERY_MS) {
        lastPurge = now;
        await deleteExpiredRevokedGrants(db, new Date(now).toISOString());
      }
    },

    async revokeNow(tenantId, grantIds) {
      const rows = rowsOf(tenantId, grantIds);
      for (const r of rows) revoked.set(keyOf(tenantId, r.grant_id), Date.parse(r.expires_at));
      await api.record(deps.db, tenantId, grantIds);
    },

    async isRevoked(tenantId, grantId) {
      if (dirty || deps.clock.now().getTime() - loadedAt >= REVOCATION_POLL_MS) {
        loading ??= (async () => {
          dirty = false;
          await reload();
        })().finally(() => {
          loading = undefined;
        });
        await loading;
      }
      const until = revoked.get(keyOf(tenantId, grantId));
      return until !== undefined && until > Date.now();
    },
  };
  return api;
}

/**
 * The users feature's port to the token issuer (`SignInSessionStore`): revoking a user's sign-in
 * sessions deletes every session, grant, code and token of the account in the tenant and records
 * its grants as revoked, inside the caller's transaction.
 */
export function createSignInSessionStore(revokedGrants: Pick<RevokedGrants, 'record'>): SignInSessionStore {
  return {
    async revokeAll(trx, tenantId, userId) {
      const prefix = `${tenantId}/`;
      const grantIds = await grantIdsOfAccount(trx, prefix, userId);
      await revokedGrants.record(trx, tenantId, grantIds);
      await deletePayloadsOfAccount(trx, prefix, userId, grantIds);
    },
  };
}
