import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { ServicePrincipal } from '../../../contracts/applications.js';
import type { Clock } from '../../domain/clock.js';
import { DomainError } from '../../domain/errors.js';
import { page } from '../../http/pages.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import type { CertificateStore } from './certificates.js';
import {
  buildLogoutRequest,
  buildLogoutResponse,
  encodeRedirect,
  LOGOUT_STATUS,
  type ParsedLogoutRequest,
  parseLogoutRequest,
  parseLogoutResponse,
  signForPost,
} from './logout-messages.js';
import { sendSamlPost } from './post.js';
import { verifyPostSignature, verifyRedirectSignature } from './request-signature.js';
import { CLOCK_SKEW_MS, type SamlStatus, STATUS } from './response.js';
import type { SamlLogout, SamlSessionStore } from './sessions.js';
import { decodeMessage, hasDtdOrEntity, validateSamlXml } from './xml.js';

/**
 * SAML single logout (SAML profiles §4.4), front channel: an application's LogoutRequest, or
 * Portico's own sign-out, ends the Portico browser session and every SAML session of that browser
 * session. The browser is sent to each other application's logout URL with a LogoutRequest in
 * turn (HTTP-Redirect, signed), comes back with its LogoutResponse, and finally returns to the
 * application that asked (a signed LogoutResponse, Success or Success/PartialLogout, in the binding
 * of its request) or to where Portico's sign-out continues. Messages from applications are checked
 * like AuthnRequests (schema, no DTD, known issuer, signature with its verification certificates);
 * refusals of a LogoutRequest from a known application with a logout URL are LogoutResponses with a
 * Requester status, the rest are HTML pages.
 */

export interface LogoutDeps {
  clock: Clock;
  log: FastifyBaseLogger;
  sessions: SamlSessionStore;
  certificates: CertificateStore;
  entityId(tenant: Pick<Tenant, 'id'>): string;
  findByServicePrincipalName(tenantId: string, name: string): Promise<ServicePrincipal | undefined>;
  findServicePrincipal(tenantId: string, id: string): Promise<ServicePrincipal | undefined>;
  findTenant(id: string): Promise<Tenant | undefined>;
  /** Records a message id of an application as answered: false when it already was. */
  markAnswered(tenantId: string, spId: string, requestId: string): Promise<boolean>;
  /** Ends the Portico browser session (oidc-provider session uid) and revokes what it authorized. */
  endBrowserSession(tenant: Tenant, browserSession: string): Promise<void>;
}

type Binding = 'redirect' | 'post';

/** A received logout message: binding, decoded XML, parameters and the raw query (Redirect signatures). */
export interface LogoutMessage {
  binding: Binding;
  xml: string;
  relayState: string | undefined;
  rawQuery: string;
}

const signedOutPage = (reply: FastifyReply) =>
  reply
    .code(200)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(page('Signed out', "<h1>You signed out of your account</h1><p>It's a good idea to close all browser windows.</p>"));

/** Signature rule: required when the app requires signed requests; a signature present must verify. */
function checkSignature(deps: LogoutDeps, sp: ServicePrincipal, m: LogoutMessage, root: 'LogoutRequest' | 'LogoutResponse') {
  const { requireSignedRequests, verificationCertificates } = sp.samlSettings;
  const now = deps.clock.now();
  const certificates = verificationCertificates.filter((c) => new Date(c.endDateTime) > now).map((c) => c.certificate);
  const field = root === 'LogoutRequest' ? 'SAMLRequest' : 'SAMLResponse';
  const check =
    m.binding === 'redirect'
      ? verifyRedirectSignature(m.rawQuery, certificates, field)
      : verifyPostSignature(m.xml, certificates, root);
  if (check.ok) return;
  if (check.reason === 'unsigned' && !requireSignedRequests) return;
  // Signed, but nothing to check it with: the app registered no certificate, so it is treated as unsigned.
  if (check.reason === 'invalid' && certificates.length === 0 && !requireSignedRequests) return;
  deps.log.warn({ appId: sp.appId, binding: m.binding, root, detail: check.detail }, 'saml: logout message signature refused');
  if (check.reason === 'unsigned') {
    throw new DomainError(
      'saml_request_unsigned',
      `${sp.displayName} requires signed SAML messages, and this ${root} is not signed.`,
    );
  }
  throw new DomainError(
    'saml_request_signature_invalid',
    `The signature of this ${root} could not be verified with the verification certificates of ${sp.displayName}.`,
  );
}

/** Sends a signed LogoutResponse to the application's logout URL in `binding`. */
async function respond(
  deps: LogoutDeps,
  reply: FastifyReply,
  tenant: Tenant,
  sp: ServicePrincipal & { logoutUrl: string },
  r: { inResponseTo: string; status: SamlStatus; message?: string; relayState: string | undefined; binding: Binding },
) {
  const certificate = await deps.certificates.signingCertificate(tenant, sp.id);
  const xml = buildLogoutResponse({
    idpEntityId: deps.entityId(tenant),
    destination: sp.logoutUrl,
    inResponseTo: r.inResponseTo,
    status: r.status,
    message: r.message,
    now: deps.clock.now(),
  });
  if (r.binding === 'post') {
    return sendSamlPost(reply, {
      heading: `Signing you out of ${sp.displayName}`,
      acs: sp.logoutUrl,
      samlResponseXml: signForPost(xml, 'LogoutResponse', certificate),
      relayState: r.relayState,
    });
  }
  const url = encodeRedirect(sp.logoutUrl, { field: 'SAMLResponse', xml, relayState: r.relayState }, certificate);
  return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(url, 302);
}

/** Sends the next active SAML session of the logout's browser session a LogoutRequest; finishes when none is left. */
async function continueLogout(deps: LogoutDeps, reply: FastifyReply, tenant: Tenant, logout: SamlLogout): Promise<FastifyReply> {
  const active = logout.browser_session ? await deps.sessions.activeSessionsOfBrowser(tenant.id, logout.browser_session) : [];
  for (const s of active) {
    const sp = await deps.findServicePrincipal(tenant.id, s.service_principal_id);
    if (!sp?.logoutUrl) {
      // Nothing to tell it with: its own session may outlive this logout.
      if (await deps.sessions.end(s.session_index, logout.id, null)) await deps.sessions.markPartial(logout.id);
      continue;
    }
    const { id, xml } = buildLogoutRequest({
      idpEntityId: deps.entityId(tenant),
      destination: sp.logoutUrl,
      nameId: s.name_id,
      nameIdFormat: s.name_id_format,
      spEntityId: s.sp_entity_id,
      sessionIndex: s.session_index,
      now: deps.clock.now(),
    });
    if (!(await deps.sessions.end(s.session_index, logout.id, id))) continue;
    const certificate = await deps.certificates.signingCertificate(tenant, sp.id);
    const url = encodeRedirect(sp.logoutUrl, { field: 'SAMLRequest', xml, relayState: logout.id }, certificate);
    return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(url, 302);
  }
  return finish(deps, reply, tenant, logout);
}

/** The end of a logout: the answer to the application that asked, or back to Portico's sign-out. */
async function finish(deps: LogoutDeps, reply: FastifyReply, tenant: Tenant, logout: SamlLogout) {
  if (!(await deps.sessions.finishLogout(logout.id))) return signedOutPage(reply);
  if (logout.initiator_sp_id && logout.initiator_request_id) {
    const sp = await deps.findServicePrincipal(tenant.id, logout.initiator_sp_id);
    if (sp?.logoutUrl) {
      return respond(
        deps,
        reply,
        tenant,
        { ...sp, logoutUrl: sp.logoutUrl },
        {
          inResponseTo: logout.initiator_request_id,
          status: logout.partial ? { code: STATUS.success, subCode: LOGOUT_STATUS.partialLogout } : { code: STATUS.success },
          relayState: logout.initiator_relay_state ?? undefined,
          binding: logout.initiator_binding === 'post' ? 'post' : 'redirect',
        },
      );
    }
  }
  if (logout.return_to) return reply.header('cache-control', 'no-store').redirect(logout.return_to, 303);
  return signedOutPage(reply);
}

/** Refusals of a request from a known application: a LogoutResponse with a Requester status when it has a logout URL. */
function refusal(
  deps: LogoutDeps,
  reply: FastifyReply,
  tenant: Tenant,
  sp: ServicePrincipal,
  request: ParsedLogoutRequest,
  m: LogoutMessage,
) {
  return async (err: DomainError, subCode: string = STATUS.requestDenied) => {
    if (!sp.logoutUrl) throw err;
    deps.log.info({ tenantId: tenant.id, appId: sp.appId, code: err.code }, 'saml: LogoutRequest refused');
    return respond(
      deps,
      reply,
      tenant,
      { ...sp, logoutUrl: sp.logoutUrl },
      {
        inResponseTo: request.id,
        status: { code: STATUS.requester, subCode },
        message: err.message,
        relayState: m.relayState,
        binding: m.binding,
      },
    );
  };
}

/** Checks of a LogoutRequest from a known application beyond its signature: destination, lifetime, replay. */
async function checkRequest(
  deps: LogoutDeps,
  tenant: Tenant,
  sp: ServicePrincipal,
  request: ParsedLogoutRequest,
): Promise<DomainError | undefined> {
  if (request.destination !== undefined && request.destination !== deps.entityId(tenant)) {
    return new DomainError('saml_request_invalid', 'The LogoutRequest was sent to another destination.');
  }
  const end = request.notOnOrAfter ? Date.parse(request.notOnOrAfter) : Number.NaN;
  if (!Number.isNaN(end) && end + CLOCK_SKEW_MS <= deps.clock.now().getTime()) {
    return new DomainError('saml_request_invalid', 'The LogoutRequest has expired (NotOnOrAfter).');
  }
  if (!(await deps.markAnswered(tenant.id, sp.id, request.id))) {
    return new DomainError('saml_request_replayed', 'This logout request was already answered.');
  }
  return undefined;
}

/**
 * An application's LogoutRequest (SP-initiated): ends the named sessions of its principal, the
 * Portico browser session they belong to, and every other SAML session of it (continueLogout),
 * then answers the application. Answers the request itself.
 */
export async function receiveLogoutRequest(deps: LogoutDeps, reply: FastifyReply, tenant: Tenant, m: LogoutMessage) {
  const request = parseLogoutRequest(m.xml);
  if (!request) throw new DomainError('saml_request_invalid', 'The SAML request is not a valid LogoutRequest.');
  const sp = await deps.findByServicePrincipalName(tenant.id, request.issuer);
  if (!sp) {
    throw new DomainError(
      'saml_issuer_unknown',
      `Application with identifier '${request.issuer}' was not found in the directory '${tenant.displayName}'.`,
    );
  }
  const refuse = refusal(deps, reply, tenant, sp, request, m);
  try {
    checkSignature(deps, sp, m, 'LogoutRequest');
  } catch (err) {
    return refuse(err as DomainError);
  }
  const problem = await checkRequest(deps, tenant, sp, request);
  if (problem) return refuse(problem);
  const found = await deps.sessions.sessionsOfPrincipal({
    tenantId: tenant.id,
    servicePrincipalId: sp.id,
    nameId: request.nameId,
    sessionIndexes: request.sessionIndexes,
  });
  if (found.length === 0) {
    return refuse(
      new DomainError('saml_request_invalid', 'No session of this principal is known.'),
      LOGOUT_STATUS.unknownPrincipal,
    );
  }
  const browserSession = found.find((s) => s.browser_session)?.browser_session ?? null;
  const logout = await deps.sessions.startLogout({
    tenant_id: tenant.id,
    browser_session: browserSession,
    return_to: null,
    initiator_sp_id: sp.id,
    initiator_request_id: request.id,
    initiator_relay_state: m.relayState ?? null,
    initiator_binding: m.binding,
  });
  const browsers = [...new Set(found.flatMap((s) => (s.browser_session ? [s.browser_session] : [])))];
  // The asking application's other sessions in those browser sessions end with them: it is not
  // sent a LogoutRequest of its own.
  const sameApp = (await Promise.all(browsers.map((b) => deps.sessions.activeSessionsOfBrowser(tenant.id, b))))
    .flat()
    .filter((s) => s.service_principal_id === sp.id);
  for (const s of [...found, ...sameApp]) await deps.sessions.end(s.session_index, logout.id, null);
  for (const b of browsers) await deps.endBrowserSession(tenant, b);
  return continueLogout(deps, reply, tenant, logout);
}

/** An application's LogoutResponse to a LogoutRequest Portico sent: the logout continues. */
export async function receiveLogoutResponse(deps: LogoutDeps, reply: FastifyReply, tenant: Tenant, m: LogoutMessage) {
  const response = parseLogoutResponse(m.xml);
  if (!response) throw new DomainError('saml_request_invalid', 'The SAML response is not a valid LogoutResponse.');
  const sp = await deps.findByServicePrincipalName(tenant.id, response.issuer);
  if (!sp) {
    throw new DomainError(
      'saml_issuer_unknown',
      `Application with identifier '${response.issuer}' was not found in the directory '${tenant.displayName}'.`,
    );
  }
  checkSignature(deps, sp, m, 'LogoutResponse');
  const session = response.inResponseTo
    ? await deps.sessions.sessionByLogoutRequest(tenant.id, response.inResponseTo)
    : undefined;
  if (
    !session ||
    !response.inResponseTo ||
    session.service_principal_id !== sp.id ||
    !(await deps.sessions.answerLogoutRequest(session.session_index, response.inResponseTo))
  ) {
    throw new DomainError('saml_logout_response_unexpected');
  }
  const logout = session.logout_id ? await deps.sessions.findLogout(session.logout_id) : undefined;
  if (!logout) return signedOutPage(reply);
  if (response.status !== STATUS.success) {
    deps.log.info({ tenantId: tenant.id, appId: sp.appId, status: response.status }, 'saml: application did not confirm logout');
    await deps.sessions.markPartial(logout.id);
    logout.partial = 1;
  }
  return continueLogout(deps, reply, tenant, logout);
}

/** `GET /saml2/logout?id=`: where Portico's sign-out sends the browser to log out of the SAML applications. */
export async function continueSignOut(deps: LogoutDeps, reply: FastifyReply, id: string) {
  const logout = id ? await deps.sessions.findLogout(id) : undefined;
  const tenant = logout ? await deps.findTenant(logout.tenant_id) : undefined;
  if (!logout || !tenant) return signedOutPage(reply);
  return continueLogout(deps, reply, tenant, logout);
}

const MAX_RELAY_STATE = 1024;

/**
 * Decodes a logout message of a binding's parameters (`field` SAMLRequest or SAMLResponse) as
 * hostile input: size, DTD/entity declarations, the SAML protocol schema. Refusals are pages.
 */
export async function readLogoutMessage(
  log: FastifyBaseLogger,
  binding: Binding,
  params: Record<string, unknown>,
  field: 'SAMLRequest' | 'SAMLResponse',
  rawQuery: string,
): Promise<LogoutMessage> {
  const invalid = (message: string) => new DomainError('saml_request_invalid', message);
  const encoded = params[field];
  if (typeof encoded !== 'string' || encoded === '') throw invalid(`The message has no ${field}.`);
  const relayState = typeof params.RelayState === 'string' ? params.RelayState : undefined;
  if (relayState !== undefined && relayState.length > MAX_RELAY_STATE) {
    throw invalid(`The RelayState is longer than ${MAX_RELAY_STATE} characters.`);
  }
  const xml = decodeMessage(encoded, binding);
  if (xml === undefined) throw invalid(`The ${field} could not be decoded.`);
  if (hasDtdOrEntity(xml))
    throw invalid('The SAML message contains a document type or entity declaration, which is not allowed.');
  try {
    await validateSamlXml(xml);
  } catch (err) {
    log.info({ err: (err as Error).message.slice(0, 500) }, 'saml: invalid logout message');
    throw invalid('The SAML message is not a valid SAML 2.0 message.');
  }
  return { binding, xml, relayState, rawQuery };
}
