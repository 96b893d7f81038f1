import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { usableAccount } from '../../domain/sessions.js';
import type { TenantDirectory } from '../../http/tenant.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import { type ClientDirectoryDeps, createClientDirectory } from './clients.js';
import { type OwnCodeRedemption, redeemOwnCode, type SignedInAccount } from './code-exchange.js';
import type { ProviderDeps } from './configuration.js';
import { type MountDeps, mountProvider } from './mount.js';
import { createOidcProviders } from './provider.js';
import type { SignInDeps } from './signin.js';
import { signInRoutes } from './signin.routes.js';

export type { SignedInAccount } from './code-exchange.js';
export { createRevokedGrants, createSignInSessionStore, type RevokedGrants } from './revocations.js';

/** Everything the token issuer needs, built by the composition root. */
export interface OidcDeps extends Omit<ProviderDeps, 'clients'> {
  tenants: TenantDirectory;
  clients: Omit<ClientDirectoryDeps, 'config' | 'secretMarkerKey'>;
  /** Instance secrets (created by the composition root, never by a route plugin). */
  secrets: ProviderDeps['secrets'] & { clientSecretMarkerKey: string };
  /** What the sign-in pages need besides the provider (rate limiter, CSRF key, guest sign-in). */
  signIn: Omit<SignInDeps, 'config'>;
  /** Where a confirmed sign-out continues (SAML single logout), see mount.ts. */
  afterSignOut?: MountDeps['afterSignOut'];
}

/** The token issuer as the rest of Portico sees it. */
export interface Oidc {
  /** The tenant's oidc-provider instance (created on first use). */
  forTenant(tenant: Tenant): Promise<Provider>;
  /** Registers the OAuth/OIDC endpoints (oidc-provider) in the OAuth surface's scope. */
  providerRoutes(scope: FastifyInstance): Promise<void>;
  /** Registers the sign-in page (`/:uid`) in a browser-page scope mounted at `[/{tenantId}]/login`. */
  signInRoutes(scope: FastifyInstance): Promise<void>;
  /**
   * The user of the browser's sign-in session with the tenant, when there is one and the account
   * may still be used (enabled, not pending, signed in after its sessions were last revoked).
   * Read-only.
   */
  signedInUser(tenant: Tenant, req: FastifyRequest, reply: FastifyReply): Promise<string | undefined>;
  /** The uid of the browser's signed-in session with the tenant, if any (SAML single logout). Read-only. */
  browserSession(tenant: Tenant, req: FastifyRequest, reply: FastifyReply): Promise<string | undefined>;
  /**
   * Redeems an authorization code of one of Portico's own public clients in process (SAML IdP,
   * invitation redemption): the token endpoint's checks, then the code is consumed at most once.
   * Undefined when the code is unknown, expired, used, or does not match client, redirect URI or
   * PKCE verifier.
   */
  redeemOwnCode(tenant: Tenant, r: OwnCodeRedemption): Promise<SignedInAccount | undefined>;
  /**
   * Ends a browser session by its uid (SAML single logout started by an application): the grants
   * it authorized are revoked (their tokens refused, as at sign-out) and the session is deleted, so
   * the next authorization request asks the user to sign in. Nothing happens for an unknown uid.
   */
  endBrowserSession(tenant: Tenant, sessionUid: string): Promise<void>;
}

/** Builds the OIDC adapter: providers per tenant, their Fastify mount and the sign-in pages. */
export function createOidc(deps: OidcDeps): Oidc {
  const clients = createClientDirectory({
    ...deps.clients,
    config: deps.config,
    secretMarkerKey: deps.secrets.clientSecretMarkerKey,
  });
  const providers = createOidcProviders({ ...deps, clients });
  const signIn = signInRoutes({ ...deps.signIn, config: deps.config, tenants: deps.tenants, providers });
  const mount = mountProvider({
    config: deps.config,
    tenants: deps.tenants,
    providers,
    clients,
    permissions: deps.permissions,
    ...(deps.afterSignOut ? { afterSignOut: deps.afterSignOut } : {}),
  });

  return {
    forTenant: (tenant) => providers.forTenant(tenant),
    providerRoutes: mount,
    signInRoutes: signIn,
    async signedInUser(tenant, req, reply) {
      const provider = await providers.forTenant(tenant);
      // oidc-provider reads the session from the request's cookies (the same call its own
      // interaction helpers make).
      const session = await provider.Session.get({ req: req.raw, res: reply.raw } as unknown as Parameters<
        typeof provider.Session.get
      >[0]);
      if (!session.accountId) return undefined;
      const user = await deps.findUser(tenant.id, session.accountId);
      return usableAccount(user, session.loginTs) ? user.id : undefined;
    },
    async browserSession(tenant, req, reply) {
      const provider = await providers.forTenant(tenant);
      const session = await provider.Session.get({ req: req.raw, res: reply.raw } as unknown as Parameters<
        typeof provider.Session.get
      >[0]);
      return session.accountId ? session.uid : undefined;
    },
    async redeemOwnCode(tenant, r) {
      const account = await redeemOwnCode(await providers.forTenant(tenant), r);
      // As at the token endpoint: the account must still be usable when the code is redeemed.
      if (!account) return undefined;
      const user = await deps.findUser(tenant.id, account.accountId);
      return usableAccount(user, Math.floor(account.authTime.getTime() / 1000)) ? account : undefined;
    },
    async endBrowserSession(tenant, sessionUid) {
      const provider = await providers.forTenant(tenant);
      const session = await provider.Session.findByUid(sessionUid);
      if (!session) return;
      const authorizations = (session.authorizations ?? {}) as Record<string, { grantId?: string }>;
      for (const { grantId } of Object.values(authorizations)) {
        // Records the grant as revoked (JWT access tokens) and deletes its artefacts (adapter.ts).
        if (grantId) await provider.Grant.adapter.revokeByGrantId(grantId);
      }
      await session.destroy();
    },
  };
}
