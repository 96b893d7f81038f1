import type { FastifyBaseLogger } from 'fastify';
import type { ServicePrincipal } from '../../../contracts/applications.js';
import type { Clock } from '../../domain/clock.js';
import { DomainError } from '../../domain/errors.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import { SamlStatusError } from './errors.js';
import { verifyPostSignature, verifyRedirectSignature } from './request-signature.js';
import { BINDINGS, STATUS } from './response.js';
import { decodeMessage, hasDtdOrEntity, type ParsedAuthnRequest, parseAuthnRequest, validateSamlXml } from './xml.js';

const MAX_RELAY_STATE = 1024;

/** An AuthnRequest from a known application, with the ACS the Response will go to. */
export interface AcceptedAuthnRequest {
  request: ParsedAuthnRequest;
  sp: ServicePrincipal;
  acs: string;
  relayState: string | undefined;
}

export interface AuthnRequestDeps {
  findByServicePrincipalName(tenantId: string, name: string): Promise<ServicePrincipal | undefined>;
  /** True when the application already answered this request id. */
  isAnswered(tenantId: string, spId: string, requestId: string): Promise<boolean>;
  log: FastifyBaseLogger;
  clock: Clock;
}

const invalid = (message: string) => new DomainError('saml_request_invalid', message);

/** Decodes and validates the SAMLRequest of a binding's parameters (hostile input: DTDs, schema). */
async function readRequest(
  deps: AuthnRequestDeps,
  tenant: Tenant,
  binding: 'redirect' | 'post',
  params: Record<string, unknown>,
): Promise<{ request: ParsedAuthnRequest; relayState: string | undefined; xml: string }> {
  const encoded = params.SAMLRequest;
  if (typeof encoded !== 'string' || encoded === '') {
    throw invalid('The request has no SAMLRequest: start the sign-in from the application.');
  }
  const relayState = typeof params.RelayState === 'string' ? params.RelayState : undefined;
  if (relayState !== undefined && relayState.length > MAX_RELAY_STATE) {
    throw invalid(`The RelayState is longer than ${MAX_RELAY_STATE} characters.`);
  }
  const xml = decodeMessage(encoded, binding);
  if (xml === undefined) throw invalid('The SAMLRequest could not be decoded.');
  // Before any parser: a DOCTYPE or ENTITY declaration is never legitimate in SAML.
  if (hasDtdOrEntity(xml)) {
    deps.log.warn({ tenantId: tenant.id }, 'saml: AuthnRequest with a DOCTYPE/ENTITY declaration refused');
    throw invalid('The SAML request contains a document type or entity declaration, which is not allowed.');
  }
  try {
    await validateSamlXml(xml);
  } catch (err) {
    deps.log.info({ tenantId: tenant.id, err: (err as Error).message.slice(0, 500) }, 'saml: invalid AuthnRequest');
    throw invalid('The SAML request is not a valid SAML 2.0 message.');
  }
  const request = parseAuthnRequest(xml);
  if (!request) throw invalid('The SAML request is not an AuthnRequest.');
  return { request, relayState, xml };
}

/**
 * Entra's "Require verification certificates": an application that requires signed requests gets
 * none answered unless the signature verifies with one of its unexpired verification certificates
 * (HTTP-Redirect: `SigAlg`/`Signature` over the raw query; HTTP-POST: the enveloped XML signature).
 * Refusals are HTML pages: such a request is not trustworthy enough to answer at its ACS.
 */
function checkSignature(
  deps: AuthnRequestDeps,
  tenant: Tenant,
  sp: ServicePrincipal,
  message: { binding: 'redirect' | 'post'; xml: string; rawQuery: string },
): void {
  const { requireSignedRequests, verificationCertificates } = sp.samlSettings;
  if (!requireSignedRequests) return;
  const now = deps.clock.now();
  const certificates = verificationCertificates.filter((c) => new Date(c.endDateTime) > now).map((c) => c.certificate);
  const check =
    message.binding === 'redirect'
      ? verifyRedirectSignature(message.rawQuery, certificates)
      : verifyPostSignature(message.xml, certificates);
  if (check.ok) return;
  deps.log.warn(
    { tenantId: tenant.id, appId: sp.appId, binding: message.binding, detail: check.detail },
    'saml: AuthnRequest signature refused',
  );
  if (check.reason === 'unsigned') {
    throw new DomainError(
      'saml_request_unsigned',
      `${sp.displayName} requires signed sign-in requests, and this request is not signed. Start again from the application; if this persists, its administrator must configure request signing.`,
    );
  }
  throw new DomainError(
    'saml_request_signature_invalid',
    certificates.length === 0
      ? `The request verification certificates of ${sp.displayName} have expired: its administrator must upload a current one.`
      : `The signature of this sign-in request could not be verified with the verification certificates of ${sp.displayName}.`,
  );
}

/** The ACS of the request: the one it names when registered, else the application's first reply URL. */
function acsOf(sp: ServicePrincipal, request: ParsedAuthnRequest): string {
  if (request.acsUrl !== undefined) {
    const acs = sp.replyUrls.find((u) => u === request.acsUrl);
    if (!acs) {
      throw new DomainError(
        'saml_reply_url_mismatch',
        `The reply URL specified in the request does not match the reply URLs configured for the application '${sp.appId}'.`,
      );
    }
    return acs;
  }
  const acs = sp.replyUrls[0];
  if (!acs) {
    throw new DomainError(
      'sign_on_application_not_configured',
      `${sp.displayName} has no reply URL (assertion consumer service) configured.`,
    );
  }
  return acs;
}

/**
 * Accepts an AuthnRequest (HTTP-Redirect or HTTP-POST binding) for the tenant's SSO endpoint.
 * Until the issuer and the ACS are known to belong to an application (and, when it requires
 * signed requests, the signature verified), refusals are HTML pages (DomainError); after that,
 * refusals about the application are answered at its ACS with a SAML status (SamlStatusError).
 * A request id answered before is refused (replay). `rawQuery` is the request's query string as
 * received (the HTTP-Redirect signature covers it). Read-only.
 */
export async function acceptAuthnRequest(
  deps: AuthnRequestDeps,
  tenant: Tenant,
  binding: 'redirect' | 'post',
  params: Record<string, unknown>,
  rawQuery = '',
): Promise<AcceptedAuthnRequest> {
  const { request, relayState, xml } = await readRequest(deps, tenant, binding, params);
  const sp = await deps.findByServicePrincipalName(tenant.id, request.issuer);
  if (!sp) {
    throw new DomainError(
      'saml_issuer_unknown',
      `Application with identifier '${request.issuer}' was not found in the directory '${tenant.displayName}'. The administrator may not have added it, or it was sent to the wrong tenant.`,
    );
  }
  checkSignature(deps, tenant, sp, { binding, xml, rawQuery });
  if (request.protocolBinding !== undefined && request.protocolBinding !== BINDINGS.post) {
    throw invalid('Responses are sent with the HTTP-POST binding only.');
  }
  const acs = acsOf(sp, request);
  if (!sp.accountEnabled) {
    throw new SamlStatusError(
      'sign_on_application_disabled',
      { tenant, sp, acs, inResponseTo: request.id, relayState },
      { code: STATUS.responder, subCode: STATUS.requestDenied },
      `${sp.displayName} is disabled. Contact your administrator.`,
    );
  }
  if (await deps.isAnswered(tenant.id, sp.id, request.id)) throw new DomainError('saml_request_replayed');
  return { request, sp, acs, relayState };
}
