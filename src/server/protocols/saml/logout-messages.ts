import { sign as cryptoSign } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import samlify from 'samlify';
import type { SigningCertificate } from './certificates.js';
import { NS, type SamlStatus, samlId } from './response.js';
import { xmlEscape as x } from './xml.js';

/**
 * Single logout messages (SAML core §3.7): LogoutRequest and LogoutResponse, built as text with
 * every value escaped and signed with the application's signing certificate (RSA-SHA256), and the
 * parsers of those an application sends. Pure apart from the crypto.
 */

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';

export const LOGOUT_STATUS = {
  partialLogout: 'urn:oasis:names:tc:SAML:2.0:status:PartialLogout',
  unknownPrincipal: 'urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal',
} as const;

/** How long a LogoutRequest we send stays valid (NotOnOrAfter). */
const LOGOUT_REQUEST_MS = 5 * 60_000;

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface ParsedLogoutRequest {
  id: string;
  issuer: string;
  destination: string | undefined;
  notOnOrAfter: string | undefined;
  nameId: string;
  sessionIndexes: string[];
}

export interface ParsedLogoutResponse {
  id: string;
  issuer: string;
  inResponseTo: string | undefined;
  destination: string | undefined;
  /** Top-level status code. */
  status: string;
}

const first = (v: unknown): string | undefined => {
  const one = Array.isArray(v) ? v[0] : v;
  return typeof one === 'string' ? one : undefined;
};

/** The root element's local name of a (schema-valid) protocol message. */
export function messageKind(xml: string): string | undefined {
  return /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]/.exec(xml)?.[1];
}

/** Reads a (schema-valid, DTD-free) LogoutRequest; undefined when it is not one or lacks its required parts. */
export function parseLogoutRequest(xml: string): ParsedLogoutRequest | undefined {
  if (messageKind(xml) !== 'LogoutRequest') return undefined;
  const out = samlify.Extractor.extract(xml, [
    { key: 'request', localPath: ['LogoutRequest'], attributes: ['ID', 'Destination', 'NotOnOrAfter'] },
    { key: 'issuer', localPath: ['LogoutRequest', 'Issuer'], attributes: [] },
    { key: 'nameId', localPath: ['LogoutRequest', 'NameID'], attributes: [] },
    { key: 'sessionIndex', localPath: ['LogoutRequest', 'SessionIndex'], attributes: [] },
  ]) as Record<string, unknown>;
  const r = out.request as Record<string, string | undefined> | null | undefined;
  const issuer = first(out.issuer)?.trim();
  const nameId = first(out.nameId)?.trim();
  if (!r?.id || !issuer || !nameId) return undefined;
  const indexes = out.sessionIndex;
  const sessionIndexes = (Array.isArray(indexes) ? indexes : indexes == null ? [] : [indexes])
    .filter((s): s is string => typeof s === 'string')
    .map((s) => s.trim());
  return { id: r.id, issuer, destination: r.destination, notOnOrAfter: r.notOnOrAfter, nameId, sessionIndexes };
}

/** Reads a (schema-valid, DTD-free) LogoutResponse; undefined when it is not one. */
export function parseLogoutResponse(xml: string): ParsedLogoutResponse | undefined {
  if (messageKind(xml) !== 'LogoutResponse') return undefined;
  const out = samlify.Extractor.extract(xml, [
    { key: 'response', localPath: ['LogoutResponse'], attributes: ['ID', 'InResponseTo', 'Destination'] },
    { key: 'issuer', localPath: ['LogoutResponse', 'Issuer'], attributes: [] },
    { key: 'status', localPath: ['LogoutResponse', 'Status', 'StatusCode'], attributes: ['Value'] },
  ]) as Record<string, unknown>;
  const r = out.response as Record<string, string | undefined> | null | undefined;
  const issuer = first(out.issuer)?.trim();
  const status = first(out.status);
  if (!r?.id || !issuer || !status) return undefined;
  return { id: r.id, issuer, inResponseTo: r.inResponseTo, destination: r.destination, status };
}

/** A LogoutRequest from the IdP to an application for one of its sessions (unsigned; see `encode*`). */
export function buildLogoutRequest(i: {
  idpEntityId: string;
  destination: string;
  nameId: string;
  nameIdFormat: string;
  spEntityId: string;
  sessionIndex: string;
  now: Date;
}): { id: string; xml: string } {
  const id = samlId();
  const xml =
    `<samlp:LogoutRequest xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${id}" Version="2.0" IssueInstant="${iso(i.now)}" Destination="${x(i.destination)}" NotOnOrAfter="${iso(new Date(i.now.getTime() + LOGOUT_REQUEST_MS))}" Reason="urn:oasis:names:tc:SAML:2.0:logout:user">` +
    `<saml:Issuer>${x(i.idpEntityId)}</saml:Issuer>` +
    `<saml:NameID Format="${x(i.nameIdFormat)}" SPNameQualifier="${x(i.spEntityId)}">${x(i.nameId)}</saml:NameID>` +
    `<samlp:SessionIndex>${x(i.sessionIndex)}</samlp:SessionIndex>` +
    '</samlp:LogoutRequest>';
  return { id, xml };
}

/** The IdP's LogoutResponse to an application's LogoutRequest. */
export function buildLogoutResponse(i: {
  idpEntityId: string;
  destination: string;
  inResponseTo: string;
  status: SamlStatus;
  message?: string | undefined;
  now: Date;
}): string {
  const code = i.status.subCode
    ? `<samlp:StatusCode Value="${x(i.status.code)}"><samlp:StatusCode Value="${x(i.status.subCode)}"/></samlp:StatusCode>`
    : `<samlp:StatusCode Value="${x(i.status.code)}"/>`;
  const message = i.message ? `<samlp:StatusMessage>${x(i.message)}</samlp:StatusMessage>` : '';
  return (
    `<samlp:LogoutResponse xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${samlId()}" Version="2.0" IssueInstant="${iso(i.now)}" Destination="${x(i.destination)}" InResponseTo="${x(i.inResponseTo)}">` +
    `<saml:Issuer>${x(i.idpEntityId)}</saml:Issuer>` +
    `<samlp:Status>${code}${message}</samlp:Status>` +
    '</samlp:LogoutResponse>'
  );
}

/**
 * HTTP-Redirect binding (SAML bindings §3.4.4.1): DEFLATE + base64, signed over
 * `SAMLRequest|SAMLResponse=…[&RelayState=…]&SigAlg=…` as it appears in the URL. Returns the URL.
 */
export function encodeRedirect(
  destination: string,
  m: { field: 'SAMLRequest' | 'SAMLResponse'; xml: string; relayState: string | undefined },
  certificate: SigningCertificate,
): string {
  const encoded = deflateRawSync(Buffer.from(m.xml, 'utf8')).toString('base64');
  let signed = `${m.field}=${encodeURIComponent(encoded)}`;
  if (m.relayState) signed += `&RelayState=${encodeURIComponent(m.relayState)}`;
  signed += `&SigAlg=${encodeURIComponent(RSA_SHA256)}`;
  const signature = cryptoSign('sha256', Buffer.from(signed, 'utf8'), certificate.privateKeyPem).toString('base64');
  return `${destination}${destination.includes('?') ? '&' : '?'}${signed}&Signature=${encodeURIComponent(signature)}`;
}

/** HTTP-POST binding: the message with an enveloped signature after its Issuer (RSA-SHA256, exclusive c14n). */
export function signForPost(xml: string, root: 'LogoutRequest' | 'LogoutResponse', certificate: SigningCertificate): string {
  return samlify.SamlLib.constructSAMLSignature({
    privateKey: certificate.privateKeyPem,
    signingCert: certificate.certificateBase64,
    signatureAlgorithm: RSA_SHA256,
    isBase64Output: false,
    rawSamlMessage: xml,
    isMessageSigned: true,
    signatureConfig: {
      prefix: 'ds',
      location: { reference: `/*[local-name(.)='${root}']/*[local-name(.)='Issuer']`, action: 'after' },
    },
  } as Parameters<typeof samlify.SamlLib.constructSAMLSignature>[0]) as string;
}
