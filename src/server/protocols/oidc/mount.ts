import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Config } from '../../config/index.js';
import { DomainError } from '../../domain/errors.js';
import { type TenantDirectory, tenantOfRoute } from '../../http/tenant.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import { graphResource } from '../../platform/urls.js';
import { checkedProviderRequest } from './client-auth.js';
import type { ClientDirectory } from './clients.js';
import { CLIENT_AUTH_ROUTES, GRAPH_DELEGATED_SCOPES, issuerPath, OIDC_ROUTES, tenantPrefix } from './constants.js';
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

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Where the sign-out confirmation form posts (oidc-provider's `end_session_confirm`). */
const END_SESSION_CONFIRM = `${OIDC_ROUTES.end_session}/confirm`;

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
  ctx.body = { error: 'invalid_request', error_description: 'unrecognized route or not allowed method' };
  ctx.status = 404;
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
      p.use(unknownRouteAsOAuthError);
      if (deps.afterSignOut) p.use(continueAfterSignOut(tenant, deps.afterSignOut));
      cb = p.callback() as unknown as Handler;
      callbacks.set(p, cb);
    }
    return cb;
  };

  const handle = async (req: FastifyRequest, reply: FastifyReply, tenant: Tenant) => {
    const provider = await providers.forTenant(tenant);
    const prefix = tenantPrefix(tenant);
    const url = req.raw.url ?? '/';
    if (!url.startsWith(`${prefix}/`)) return reply.callNotFound();
    // Present the request to oidc-provider as mounted at the issuer's path: `url` relative to the
    // issuer, `originalUrl` the full path (oidc-provider derives its mount path from the two).
    let rest = entraCompatibleAuthorizationRequest(url.slice(prefix.length), graphResource(config));
    if (rest === OAUTH_METADATA || rest.startsWith(`${OAUTH_METADATA}?`)) {
      rest = `${OPENID_CONFIGURATION}${rest.slice(OAUTH_METADATA.length)}`;
    }
    requireHttps(config, req, rest);
    req.raw.url = rest;
    (req.raw as IncomingMessage & { originalUrl?: string }).originalUrl = `${issuerPath(config, tenant)}${rest}`;
    const incoming = await checkedProviderRequest(
      req.raw,
      CLIENT_AUTH_ROUTES.has(rest.split('?')[0] ?? '')
        ? { verify: (clientId, secret) => clients.verifySecret(tenant, clientId, secret), marker: clients.secretMarker }
        : undefined,
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
        const tenant = await tenantOfRoute(tenants, req);
        if (!tenant) return reply.callNotFound();
        const url = req.raw.url ?? '';
        req.raw.url = `${tenantPrefix(tenant)}${OAUTH_METADATA}${url.includes('?') ? url.slice(url.indexOf('?')) : ''}`;
        return handle(req, reply, tenant);
      },
    );
    for (const prefix of ['', '/:tenantId']) {
      for (const path of [...PROVIDER_PATHS, OAUTH_METADATA]) {
        scope.route({
          method: ['GET', 'POST', 'OPTIONS'],
          url: `${prefix}${path}`,
          schema: { tags: ['oauth2'], summary: `OpenID Connect / OAuth 2.0 (${path}), served by oidc-provider` },
          handler: async (req, reply) => {
            const tenant = await tenantOfRoute(tenants, req);
            return tenant ? handle(req, reply, tenant) : reply.callNotFound();
          },
        });
      }
    }
  };
}
