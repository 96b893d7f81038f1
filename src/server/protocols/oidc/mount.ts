import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as querystring from 'node:querystring';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Config } from '../../config/index.js';
import { correlationIdOf, entraErrorBody } from '../../domain/entra-errors.js';
import { DomainError } from '../../domain/errors.js';
import { canonicalGraphScope } from '../../domain/graph-permissions.js';
import { printable } from '../../domain/text.js';
import { type TenantDirectory, tenantOfAuthority } from '../../http/tenant.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import { graphResource } from '../../platform/urls.js';
import { checkedProviderRequest } from './client-auth.js';
import type { ClientDirectory } from './clients.js';
import { CLIENT_AUTH_ROUTES, FIRST_PARTY_CLIENT_IDS, GRAPH_DELEGATED_SCOPES, issuerPath, OIDC_ROUTES } from './constants.js';
import type { OidcProviders } from './provider.js';

/** Paths (relative to a tenant's issuer) answered by oidc-provider itself. */
const PROVIDER_PATHS = ['/.well-known/openid-configuration', '/oauth2/v2.0/*', '/discovery/v2.0/keys', '/oidc/userinfo'];

const OPENID_CONFIGURATION = '/.well-known/openid-configuration';
/**
 * RFC 8414 authorization server metadata: the OpenID discovery document itself (every RFC 8414
 * field in it has the same meaning), at `{issuer}/.well-known/oauth-authorization-server` and, for
 * an issuer with a path, at the RFC's path-inserted form `/.well-known/oauth-authorization-server/{tenantId}`.
 */
const OAUTH_METADATA = '/.well-known/oauth-authorization-server';

/** Path of the public URL (empty when Portico is served at the root of its host). */
const basePath = (config: Pick<Config, 'publicUrl'>): string => new URL(config.publicUrl).pathname.replace(/\/+$/, '');

/** Where MSAL and `@azure/identity` look for a tenant's metadata (`{authority}/v2.0/.well-known/…`). */
const ENTRA_DISCOVERY_PATH = '/v2.0/.well-known/openid-configuration';

/** The provider's own path for a path in Entra's form (only discovery differs). */
const fromEntraPath = (rest: string): string => (rest.startsWith(ENTRA_DISCOVERY_PATH) ? rest.slice('/v2.0'.length) : rest);

/** Entra's answer for an authority that names no tenant (AADSTS90002), rendered by the surface. */
const unknownTenant = (segment: string) =>
  new DomainError(
    'tenant_not_found',
    `Tenant '${printable(segment).slice(0, 100)}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
  );

/**
 * Entra's instance discovery (`/common/discovery/instance?api-version=1.1&authorization_endpoint=…`),
 * which MSAL reads to learn which hosts are aliases of an authority. Portico is one host.
 */
function instanceDiscovery(config: Config, query: Record<string, unknown>) {
  const host = new URL(config.publicUrl).host;
  const authorize = typeof query.authorization_endpoint === 'string' ? query.authorization_endpoint : '';
  let tenantSegment = 'common';
  try {
    const u = new URL(authorize);
    if (u.host === host) tenantSegment = u.pathname.split('/')[1] || 'common';
  } catch {
    // no or a foreign authorization endpoint: describe the instance itself
  }
  return {
    tenant_discovery_endpoint: `${config.publicUrl}/${tenantSegment}${ENTRA_DISCOVERY_PATH}`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Where the sign-out confirmation form posts (oidc-provider's `end_session_confirm`). */
const END_SESSION_CONFIRM = `${OIDC_ROUTES.end_session}/confirm`;

/**
 * Makes authorization requests written for Entra work unchanged:
 * - Graph permissions in any of Graph's spellings (`User.Read`,
 *   `https://graph.microsoft.com/User.Read`, `<Portico>/v1.0/User.Read`) become the permission name;
 * - `<resource>/.default` ("everything this app may have") expands to the Graph delegated
 *   permissions of the client (`defaultScopes`), so the grant and the token's `scope` name them
 *   (oidc-provider would ignore the unknown value);
 * - `offline_access` gets a refresh token without the client adding `prompt=consent`, which
 *   oidc-provider (following OIDC Core) requires; consent is decided by Portico (implicit for its
 *   own clients, oauth2PermissionGrants and the consent page for applications), so the extra
 *   consent step only shows a page when a permission is not consented yet.
 * (Client credentials need neither: app tokens carry their permissions in `roles`.)
 */
export async function entraCompatibleAuthorizationRequest(
  pathAndQuery: string,
  graph: string,
  defaultScopes: (clientId: string) => Promise<readonly string[]>,
): Promise<string> {
  const q = pathAndQuery.indexOf('?');
  if (q < 0 || pathAndQuery.slice(0, q) !== OIDC_ROUTES.authorization) return pathAndQuery;
  const params = new URLSearchParams(pathAndQuery.slice(q + 1));
  if (!(await entraAuthorizationParams(params, graph, defaultScopes))) return pathAndQuery;
  return `${pathAndQuery.slice(0, q)}?${params.toString()}`;
}

/** The rewrite of entraCompatibleAuthorizationRequest on parameters (query or PAR body); false when nothing changed. */
async function entraAuthorizationParams(
  params: URLSearchParams,
  graph: string,
  defaultScopes: (clientId: string) => Promise<readonly string[]>,
): Promise<boolean> {
  const scope = params.get('scope');
  if (!scope) return false;
  const parts: string[] = [];
  for (const s of scope.split(' ').filter(Boolean)) {
    const canonical = canonicalGraphScope(s, graph);
    if (canonical === '.default') parts.push(...(await defaultScopes(params.get('client_id') ?? '')));
    else parts.push(canonical ?? s);
  }
  const unique = [...new Set(parts)];
  params.set('scope', unique.join(' '));
  const prompt = (params.get('prompt') ?? '').split(' ').filter(Boolean);
  if (unique.includes('offline_access') && !prompt.includes('none') && !prompt.includes('consent')) {
    params.set('prompt', [...prompt, 'consent'].join(' '));
  }
  return true;
}

/**
 * Form parameters of the token and PAR endpoints in Entra's spellings: a PAR body is an
 * authorization request; at the token endpoint, Graph scope names become canonical and
 * `.default` on a refresh means "what was granted" (no `scope` parameter).
 */
async function entraFormParams(
  path: string,
  body: querystring.ParsedUrlQuery,
  graph: string,
  defaultScopes: (clientId: string) => Promise<readonly string[]>,
): Promise<querystring.ParsedUrlQuery | undefined> {
  if (typeof body.scope !== 'string') return undefined;
  const params = new URLSearchParams(body as Record<string, string>);
  if (path === OIDC_ROUTES.pushed_authorization_request) {
    return (await entraAuthorizationParams(params, graph, defaultScopes)) ? Object.fromEntries(params) : undefined;
  }
  if (path !== OIDC_ROUTES.token || body.grant_type !== 'refresh_token') return undefined;
  const scopes = body.scope
    .split(' ')
    .filter(Boolean)
    .map((s) => canonicalGraphScope(s, graph) ?? s);
  const { scope: _scope, ...rest } = body;
  return scopes.includes('.default') ? rest : { ...rest, scope: [...new Set(scopes)].join(' ') };
}

/**
 * Behind a trusted proxy with an https public URL, oidc-provider marks its cookies Secure, and Koa
 * refuses (with a 500) to set them on a request it does not see as https: one without
 * `X-Forwarded-Proto: https` (its first value, as Koa reads it). Such a request did not come
 * through the proxy over https, or the proxy does not send the header: the endpoints that set
 * cookies (authorization, logout) refuse it plainly instead. Secure cookies are never sent over
 * what may be plain http.
 */
function requireHttps(config: Config, req: FastifyRequest, path: string): void {
  if (!config.trustProxy || !config.publicUrl.startsWith('https://')) return;
  if (!path.startsWith(OIDC_ROUTES.authorization) && !path.startsWith(OIDC_ROUTES.end_session)) return;
  const forwarded = req.headers['x-forwarded-proto'];
  const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  if (proto === 'https') return;
  throw new DomainError(
    'https_required',
    `This address is served over https only (${config.publicUrl}), and this request did not arrive over https: the trusted reverse proxy must send X-Forwarded-Proto: https.`,
  );
}

/**
 * oidc-provider's router leaves what it does not serve (a method an endpoint does not accept, a path
 * below /oauth2/v2.0/ that is no endpoint) to Koa, whose answer is a plain-text "Not Found": the
 * OAuth surface answers in RFC 6749 form instead.
 */
const unknownRouteAsOAuthError: Parameters<Provider['use']>[0] = async (ctx, next) => {
  await next();
  if (ctx.status !== 404 || ctx.body !== undefined) return;
  if (ctx.path === OIDC_ROUTES.device_authorization) {
    // Named in Entra's layout, but the device authorization grant is not offered (discovery lists
    // no device_authorization_endpoint): say so rather than "unrecognized route".
    ctx.body = {
      error: 'invalid_request',
      error_description: 'The device authorization grant (device code flow) is not supported by this server.',
    };
    ctx.status = 400;
    return;
  }
  ctx.body = { error: 'invalid_request', error_description: 'unrecognized route or not allowed method' };
  ctx.status = 404;
};

/**
 * oidc-provider's JSON errors in Entra's shape (domain/entra-errors.ts): AADSTS code, trace and
 * correlation ids. The trace id is the request id the mount put on the response.
 */
const entraShapedErrors: Parameters<Provider['use']>[0] = async (ctx, next) => {
  await next();
  const body: unknown = ctx.body;
  if (ctx.status < 400 || typeof body !== 'object' || body === null || Buffer.isBuffer(body)) return;
  const b = body as { error?: unknown; error_description?: unknown };
  if (typeof b.error !== 'string') return;
  const traceId = String(ctx.response.get('request-id') || '');
  const { error_description: description, ...rest } = b;
  ctx.body = entraErrorBody(
    { ...rest, error: b.error, ...(typeof description === 'string' ? { error_description: description } : {}) },
    { traceId, correlationId: correlationIdOf(ctx.get('client-request-id'), traceId), now: new Date() },
  );
};

/**
 * Sign-out ends everything the browser session authorized. oidc-provider revokes the grant of
 * every client of the session when the user confirms sign-out, except those whose tokens "persist
 * logout" (refresh tokens of `offline_access` grants). Before it handles the confirmation, that
 * exemption is removed from the session, so sign-out revokes those grants — and their refresh and
 * access tokens — too. (A confirmation that fails its xsrf check signs nobody out; the flag only
 * ever matters to a sign-out.)
 */
async function revokeEverythingOnSignOut(provider: Provider, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const session = await provider.Session.get({ req: req.raw, res: reply.raw } as unknown as Parameters<
    typeof provider.Session.get
  >[0]);
  const authorizations = (session.authorizations ?? {}) as Record<string, { persistsLogout?: boolean }>;
  const persisting = Object.values(authorizations).filter((a) => a.persistsLogout);
  if (!session.accountId || persisting.length === 0) return;
  for (const a of persisting) delete a.persistsLogout;
  await session.persist();
}

export interface MountDeps {
  config: Config;
  permissions: { consentedScopes(tenantId: string, appId: string, userId: string | undefined): Promise<string[]> };
  tenants: TenantDirectory;
  providers: OidcProviders;
  clients: ClientDirectory;
  /**
   * After a confirmed sign-out ended the browser session `sessionUid`: where the browser goes
   * instead of `location` (oidc-provider's post-logout redirect), e.g. through the SAML single
   * logout of the session's applications, which ends at `location`. Undefined keeps `location`.
   */
  afterSignOut?(tenantId: string, sessionUid: string, location: string): Promise<string | undefined>;
}

/**
 * The sign-out confirmation ended the session (a 303 to the post-logout URI): when `afterSignOut`
 * names another stop (SAML applications to log out of), the browser goes there first.
 */
function continueAfterSignOut(
  tenant: Tenant,
  afterSignOut: NonNullable<MountDeps['afterSignOut']>,
): Parameters<Provider['use']>[0] {
  return async (ctx, next) => {
    await next();
    const oidc = ctx.oidc as { route?: string; params?: { logout?: unknown }; session?: { uid?: string } } | undefined;
    if (oidc?.route !== 'end_session_confirm' || ctx.status !== 303 || !oidc.params?.logout) return;
    const uid = oidc.session?.uid;
    const location = ctx.response.get('location');
    if (!uid || !location) return;
    const to = await afterSignOut(tenant.id, uid, location);
    if (to) ctx.redirect(to);
  };
}

/**
 * Mounts the token issuer in a Fastify scope: oidc-provider per tenant (default tenant at the
 * root, others under `/<tenantId>`). oidc-provider reads its own request bodies, so the scope
 * leaves the stream untouched (its only content-type parser reads nothing); a posted form is read
 * first, to refuse text that cannot be stored and, for the endpoints that authenticate clients, to
 * check hashed client secrets (client-auth.ts).
 */
export function mountProvider(deps: MountDeps) {
  const { config, tenants, providers, clients } = deps;
  const callbacks = new WeakMap<Provider, Handler>();
  const callbackOf = (p: Provider, tenant: Tenant): Handler => {
    let cb = callbacks.get(p);
    if (!cb) {
      p.use(entraShapedErrors);
      p.use(unknownRouteAsOAuthError);
      if (deps.afterSignOut) p.use(continueAfterSignOut(tenant, deps.afterSignOut));
      cb = p.callback() as unknown as Handler;
      callbacks.set(p, cb);
    }
    return cb;
  };

  /**
   * Hands a request to the tenant's provider. `prefix` is the authority part of the path as the
   * client wrote it ('' for the default tenant at the root, else `/{tenant id | domain | common}`);
   * the provider sees the request as if it came to the tenant's issuer path.
   */
  const handle = async (req: FastifyRequest, reply: FastifyReply, tenant: Tenant, prefix: string) => {
    const provider = await providers.forTenant(tenant);
    const url = req.raw.url ?? '/';
    if (!url.startsWith(`${prefix}/`)) return reply.callNotFound();
    // Present the request to oidc-provider as mounted at the issuer's path: `url` relative to the
    // issuer, `originalUrl` the full path (oidc-provider derives its mount path from the two).
    // An application's `.default`: what an admin granted it, and User.Read (sign-in and profile).
    const defaultScopes = async (clientId: string): Promise<readonly string[]> =>
      FIRST_PARTY_CLIENT_IDS.has(clientId)
        ? GRAPH_DELEGATED_SCOPES
        : ['User.Read', ...(await deps.permissions.consentedScopes(tenant.id, clientId, undefined))];
    let rest = await entraCompatibleAuthorizationRequest(
      fromEntraPath(url.slice(prefix.length)),
      graphResource(config),
      defaultScopes,
    );
    // RFC 8414: the authorization server metadata is the OpenID discovery document.
    if (rest === OAUTH_METADATA || rest.startsWith(`${OAUTH_METADATA}?`)) {
      rest = `${OPENID_CONFIGURATION}${rest.slice(OAUTH_METADATA.length)}`;
    }
    requireHttps(config, req, rest);
    req.raw.url = rest;
    // Addressed by an authority segment, the endpoints the provider names (discovery, resume
    // URLs) are under `/{tenant id}` — the default tenant's too: MSAL puts the authority's tenant
    // in place of the first path segment of every endpoint it discovered.
    const mountPath = prefix === '' ? issuerPath(config, tenant) : `${basePath(config)}/${tenant.id}`;
    (req.raw as IncomingMessage & { originalUrl?: string }).originalUrl = `${mountPath}${rest}`;
    const path = rest.split('?')[0] ?? '';
    const incoming = await checkedProviderRequest(
      req.raw,
      CLIENT_AUTH_ROUTES.has(path)
        ? { verify: (clientId, secret) => clients.verifySecret(tenant, clientId, secret), marker: clients.secretMarker }
        : undefined,
      (body) => entraFormParams(path, body, graphResource(config), defaultScopes),
    );
    if (req.raw.method === 'POST' && rest.split('?')[0] === END_SESSION_CONFIRM) {
      await revokeEverythingOnSignOut(provider, req, reply);
    }
    // The response leaves Fastify here: the headers every response carries go on it directly.
    reply.raw.setHeader('request-id', String(req.id));
    const crid = req.headers['client-request-id'];
    if (typeof crid === 'string' && crid.length <= 128) reply.raw.setHeader('client-request-id', crid);
    reply.hijack();
    await callbackOf(provider, tenant)(incoming, reply.raw);
  };

  return async (scope: FastifyInstance): Promise<void> => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    // RFC 8414's path-inserted form for a tenant's issuer (`{publicUrl}/{tenantId}`).
    scope.get(
      `${OAUTH_METADATA}/:tenantId`,
      { schema: { tags: ['oauth2'], summary: 'OAuth 2.0 authorization server metadata of a tenant (RFC 8414)' } },
      async (req, reply) => {
        // Only an issuer with a path has this form: the default tenant's issuer is the root.
        const segment = (req.params as { tenantId: string }).tenantId;
        const tenant = await tenantOfAuthority(tenants, segment);
        if (!tenant || tenant.isDefault || segment !== tenant.id) return reply.callNotFound();
        const url = req.raw.url ?? '';
        req.raw.url = `/${segment}${OAUTH_METADATA}${url.includes('?') ? url.slice(url.indexOf('?')) : ''}`;
        return handle(req, reply, tenant, `/${segment}`);
      },
    );
    for (const path of [...PROVIDER_PATHS, OAUTH_METADATA]) {
      scope.route({
        method: ['GET', 'POST', 'OPTIONS'],
        url: path,
        schema: { tags: ['oauth2'], summary: `OpenID Connect / OAuth 2.0 (${path}), served by oidc-provider` },
        handler: (req, reply) => handle(req, reply, tenants.defaultTenant, ''),
      });
    }
    // Entra's authority form: /{tenant id | verified domain | common | organizations}/…
    for (const path of [...PROVIDER_PATHS, ENTRA_DISCOVERY_PATH, OAUTH_METADATA]) {
      scope.route({
        method: ['GET', 'POST', 'OPTIONS'],
        url: `/:tenantId${path}`,
        schema: { tags: ['oauth2'], summary: `OpenID Connect / OAuth 2.0 (${path}), served by oidc-provider` },
        handler: async (req, reply) => {
          const segment = (req.params as { tenantId: string }).tenantId;
          const tenant = await tenantOfAuthority(tenants, segment);
          if (!tenant) throw unknownTenant(segment);
          const url = req.raw.url ?? '/';
          return handle(req, reply, tenant, url.slice(0, url.indexOf('/', 1)));
        },
      });
    }
    scope.get(
      '/:tenantId/discovery/instance',
      { schema: { tags: ['oauth2'], summary: "Instance discovery (MSAL's cloud discovery metadata)" } },
      async (req) => {
        const segment = (req.params as { tenantId: string }).tenantId;
        if (!(await tenantOfAuthority(tenants, segment))) throw unknownTenant(segment);
        return instanceDiscovery(config, req.query as Record<string, unknown>);
      },
    );
  };
}
