import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { ServicePrincipal } from '../../../contracts/applications.js';
import type { User } from '../../../contracts/users.js';
import type { Config } from '../../config/index.js';
import type { Clock } from '../../domain/clock.js';
import { DomainError } from '../../domain/errors.js';
import { sendNoAccessPage } from '../../http/no-access.page.js';
import type { AuthorizeSignOn, SignOnDecision } from '../../modules/applications/sign-on.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import type { CertificateStore } from './certificates.js';
import { type SamlReplyTo, SamlStatusError } from './errors.js';
import type { PendingSignIn } from './pending.js';
import { sendSamlPost } from './post.js';
import { buildErrorResponse, buildResponse, NAME_ID_FORMATS, STATUS } from './response.js';
import type { SamlSessionStore } from './sessions.js';

/** What the IdP answers at an ACS: an assertion for an authorized user, or a SAML status. */
export interface IssueDeps {
  config: Pick<Config, 'publicUrl'>;
  clock: Clock;
  /** Instance secret behind persistent NameIDs. */
  persistentIdKey: string;
  certificates: CertificateStore;
  authorizeSignOn: AuthorizeSignOn;
  entityId(tenant: Pick<Tenant, 'id'>): string;
  /** Records the AuthnRequest id as answered: false when it already was. */
  consumeRequestId(tenantId: string, spId: string, requestId: string): Promise<boolean>;
  /** Records the SAML session of an issued assertion (single logout). */
  recordSession: SamlSessionStore['record'];
}

/** The request a Response answers (from the pending sign-in or an IdP-initiated start). */
export type ResponseTarget = Pick<PendingSignIn, 'sp' | 'aud' | 'acs' | 'rid' | 'rs'>;

export function createIssuer(deps: IssueDeps) {
  /** NameID per the application's format: mail, an opaque id stable per user and app, or the UPN. */
  const nameIdOf = (sp: ServicePrincipal, user: User) => {
    switch (sp.samlSettings.nameIdFormat) {
      case 'emailAddress':
        return user.mail ?? user.userPrincipalName;
      case 'persistent':
        return createHmac('sha256', deps.persistentIdKey).update(`${sp.id}:${user.id}`).digest('base64url');
      case 'unspecified':
        return user.userPrincipalName;
    }
  };

  const replyTo = (tenant: Tenant, sp: ServicePrincipal, p: ResponseTarget): SamlReplyTo => ({
    tenant,
    sp,
    acs: p.acs,
    inResponseTo: p.rid,
    relayState: p.rs,
  });

  /**
   * A refused sign-in: the no-access page for a user who is not assigned (with Request access when
   * the app allows it), a SAML status at the ACS for a disabled application, a page otherwise.
   */
  function refuse(reply: FastifyReply, tenant: Tenant, p: ResponseTarget, d: Extract<SignOnDecision, { allowed: false }>) {
    switch (d.reason) {
      case 'not_assigned':
        return sendNoAccessPage(reply, deps.config, d.app);
      case 'application_disabled':
        if (!d.app) throw new DomainError('sign_on_application_disabled');
        throw new SamlStatusError(
          'sign_on_application_disabled',
          replyTo(tenant, d.app, p),
          { code: STATUS.responder, subCode: STATUS.requestDenied },
          `${d.app.displayName} is disabled. Contact your administrator.`,
        );
      case 'application_not_found':
        throw new DomainError('sign_on_application_not_found', 'The application no longer exists.');
      case 'user_disabled':
        throw new DomainError('sign_on_user_disabled');
      case 'invitation_pending':
        throw new DomainError('sign_on_invitation_pending');
    }
  }

  return {
    /**
     * Issues the signed Response for a signed-in user after `authorizeSignOn` allowed it, and
     * answers each AuthnRequest id once (the id is recorded before the Response is sent). The
     * assertion's NameID and SessionIndex are recorded with the browser session, for single logout.
     */
    async issue(reply: FastifyReply, tenant: Tenant, p: ResponseTarget, userId: string, authTime: Date, browserSession?: string) {
      const d = await deps.authorizeSignOn(tenant.id, { servicePrincipalId: p.sp }, userId);
      if (!d.allowed) return refuse(reply, tenant, p, d);
      const { app: sp, user } = d;
      if (p.rid !== undefined && !(await deps.consumeRequestId(tenant.id, sp.id, p.rid))) {
        throw new DomainError('saml_request_replayed');
      }
      const nameId = nameIdOf(sp, user);
      const sessionIndex = `_${randomBytes(16).toString('hex')}`;
      await deps.recordSession({
        tenantId: tenant.id,
        servicePrincipalId: sp.id,
        userId: user.id,
        nameId,
        nameIdFormat: NAME_ID_FORMATS[sp.samlSettings.nameIdFormat],
        spEntityId: p.aud,
        sessionIndex,
        browserSession,
      });
      const { xml } = buildResponse({
        idpEntityId: deps.entityId(tenant),
        spEntityId: p.aud,
        acsUrl: p.acs,
        inResponseTo: p.rid,
        tenantId: tenant.id,
        user,
        nameId,
        settings: sp.samlSettings,
        groupIds: d.groupIds,
        roleValues: d.roleValues,
        authnInstant: authTime,
        sessionIndex,
        now: deps.clock.now(),
        certificate: await deps.certificates.signingCertificate(tenant, sp.id),
      });
      return sendSamlPost(reply, {
        heading: `Signing you in to ${sp.displayName}`,
        acs: p.acs,
        samlResponseXml: xml,
        relayState: p.rs,
      });
    },

    /** Answers a SamlStatusError at its ACS: a signed Response with the status and no assertion. */
    async answerStatus(reply: FastifyReply, err: SamlStatusError) {
      const { tenant, sp, acs, inResponseTo, relayState } = err.replyTo;
      const xml = buildErrorResponse({
        idpEntityId: deps.entityId(tenant),
        acsUrl: acs,
        inResponseTo,
        status: err.samlStatus,
        message: err.message,
        now: deps.clock.now(),
        certificate: await deps.certificates.signingCertificate(tenant, sp.id),
      });
      return sendSamlPost(reply, { heading: `Returning to ${sp.displayName}`, acs, samlResponseXml: xml, relayState });
    },
  };
}
