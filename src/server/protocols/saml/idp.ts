import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { ServicePrincipal } from '../../../contracts/applications.js';
import type { Config } from '../../config/index.js';
import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError } from '../../domain/errors.js';
import type { AuthorizeSignOn, TenantServicePrincipal } from '../../modules/applications/sign-on.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import type { OwnCodeRedemption, SignedInAccount } from '../oidc/code-exchange.js';
import { SAML_CLIENT_ID } from '../oidc/saml-client.js';
import { acceptAuthnRequest } from './authn-request.js';
import type { CertificateStore } from './certificates.js';
import { SamlStatusError } from './errors.js';
import { createIssuer } from './issue.js';
import { continueSignOut, type LogoutDeps, readLogoutMessage, receiveLogoutRequest, receiveLogoutResponse } from './logout.js';
import { messageKind } from './logout-messages.js';
import { createMetadataPublisher } from './metadata.js';
import type { RequestIdStore } from './request-ids.js';
import { STATUS } from './response.js';
import type { SamlSessionStore } from './sessions.js';
import { createSamlSignIn } from './sign-in.js';
import { addTokenSigningCertificate, type TokenSigningCertificateRequest, type TokenSigningDeps } from './token-signing.js';
import { decodeMessage } from './xml.js';

/** What the SAML IdP needs, handed over by the composition root. */
export interface SamlDeps {
  config: Pick<Config, 'publicUrl'>;
  clock: Clock;
  log: FastifyBaseLogger;
  /** Token-signing certificates (certificates.ts) and answered request ids (request-ids.ts). */
  certificates: CertificateStore;
  requestIds: RequestIdStore;
  /** Runs `fn` in one database transaction (a certificate change and its audit record). */
  transaction<T>(fn: (trx: Executor) => Promise<T>): Promise<T>;
  /** Instance secrets: the pending sign-in cookie's key, the key of persistent NameIDs. */
  secrets: { pendingCookieKey: string; persistentIdKey: string };
  tenants: { findTenant(id: string): Promise<Tenant | undefined> };
  /** Sign-on looks applications up; certificate changes (token-signing.ts) load and record them. */
  applications: TokenSigningDeps['applications'] & {
    findByServicePrincipalName(tenantId: string, name: string): Promise<ServicePrincipal | undefined>;
    findByAppId(appId: string): Promise<TenantServicePrincipal | undefined>;
    findServicePrincipal(tenantId: string, id: string): Promise<ServicePrincipal | undefined>;
  };
  authorizeSignOn: AuthorizeSignOn;
  /** Redeems the code of the `portico-saml` client's authorization request (the OIDC adapter). */
  redeemCode(tenant: Tenant, r: OwnCodeRedemption): Promise<SignedInAccount | undefined>;
  /** SAML sessions and logouts in progress (sessions.ts). */
  sessions: SamlSessionStore;
  /** Ends a Portico browser session (the OIDC adapter): single logout started by an application. */
  endBrowserSession(tenant: Tenant, browserSession: string): Promise<void>;
  /** The browser's signed-in Portico session (uid), for IdP-initiated sign-on from My Apps. */
  browserSession(tenant: Tenant, req: FastifyRequest, reply: FastifyReply): Promise<string | undefined>;
}

/** What `/myapps/signin/{appId}` passes once the user signed in and may use the application. */
export interface SignOnTarget {
  tenant: Tenant;
  servicePrincipal: ServicePrincipal;
  /** The signed-in user (My Apps has checked `authorizeSignOn`; the issuer checks it again). */
  userId: string;
  /** The user's Portico browser session (oidc-provider session uid), when known: single logout. */
  browserSession?: string | undefined;
}

/** What single logout (logout.ts) needs, from the IdP's dependencies. */
function logoutDepsOf(deps: SamlDeps, entityId: (tenant: Pick<Tenant, 'id'>) => string): LogoutDeps {
  return {
    clock: deps.clock,
    log: deps.log,
    sessions: deps.sessions,
    certificates: deps.certificates,
    entityId,
    findByServicePrincipalName: deps.applications.findByServicePrincipalName,
    findServicePrincipal: deps.applications.findServicePrincipal,
    findTenant: deps.tenants.findTenant,
    markAnswered: deps.requestIds.markAnswered,
    endBrowserSession: deps.endBrowserSession,
  };
}

/**
 * Dispatches a message of the SSO/SLO endpoint: an application's LogoutResponse, a LogoutRequest,
 * or else an AuthnRequest (`authn`). Answers the request itself.
 */
async function receiveMessage(
  logout: LogoutDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  tenant: Tenant,
  binding: 'redirect' | 'post',
  authn: (params: Record<string, unknown>, rawQuery: string) => Promise<unknown>,
) {
  const params = ((binding === 'redirect' ? req.query : req.body) ?? {}) as Record<string, unknown>;
  const url = req.raw.url ?? '';
  const rawQuery = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  if (params.SAMLResponse !== undefined && params.SAMLRequest === undefined) {
    const m = await readLogoutMessage(logout.log, binding, params, 'SAMLResponse', rawQuery);
    return receiveLogoutResponse(logout, reply, tenant, m);
  }
  const encoded = params.SAMLRequest;
  const peek = typeof encoded === 'string' ? decodeMessage(encoded, binding) : undefined;
  if (peek !== undefined && messageKind(peek) === 'LogoutRequest') {
    const m = await readLogoutMessage(logout.log, binding, params, 'SAMLRequest', rawQuery);
    return receiveLogoutRequest(logout, reply, tenant, m);
  }
  return authn(params, rawQuery);
}

/**
 * The SAML 2.0 identity provider (one per tenant, all tenants addressed by id). Routes
 * (routes.ts) only translate HTTP to these entry points; each answers the request itself (a
 * redirect, the auto-posting Response form, a no-access page) or throws: DomainErrors render as
 * pages, SamlStatusErrors as a SAML status at the application's ACS.
 */
export function createSamlIdp(deps: SamlDeps) {
  const { config, clock, certificates } = deps;
  const signIn = createSamlSignIn({ config, clock, pendingCookieKey: deps.secrets.pendingCookieKey });
  const entityId = (tenant: Pick<Tenant, 'id'>) => `${config.publicUrl}/${tenant.id}/saml2`;
  const metadataUrl = (tenant: Pick<Tenant, 'id'>, appId: string) =>
    `${config.publicUrl}/${tenant.id}/federationmetadata/2007-06/federationmetadata.xml?appid=${encodeURIComponent(appId)}`;
  const issuer = createIssuer({
    config,
    clock,
    persistentIdKey: deps.secrets.persistentIdKey,
    certificates,
    authorizeSignOn: deps.authorizeSignOn,
    entityId,
    consumeRequestId: deps.requestIds.markAnswered,
    recordSession: deps.sessions.record,
  });
  const logout = logoutDepsOf(deps, entityId);

  const published = createMetadataPublisher({ certificates, entityId, findByAppId: deps.applications.findByAppId });
  const requests = {
    findByServicePrincipalName: deps.applications.findByServicePrincipalName,
    isAnswered: deps.requestIds.isAnswered,
    log: deps.log,
    clock,
  };

  return {
    certificates,
    /** The IdP entity id (and SSO URL) of a tenant. */
    entityId,
    /** The metadata URL of an application. */
    metadataUrl,
    /** IdP metadata of an application (`appId`) or of the tenant; undefined for an unknown app. Read-only. */
    metadata: published.metadata,
    /** The signing certificate (PEM) with a file name; undefined for an unknown app. Read-only. */
    certificateFile: published.certificateFile,

    /** The SSO and single logout endpoint (one URL, as Entra's): see receiveMessage. */
    receive(req: FastifyRequest, reply: FastifyReply, tenant: Tenant, binding: 'redirect' | 'post') {
      return receiveMessage(logout, req, reply, tenant, binding, (params, rawQuery) =>
        this.receiveAuthnRequest(reply, tenant, binding, params, rawQuery),
      );
    },

    /** `GET /saml2/logout?id=`: Portico's sign-out continues through the SAML applications of the browser session. */
    continueSignOut: (reply: FastifyReply, id: string) => continueSignOut(logout, reply, id),

    /**
     * The SSO endpoint: accepts an AuthnRequest (acceptAuthnRequest) and starts the user's sign-in.
     * No state changes besides the pending sign-in cookie.
     */
    async receiveAuthnRequest(
      reply: FastifyReply,
      tenant: Tenant,
      binding: 'redirect' | 'post',
      params: Record<string, unknown>,
      rawQuery: string,
    ) {
      const accepted = await acceptAuthnRequest(requests, tenant, binding, params, rawQuery);
      const { request, sp, acs, relayState } = accepted;
      return signIn.begin(reply, tenant, {
        sp: sp.id,
        rid: request.id,
        aud: request.issuer,
        acs,
        ...(relayState ? { rs: relayState } : {}),
        forceAuthn: request.forceAuthn,
        isPassive: request.isPassive,
      });
    },

    /**
     * End of the browser's sign-in (`/saml2/complete`): redeems the code in process, then issues the
     * Response (issue.ts). A passive request that could not sign anyone in is answered NoPassive.
     */
    async completeSignIn(req: FastifyRequest, reply: FastifyReply) {
      const q = req.query as Record<string, unknown>;
      const p = signIn.take(req, reply, typeof q.state === 'string' ? q.state : '');
      if (!p)
        throw new DomainError(
          'sign_in_incomplete',
          'This sign-in expired or was already completed. Start again from the application.',
        );
      const tenant = await deps.tenants.findTenant(p.tid);
      if (!tenant) throw new DomainError('sign_in_incomplete', 'The directory no longer exists.');
      if (typeof q.error === 'string' || typeof q.code !== 'string') {
        // A passive request that could not sign anyone in silently is answered at the ACS.
        const sp = p.np ? await deps.applications.findServicePrincipal(tenant.id, p.sp) : undefined;
        if (sp) {
          throw new SamlStatusError(
            'saml_passive_sign_in_impossible',
            { tenant, sp, acs: p.acs, inResponseTo: p.rid, relayState: p.rs },
            { code: STATUS.responder, subCode: STATUS.noPassive },
          );
        }
        throw new DomainError('sign_in_incomplete');
      }
      const account = await deps.redeemCode(tenant, {
        clientId: SAML_CLIENT_ID,
        code: q.code,
        redirectUri: signIn.redirectUri,
        codeVerifier: p.v,
      });
      if (!account) {
        req.log.warn({ tenantId: tenant.id }, 'saml: code exchange failed');
        throw new DomainError('sign_in_incomplete');
      }
      return issuer.issue(reply, tenant, p, account.accountId, account.authTime, account.sessionUid);
    },

    /**
     * Direct sign-on link (`/myapps/signin/{appId}`) of a SAML application, for a signed-in user:
     * SP-initiated (a redirect to the app's `loginUrl`) when one is configured, IdP-initiated
     * otherwise (a Response to the first reply URL with `samlSingleSignOnSettings.relayState`).
     * Answers the request itself.
     */
    async startSignOn(req: FastifyRequest, reply: FastifyReply, target: SignOnTarget) {
      const { tenant, servicePrincipal: sp, userId } = target;
      if (!sp.accountEnabled)
        throw new DomainError('sign_on_application_disabled', `${sp.displayName} is disabled. Contact your administrator.`);
      // A sign-on URL means the application starts the sign-in itself (SP-initiated).
      if (sp.loginUrl) return reply.header('cache-control', 'no-store').redirect(sp.loginUrl, 302);
      const acs = sp.replyUrls[0];
      if (!acs) {
        throw new DomainError(
          'sign_on_application_not_configured',
          `${sp.displayName} has no reply URL (assertion consumer service) configured.`,
        );
      }
      const rs = sp.samlSingleSignOnSettings.relayState ?? undefined;
      const aud = sp.servicePrincipalNames.find((n) => n.toLowerCase() !== sp.appId.toLowerCase()) ?? sp.appId;
      const p = { sp: sp.id, aud, acs, ...(rs ? { rs } : {}) };
      const browserSession = target.browserSession ?? (await deps.browserSession(tenant, req, reply));
      return issuer.issue(reply, tenant, p, userId, clock.now(), browserSession);
    },

    /** Renders a SamlStatusError as a SAML Response at its ACS (the SAML surface's error handler). */
    answerStatus: (reply: FastifyReply, err: SamlStatusError) => issuer.answerStatus(reply, err),

    /** `addTokenSigningCertificate` (Graph): see token-signing.ts. */
    addTokenSigningCertificate: (ctx: OperationContext, key: string, body: TokenSigningCertificateRequest) =>
      addTokenSigningCertificate(
        { transaction: deps.transaction, clock, certificates, applications: deps.applications },
        ctx,
        key,
        body,
      ),
  };
}

export type SamlIdp = ReturnType<typeof createSamlIdp>;
