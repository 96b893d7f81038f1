import type { FastifyRequest } from 'fastify';
import { errors as joseErrors, jwtVerify } from 'jose';
import type { Caller } from '../domain/authorization.js';
import type { OperationContext } from '../domain/context.js';
import { DomainError } from '../domain/errors.js';
import { issuedBeforeRevocation } from '../domain/sessions.js';
import { graphResource, issuerUrl } from '../platform/urls.js';
import { recall, remember, type VerifiedToken } from './verified-tokens.js';

const unauthenticated = (message?: string) => new DomainError('authentication_required', message);

/** Verifies the token's signature (a key of this service), audience, type and lifetime; remembered for its next use. */
async function verifyToken(req: FastifyRequest, token: string): Promise<VerifiedToken> {
  const { config, keys } = req.server.portico;
  let tenantId = '';
  try {
    const result = await jwtVerify(
      token,
      async (protectedHeader) => {
        const info = protectedHeader.kid ? await keys.publicKey(protectedHeader.kid) : undefined;
        if (!info) throw unauthenticated('The token was not signed by a key of this service.');
        tenantId = info.tenantId;
        return info.key;
      },
      { audience: graphResource(config), typ: 'at+jwt', clockTolerance: 30 },
    );
    const verified = { tenantId, payload: result.payload as Record<string, unknown> };
    remember(keys, token, verified);
    return verified;
  } catch (err) {
    if (err instanceof DomainError) throw err;
    if (err instanceof joseErrors.JWTExpired) throw unauthenticated('Lifetime validation failed, the token is expired.');
    throw unauthenticated('Access token validation failure. Invalid audience, issuer or signature.');
  }
}

/**
 * Verifies the bearer access token of a /v1.0 request and resolves the caller. Accepts JWT access
 * tokens issued by Portico's token endpoint for the Graph resource: delegated (user) tokens act
 * with the user's current roles, within the delegated permissions in `scp`; application tokens with the permissions in their `roles` claim
 * (the client must still exist). Disabled or deleted users are refused, and so are revoked
 * delegated tokens: issued before the user's sign-in sessions were revoked
 * (`signInSessionsValidFromDateTime`, on the user row this reads anyway) or under a revoked grant
 * (code replay, sign-out…: an in-memory list refreshed every two seconds at most, see
 * protocols/oidc/revocations.ts). Neither adds a query per request.
 */
export async function authenticateRequest(req: FastifyRequest): Promise<OperationContext> {
  const header = req.headers.authorization;
  if (!header) throw unauthenticated('Access token is empty.');
  const m = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header);
  if (!m?.[1]) throw unauthenticated('The Authorization header must be "Bearer <access token>".');
  const { config, keys, services, revokedGrants } = req.server.portico;
  const { tenantId, payload } = recall(keys, m[1]) ?? (await verifyToken(req, m[1]));
  const tenant = await services.tenants.findTenant(tenantId);
  if (!tenant || payload.iss !== issuerUrl(config, tenant) || (payload.tid !== undefined && payload.tid !== tenant.id)) {
    throw unauthenticated('Access token validation failure. Invalid issuer.');
  }

  let caller: Caller;
  if (payload.idtyp === 'app') {
    const clientId = String(payload.client_id ?? payload.sub ?? '');
    // An automation client, or an enterprise application with a client secret (client credentials).
    const client =
      (await services.clients.findClient(tenant.id, clientId)) ??
      (await services.applications.findAppCaller(tenant.id, clientId));
    if (!client) throw unauthenticated('The application that obtained this token no longer exists or is disabled.');
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
    caller = { kind: 'app', tenantId: tenant.id, clientId, displayName: client.displayName, permissions: new Set(roles) };
  } else {
    const userId = String(payload.oid ?? payload.sub ?? '');
    const user = await services.users.findUser(tenant.id, userId);
    if (!user) throw unauthenticated('The user of this token no longer exists.');
    if (!user.accountEnabled) throw unauthenticated('The user account is disabled.');
    if (issuedBeforeRevocation(user, payload.iat)) {
      throw unauthenticated("The access token was issued before the user's sign-in sessions were revoked.");
    }
    const grantId = payload.grant_id;
    if (typeof grantId === 'string' && (await revokedGrants.isRevoked(tenant.id, grantId))) {
      throw unauthenticated('The access token has been revoked.');
    }
    caller = {
      kind: 'user',
      tenantId: tenant.id,
      userId: user.id,
      userType: user.userType,
      displayName: user.displayName,
      userPrincipalName: user.userPrincipalName,
      roles: new Set(await services.roles.roleIdsOf(tenant.id, user.id)),
      // Delegated permissions: every token of the token endpoint names them in `scp` (Portico's
      // own clients hold Directory.AccessAsUser.All: all the user may do).
      ...(typeof payload.scp === 'string' ? { scopes: new Set(payload.scp.split(' ').filter(Boolean)) } : {}),
    };
  }
  return { caller, correlationId: String(req.id), ipAddress: req.ip };
}
