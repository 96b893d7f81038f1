import type { FastifyRequest } from 'fastify';
import type { OperationContext } from '../../domain/context.js';
import type { TenantDirectory } from '../../http/tenant.js';
import { type ScimDeps, ScimProvisioning } from './provisioning.js';
import { scimRoutes } from './routes.js';

/**
 * The SCIM 2.0 adapter (RFC 7643/7644) for provisioning members and groups: built in app.ts from
 * the services it calls; `routes` is registered under `/scim/v2` and `/{tenantId}/scim/v2`.
 */
export function createScim(
  deps: ScimDeps & {
    publicUrl: string;
    authenticate: (req: FastifyRequest) => Promise<OperationContext>;
    tenants: TenantDirectory;
  },
) {
  const provisioning = new ScimProvisioning(deps);
  return {
    routes: scimRoutes({ provisioning, publicUrl: deps.publicUrl, authenticate: deps.authenticate, tenants: deps.tenants }),
  };
}

export type Scim = ReturnType<typeof createScim>;
