import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import { SignInErrors } from '../../modules/signins/signins.service.js';
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
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    deps.metrics?.tokenRequest(grantType(ctx), 'issued');
    reportAppSignIn(deps, tenant, ctx, undefined);
  });
  provider.on('grant.error', (ctx: KoaContextWithOIDC, err: { error?: string }) => {
    deps.metrics?.tokenRequest(grantType(ctx), typeof err.error === 'string' ? err.error : 'server_error');
    reportAppSignIn(deps, tenant, ctx, err);
  });
  return provider;
}

/**
 * Application sign-ins (client credentials) for the sign-in log, success or failure: the event
 * handlers of oidc-provider are synchronous, so the report runs on and logs its own failure.
 */
function reportAppSignIn(deps: ProviderDeps, tenant: Tenant, ctx: KoaContextWithOIDC, err: { error?: string } | undefined): void {
  if (!deps.signIns || ctx.oidc?.params?.grant_type !== 'client_credentials') return;
  const client = ctx.oidc.client;
  const clientId = client?.clientId ?? (typeof ctx.oidc.params.client_id === 'string' ? ctx.oidc.params.client_id : null);
  const failure =
    err === undefined
      ? { errorCode: 0 }
      : err.error === 'invalid_client'
        ? SignInErrors.invalidClient
        : { errorCode: 70000, failureReason: `The request was refused: ${String(err.error ?? 'server_error')}.` };
  deps.signIns
    .record({
      tenantId: tenant.id,
      appId: clientId ? clientId.slice(0, 256) : null,
      appDisplayName: client?.clientName ? String(client.clientName) : null,
      ipAddress: ctx.ip,
      clientAppUsed: 'Other clients',
      isInteractive: false,
      authenticationMethod: 'Client secret',
      ...failure,
    })
    .catch((e: unknown) => deps.log.warn({ err: e, tenantId: tenant.id }, 'could not record an application sign-in'));
}
