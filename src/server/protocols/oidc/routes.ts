import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { isGuid } from '../../domain/ids.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import { createRateLimiter } from '../../platform/rate-limit.js';
import { getOrCreateSecret } from '../../platform/secrets.js';
import { graphResource } from '../../platform/urls.js';
import {
  createOidcProviders,
  GRAPH_DELEGATED_SCOPES,
  issuerPath,
  OIDC_ROUTES,
  type OidcProviders,
  tenantPrefix,
} from './provider.js';
import { type SignInDeps, showSignIn, submitSignIn } from './signin.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Per-tenant oidc-provider instances (token issuer). */
    oidc: OidcProviders;
  }
}

/** Paths (relative to a tenant's issuer) answered by oidc-provider itself. */
const PROVIDER_PATHS = ['/.well-known/openid-configuration', '/oauth2/v2.0/*', '/discovery/v2.0/keys', '/oidc/userinfo'];

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Makes authorization requests written for Entra work unchanged:
 * - `<resource>/.default` ("everything this app may have") expands to the Graph delegated scopes, so
 *   the grant and the token's `scope` name them (oidc-provider would ignore the unknown value);
 * - `offline_access` gets a refresh token without the client adding `prompt=consent`, which
 *   oidc-provider (following OIDC Core) requires; Portico's clients are first-party and consent is
 *   implicit, so the extra consent step completes without any page.
 * (Client credentials need neither: app tokens carry their permissions in `roles`.)
 */
export function entraCompatibleAuthorizationRequest(pathAndQuery: string, graph: string): string {
  const q = pathAndQuery.indexOf('?');
  if (q < 0 || pathAndQuery.slice(0, q) !== OIDC_ROUTES.authorization) return pathAndQuery;
  const params = new URLSearchParams(pathAndQuery.slice(q + 1));
  const scope = params.get('scope');
  if (!scope) return pathAndQuery;
  const isDefault = (s: string) => s === '.default' || s === `${graph}/.default`;
  const parts = [
    ...new Set(
      scope
        .split(' ')
        .filter(Boolean)
        .flatMap((s) => (isDefault(s) ? [...GRAPH_DELEGATED_SCOPES] : [s])),
    ),
  ];
  params.set('scope', parts.join(' '));
  const prompt = (params.get('prompt') ?? '').split(' ').filter(Boolean);
  if (parts.includes('offline_access') && !prompt.includes('none') && !prompt.includes('consent')) {
    params.set('prompt', [...prompt, 'consent'].join(' '));
  }
  return `${pathAndQuery.slice(0, q)}?${params.toString()}`;
}

/**
 * Mounts the token issuer: oidc-provider per tenant (default tenant at the root, others under
 * `/<tenantId>`), plus the server-rendered sign-in page its interactions point to.
 */
export async function oidcRoutes(app: FastifyInstance): Promise<void> {
  const { config, database, clock, keys, services } = app.portico;
  const providers = createOidcProviders({
    config,
    db: database.db,
    clock,
    keys,
    clients: services.clients,
    users: services.users,
    applications: services.applications,
    roles: services.roles,
    pairwiseKey: await getOrCreateSecret(database.db, 'oidc-pairwise-key-1', clock),
    log: app.log,
  });
  app.decorate('oidc', providers);

  const callbacks = new WeakMap<Provider, Handler>();
  const callbackOf = (p: Provider): Handler => {
    let cb = callbacks.get(p);
    if (!cb) {
      cb = p.callback() as unknown as Handler;
      callbacks.set(p, cb);
    }
    return cb;
  };

  const tenantOf = async (req: FastifyRequest): Promise<Tenant | undefined> => {
    const id = (req.params as { tenantId?: string }).tenantId;
    if (id === undefined) return app.portico.defaultTenant;
    if (!isGuid(id)) return undefined;
    const t = await services.tenants.findTenant(id.toLowerCase());
    return t && !t.isDefault ? t : undefined;
  };

  // oidc-provider parses its own request bodies, so in this scope Fastify must leave the stream
  // untouched: the only content-type parser accepts everything and reads nothing.
  await app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    const handle = async (req: FastifyRequest, reply: FastifyReply) => {
      const tenant = await tenantOf(req);
      if (!tenant) return reply.callNotFound();
      const provider = await providers.forTenant(tenant);
      const prefix = tenantPrefix(tenant);
      const url = req.raw.url ?? '/';
      if (!url.startsWith(`${prefix}/`)) return reply.callNotFound();
      // Present the request to oidc-provider as mounted at the issuer's path: `url` relative to the
      // issuer, `originalUrl` the full path (oidc-provider derives its mount path from the two).
      const rest = entraCompatibleAuthorizationRequest(url.slice(prefix.length), graphResource(config));
      req.raw.url = rest;
      (req.raw as IncomingMessage & { originalUrl?: string }).originalUrl = `${issuerPath(config, tenant)}${rest}`;
      reply.hijack();
      await callbackOf(provider)(req.raw, reply.raw);
    };
    for (const prefix of ['', '/:tenantId']) {
      for (const path of PROVIDER_PATHS) {
        raw.route({
          method: ['GET', 'POST', 'OPTIONS'],
          url: `${prefix}${path}`,
          schema: { tags: ['oauth2'], summary: `OpenID Connect / OAuth 2.0 (${path}), served by oidc-provider` },
          handler: handle,
        });
      }
    }
  });

  const signInDeps: SignInDeps = {
    config,
    applications: services.applications,
    clock,
    users: services.users,
    redemptions: services.redemptions,
    otp: services.redemption.otp,
    redeemCookie: services.redemption.cookie,
    limiter: createRateLimiter(database.db, clock),
    csrfKey: await getOrCreateSecret(database.db, 'signin-csrf-key-1', clock),
  };
  for (const prefix of ['', '/:tenantId']) {
    const schema = { tags: ['oauth2'], summary: 'Sign-in page of an authorization request (HTML form)' };
    app.get(`${prefix}/login/:uid`, { schema }, async (req, reply) => {
      const tenant = await tenantOf(req);
      if (!tenant) return reply.callNotFound();
      return showSignIn(signInDeps, await providers.forTenant(tenant), tenant, (req.params as { uid: string }).uid, req, reply);
    });
    app.post(`${prefix}/login/:uid`, { schema }, async (req, reply) => {
      const tenant = await tenantOf(req);
      if (!tenant) return reply.callNotFound();
      return submitSignIn(signInDeps, await providers.forTenant(tenant), tenant, (req.params as { uid: string }).uid, req, reply);
    });
  }
}
