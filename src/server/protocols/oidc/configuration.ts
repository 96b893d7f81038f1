import type { FastifyBaseLogger } from 'fastify';
import { type Configuration, errors, type FindAccount } from 'oidc-provider';
import type { User } from '../../../contracts/users.js';
import type { Config } from '../../config/index.js';
import type { Executor } from '../../db/index.js';
import { graphDelegatedScopes, OIDC_SCOPE_VALUES } from '../../domain/graph-permissions.js';
import { usableAccount } from '../../domain/sessions.js';
import { esc, page, supportDetails } from '../../http/pages.js';
import type { AuthorizeSignOn, SignOnDecision } from '../../modules/applications/sign-on.js';
import type { SignInRecorder } from '../../modules/signins/signins.service.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import type { KeyStore } from '../../platform/keys.js';
import type { Metrics } from '../../platform/metrics.js';
import { graphResource } from '../../platform/urls.js';
import { KyselyOidcAdapter } from './adapter.js';
import { APP_CLIENT_MARKER, APP_SECTOR_PREFIX, isAppClient, pairwiseSubject } from './app-clients.js';
import type { ClientDirectory } from './clients.js';
import {
  addRequestedScopes,
  FIRST_PARTY_CLIENT_IDS,
  GRAPH_DELEGATED_SCOPES,
  issuerPath,
  OIDC_ROUTES,
  OTP_SESSION_TTL_SECONDS,
} from './constants.js';
import { signOnPolicy } from './policy.js';
import type { RevokedGrants } from './revocations.js';

/** oidc-provider's configuration for one tenant, built only from its documented options. */

/** What the token issuer needs, handed over by the composition root. */
export interface ProviderDeps {
  config: Config;
  /** oidc-provider's storage (`oidc_payloads`, adapter.ts). */
  db: Executor;
  keys: Pick<KeyStore, 'privateJwks'>;
  log: FastifyBaseLogger;
  clients: ClientDirectory;
  findUser(tenantId: string, id: string): Promise<User | undefined>;
  authorizeSignOn: AuthorizeSignOn;
  /** Counts token endpoint answers (metrics). */
  metrics?: Pick<Metrics, 'tokenRequest'>;
  /** The sign-in log: client-credentials grants (application sign-ins) are reported to it. */
  signIns?: SignInRecorder;
  /** Where revoked grants are recorded (their JWT access tokens are refused at /v1.0). */
  revokedGrants: Pick<RevokedGrants, 'revokeNow'>;
  /** Delegated Graph permissions consented to applications (modules/permission-grants). */
  permissions: {
    consentedScopes(tenantId: string, appId: string, userId: string | undefined): Promise<string[]>;
  };
  /** Instance secrets: cookie signing key, key of the pairwise subjects of applications. */
  secrets: { cookieKey: string; pairwiseKey: string };
}

type Alg = 'ES256' | 'RS256';

function cookiesOf(config: Config, tenant: Tenant, cookieKey: string): Configuration['cookies'] {
  // Each tenant's cookies are distinct so the default tenant's session (path /) never reaches
  // another tenant's provider.
  const suffix = tenant.isDefault ? '' : `.${tenant.id.replace(/-/g, '').slice(0, 12)}`;
  const cookiePath = issuerPath(config, tenant) || '/';
  // Portico does not terminate TLS itself, so an https public URL means a reverse proxy. Koa only
  // sets Secure cookies when it knows the request was https, i.e. when the proxy is trusted.
  const secure = config.publicUrl.startsWith('https://') && config.trustProxy;
  return {
    keys: [cookieKey],
    names: { session: `_session${suffix}`, interaction: `_interaction${suffix}`, resume: `_interaction_resume${suffix}` },
    long: { httpOnly: true, sameSite: 'lax', path: cookiePath, secure, signed: true },
    short: { httpOnly: true, sameSite: 'lax', secure, signed: true },
  };
}

function logoutPages(tenant: Tenant): NonNullable<Configuration['features']>['rpInitiatedLogout'] {
  return {
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
  };
}

function resourceIndicatorsOf(config: Config, alg: Alg): NonNullable<Configuration['features']>['resourceIndicators'] {
  const graph = graphResource(config);
  return {
    enabled: true,
    // Every token of Portico's own clients is for the Graph-compatible API, and so is every
    // app-only token (client credentials: its `roles` are Graph application permissions). An
    // application's delegated token is when it asks for a Graph permission (User.Read…);
    // otherwise its access token is opaque and only good at userinfo.
    defaultResource: (ctx, client) =>
      !isAppClient(client) ||
      ctx.oidc.params?.grant_type === 'client_credentials' ||
      String(ctx.oidc.params?.scope ?? '')
        .split(' ')
        .some((s) => GRAPH_RESOURCE_SCOPES.has(s))
        ? graph
        : undefined,
    // The code/refresh exchange reuses the resource of the authorization, so the token request
    // needs no `resource` (or `scope`) parameter.
    useGrantedResource: () => true,
    getResourceServerInfo: (ctx, indicator, client) => {
      if (indicator !== graph) throw new errors.InvalidTarget(`unknown resource ${indicator}; use ${graph}`);
      // An application asks for the directory API through Graph permissions (User.Read…); naming
      // the resource alone asks for nothing it could use.
      if (isAppClient(client) && ctx.oidc.route !== 'token' && !wantsGraphScope(ctx.oidc.params?.scope)) {
        throw new errors.InvalidTarget('applications get tokens for this resource by asking for Microsoft Graph permissions');
      }
      // What a token may carry; the grant (consent) decides what it does carry.
      return {
        scope: [...GRAPH_RESOURCE_SCOPES].join(' '),
        audience: graph,
        accessTokenFormat: 'jwt',
        accessTokenTTL: config.accessTokenTtl,
        jwt: { sign: { alg } },
      };
    },
  };
}

/** When the artefact (or, without one, the browser session) that `findAccount` is asked about authenticated the user. */
function authTimeOf(ctx: Parameters<FindAccount>[0], sub: string, token: Parameters<FindAccount>[2]): unknown {
  if (token) {
    const t = token as { authTime?: unknown; iat?: unknown };
    return t.authTime ?? t.iat;
  }
  const session = ctx.oidc?.session;
  return session?.accountId === sub ? session.loginTs : undefined;
}

/**
 * The account of a session or token, re-checked every time oidc-provider asks — at the
 * authorization endpoint (the session), at every token issuance (the authorization code or refresh
 * token) and at userinfo (the access token): the user exists, is enabled, is not a guest with a
 * pending invitation and authenticated after their sign-in sessions were last revoked; for an
 * enterprise application and a code or token, the user may still sign in to it (`authorizeSignOn`:
 * assignment, application enabled). Undefined otherwise, which oidc-provider answers with
 * `invalid_grant` at the token endpoint and `invalid_token` at userinfo (and policy.ts turns into a
 * new sign-in at the authorization endpoint). The claims of an application add the values of the
 * roles assigned to the user and the assigned groups they are a direct member of, from the same
 * decision.
 */
function findAccountOf(deps: ProviderDeps, tenant: Tenant): FindAccount {
  return async (ctx, sub, token) => {
    const user = await deps.findUser(tenant.id, sub);
    if (!usableAccount(user, authTimeOf(ctx, sub, token))) return undefined;
    const client = ctx.oidc?.client;
    const appId = client && isAppClient(client) ? client.clientId : undefined;
    let decision: SignOnDecision | undefined;
    // At the authorization endpoint the app_access prompt decides (and shows the no-access page).
    if (appId && token) {
      decision = await deps.authorizeSignOn(tenant.id, { appId }, user.id);
      if (!decision.allowed) return undefined;
    }
    return {
      accountId: user.id,
      claims: async () => {
        const app = appId ? (decision ?? (await deps.authorizeSignOn(tenant.id, { appId }, user.id))) : undefined;
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
  };
}

/**
 * First-party clients never see a consent page, so an existing session is enough for them: their
 * grant is created or extended here, and `prompt=none` (silent sign-in of the portal after a guest
 * redeemed, token renewal) succeeds without an interaction. Enterprise applications are configured
 * by an administrator (admin consent): the same holds for their OIDC scopes. Whether the user may
 * use the application is the app_access prompt's business (policy.ts).
 */
function loadExistingGrantOf(deps: ProviderDeps, tenant: Tenant, graph: string): Configuration['loadExistingGrant'] {
  return async (ctx) => {
    const clientId = ctx.oidc.client?.clientId ?? '';
    const accountId = ctx.oidc.session?.accountId;
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session?.grantIdFor(clientId);
    let grant = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
    if (grant && grant.accountId !== accountId) grant = undefined;
    const implicit = FIRST_PARTY_CLIENT_IDS.has(clientId) || isAppClient(ctx.oidc.client);
    if (!accountId || !implicit || ctx.oidc.route !== 'authorization') return grant;
    grant ??= new ctx.oidc.provider.Grant({ accountId, clientId });
    const allowed = FIRST_PARTY_CLIENT_IDS.has(clientId)
      ? GRAPH_DELEGATED_SCOPES
      : await deps.permissions.consentedScopes(tenant.id, clientId, accountId);
    addRequestedScopes(grant, String(ctx.oidc.params?.scope ?? ''), graph, allowed);
    await grant.save();
    return grant;
  };
}

function ttlOf(config: Config): Configuration['ttl'] {
  return {
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
  };
}

/** oidc-provider's HTML error page (errors it cannot send back to the client), with the request id. */
const renderError: Configuration['renderError'] = async (ctx, out) => {
  const requestId = String(ctx.response.get('request-id') || '');
  ctx.type = 'html';
  ctx.body = page(
    'Sign-in error',
    `<h1>Sorry, but we're having trouble signing you in.</h1><p class="error">${esc(out.error)}: ${esc(out.error_description)}</p>${
      requestId ? supportDetails(requestId) : ''
    }`,
  );
};

/** The Graph delegated permissions a token for the Graph resource may carry (OIDC scopes aside). */
const GRAPH_RESOURCE_SCOPES: ReadonlySet<string> = new Set(
  graphDelegatedScopes.map((s) => s.value).filter((v) => !OIDC_SCOPE_VALUES.has(v)),
);

/** True when a requested `scope` names a Graph delegated permission. */
const wantsGraphScope = (scope: unknown): boolean =>
  String(scope ?? '')
    .split(' ')
    .some((s) => GRAPH_RESOURCE_SCOPES.has(s));

/** Graph scopes of a token's `scope` (OIDC scopes left out): Entra's `scp`. */
const graphScopesOf = (scope: unknown): string =>
  String(scope ?? '')
    .split(' ')
    .filter((s) => s && !['openid', 'profile', 'email', 'offline_access'].includes(s))
    .join(' ');

/**
 * Entra v2 access token claims, read by http/authenticate.ts and by clients: `ver`, `tid`, `azp`
 * and `appid` (the client), `idtyp`; app tokens carry their application permissions in `roles`,
 * delegated tokens the user's `oid`, the delegated permissions in `scp`, the session (`sid`) and
 * when the user authenticated (`auth_time`). `grant_id` lets /v1.0 refuse the access tokens of a
 * revoked grant (revocations.ts).
 */
function entraTokenClaims(clients: ClientDirectory, tenant: Tenant): Configuration['extraTokenClaims'] {
  return async (ctx, token) => {
    const clientId = String(token.clientId);
    const common = { ver: '2.0', tid: tenant.id, azp: clientId, appid: clientId };
    if (token.kind === 'ClientCredentials') {
      return { ...common, idtyp: 'app', roles: await clients.permissionsOf(tenant, clientId) };
    }
    const entities = ctx?.oidc?.entities as { AuthorizationCode?: { authTime?: number }; RefreshToken?: { authTime?: number } };
    const authTime = entities?.AuthorizationCode?.authTime ?? entities?.RefreshToken?.authTime;
    // Portico's own clients (portal, admin center) act with all of the user's rights, whatever
    // they asked for: Directory.AccessAsUser.All, as Entra's own portals do.
    const granted = graphScopesOf(token.scope).split(' ').filter(Boolean);
    const scp = [...new Set(FIRST_PARTY_CLIENT_IDS.has(clientId) ? [...granted, ...GRAPH_DELEGATED_SCOPES] : granted)].join(' ');
    const sid = (token as { sid?: unknown }).sid;
    return {
      ...common,
      idtyp: 'user',
      oid: token.accountId,
      // Always present on delegated tokens (empty: no Graph permission), so /v1.0 never mistakes
      // a token for one without limits.
      scp,
      ...(typeof sid === 'string' ? { sid } : {}),
      ...(typeof authTime === 'number' ? { auth_time: authTime } : {}),
      ...(token.grantId ? { grant_id: token.grantId } : {}),
    };
  };
}

/** The configuration of one tenant's provider. */
export function buildConfiguration(deps: ProviderDeps, tenant: Tenant, jwks: unknown[], alg: Alg): Configuration {
  const { config, clients, secrets } = deps;
  return {
    adapter: (name: string) => new KyselyOidcAdapter(deps.db, tenant.id, name, clients.lookup(tenant, alg), deps.revokedGrants),
    clients: clients.firstParty(alg),
    extraClientMetadata: { properties: [APP_CLIENT_MARKER] },
    // Applications are pairwise clients (app-clients.ts); the subject is per application, as in
    // Entra, so the sector is ignored and the applications' internal sector URIs are never fetched.
    subjectTypes: ['public', 'pairwise'],
    pairwiseIdentifier: (_ctx, accountId, client) => pairwiseSubject(secrets.pairwiseKey, client.clientId, accountId),
    sectorIdentifierUriValidate: (client) => !String(client.sectorIdentifierUri ?? '').startsWith(APP_SECTOR_PREFIX),
    // client_secret_jwt needs the plain secret, which is only stored hashed (client-auth.ts);
    // private_key_jwt needs client keys, which no client registers.
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
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
    // Entra's additions to the metadata document (MSAL and @azure/identity ignore what they do not
    // know). No device_authorization_endpoint: the device code flow is not offered.
    discovery: {
      claim_types_supported: ['normal'],
      cloud_instance_name: new URL(config.publicUrl).host,
      msgraph_host: new URL(config.publicUrl).host,
      tenant_region_scope: null,
    },
    cookies: cookiesOf(config, tenant, secrets.cookieKey),
    // Public clients (the SPA, the redeem flow, applications without a secret) must use PKCE;
    // confidential applications may (many server-side apps don't).
    pkce: { required: (_ctx, client) => client.tokenEndpointAuthMethod === 'none' },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: logoutPages(tenant),
      resourceIndicators: resourceIndicatorsOf(config, alg),
    },
    // Entra-shaped claims read by http/authenticate.ts; `grant_id` lets /v1.0 refuse the access
    // tokens of a revoked grant (revocations.ts).
    extraTokenClaims: entraTokenClaims(clients, tenant),
    findAccount: findAccountOf(deps, tenant),
    loadExistingGrant: loadExistingGrantOf(deps, tenant, graphResource(config)),
    interactions: {
      url: (_ctx, interaction) => `${issuerPath(config, tenant)}/login/${interaction.uid}`,
      policy: signOnPolicy(deps.authorizeSignOn, tenant.id),
    },
    renderError,
    ttl: ttlOf(config),
  };
}
