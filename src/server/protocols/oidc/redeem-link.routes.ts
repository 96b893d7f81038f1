import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Config } from '../../config/index.js';
import { sendPage } from '../../http/pages.js';
import type { RedemptionsService } from '../../modules/invitations/redemptions.service.js';
import { REDEEM_COOKIE, REDEEM_COOKIE_TTL_SECONDS, type RedeemCookieCodec } from '../../modules/redemption/redeem-cookie.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import { safeEqual } from '../../platform/passwords.js';
import { issuerUrl } from '../../platform/urls.js';
import type { OwnCodeRedemption, SignedInAccount } from './code-exchange.js';
import { OIDC_ROUTES, REDEEM_CLIENT_ID } from './constants.js';
import { invalidLinkBody, REDEMPTION_MESSAGES } from './redemption.pages.js';

/** What the redeem link needs, passed by the composition root. */
export interface RedemptionRoutesDeps {
  config: Pick<Config, 'publicUrl'>;
  redemptions: Pick<RedemptionsService, 'findRedemption'>;
  findTenant(id: string): Promise<Tenant | undefined>;
  redeemCookie: RedeemCookieCodec;
  /** Redeems the `portico-redeem` client's authorization code in process (the token issuer). */
  redeemCode(tenant: Tenant, r: OwnCodeRedemption): Promise<SignedInAccount | undefined>;
}

/**
 * The redeem link (`inviteRedeemUrl`) and the end of its authorization request, relative to the
 * `/redeem` prefix app.ts mounts them under (a browser-page surface).
 *
 * GET /redeem/:id?ticket=… validates the link, stores it with a PKCE verifier and a state in a
 * signed 30-minute cookie and starts an authorization request of the first-party `portico-redeem`
 * client with `prompt=login`: consent and the e-mail passcode run on the sign-in interaction
 * (protocols/oidc/guest-signin.ts), so a redeemed guest ends with a real provider session.
 * GET /redeem/complete checks the state, redeems the code in process (the code is single-use and
 * short-lived; redeeming it here keeps nothing usable lying around) and sends the guest to the
 * invitation's `inviteRedirectUrl` while the tenant's allowed redirect hosts allow it (else My Apps).
 */
export function redemptionRoutes(deps: RedemptionRoutesDeps) {
  const { config, redemptions, redeemCookie } = deps;
  const secure = config.publicUrl.startsWith('https://');
  const completeUrl = `${config.publicUrl}/redeem/complete`;
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure };

  const invalid = (reply: FastifyReply) => sendPage(reply, 400, REDEMPTION_MESSAGES.invalidTitle, invalidLinkBody());
  const schema = { tags: ['invitations'], summary: 'Invitation redemption (HTML)' };

  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/complete',
      { schema: { ...schema, summary: 'End of the redemption sign-in (redirects to the destination)' } },
      async (req, reply) => {
        const q = req.query as Record<string, unknown>;
        const c = redeemCookie.decode(req.cookies[REDEEM_COOKIE]);
        const state = typeof q.state === 'string' ? q.state : '';
        if (!c || !state || !safeEqual(state, c.state)) return invalid(reply);
        reply.clearCookie(REDEEM_COOKIE, cookieOptions);
        const r = await redemptions.findRedemption(c.iid, c.ticket);
        const tenant = r?.tenant ?? (await deps.findTenant(c.tid));
        if (typeof q.error === 'string' || typeof q.code !== 'string' || !tenant) {
          return sendPage(
            reply,
            400,
            'Sign-in did not complete',
            '<h1>Sign-in did not complete</h1><p class="error" role="alert">Open the invitation link again to continue.</p>',
          );
        }
        const account = await deps.redeemCode(tenant, {
          clientId: REDEEM_CLIENT_ID,
          code: q.code,
          redirectUri: completeUrl,
          codeVerifier: c.verifier,
        });
        if (!account) {
          req.log.warn({ tenantId: tenant.id }, 'redemption: code exchange failed');
          return invalid(reply);
        }
        const destination = r?.destination ?? `${config.publicUrl}/myapps`;
        return reply.header('cache-control', 'no-store').redirect(destination, 303);
      },
    );

    app.get('/:id', { schema: { ...schema, summary: 'Open an invitation (redeem link)' } }, async (req, reply) => {
      const { id } = req.params as { id: string };
      const ticket = (req.query as Record<string, unknown>).ticket;
      const r = typeof ticket === 'string' ? await redemptions.findRedemption(id, ticket) : undefined;
      if (!r || typeof ticket !== 'string') return invalid(reply);
      const verifier = randomBytes(32).toString('base64url');
      const state = randomBytes(16).toString('base64url');
      reply.setCookie(REDEEM_COOKIE, redeemCookie.encode({ tid: r.tenant.id, iid: r.invitation.id, ticket, verifier, state }), {
        ...cookieOptions,
        maxAge: REDEEM_COOKIE_TTL_SECONDS,
      });
      const params = new URLSearchParams({
        client_id: REDEEM_CLIENT_ID,
        response_type: 'code',
        redirect_uri: completeUrl,
        scope: 'openid',
        state,
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        // Always through the interaction: whoever is signed in in this browser, the link is for the invited user.
        prompt: 'login',
        login_hint: r.invitation.invited_email,
      });
      return reply
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .redirect(`${issuerUrl(config, r.tenant)}${OIDC_ROUTES.authorization}?${params.toString()}`, 303);
    });
  };
}
