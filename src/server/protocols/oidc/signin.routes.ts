import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { type TenantDirectory, tenantOfRoute } from '../../http/tenant.js';
import type { OidcProviders } from './provider.js';
import { type SignInDeps, showSignIn, submitSignIn } from './signin.js';

/**
 * The sign-in page that authorization requests' interactions point to, relative to its mount
 * point: `/login/:uid` for the default tenant, `/{tenantId}/login/:uid` for the others (app.ts
 * registers the plugin under both, in the browser-page surface).
 */
export function signInRoutes(deps: SignInDeps & { tenants: TenantDirectory; providers: OidcProviders }) {
  const schema = { tags: ['oauth2'], summary: 'Sign-in page of an authorization request (HTML form)' };
  return async (scope: FastifyInstance): Promise<void> => {
    for (const [method, handle] of [
      ['GET', showSignIn],
      ['POST', submitSignIn],
    ] as const) {
      scope.route({
        method,
        url: '/:uid',
        schema,
        handler: async (req, reply) => {
          const tenant = await tenantOfRoute(deps.tenants, req);
          if (!tenant) throw new DomainError('route_not_found', 'There is no sign-in page at this address.');
          const provider = await deps.providers.forTenant(tenant);
          return handle({ deps, provider, tenant, uid: (req.params as { uid: string }).uid, req, reply });
        },
      });
    }
  };
}
