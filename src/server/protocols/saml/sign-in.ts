import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/index.js';
import type { Clock } from '../../domain/clock.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import { issuerUrl } from '../../platform/urls.js';
import { OIDC_ROUTES } from '../oidc/constants.js';
import { firstPartyRoundTrip } from '../oidc/first-party-client.js';
import { SAML_CLIENT_ID, SAML_COMPLETE_PATH } from '../oidc/saml-client.js';
import { createPendingCodec, PENDING_TTL_SECONDS, type PendingSignIn, pendingCookieName } from './pending.js';

/**
 * Who the user is comes from the tenant's OIDC provider: the IdP runs an authorization request of
 * the first-party `portico-saml` client (silent with a session; otherwise the sign-in page, with
 * guest passcode and redemption). The SAML request waits in a signed 15-minute cookie, one per
 * flow, until the browser comes back to /saml2/complete with a code.
 */
export function createSamlSignIn(deps: { config: Pick<Config, 'publicUrl'>; clock: Clock; pendingCookieKey: string }) {
  const { config } = deps;
  const codec = createPendingCodec(deps.pendingCookieKey, deps.clock);
  const { redirectUri, cookieOptions } = firstPartyRoundTrip(config.publicUrl, SAML_COMPLETE_PATH);

  return {
    redirectUri,

    /** Stores the pending sign-in and sends the browser through the tenant's authorization endpoint. */
    begin(
      reply: FastifyReply,
      tenant: Tenant,
      p: Omit<PendingSignIn, 'tid' | 'v' | 's' | 'exp' | 'np'> & { forceAuthn?: boolean; isPassive?: boolean },
    ) {
      const verifier = randomBytes(32).toString('base64url');
      const state = randomBytes(16).toString('base64url');
      const value: Omit<PendingSignIn, 'exp'> = { tid: tenant.id, sp: p.sp, aud: p.aud, acs: p.acs, v: verifier, s: state };
      if (p.rid !== undefined) value.rid = p.rid;
      if (p.rs) value.rs = p.rs;
      if (p.isPassive && !p.forceAuthn) value.np = true;
      reply.setCookie(pendingCookieName(state), codec.encode(value), { ...cookieOptions, maxAge: PENDING_TTL_SECONDS });
      const params = new URLSearchParams({
        client_id: SAML_CLIENT_ID,
        response_type: 'code',
        redirect_uri: redirectUri,
        scope: 'openid profile',
        state,
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      });
      if (p.forceAuthn) params.set('prompt', 'login');
      else if (p.isPassive) params.set('prompt', 'none');
      return reply
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .redirect(`${issuerUrl(config, tenant)}${OIDC_ROUTES.authorization}?${params.toString()}`, 303);
    },

    /** The pending sign-in named by the callback's `state` (its cookie is cleared); undefined when gone. */
    take(req: FastifyRequest, reply: FastifyReply, state: string): PendingSignIn | undefined {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(state)) return undefined;
      const name = pendingCookieName(state);
      const p = codec.decode(req.cookies[name]);
      if (!p || p.s !== state) return undefined;
      reply.clearCookie(name, cookieOptions);
      return p;
    },
  };
}
