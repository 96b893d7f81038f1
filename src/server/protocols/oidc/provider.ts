import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import { issuerUrl } from '../../platform/urls.js';
import { buildConfiguration, type ProviderDeps } from './configuration.js';

export type { ProviderDeps } from './configuration.js';

/**
 * One oidc-provider instance per tenant, created on first use and cached for the process lifetime.
 * Every instance keeps its state in the database (adapter, keys, cookie secrets), so any process
 * can continue a flow another started, and a restart loses nothing.
 */
export function createOidcProviders(deps: ProviderDeps) {
  const cache = new Map<string, Promise<Provider>>();
  return {
    forTenant(tenant: Tenant): Promise<Provider> {
      let p = cache.get(tenant.id);
      if (!p) {
        p = buildProvider(deps, tenant);
        cache.set(tenant.id, p);
        p.catch(() => cache.delete(tenant.id));
      }
      return p;
    },
  };
}

export type OidcProviders = ReturnType<typeof createOidcProviders>;

async function buildProvider(deps: ProviderDeps, tenant: Tenant): Promise<Provider> {
  const jwks = await deps.keys.privateJwks(tenant.id);
  const alg = String(jwks[0]?.alg ?? deps.config.signingAlg) as 'ES256' | 'RS256';
  const provider = new Provider(issuerUrl(deps.config, tenant), buildConfiguration(deps, tenant, jwks, alg));
  provider.proxy = deps.config.trustProxy;
  provider.on('server_error', (ctx: KoaContextWithOIDC, err: Error) => {
    deps.log.error({ err, path: ctx.path, tenantId: tenant.id }, 'oidc-provider server error');
  });
  const grantType = (ctx: KoaContextWithOIDC) => {
    const g = ctx.oidc?.params?.grant_type;
    return typeof g === 'string' && g.length <= 64 ? g : 'unknown';
  };
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => deps.metrics?.tokenRequest(grantType(ctx), 'issued'));
  provider.on('grant.error', (ctx: KoaContextWithOIDC, err: { error?: string }) =>
    deps.metrics?.tokenRequest(grantType(ctx), typeof err.error === 'string' ? err.error : 'server_error'),
  );
  return provider;
}
