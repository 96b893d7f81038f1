import { createHmac } from 'node:crypto';
import type { AdapterPayload, ClientMetadata } from 'oidc-provider';
import type { Config } from '../../config/index.js';
import type { TenantServicePrincipal } from '../../modules/applications/sign-on.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import { oncePerRequest } from '../../platform/logger.js';
import { appClientMetadata } from './app-clients.js';
import { REDEEM_CLIENT_ID, SPA_CLIENT_ID } from './constants.js';
import { myAppsClientMetadata } from './myapps-client.js';
import { samlClientMetadata } from './saml-client.js';

/** Who the token issuer's clients are: Portico's own, automation clients, enterprise applications. */

type Alg = 'ES256' | 'RS256';

/** What the client directory reads from the clients and applications features. */
export interface ClientDirectoryDeps {
  config: Pick<Config, 'publicUrl'>;
  automationClients: {
    findClientById(
      clientId: string,
    ): Promise<
      { clientId: string; tenantId: string; displayName: string; permissions: string[]; secretHash: string } | undefined
    >;
    /** Constant-time comparison of a presented secret with a stored SHA-256 hash. */
    secretMatches(secretHash: string, presented: string): boolean;
  };
  applications: {
    findByAppId(appId: string): Promise<TenantServicePrincipal | undefined>;
    /** True when the secret is a currently valid secret of the application (hashes, constant time). */
    verifyClientSecret(appId: string, secret: string): Promise<boolean>;
    /** The application's Graph application permissions (app role assignments on Microsoft Graph). */
    graphPermissionsOf(tenantId: string, spId: string): Promise<string[]>;
  };
  /** Instance secret behind the verified-secret markers (never disclosed). */
  secretMarkerKey: string;
}

export function createClientDirectory(deps: ClientDirectoryDeps) {
  const { config } = deps;

  /**
   * The `client_secret` oidc-provider holds for a client whose real secrets are stored hashed:
   * HMAC-SHA256(instance secret, client id). Our mount replaces a presented secret that matches a
   * stored hash with this value before oidc-provider compares (client-auth.ts); it never leaves
   * the server, so only a verified secret can produce it.
   */
  const secretMarker = (clientId: string) =>
    createHmac('sha256', deps.secretMarkerKey).update(`verified-client-secret:${clientId}`).digest('base64url');

  /** The automation client or enterprise application with this id in the tenant. */
  function find(tenant: Tenant, clientId: string) {
    // The adapter, the secret check and the token's claims each ask within one /token request.
    return oncePerRequest(`client:${tenant.id}:${clientId}`, () => load(tenant, clientId));
  }
  async function load(tenant: Tenant, clientId: string) {
    const automation = await deps.automationClients.findClientById(clientId);
    if (automation) return automation.tenantId === tenant.id ? { kind: 'automation' as const, automation } : undefined;
    const sp = await deps.applications.findByAppId(clientId);
    return sp && sp.tenantId === tenant.id ? { kind: 'application' as const, sp } : undefined;
  }

  return {
    secretMarker,

    /** Portico's own public clients, registered with every tenant's provider. */
    firstParty(alg: Alg): ClientMetadata[] {
      const spa: ClientMetadata = {
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
      const redeem: ClientMetadata = {
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
      return [spa, redeem, samlClientMetadata(config.publicUrl, alg), myAppsClientMetadata(config.publicUrl, alg)];
    },

    /**
     * The adapter's `Client` lookup for a tenant: automation clients (client credentials only) and
     * the tenant's OIDC enterprise applications, read on every request.
     */
    lookup(tenant: Tenant, alg: Alg) {
      return async (clientId: string): Promise<AdapterPayload | undefined> => {
        const found = await find(tenant, clientId);
        if (!found) return undefined;
        if (found.kind === 'application') return appClientMetadata(found.sp, alg, secretMarker(found.sp.appId));
        const c = found.automation;
        return {
          client_id: c.clientId,
          client_name: c.displayName,
          client_secret: secretMarker(c.clientId),
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'client_secret_basic',
        };
      };
    },

    /**
     * Checks a presented client secret against the stored hashes (constant time): true when it is
     * a valid secret of the tenant's automation client or confidential application `clientId`.
     */
    async verifySecret(tenant: Tenant, clientId: string, presented: string): Promise<boolean> {
      const found = await find(tenant, clientId);
      if (!found) return false;
      if (found.kind === 'automation') return deps.automationClients.secretMatches(found.automation.secretHash, presented);
      return deps.applications.verifyClientSecret(found.sp.appId, presented);
    },

    /**
     * The permissions (app roles) an app-only token carries: an automation client's configured
     * ones, or the Microsoft Graph app roles assigned to an enterprise application, read now.
     */
    async permissionsOf(tenant: Tenant, clientId: string): Promise<string[]> {
      const found = await find(tenant, clientId);
      if (!found) return [];
      return found.kind === 'automation'
        ? found.automation.permissions
        : deps.applications.graphPermissionsOf(tenant.id, found.sp.id);
    },
  };
}

export type ClientDirectory = ReturnType<typeof createClientDirectory>;
