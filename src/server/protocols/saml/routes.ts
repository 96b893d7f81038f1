import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServicePrincipal } from '../../../contracts/applications.js';
import { asUniqueViolation } from '../../db/errors.js';
import { isGuid } from '../../domain/ids.js';
import { RoleIds } from '../../domain/roles.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import { getOrCreateSecret } from '../../platform/secrets.js';
import { issuerUrl } from '../../platform/urls.js';
import { esc, page } from '../oidc/html.js';
import { messagePage } from '../oidc/interaction.js';
import { sendNoAccessPage } from '../oidc/no-access.js';
import { OIDC_ROUTES, tenantPrefix } from '../oidc/provider.js';
import { type CertificateStore, createCertificateStore, type SigningCertificate } from './certificates.js';
import { SAML_CLIENT_ID, SAML_COMPLETE_PATH } from './client.js';
import { createPendingCodec, PENDING_TTL_SECONDS, type PendingSignIn, pendingCookieName } from './pending.js';
import { BINDINGS, buildMetadata, buildResponse } from './response.js';
import { decodeMessage, hasDtdOrEntity, parseAuthnRequest, validateSamlXml } from './xml.js';

/**
 * The SAML 2.0 identity provider (one per tenant, all tenants addressed by id):
 *
 * - `GET /{tenantId}/federationmetadata/2007-06/federationmetadata.xml?appid={appId}`: IdP metadata
 *   (Entra's URL form) with the certificate that signs for that application;
 * - `GET|POST /{tenantId}/saml2`: the single sign-on endpoint (HTTP-Redirect and HTTP-POST
 *   AuthnRequests). The same URL is the IdP's entity id (Issuer);
 * - `GET /{tenantId}/saml2/certificate[?appid=]`: the signing certificate as PEM;
 * - `GET /saml2/complete`: end of the browser's sign-in, where the Response is issued.
 *
 * Who the user is comes from the tenant's OIDC provider: the IdP runs an authorization request of
 * the first-party `portico-saml` client (silent with a session; otherwise the sign-in page, with
 * guest passcode and redemption) and reads the account from the ID token. The AuthnRequest waits
 * in a signed 15-minute cookie. Responses go out through an auto-submitting form (HTTP-POST).
 */

/** What `/myapps/signin/{appId}` passes when it already resolved the application (and the user). */
export interface SignOnTarget {
  tenant: Tenant;
  servicePrincipal: ServicePrincipal;
  /** The signed-in user when the caller knows it (skips the sign-in round trip); else undefined. */
  userId: string | undefined;
}

export interface SamlIdp {
  /**
   * Direct sign-on link (`/myapps/signin/{appId}`) for a SAML application: SP-initiated (a
   * redirect to the app's `loginUrl`) when one is configured, IdP-initiated otherwise (a Response
   * to the first reply URL with `samlSingleSignOnSettings.relayState`, after the user signs in, or
   * at once for a known `userId`). Takes an appId or a resolved target; answers the request itself
   * (redirect, auto-posting form, no-access or error page).
   */
  startSignOn(req: FastifyRequest, reply: FastifyReply, target: string | SignOnTarget): Promise<FastifyReply>;
  certificates: CertificateStore;
  /** The IdP entity id (and SSO URL) of a tenant. */
  entityId(tenant: Pick<Tenant, 'id'>): string;
  /** The metadata URL of an application. */
  metadataUrl(tenant: Pick<Tenant, 'id'>, appId: string): string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** SAML 2.0 IdP (protocols/saml). */
    saml: SamlIdp;
  }
}

const SCRIPT = "'use strict';var f=document.getElementById('saml-post');if(f){f.submit();}\n";
const MAX_RELAY_STATE = 1024;

export async function samlRoutes(app: FastifyInstance): Promise<void> {
  const { config, database, clock, newId, services } = app.portico;
  const { applications, users, roles, tenants } = services;
  const db = database.db;
  const certificates = createCertificateStore({ db, clock, newId });
  const pending = createPendingCodec(await getOrCreateSecret(db, 'saml-cookie-key-1', clock), clock);
  const persistentKey = await getOrCreateSecret(db, 'saml-persistent-id-key-1', clock);
  const secure = config.publicUrl.startsWith('https://');
  const cookieOptions = { path: SAML_COMPLETE_PATH, httpOnly: true, sameSite: 'lax' as const, secure };

  const entityId = (tenant: Pick<Tenant, 'id'>) => `${config.publicUrl}/${tenant.id}/saml2`;
  const metadataUrl = (tenant: Pick<Tenant, 'id'>, appId: string) =>
    `${config.publicUrl}/${tenant.id}/federationmetadata/2007-06/federationmetadata.xml?appid=${encodeURIComponent(appId)}`;

  const tenantOf = async (req: FastifyRequest): Promise<Tenant | undefined> => {
    const id = (req.params as { tenantId?: string }).tenantId ?? '';
    return isGuid(id) ? services.tenants.findTenant(id.toLowerCase()) : undefined;
  };

  /** The application of `appid` in the tenant (undefined when absent or unknown). */
  const appOf = async (tenant: Tenant, appId: unknown): Promise<ServicePrincipal | undefined> => {
    if (typeof appId !== 'string') return undefined;
    const sp = await applications.findByAppId(appId);
    return sp && sp.tenantId === tenant.id ? sp : undefined;
  };

  const error = (reply: FastifyReply, status: number, message: string) =>
    messagePage(reply, status, "Sorry, but we're having trouble signing you in.", message);

  /** Stores the pending sign-in and sends the browser through the tenant's authorization endpoint. */
  function beginSignIn(
    reply: FastifyReply,
    tenant: Tenant,
    sp: ServicePrincipal,
    p: { rid?: string; aud: string; acs: string; rs?: string; forceAuthn?: boolean; isPassive?: boolean },
  ) {
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    const value: Omit<PendingSignIn, 'exp'> = { tid: tenant.id, sp: sp.id, aud: p.aud, acs: p.acs, v: verifier, s: state };
    if (p.rid !== undefined) value.rid = p.rid;
    if (p.rs) value.rs = p.rs;
    reply.setCookie(pendingCookieName(state), pending.encode(value), { ...cookieOptions, maxAge: PENDING_TTL_SECONDS });
    const params = new URLSearchParams({
      client_id: SAML_CLIENT_ID,
      response_type: 'code',
      redirect_uri: `${config.publicUrl}${SAML_COMPLETE_PATH}`,
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
  }

  /** NameID per the application's format: mail, an opaque id stable per user and app, or the UPN. */
  const nameIdOf = (sp: ServicePrincipal, user: { id: string; mail: string | null; userPrincipalName: string }) => {
    switch (sp.samlSettings.nameIdFormat) {
      case 'emailAddress':
        return user.mail ?? user.userPrincipalName;
      case 'persistent':
        return createHmac('sha256', persistentKey).update(`${sp.id}:${user.id}`).digest('base64url');
      case 'unspecified':
        return user.userPrincipalName;
    }
  };

  /** Answers the AuthnRequest id once: false when it was already answered. */
  async function consumeRequestId(tenantId: string, spId: string, requestId: string): Promise<boolean> {
    const now = clock.now();
    await db.deleteFrom('saml_request_ids').where('expires_at', '<', now.toISOString()).execute();
    try {
      await db
        .insertInto('saml_request_ids')
        .values({
          tenant_id: tenantId,
          service_principal_id: spId,
          request_id: requestId,
          // Kept well past any validity window of the request and its response.
          expires_at: new Date(now.getTime() + 24 * 3600_000).toISOString(),
        })
        .execute();
      return true;
    } catch (err) {
      if (asUniqueViolation(err)) return false;
      throw err;
    }
  }

  const requestIdAnswered = async (tenantId: string, spId: string, requestId: string) =>
    (await db
      .selectFrom('saml_request_ids')
      .select('request_id')
      .where('tenant_id', '=', tenantId)
      .where('service_principal_id', '=', spId)
      .where('request_id', '=', requestId)
      .executeTakeFirst()) !== undefined;

  /** The HTML page that posts the Response to the ACS (same-origin script; a button without script). */
  function sendPost(
    reply: FastifyReply,
    sp: ServicePrincipal,
    acs: string,
    samlResponse: string,
    relayState: string | undefined,
  ) {
    const fields =
      `<input type="hidden" name="SAMLResponse" value="${esc(samlResponse)}">` +
      (relayState ? `<input type="hidden" name="RelayState" value="${esc(relayState)}">` : '');
    const body = `<h1>Signing you in to ${esc(sp.displayName)}</h1>
<form id="saml-post" method="post" action="${esc(acs)}">${fields}
<p class="muted">If nothing happens, select Continue.</p><button type="submit">Continue</button></form>
<script src="/saml2/post.js"></script>`;
    return reply
      .code(200)
      .header('cache-control', 'no-store')
      .header('pragma', 'no-cache')
      .header('x-frame-options', 'DENY')
      .header(
        'content-security-policy',
        "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
      )
      .header('referrer-policy', 'no-referrer')
      .type('text/html; charset=utf-8')
      .send(page(`Signing you in to ${sp.displayName}`, body));
  }

  /**
   * Issues the Response for a signed-in user, after the checks: enabled user and application, not a
   * pending guest, assignment (direct or direct-group; Global Administrators always), request id
   * not answered before.
   */
  async function issue(
    reply: FastifyReply,
    tenant: Tenant,
    p: Pick<PendingSignIn, 'sp' | 'aud' | 'acs' | 'rid' | 'rs'>,
    userId: string,
    authTime: Date,
  ) {
    const sp = await applications.findServicePrincipal(tenant.id, p.sp);
    if (!sp) return error(reply, 400, 'The application no longer exists.');
    const user = await users.findUser(tenant.id, userId);
    if (!user || !user.accountEnabled) {
      return error(reply, 403, 'Your account is disabled. Contact your administrator.');
    }
    if (user.externalUserState === 'PendingAcceptance') {
      return error(reply, 403, 'Accept your invitation first: open the invitation link you received by e-mail.');
    }
    if (!sp.accountEnabled) return error(reply, 403, `${sp.displayName} is disabled. Contact your administrator.`);
    const access = await applications.accessOf(tenant.id, sp.id, user.id);
    if (sp.appRoleAssignmentRequired && !access.assigned) {
      const roleIds = await roles.roleIdsOf(tenant.id, user.id);
      if (!roleIds.includes(RoleIds.globalAdministrator)) return sendNoAccessPage(reply, config, sp);
    }
    if (p.rid !== undefined && !(await consumeRequestId(tenant.id, sp.id, p.rid))) {
      return error(reply, 400, 'This sign-in request was already answered. Start again from the application.');
    }
    const certificate = await certificates.signingCertificate(tenant, sp.id);
    const { xml } = buildResponse({
      idpEntityId: entityId(tenant),
      spEntityId: p.aud,
      acsUrl: p.acs,
      inResponseTo: p.rid,
      tenantId: tenant.id,
      user,
      nameId: nameIdOf(sp, user),
      settings: sp.samlSettings,
      groupIds: access.groupIds,
      roleValues: access.roleValues,
      authnInstant: authTime,
      sessionIndex: `_${randomBytes(16).toString('hex')}`,
      now: clock.now(),
      certificate,
    });
    return sendPost(reply, sp, p.acs, Buffer.from(xml, 'utf8').toString('base64'), p.rs);
  }

  const samlIdp: SamlIdp = {
    certificates,
    entityId,
    metadataUrl,
    async startSignOn(_req, reply, target) {
      let sp: ServicePrincipal | undefined;
      let tenant: Tenant | undefined;
      let userId: string | undefined;
      if (typeof target === 'string') {
        const found = isGuid(target) ? await applications.findByAppId(target) : undefined;
        tenant = found ? await tenants.findTenant(found.tenantId) : undefined;
        sp = found;
      } else {
        ({ tenant, servicePrincipal: sp, userId } = target);
      }
      if (!sp || !tenant) return error(reply, 404, 'This application does not exist.');
      if (!sp.accountEnabled) return error(reply, 403, `${sp.displayName} is disabled. Contact your administrator.`);
      // A sign-on URL means the application starts the sign-in itself (SP-initiated).
      if (sp.loginUrl) return reply.header('cache-control', 'no-store').redirect(sp.loginUrl, 302);
      const acs = sp.replyUrls[0];
      if (!acs) return error(reply, 400, `${sp.displayName} has no reply URL (assertion consumer service) configured.`);
      const rs = sp.samlSingleSignOnSettings.relayState ?? undefined;
      const aud = sp.servicePrincipalNames.find((n) => n.toLowerCase() !== sp.appId.toLowerCase()) ?? sp.appId;
      const p = { sp: sp.id, aud, acs, ...(rs ? { rs } : {}) };
      if (userId !== undefined) return issue(reply, tenant, p, userId, clock.now());
      return beginSignIn(reply, tenant, sp, p);
    },
  };
  // For callers that look the IdP up among the services (modules/myapps).
  Object.assign(services, { saml: samlIdp });
  app.decorate('saml', samlIdp);

  const schema = (summary: string) => ({ schema: { tags: ['saml'], summary } });

  app.get(
    '/:tenantId/federationmetadata/2007-06/federationmetadata.xml',
    schema('SAML IdP metadata of an application (?appid=) or of the tenant'),
    async (req, reply) => {
      const tenant = await tenantOf(req);
      if (!tenant) return reply.callNotFound();
      const appId = (req.query as Record<string, unknown>).appid;
      let certificate: SigningCertificate;
      if (appId !== undefined) {
        const sp = await appOf(tenant, appId);
        if (!sp) return reply.callNotFound();
        certificate = await certificates.signingCertificate(tenant, sp.id);
      } else {
        certificate = await certificates.tenantCertificate(tenant);
      }
      const xml = buildMetadata({
        idpEntityId: entityId(tenant),
        ssoUrl: entityId(tenant),
        certificate,
        id: `_${certificate.keyId.replace(/-/g, '')}`,
      });
      return reply.header('cache-control', 'no-cache').type('application/samlmetadata+xml; charset=utf-8').send(xml);
    },
  );

  app.get(
    '/:tenantId/saml2/certificate',
    schema('SAML token-signing certificate (PEM) of an application (?appid=) or of the tenant'),
    async (req, reply) => {
      const tenant = await tenantOf(req);
      if (!tenant) return reply.callNotFound();
      const appId = (req.query as Record<string, unknown>).appid;
      const sp = appId === undefined ? undefined : await appOf(tenant, appId);
      if (appId !== undefined && !sp) return reply.callNotFound();
      const c = sp ? await certificates.signingCertificate(tenant, sp.id) : await certificates.tenantCertificate(tenant);
      const name = (sp?.displayName ?? tenant.displayName).replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64) || 'portico';
      return reply
        .header('cache-control', 'no-cache')
        .header('content-disposition', `attachment; filename="${name}.pem"`)
        .type('application/x-pem-file')
        .send(c.certificatePem);
    },
  );

  app.get('/saml2/post.js', schema('Script that submits the SAML Response form'), async (_req, reply) =>
    reply.header('cache-control', 'public, max-age=3600').type('text/javascript; charset=utf-8').send(SCRIPT),
  );

  /** The SSO endpoint: HTTP-Redirect (GET, deflated) and HTTP-POST (form) AuthnRequests. */
  const sso = async (req: FastifyRequest, reply: FastifyReply) => {
    const tenant = await tenantOf(req);
    if (!tenant) return reply.callNotFound();
    const binding = req.method === 'GET' ? 'redirect' : 'post';
    const params = ((binding === 'redirect' ? req.query : req.body) ?? {}) as Record<string, unknown>;
    const encoded = params.SAMLRequest;
    if (typeof encoded !== 'string' || encoded === '') {
      return error(reply, 400, 'The request has no SAMLRequest: start the sign-in from the application.');
    }
    const relayState = typeof params.RelayState === 'string' ? params.RelayState : undefined;
    if (relayState !== undefined && relayState.length > MAX_RELAY_STATE) {
      return error(reply, 400, `The RelayState is longer than ${MAX_RELAY_STATE} characters.`);
    }
    const xml = decodeMessage(encoded, binding);
    if (xml === undefined) return error(reply, 400, 'The SAMLRequest could not be decoded.');
    // Before any parser: a DOCTYPE or ENTITY declaration is never legitimate in SAML.
    if (hasDtdOrEntity(xml)) {
      req.log.warn({ tenantId: tenant.id }, 'saml: AuthnRequest with a DOCTYPE/ENTITY declaration refused');
      return error(reply, 400, 'The SAML request contains a document type or entity declaration, which is not allowed.');
    }
    try {
      await validateSamlXml(xml);
    } catch (err) {
      req.log.info({ tenantId: tenant.id, err: (err as Error).message.slice(0, 500) }, 'saml: invalid AuthnRequest');
      return error(reply, 400, 'The SAML request is not a valid SAML 2.0 message.');
    }
    const r = parseAuthnRequest(xml);
    if (!r) return error(reply, 400, 'The SAML request is not an AuthnRequest.');
    const sp = await applications.findByServicePrincipalName(tenant.id, r.issuer);
    if (!sp) {
      return error(
        reply,
        400,
        `Application with identifier '${r.issuer}' was not found in the directory '${tenant.displayName}'. The administrator may not have added it, or it was sent to the wrong tenant.`,
      );
    }
    if (r.protocolBinding !== undefined && r.protocolBinding !== BINDINGS.post) {
      return error(reply, 400, 'Responses are sent with the HTTP-POST binding only.');
    }
    let acs: string | undefined;
    if (r.acsUrl !== undefined) {
      acs = sp.replyUrls.find((u) => u === r.acsUrl);
      if (!acs) {
        return error(
          reply,
          400,
          `The reply URL specified in the request does not match the reply URLs configured for the application '${sp.appId}'.`,
        );
      }
    } else {
      acs = sp.replyUrls[0];
      if (!acs) return error(reply, 400, `${sp.displayName} has no reply URL (assertion consumer service) configured.`);
    }
    if (!sp.accountEnabled) return error(reply, 403, `${sp.displayName} is disabled. Contact your administrator.`);
    if (await requestIdAnswered(tenant.id, sp.id, r.id)) {
      return error(reply, 400, 'This sign-in request was already answered. Start again from the application.');
    }
    return beginSignIn(reply, tenant, sp, {
      rid: r.id,
      aud: r.issuer,
      acs,
      ...(relayState ? { rs: relayState } : {}),
      forceAuthn: r.forceAuthn,
      isPassive: r.isPassive,
    });
  };
  app.get('/:tenantId/saml2', schema('SAML single sign-on endpoint (HTTP-Redirect AuthnRequest)'), sso);
  app.post('/:tenantId/saml2', schema('SAML single sign-on endpoint (HTTP-POST AuthnRequest)'), sso);

  app.get(SAML_COMPLETE_PATH, schema('End of the sign-in of a SAML request: posts the Response'), async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const state = typeof q.state === 'string' ? q.state : '';
    const name = pendingCookieName(state);
    const p = /^[A-Za-z0-9_-]{1,64}$/.test(state) ? pending.decode(req.cookies[name]) : undefined;
    if (!p || p.s !== state) {
      return error(reply, 400, 'This sign-in expired or was already completed. Start again from the application.');
    }
    reply.clearCookie(name, cookieOptions);
    const tenant = await tenants.findTenant(p.tid);
    if (!tenant) return error(reply, 400, 'The directory no longer exists.');
    if (typeof q.error === 'string' || typeof q.code !== 'string') {
      return error(reply, 400, 'Sign-in did not complete. Start again from the application.');
    }
    const token = await app.inject({
      method: 'POST',
      url: `${tenantPrefix(tenant)}${OIDC_ROUTES.token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'authorization_code',
        code: q.code,
        redirect_uri: `${config.publicUrl}${SAML_COMPLETE_PATH}`,
        client_id: SAML_CLIENT_ID,
        code_verifier: p.v,
      }).toString(),
    });
    const idToken = token.statusCode === 200 ? (token.json() as { id_token?: unknown }).id_token : undefined;
    if (typeof idToken !== 'string') {
      req.log.warn({ status: token.statusCode, tenantId: tenant.id }, 'saml: code exchange failed');
      return error(reply, 400, 'Sign-in did not complete. Start again from the application.');
    }
    // Obtained just now from our own token endpoint, in process: the payload is trusted as is.
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      sub?: string;
      oid?: string;
      auth_time?: number;
    };
    const userId = claims.oid ?? claims.sub;
    if (!userId) return error(reply, 400, 'Sign-in did not complete. Start again from the application.');
    const authTime = typeof claims.auth_time === 'number' ? new Date(claims.auth_time * 1000) : clock.now();
    return issue(reply, tenant, p, userId, authTime);
  });
}
