import type { FastifyBaseLogger } from 'fastify';
import Provider, {
  type AdapterPayload,
  type ClientMetadata,
  type Configuration,
  errors,
  interactionPolicy,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import type { Config } from '../../config/index.js';
import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import type { ApplicationsService } from '../../modules/applications/applications.service.js';
import type { ClientsService } from '../../modules/clients/clients.service.js';
import type { RolesService } from '../../modules/roles/roles.service.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import type { UsersService } from '../../modules/users/users.service.js';
import type { KeyStore } from '../../platform/keys.js';
import { getOrCreateSecret } from '../../platform/secrets.js';
import { graphResource, issuerUrl } from '../../platform/urls.js';
// SAML IdP sign-in client (protocols/saml/client.ts).
import { SAML_CLIENT_ID, samlClientMetadata } from '../saml/client.js';
import { KyselyOidcAdapter } from './adapter.js';
import {
  APP_CLIENT_MARKER,
  APP_SECRET_PLACEHOLDER,
  appAccess,
  appClientMetadata,
  isAppClient,
  pairwiseSubject,
} from './app-clients.js';
import { esc, page } from './html.js';

/** First-party public client of the portal and admin center (authorization code + PKCE). */
export const SPA_CLIENT_ID = 'portico-spa';

/**
 * First-party public client that runs invitation redemption inside an authorization request, so a
 * redeemed guest ends with a real provider session (see modules/redemption/redemption.routes.ts).
 */
export const REDEEM_CLIENT_ID = 'portico-redeem';

/** Guests who signed in with an e-mail one-time passcode keep their session for 24 hours (Entra). */
export const OTP_SESSION_TTL_SECONDS = 24 * 3600;

/**
 * Delegated scopes of the Graph resource. Delegated tokens act with the user's own rights (see
 * http/authenticate.ts), so these only describe the token; they never widen what a user may do.
 */
export const GRAPH_DELEGATED_SCOPES = ['User.Read', 'Directory.AccessAsUser.All'] as const;

/** Portico's own clients: consent is implicit, so their grants follow what they request. */
export const FIRST_PARTY_CLIENT_IDS: ReadonlySet<string> = new Set([SPA_CLIENT_ID, REDEEM_CLIENT_ID, SAML_CLIENT_ID]);

/**
 * Name of the prompt that stops a user who may not use an application (assignment required and not
 * assigned): the interaction page shows "You don't have access", `prompt=none` gets `access_denied`.
 */
export const APP_ACCESS_PROMPT = 'app_access';

const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

/**
 * Adds to a grant the OIDC scopes of a request's `scope` and the Graph delegated scopes it names
 * (by name or via `.default`). Used for first-party clients, whose consent is implicit.
 */
export function addRequestedScopes(
  grant: InstanceType<Provider['Grant']>,
  scope: string,
  graph: string,
  includeGraph = true,
): void {
  const requested = scope.split(' ').filter(Boolean);
  const oidc = requested.filter((s) => OIDC_SCOPES.has(s));
  if (oidc.length) grant.addOIDCScope(oidc.join(' '));
  if (!includeGraph) return;
  const wantsDefault = requested.some((s) => s === '.default' || s === `${graph}/.default`);
  const delegated = wantsDefault
    ? [...GRAPH_DELEGATED_SCOPES]
    : requested.filter((s) => (GRAPH_DELEGATED_SCOPES as readonly string[]).includes(s));
  if (delegated.length) grant.addResourceScope(graph, delegated.join(' '));
}

/** Routes relative to the issuer, shaped like Entra's v2.0 endpoints. */
export const OIDC_ROUTES = {
  authorization: '/oauth2/v2.0/authorize',
  token: '/oauth2/v2.0/token',
  jwks: '/discovery/v2.0/keys',
  userinfo: '/oidc/userinfo',
  end_session: '/oauth2/v2.0/logout',
  revocation: '/oauth2/v2.0/revoke',
  introspection: '/oauth2/v2.0/introspect',
  pushed_authorization_request: '/oauth2/v2.0/par',
  registration: '/oauth2/v2.0/register',
  device_authorization: '/oauth2/v2.0/devicecode',
  code_verification: '/oauth2/v2.0/device',
  backchannel_authentication: '/oauth2/v2.0/bc-authorize',
} as const;

/** Path prefix of a tenant's issuer: '' for the default tenant, '/<tenantId>' otherwise. */
export const issuerPath = (config: Pick<Config, 'publicUrl'>, tenant: Tenant): string =>
  new URL(issuerUrl(config, tenant)).pathname.replace(/\/+$/, '');

/** Path prefix under which this server routes a tenant's protocol endpoints (tenant part only). */
export const tenantPrefix = (tenant: Tenant): string => (tenant.isDefault ? '' : `/${tenant.id}`);

export interface OidcDeps {
  config: Config;
  db: Executor;
  clock: Clock;
  keys: KeyStore;
  clients: ClientsService;
  users: UsersService;
  applications: ApplicationsService;
  roles: RolesService;
  /** Instance secret for pairwise `sub` values of applications. */
  pairwiseKey: string;
  log: FastifyBaseLogger;
}

/**
 * One oidc-provider instance per tenant, created on first use and cached for the process lifetime.
 * Every instance keeps its state in the database (adapter, keys, cookie secrets), so any process
 * can continue a flow another started, and a restart loses nothing.
 */
export function createOidcProviders(deps: OidcDeps) {
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

async function buildProvider(deps: OidcDeps, tenant: Tenant): Promise<Provider> {
  const { config, db, clock, keys, clients, users, applications, roles, pairwiseKey, log } = deps;
  const issuer = issuerUrl(config, tenant);
  const graph = graphResource(config);
  const jwks = await keys.privateJwks(tenant.id);
  const alg = String(jwks[0]?.alg ?? config.signingAlg) as 'ES256' | 'RS256';
  const cookieKey = await getOrCreateSecret(db, 'oidc-cookie-key-1', clock);
  // Each tenant's cookies are distinct so the default tenant's session (path /) never reaches
  // another tenant's provider.
  const suffix = tenant.isDefault ? '' : `.${tenant.id.replace(/-/g, '').slice(0, 12)}`;
  const cookiePath = issuerPath(config, tenant) || '/';
  // Portico does not terminate TLS itself, so an https public URL means a reverse proxy. Koa only
  // sets Secure cookies when it knows the request was https, i.e. when the proxy is trusted.
  const secure = config.publicUrl.startsWith('https://') && config.trustProxy;

  const spaClient: ClientMetadata = {
    client_id: SPA_CLIENT_ID,
    client_name: 'Portico',
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [`${config.publicUrl}/auth/callback`],
    post_logout_redirect_uris: [`${config.publicUrl}/`, `${config.publicUrl}/auth/signed-out`],
    id_token_signed_response_alg: alg,
  };

  const redeemClient: ClientMetadata = {
    client_id: REDEEM_CLIENT_ID,
    client_name: 'Invitation',
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    // One URL for every tenant: the redeem cookie knows which tenant the flow belongs to.
    redirect_uris: [`${config.publicUrl}/redeem/complete`],
    id_token_signed_response_alg: alg,
  };

  /**
   * Clients that are not static: automation clients (`client_secret` holds the stored SHA-256
   * hash) and the tenant's OIDC enterprise applications (see app-clients.ts).
   */
  const findDynamicClient = async (clientId: string): Promise<AdapterPayload | undefined> => {
    const c = await clients.findClientById(clientId);
    if (!c || c.tenantId !== tenant.id) {
      const sp = await applications.findByAppId(clientId);
      return sp && sp.tenantId === tenant.id ? appClientMetadata(sp, alg) : undefined;
    }
    return {
      client_id: c.clientId,
      client_name: c.displayName,
      client_secret: c.secretHash,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    };
  };

  const configuration: Configuration = {
    adapter: (name: string) => new KyselyOidcAdapter(db, tenant.id, name, findDynamicClient),
    clients: [spaClient, redeemClient, samlClientMetadata(config.publicUrl, alg)],
    extraClientMetadata: { properties: [APP_CLIENT_MARKER] },
    // Applications get a pairwise `sub` (set on their client instances below); the function ignores
    // the sector identifier: the subject is per application, as in Entra.
    subjectTypes: ['public', 'pairwise'],
    pairwiseIdentifier: (_ctx, accountId, client) => pairwiseSubject(pairwiseKey, client.clientId, accountId),
    clientDefaults: { id_token_signed_response_alg: alg, grant_types: ['authorization_code'], response_types: ['code'] },
    jwks: { keys: jwks as NonNullable<Configuration['jwks']>['keys'] },
    routes: OIDC_ROUTES,
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: {
      // `groups` and `roles` are only ever produced for enterprise applications (findAccount).
      openid: ['sub', 'groups', 'roles'],
      profile: ['name', 'preferred_username', 'oid', 'tid'],
      email: ['email', 'email_verified'],
    },
    conformIdTokenClaims: false,
    cookies: {
      keys: [cookieKey],
      names: { session: `_session${suffix}`, interaction: `_interaction${suffix}`, resume: `_interaction_resume${suffix}` },
      long: { httpOnly: true, sameSite: 'lax', path: cookiePath, secure, signed: true },
      short: { httpOnly: true, sameSite: 'lax', secure, signed: true },
    },
    // Public clients (the SPA, the redeem flow, applications without a secret) must use PKCE;
    // confidential applications may (many server-side apps don't).
    pkce: { required: (_ctx, client) => client.tokenEndpointAuthMethod === 'none' },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.type = 'html';
          ctx.body = page(
            'Sign out',
            `<h1>Sign out</h1><p>Do you want to sign out of ${esc(tenant.displayName)}?</p>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`,
          );
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = 'html';
          ctx.body = page(
            'Signed out',
            "<h1>You signed out of your account</h1><p>It's a good idea to close all browser windows.</p>",
          );
        },
      },
      resourceIndicators: {
        enabled: true,
        // Every token is for the Graph-compatible API unless a client asks otherwise. Enterprise
        // applications get no resource: their access token is opaque and only good at userinfo.
        defaultResource: (_ctx, client) => (isAppClient(client) ? undefined : graph),
        // The code/refresh exchange reuses the resource of the authorization, so the token request
        // needs no `resource` (or `scope`) parameter.
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator, client) => {
          // A token an application received for its user must never open the directory API.
          if (isAppClient(client)) throw new errors.InvalidTarget('applications cannot request tokens for this resource');
          if (indicator !== graph) throw new errors.InvalidTarget(`unknown resource ${indicator}; use ${graph}`);
          return {
            scope: GRAPH_DELEGATED_SCOPES.join(' '),
            audience: graph,
            accessTokenFormat: 'jwt',
            accessTokenTTL: config.accessTokenTtl,
            jwt: { sign: { alg } },
          };
        },
      },
    },
    // Entra-shaped claims read by http/authenticate.ts.
    extraTokenClaims: async (_ctx, token) => {
      if (token.kind === 'ClientCredentials') {
        const c = await clients.findClient(tenant.id, String(token.clientId));
        return { tid: tenant.id, idtyp: 'app', roles: c?.permissions ?? [] };
      }
      return { tid: tenant.id, idtyp: 'user', oid: token.accountId };
    },
    findAccount: async (ctx, sub) => {
      const user = await users.findUser(tenant.id, sub);
      if (!user || !user.accountEnabled) return undefined;
      const client = ctx.oidc?.client;
      return {
        accountId: user.id,
        claims: async () => {
          // For an application: the values of the roles assigned to the user (directly or through
          // a direct group) and the ids of the assigned groups the user is a direct member of.
          const app =
            isAppClient(client) && client ? await appAccess(applications, roles, tenant.id, client.clientId, user.id) : undefined;
          return {
            sub: user.id,
            oid: user.id,
            tid: tenant.id,
            name: user.displayName,
            preferred_username: user.userPrincipalName,
            ...(user.mail ? { email: user.mail, email_verified: true } : {}),
            ...(app?.allowed ? { roles: app.roleValues, groups: app.groupIds } : {}),
          };
        },
      };
    },
    // First-party clients never see a consent page, so an existing session is enough for them:
    // their grant is created or extended here, and `prompt=none` (silent sign-in of the portal
    // after a guest redeemed, token renewal) succeeds without an interaction. Enterprise
    // applications are configured by an administrator (admin consent): the same holds for their
    // OIDC scopes. Whether the user may use the application is the app_access prompt's business.
    loadExistingGrant: async (ctx) => {
      const clientId = ctx.oidc.client?.clientId ?? '';
      const accountId = ctx.oidc.session?.accountId;
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session?.grantIdFor(clientId);
      let grant = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      if (grant && grant.accountId !== accountId) grant = undefined;
      const implicit = FIRST_PARTY_CLIENT_IDS.has(clientId) || isAppClient(ctx.oidc.client);
      if (!accountId || !implicit || ctx.oidc.route !== 'authorization') return grant;
      grant ??= new ctx.oidc.provider.Grant({ accountId, clientId });
      addRequestedScopes(grant, String(ctx.oidc.params?.scope ?? ''), graph, FIRST_PARTY_CLIENT_IDS.has(clientId));
      await grant.save();
      return grant;
    },
    interactions: {
      url: (_ctx, interaction) => `${issuerPath(config, tenant)}/login/${interaction.uid}`,
      policy: appAccessPolicy(applications, roles, tenant.id),
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page(
        'Sign-in error',
        `<h1>Sorry, but we're having trouble signing you in.</h1><p class="error">${esc(out.error)}: ${esc(out.error_description)}</p>`,
      );
    },
    ttl: {
      AccessToken: config.accessTokenTtl,
      ClientCredentials: config.accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      // A passcode session lasts 24 h from the sign-in (not sliding): then a new code is needed.
      Session: (_ctx, session) => {
        if (!session.amr?.includes('otp')) return 14 * 24 * 3600;
        const now = Math.floor(Date.now() / 1000);
        return Math.max(1, (session.loginTs ?? now) + OTP_SESSION_TTL_SECONDS - now);
      },
      Grant: 14 * 24 * 3600,
      RefreshToken: 14 * 24 * 3600,
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.proxy = config.trustProxy;

  // Automation clients' secrets are stored as SHA-256 (see clients.service); oidc-provider would
  // compare the presented secret with `client_secret` in plain text. This provider's Client class
  // is private to it, so overriding the comparison here compares hashes instead, for every
  // client_secret_basic/post authentication, without touching the raw request.
  const ClientClass = provider.Client as unknown as {
    prototype: { compareClientSecret(actual: string): Promise<boolean> | boolean; clientSecret?: string };
  };
  ClientClass.prototype.compareClientSecret = function compareHashedSecret(
    this: { clientSecret?: string; clientId?: string },
    actual: string,
  ) {
    const stored = this.clientSecret;
    // Applications may have several valid secrets (rotation); the service checks them all.
    if (stored === APP_SECRET_PLACEHOLDER && isAppClient(this)) {
      return typeof actual === 'string' && applications.verifyClientSecret(String(this.clientId), actual);
    }
    return (
      typeof stored === 'string' &&
      /^[0-9a-f]{64}$/.test(stored) &&
      typeof actual === 'string' &&
      clients.secretMatches(stored, actual)
    );
  };

  // Pairwise subjects for applications. oidc-provider would demand a sector_identifier_uri for
  // pairwise clients whose redirect URIs span several hosts; Portico's subject is per application,
  // not per sector, so the subject type is set on the (cached) client instance after validation.
  const ClientStatics = provider.Client as unknown as { find(id: string): Promise<Record<string, unknown> | undefined> };
  const findClient = ClientStatics.find.bind(provider.Client);
  ClientStatics.find = async (id: string) => {
    const client = await findClient(id);
    if (client && isAppClient(client) && client.subjectType !== 'pairwise') client.subjectType = 'pairwise';
    return client;
  };

  provider.on('server_error', (ctx: KoaContextWithOIDC, err: Error) => {
    log.error({ err, path: ctx.path, tenantId: tenant.id }, 'oidc-provider server error');
  });
  return provider;
}

/**
 * The default login and consent prompts plus, between them, the application access check: after
 * sign-in (fresh or from an existing session, `prompt=none` included) a user who may not use the
 * application (appAccess) never gets a code. With `prompt=none` the client receives
 * `error=access_denied`; otherwise the interaction page shows "You don't have access".
 */
function appAccessPolicy(applications: ApplicationsService, roles: RolesService, tenantId: string) {
  const { Prompt, Check, base } = interactionPolicy;
  const policy = base();
  policy.add(
    new Prompt(
      { name: APP_ACCESS_PROMPT, requestable: false },
      new Check('app_not_assigned', 'the signed-in user is not assigned to this application', 'access_denied', async (ctx) => {
        const accountId = ctx.oidc.session?.accountId;
        if (!accountId || !isAppClient(ctx.oidc.client) || !ctx.oidc.client) return Check.NO_NEED_TO_PROMPT;
        const decision = await appAccess(applications, roles, tenantId, ctx.oidc.client.clientId, accountId);
        return decision.allowed ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
      }),
    ),
    1,
  );
  return policy;
}
