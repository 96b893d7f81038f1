import type { FastifyRequest } from 'fastify';
import { isGuid } from '../domain/ids.js';
import type { Tenant } from '../modules/tenants/tenants.service.js';

/** The tenants a protocol or page route can address. */
export interface TenantDirectory {
  defaultTenant: Tenant;
  findTenant(id: string): Promise<Tenant | undefined>;
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
