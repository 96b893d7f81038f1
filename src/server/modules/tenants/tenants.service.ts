import type { Config } from '../../config/index.js';
import { asUniqueViolation } from '../../db/errors.js';
import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import { notFound } from '../../domain/errors.js';
import type { IdGenerator } from '../../domain/ids.js';
import type { KeyStore } from '../../platform/keys.js';
import {
  findDefaultTenant,
  findTenant,
  findTenantByDomain,
  insertTenant,
  lockTenantRow,
  shareLockTenantRow,
  type Tenant,
  updateTenant,
} from './tenants.repository.js';

export type { Tenant } from './tenants.repository.js';

export interface TenantsDeps {
  db: Executor;
  clock: Clock;
  newId: IdGenerator;
  keys: KeyStore;
}

/**
 * How long a process may answer from its tenant cache. Other processes (scale-out) change tenants
 * in the shared database without telling this one, so a cached tenant is re-read after this long:
 * an organization change reaches every instance within it (docs/operations.md).
 */
export const TENANT_CACHE_TTL_MS = 5_000;

/** Tenants (directories): creation with their signing key, lookups (cached per process, bounded), updates. */
export class TenantsService {
  private readonly cache = new Map<string, { tenant: Tenant; until: number }>();

  constructor(private readonly deps: TenantsDeps) {}

  /**
   * Creates the default tenant on first start (display name and domain from configuration) and
   * its signing key. Idempotent and safe when several processes start at once.
   */
  async ensureDefaultTenant(config: Pick<Config, 'tenantName' | 'tenantDomain'>): Promise<Tenant> {
    let t = await findDefaultTenant(this.deps.db);
    if (!t) {
      try {
        await this.createTenant({ displayName: config.tenantName, initialDomain: config.tenantDomain, isDefault: true });
      } catch (err) {
        if (!asUniqueViolation(err)) throw err;
      }
      t = await findDefaultTenant(this.deps.db);
      if (!t) throw new Error('default tenant could not be created');
    }
    await this.deps.keys.ensureTenantKey(t.id);
    return t;
  }

  /** Creates a tenant with its signing key. Used at first start, by tests and by future tenant admin. */
  async createTenant(input: { displayName: string; initialDomain: string; isDefault?: boolean }): Promise<Tenant> {
    const t: Tenant = {
      id: this.deps.newId(),
      displayName: input.displayName,
      initialDomain: input.initialDomain.toLowerCase(),
      isDefault: input.isDefault ?? false,
      privacyStatementUrl: null,
      privacyContactEmail: null,
      technicalNotificationMails: [],
      createdDateTime: this.deps.clock.now().toISOString(),
    };
    await insertTenant(this.deps.db, t);
    await this.deps.keys.ensureTenantKey(t.id);
    return t;
  }

  async getTenant(id: string): Promise<Tenant> {
    const t = await this.findTenant(id);
    if (!t) throw notFound(id);
    return t;
  }

  /** Tenants change rarely; a short per-process cache (TENANT_CACHE_TTL_MS) keeps token verification cheap. */
  async findTenant(id: string): Promise<Tenant | undefined> {
    const hit = this.cache.get(id);
    if (hit && hit.until > this.deps.clock.now().getTime()) return hit.tenant;
    return this.loadTenant(id);
  }

  private remember(t: Tenant): void {
    this.cache.set(t.id, { tenant: t, until: this.deps.clock.now().getTime() + TENANT_CACHE_TTL_MS });
  }

  /**
   * Reads the tenant from the database, bypassing the cache, and refreshes the cache with it.
   * Call after a committed change (the cache must never hold uncommitted values) and wherever a
   * read must not be stale (another process may have changed the tenant).
   */
  async loadTenant(id: string): Promise<Tenant | undefined> {
    const t = await findTenant(this.deps.db, id);
    if (t) this.remember(t);
    else this.cache.delete(id);
    return t;
  }

  /** The tenant whose verified domain (today: its initial domain) this is. */
  async findTenantByDomain(domain: string): Promise<Tenant | undefined> {
    const t = await findTenantByDomain(this.deps.db, domain);
    return t && this.findTenant(t.id);
  }

  findDefaultTenant(): Promise<Tenant | undefined> {
    return findDefaultTenant(this.deps.db);
  }

  /** Updates organization properties inside the caller's transaction (authorization is the caller's job). */
  async updateTenant(db: Executor, id: string, patch: Parameters<typeof updateTenant>[2]): Promise<void> {
    await updateTenant(db, id, patch);
    this.cache.delete(id);
  }

  /** Serialises a tenant-wide invariant check for the rest of the transaction `trx`. */
  lockTenant(trx: Executor, id: string): Promise<void> {
    return lockTenantRow(trx, id);
  }

  /**
   * A shared hold on the tenant for the rest of `trx`: transactions holding it run together, but
   * not alongside one that took `lockTenant` (dynamic groups: user changes vs. a rule's recomputation).
   */
  shareLockTenant(trx: Executor, id: string): Promise<void> {
    return shareLockTenantRow(trx, id);
  }
}
