import type { FastifyRequest } from 'fastify';
import { isGuid } from '../domain/ids.js';
import type { Tenant } from '../modules/tenants/tenants.service.js';

/** The tenants a protocol or page route can address. */
export interface TenantDirectory {
  defaultTenant: Tenant;
  findTenant(id: string): Promise<Tenant | undefined>;
  /** The tenant whose verified domain this is (lower-case). */
  findTenantByDomain?(domain: string): Promise<Tenant | undefined>;
}

/**
 * Authority names that stand for "the tenant of whoever signs in" in Entra. Portico resolves them
 * to its default tenant (the instance's home directory): a multi-tenant instance addresses its
 * other tenants by id or verified domain. `consumers` (personal Microsoft accounts) has no
 * counterpart and stays unknown.
 */
export const MULTI_TENANT_AUTHORITIES: ReadonlySet<string> = new Set(['common', 'organizations']);

/**
 * The tenant an Entra-style authority segment names (`/{tenant}/oauth2/v2.0/token`): its id (any
 * tenant, the default one included), one of its verified domains, or `common` / `organizations`
 * (the default tenant). Undefined when unknown.
 */
export async function tenantOfAuthority(tenants: TenantDirectory, segment: unknown): Promise<Tenant | undefined> {
  if (typeof segment !== 'string' || segment.length > 253) return undefined;
  const s = segment.toLowerCase();
  if (MULTI_TENANT_AUTHORITIES.has(s)) return tenants.defaultTenant;
  if (isGuid(s)) return tenants.findTenant(s);
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(s)) return undefined;
  if (s === tenants.defaultTenant.initialDomain) return tenants.defaultTenant;
  return tenants.findTenantByDomain?.(s);
}

/** A tenant named by id in a path (any tenant, the default one included); undefined when unknown. */
export async function tenantById(tenants: TenantDirectory, id: unknown): Promise<Tenant | undefined> {
  return typeof id === 'string' && isGuid(id) ? tenants.findTenant(id.toLowerCase()) : undefined;
}

/**
 * The tenant of a route registered with and without a `/:tenantId` prefix: the default tenant
 * without one; another tenant by its id (the default tenant is only addressed without a prefix,
 * where its cookies live).
 */
export async function tenantOfRoute(tenants: TenantDirectory, req: FastifyRequest): Promise<Tenant | undefined> {
  const id = (req.params as { tenantId?: string }).tenantId;
  // Read through the (bounded) cache, not the object captured at start: another instance may have
  // changed the organization since.
  if (id === undefined) return (await tenants.findTenant(tenants.defaultTenant.id)) ?? tenants.defaultTenant;
  const t = await tenantById(tenants, id);
  return t && !t.isDefault ? t : undefined;
}
