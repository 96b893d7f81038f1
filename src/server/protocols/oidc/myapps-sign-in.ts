import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/index.js';
import type { Clock } from '../../domain/clock.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import { createSignedCodec } from '../../platform/signed-value.js';
import { issuerUrl } from '../../platform/urls.js';
import type { OwnCodeRedemption, SignedInAccount } from './code-exchange.js';
import { OIDC_ROUTES } from './constants.js';
import { firstPartyRoundTrip } from './first-party-client.js';
import { MYAPPS_CLIENT_ID, MYAPPS_COMPLETE_PATH } from './myapps-client.js';

/** A sign-on link waiting for the browser's sign-in (signed cookie, one per flow). */
interface PendingLaunch {
  /** Tenant and application (appId) of the link. */
  tid: string;
  app: string;
  /** PKCE verifier and state of the authorization request. */
  v: string;
  s: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

const TTL_SECONDS = 15 * 60;
const cookieName = (state: string) => `portico_launch_${state}`;

/** The flow's signed cookie value; tampered or expired values decode to undefined. */
const pendingCodec = (key: string, clock: Clock) =>
  createSignedCodec<PendingLaunch>({
    key,
    purpose: 'myapps-launch',
    clock,
    ttlSeconds: TTL_SECONDS,
    maxLength: 2048,
    required: ['tid', 'app', 'v', 's'],
  });

/** What the sign-in round trip of the direct sign-on links needs, passed by the composition root. */
export interface MyAppsSignInDeps {
  config: Pick<Config, 'publicUrl'>;
  clock: Clock;
  /** Instance secret that signs the flow's cookie. */
  cookieKey: string;
  findTenant(id: string): Promise<Tenant | undefined>;
  /** Redeems the `portico-myapps` client's authorization code in process (the token issuer). */
  redeemCode(tenant: Tenant, r: OwnCodeRedemption): Promise<SignedInAccount | undefined>;
}

/**
 * The sign-in round trip of a direct sign-on link. The flow is bound to the browser that started
 * it (a cookie named after the state, holding the PKCE verifier), so a code and state obtained in
 * one browser are useless in another: nobody can make a victim's browser open an application as
 * someone else.
 */
export function createMyAppsSignIn(deps: MyAppsSignInDeps) {
  const { config } = deps;
  const codec = pendingCodec(deps.cookieKey, deps.clock);
  const { redirectUri, cookieOptions } = firstPartyRoundTrip(config.publicUrl, MYAPPS_COMPLETE_PATH);

  return {
    /** The path the round trip ends at (the composition root mounts it). */
    completePath: MYAPPS_COMPLETE_PATH,

    /** Remembers the link and sends the browser to the tenant's sign-in (authorization endpoint). */
    begin(reply: FastifyReply, tenant: Tenant, appId: string) {
      const verifier = randomBytes(32).toString('base64url');
      const state = randomBytes(16).toString('base64url');
      reply.setCookie(cookieName(state), codec.encode({ tid: tenant.id, app: appId, v: verifier, s: state }), {
        ...cookieOptions,
        maxAge: TTL_SECONDS,
      });
      const params = new URLSearchParams({
        client_id: MYAPPS_CLIENT_ID,
        response_type: 'code',
        redirect_uri: redirectUri,
        scope: 'openid',
        state,
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      });
      return reply
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .redirect(`${issuerUrl(config, tenant)}${OIDC_ROUTES.authorization}?${params.toString()}`, 303);
    },

    /**
     * The end of the round trip: the link's tenant and application and the user who signed in, or
     * undefined when the flow is unknown to this browser, expired, cancelled, or its code does not
     * redeem. The flow's cookie is cleared either way.
     */
    async complete(
      req: FastifyRequest,
      reply: FastifyReply,
    ): Promise<{ tenant: Tenant; appId: string; userId: string } | undefined> {
      const q = req.query as Record<string, unknown>;
      const state = typeof q.state === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(q.state) ? q.state : undefined;
      if (!state) return undefined;
      const p = codec.decode(req.cookies[cookieName(state)]);
      if (!p || p.s !== state) return undefined;
      reply.clearCookie(cookieName(state), cookieOptions);
      if (typeof q.error === 'string' || typeof q.code !== 'string') return undefined;
      const tenant = await deps.findTenant(p.tid);
      if (!tenant) return undefined;
      const account = await deps.redeemCode(tenant, {
        clientId: MYAPPS_CLIENT_ID,
        code: q.code,
        redirectUri,
        codeVerifier: p.v,
      });
      if (!account) {
        req.log.warn({ tenantId: tenant.id }, 'myapps: code exchange failed');
        return undefined;
      }
      return { tenant, appId: p.app, userId: account.accountId };
    },
  };
}

export type MyAppsSignIn = ReturnType<typeof createMyAppsSignIn>;
