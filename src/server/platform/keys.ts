import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Executor } from '../db/index.js';
import type { Clock } from '../domain/clock.js';

export type SigningAlg = 'ES256' | 'RS256';

export interface PublicKeyInfo {
  kid: string;
  tenantId: string;
  alg: string;
  key: Awaited<ReturnType<typeof importJWK>>;
}

/**
 * Token-signing keys per tenant, kept in the database so every process signs and verifies with the
 * same keys and tokens survive restarts. Private keys are JWKs in `signing_keys`; protect the
 * database (and its backups) accordingly.
 */
export class KeyStore {
  private readonly publicCache = new Map<string, PublicKeyInfo>();

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly alg: SigningAlg,
  ) {}

  /** Creates the tenant's first key when it has none. Safe against concurrent first starts. */
  async ensureTenantKey(tenantId: string): Promise<void> {
    const existing = await this.db
      .selectFrom('signing_keys')
      .select('kid')
      .where('tenant_id', '=', tenantId)
      .where('retired_date_time', 'is', null)
      .executeTakeFirst();
    if (!existing) await this.rotate(tenantId);
  }

  /** Adds a new signing key; older keys stay published (for verification) until retired. */
  async rotate(tenantId: string, alg: SigningAlg = this.alg): Promise<string> {
    const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
    const priv = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint(priv);
    const privateJwk: JWK = { ...priv, kid, alg, use: 'sig' };
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = privateJwk;
    await this.db
      .insertInto('signing_keys')
      .values({
        kid,
        tenant_id: tenantId,
        alg,
        private_jwk: JSON.stringify(privateJwk),
        public_jwk: JSON.stringify(pub),
        created_date_time: this.clock.now().toISOString(),
        retired_date_time: null,
      })
      .execute();
    return kid;
  }

  /** Private JWKs of the tenant, newest first (oidc-provider signs with the first of each alg). */
  async privateJwks(tenantId: string): Promise<JWK[]> {
    const rows = await this.db
      .selectFrom('signing_keys')
      .select(['private_jwk'])
      .where('tenant_id', '=', tenantId)
      .where('retired_date_time', 'is', null)
      .orderBy('created_date_time', 'desc')
      .orderBy('kid', 'desc')
      .execute();
    return rows.map((r) => JSON.parse(r.private_jwk) as JWK);
  }

  /** Public key by kid for access-token verification; cached (keys are immutable). */
  async publicKey(kid: string): Promise<PublicKeyInfo | undefined> {
    const cached = this.publicCache.get(kid);
    if (cached) return cached;
    const row = await this.db
      .selectFrom('signing_keys')
      .select(['kid', 'tenant_id', 'alg', 'public_jwk', 'retired_date_time'])
      .where('kid', '=', kid)
      .executeTakeFirst();
    if (!row || row.retired_date_time !== null) return undefined;
    const info: PublicKeyInfo = {
      kid: row.kid,
      tenantId: row.tenant_id,
      alg: row.alg,
      key: await importJWK(JSON.parse(row.public_jwk) as JWK, row.alg),
    };
    this.publicCache.set(kid, info);
    return info;
  }
}
