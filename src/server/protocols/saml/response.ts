import { randomBytes } from 'node:crypto';
import samlify from 'samlify';
import type { SamlAttributeSource, SamlSettings } from '../../../contracts/applications.js';
import type { User } from '../../../contracts/users.js';
import type { SigningCertificate } from './certificates.js';
import { xmlEscape as x } from './xml.js';

/** SAML 2.0 Response and IdP metadata documents, built as text with every value escaped. */

export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

export const BINDINGS = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
} as const;

export const NAME_ID_FORMATS: Record<SamlSettings['nameIdFormat'], string> = {
  emailAddress: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
};

export const STATUS = {
  success: 'urn:oasis:names:tc:SAML:2.0:status:Success',
  requester: 'urn:oasis:names:tc:SAML:2.0:status:Requester',
  responder: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
  requestDenied: 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
  noPassive: 'urn:oasis:names:tc:SAML:2.0:status:NoPassive',
} as const;

/** A SAML status: a top-level code (Requester, Responder) and an optional second-level one. */
export interface SamlStatus {
  code: string;
  subCode?: string;
}

/** Entra's claim types (the default attribute statement when an app configures none). */
export const CLAIM_TYPES = {
  tenantId: 'http://schemas.microsoft.com/identity/claims/tenantid',
  objectId: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
  displayName: 'http://schemas.microsoft.com/identity/claims/displayname',
  email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
  givenName: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
  surname: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
  groups: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
  role: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
  /** Portico: Entra has no default claim for the user type. */
  userType: 'http://schemas.microsoft.com/identity/claims/usertype',
} as const;

const DEFAULT_ATTRIBUTES: { name: string; source: SamlAttributeSource }[] = [
  { name: CLAIM_TYPES.objectId, source: 'user.objectId' },
  { name: CLAIM_TYPES.email, source: 'user.mail' },
  { name: CLAIM_TYPES.name, source: 'user.userPrincipalName' },
  { name: CLAIM_TYPES.displayName, source: 'user.displayName' },
  { name: CLAIM_TYPES.givenName, source: 'user.givenName' },
  { name: CLAIM_TYPES.surname, source: 'user.surname' },
  { name: CLAIM_TYPES.userType, source: 'user.userType' },
  { name: CLAIM_TYPES.groups, source: 'user.groups' },
  { name: CLAIM_TYPES.role, source: 'user.assignedRoles' },
];

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const PASSWORD_PROTECTED = 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport';

/** SAML ids are xs:ID (NCName): a letter or underscore first. */
export const samlId = () => `_${randomBytes(20).toString('hex')}`;

/** Clock skew tolerated by the assertion's validity window, both ways. */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** Lifetime of the bearer confirmation (the SP must receive the response within it). */
const CONFIRMATION_MS = 5 * 60_000;
/** Lifetime of the assertion's conditions (Entra: one hour). */
const ASSERTION_MS = 60 * 60_000;

export interface ResponseInput {
  idpEntityId: string;
  spEntityId: string;
  acsUrl: string;
  inResponseTo: string | undefined;
  tenantId: string;
  user: User;
  nameId: string;
  settings: SamlSettings;
  groupIds: string[];
  roleValues: string[];
  authnInstant: Date;
  sessionIndex: string;
  now: Date;
  certificate: SigningCertificate;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function valuesOf(source: SamlAttributeSource, i: ResponseInput): string[] {
  const u = i.user;
  const one = (v: string | null | undefined) => (v ? [v] : []);
  switch (source) {
    case 'user.mail':
      return one(u.mail);
    case 'user.userPrincipalName':
      return one(u.userPrincipalName);
    case 'user.displayName':
      return one(u.displayName);
    case 'user.givenName':
      return one(u.givenName);
    case 'user.surname':
      return one(u.surname);
    case 'user.userType':
      return one(u.userType);
    case 'user.objectId':
      return one(u.id);
    case 'user.groups':
      return i.groupIds;
    case 'user.assignedRoles':
      return i.roleValues;
  }
}

function attributeStatement(i: ResponseInput): string {
  const custom = i.settings.attributes;
  const items: [string, string[]][] = (custom ?? DEFAULT_ATTRIBUTES).map((d) => [d.name, valuesOf(d.source, i)]);
  // Entra's default statement starts with the tenant id.
  if (custom === null) items.unshift([CLAIM_TYPES.tenantId, [i.tenantId]]);
  const attrs = items
    .filter(([, values]) => values.length > 0)
    .map(
      ([name, values]) =>
        `<saml:Attribute Name="${x(name)}">${values.map((v) => `<saml:AttributeValue>${x(v)}</saml:AttributeValue>`).join('')}</saml:Attribute>`,
    );
  return attrs.length ? `<saml:AttributeStatement>${attrs.join('')}</saml:AttributeStatement>` : '';
}

/**
 * A signed SAML Response (HTTP-POST binding) for one user: the assertion and/or the whole
 * message signed with RSA-SHA256 (exclusive c14n), per the application's settings. Returns the
 * XML (the caller base64-encodes it into the form).
 */
export function buildResponse(i: ResponseInput): { id: string; xml: string } {
  const id = samlId();
  const assertionId = samlId();
  const now = iso(i.now);
  const notBefore = iso(new Date(i.now.getTime() - CLOCK_SKEW_MS));
  const confirmationEnd = iso(new Date(i.now.getTime() + CONFIRMATION_MS));
  const conditionsEnd = iso(new Date(i.now.getTime() + ASSERTION_MS));
  const irt = i.inResponseTo ? ` InResponseTo="${x(i.inResponseTo)}"` : '';
  const issuer = `<saml:Issuer>${x(i.idpEntityId)}</saml:Issuer>`;
  const assertion =
    `<saml:Assertion ID="${assertionId}" Version="2.0" IssueInstant="${now}">${issuer}` +
    `<saml:Subject><saml:NameID Format="${x(NAME_ID_FORMATS[i.settings.nameIdFormat])}">${x(i.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData${irt} NotOnOrAfter="${confirmationEnd}" Recipient="${x(i.acsUrl)}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${conditionsEnd}"><saml:AudienceRestriction><saml:Audience>${x(i.spEntityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    attributeStatement(i) +
    `<saml:AuthnStatement AuthnInstant="${iso(i.authnInstant)}" SessionIndex="${x(i.sessionIndex)}"><saml:AuthnContext><saml:AuthnContextClassRef>${PASSWORD_PROTECTED}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    '</saml:Assertion>';
  const xml =
    `<samlp:Response xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${id}" Version="2.0" IssueInstant="${now}" Destination="${x(i.acsUrl)}"${irt}>` +
    issuer +
    `<samlp:Status><samlp:StatusCode Value="${STATUS.success}"/></samlp:Status>` +
    assertion +
    '</samlp:Response>';
  // Without an assertion signature the message is always signed.
  const what = { assertion: i.settings.signAssertion, message: i.settings.signResponse || !i.settings.signAssertion };
  return { id, xml: sign(xml, i.certificate, what) };
}

/** Signs the assertion and/or the whole message with RSA-SHA256 (exclusive c14n), after their Issuer. */
function sign(xml: string, certificate: SigningCertificate, what: { assertion: boolean; message: boolean }): string {
  const key = {
    privateKey: certificate.privateKeyPem,
    signingCert: certificate.certificateBase64,
    signatureAlgorithm: RSA_SHA256,
    isBase64Output: false,
  };
  let out = xml;
  if (what.assertion) {
    out = samlify.SamlLib.constructSAMLSignature({
      ...key,
      rawSamlMessage: out,
      referenceTagXPath: "/*[local-name(.)='Response']/*[local-name(.)='Assertion']",
      signatureConfig: {
        prefix: 'ds',
        location: {
          reference: "/*[local-name(.)='Response']/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']",
          action: 'after',
        },
      },
    } as Parameters<typeof samlify.SamlLib.constructSAMLSignature>[0]) as string;
  }
  if (what.message) {
    out = samlify.SamlLib.constructSAMLSignature({
      ...key,
      rawSamlMessage: out,
      isMessageSigned: true,
      signatureConfig: {
        prefix: 'ds',
        location: { reference: "/*[local-name(.)='Response']/*[local-name(.)='Issuer']", action: 'after' },
      },
    } as Parameters<typeof samlify.SamlLib.constructSAMLSignature>[0]) as string;
  }
  return out;
}

/**
 * A signed error Response (no assertion) for the ACS of a request that was understood but cannot
 * be answered with an assertion: a Responder status with a second-level code such as
 * RequestDenied or NoPassive, and a message for the SP's logs.
 */
export function buildErrorResponse(i: {
  idpEntityId: string;
  acsUrl: string;
  inResponseTo: string | undefined;
  status: SamlStatus;
  message: string;
  now: Date;
  certificate: SigningCertificate;
}): string {
  const irt = i.inResponseTo ? ` InResponseTo="${x(i.inResponseTo)}"` : '';
  const code = i.status.subCode
    ? `<samlp:StatusCode Value="${x(i.status.code)}"><samlp:StatusCode Value="${x(i.status.subCode)}"/></samlp:StatusCode>`
    : `<samlp:StatusCode Value="${x(i.status.code)}"/>`;
  const xml =
    `<samlp:Response xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${samlId()}" Version="2.0" IssueInstant="${iso(i.now)}" Destination="${x(i.acsUrl)}"${irt}>` +
    `<saml:Issuer>${x(i.idpEntityId)}</saml:Issuer>` +
    `<samlp:Status>${code}<samlp:StatusMessage>${x(i.message)}</samlp:StatusMessage></samlp:Status>` +
    '</samlp:Response>';
  return sign(xml, i.certificate, { assertion: false, message: true });
}

/**
 * IdP metadata: entity id, signing certificate, single logout and SSO endpoints (Redirect and POST;
 * one URL, as Entra's) and NameID formats, in the schema's element order.
 */
export function buildMetadata(i: {
  idpEntityId: string;
  ssoUrl: string;
  certificate: SigningCertificate;
  id: string;
  /** The application requires signed AuthnRequests (samlSettings.requireSignedRequests). */
  wantAuthnRequestsSigned: boolean;
}): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<EntityDescriptor xmlns="${NS.metadata}" ID="${x(i.id)}" entityID="${x(i.idpEntityId)}">
  <IDPSSODescriptor protocolSupportEnumeration="${NS.protocol}" WantAuthnRequestsSigned="${i.wantAuthnRequestsSigned}">
    <KeyDescriptor use="signing">
      <KeyInfo xmlns="${NS.dsig}"><X509Data><X509Certificate>${i.certificate.certificateBase64}</X509Certificate></X509Data></KeyInfo>
    </KeyDescriptor>
    <SingleLogoutService Binding="${BINDINGS.redirect}" Location="${x(i.ssoUrl)}"/>
    <SingleLogoutService Binding="${BINDINGS.post}" Location="${x(i.ssoUrl)}"/>
${Object.values(NAME_ID_FORMATS)
  .map((f) => `    <NameIDFormat>${f}</NameIDFormat>`)
  .join('\n')}
    <SingleSignOnService Binding="${BINDINGS.redirect}" Location="${x(i.ssoUrl)}"/>
    <SingleSignOnService Binding="${BINDINGS.post}" Location="${x(i.ssoUrl)}"/>
  </IDPSSODescriptor>
</EntityDescriptor>
`;
}
