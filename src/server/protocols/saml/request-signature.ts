import { type KeyObject, verify, X509Certificate } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';

/**
 * Verification of signed AuthnRequests (Entra's "Require verification certificates"), for both
 * bindings, against an application's verification certificates. RSA with SHA-256 or stronger only:
 * SHA-1 and anything else are refused. Pure apart from the crypto.
 */

/** The result of a check: `unsigned` (no signature at all) and `invalid` (anything else wrong) are refused. */
export type SignatureCheck = { ok: true } | { ok: false; reason: 'unsigned' | 'invalid'; detail: string };

const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
const PROTOCOL_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';

/** `SigAlg` URIs of the HTTP-Redirect binding → node:crypto digest (RSA keys). */
const REDIRECT_ALGORITHMS: Record<string, string> = {
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384': 'sha384',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': 'sha512',
};
/** XML signature algorithms, digests and transforms accepted in HTTP-POST requests. */
const XML_SIGNATURE_ALGORITHMS = new Set([
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
]);
const XML_DIGEST_ALGORITHMS = new Set(['http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2001/04/xmlenc#sha512']);
const XML_TRANSFORMS = new Set([
  'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  'http://www.w3.org/2001/10/xml-exc-c14n#',
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
]);

const invalid = (detail: string): SignatureCheck => ({ ok: false, reason: 'invalid', detail });

/** Public keys of the certificates (base64 DER); unreadable ones are skipped. */
function keysOf(certificates: readonly string[]): KeyObject[] {
  return certificates.flatMap((c) => {
    try {
      return [new X509Certificate(Buffer.from(c, 'base64')).publicKey];
    } catch {
      return [];
    }
  });
}

const decodeComponent = (raw: string): string | undefined => {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
};

/**
 * HTTP-Redirect binding (SAML bindings §3.4.4.1): the signature covers
 * `SAMLRequest=…[&RelayState=…]&SigAlg=…` exactly as the values appear, still URL-encoded, in the
 * request's query string — so the raw query is read, not the parsed one.
 */
export function verifyRedirectSignature(
  rawQuery: string,
  certificates: readonly string[],
  field: 'SAMLRequest' | 'SAMLResponse' = 'SAMLRequest',
): SignatureCheck {
  const raw = new Map<string, string[]>();
  for (const pair of rawQuery.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
    if (name === undefined) return invalid('the query string cannot be decoded');
    raw.set(name, [...(raw.get(name) ?? []), eq < 0 ? '' : pair.slice(eq + 1)]);
  }
  const one = (name: string) => raw.get(name)?.[0];
  if (!raw.has('Signature') && !raw.has('SigAlg')) return { ok: false, reason: 'unsigned', detail: 'no Signature parameter' };
  for (const name of [field, 'RelayState', 'SigAlg', 'Signature']) {
    if ((raw.get(name)?.length ?? 0) > 1) return invalid(`${name} appears more than once`);
  }
  const request = one(field);
  const sigAlgRaw = one('SigAlg');
  const signatureRaw = one('Signature');
  if (request === undefined || sigAlgRaw === undefined || !signatureRaw) return invalid('SigAlg or Signature is missing');
  const digest = REDIRECT_ALGORITHMS[decodeComponent(sigAlgRaw) ?? ''];
  if (!digest) return invalid('the signature algorithm is not allowed (RSA with SHA-256 or stronger)');
  const relayState = one('RelayState');
  const signed = Buffer.from(
    `${field}=${request}${relayState === undefined ? '' : `&RelayState=${relayState}`}&SigAlg=${sigAlgRaw}`,
    'utf8',
  );
  const signature = Buffer.from(decodeComponent(signatureRaw) ?? '', 'base64');
  for (const key of keysOf(certificates)) {
    try {
      if (verify(digest, signed, key, signature)) return { ok: true };
    } catch {
      // A key that cannot check this signature is just not the right one.
    }
  }
  return invalid('the signature does not match any verification certificate');
}

/** The elements of a document (document order), to find every Signature wherever it hides. */
function signatureElements(root: Element): Element[] {
  const found = root.getElementsByTagNameNS(DSIG_NS, 'Signature');
  const out: Element[] = [];
  for (let i = 0; i < found.length; i++) {
    const el = found.item(i);
    if (el) out.push(el);
  }
  return out;
}

/** Checks one certificate's key against the signature, and that it signs the whole request, strongly. */
function checkWithKey(xml: string, signature: Element, rootId: string, key: KeyObject): boolean {
  const sig = new SignedXml({ publicCert: key, getCertFromKeyInfo: () => null });
  sig.loadSignature(signature);
  try {
    if (!sig.checkSignature(xml)) return false;
  } catch {
    return false;
  }
  const refs = sig.getReferences();
  return (
    XML_SIGNATURE_ALGORITHMS.has(String(sig.signatureAlgorithm)) &&
    refs.length === 1 &&
    refs.every(
      (r) =>
        r.uri === `#${rootId}` &&
        XML_DIGEST_ALGORITHMS.has(String(r.digestAlgorithm)) &&
        r.transforms.every((t) => XML_TRANSFORMS.has(String(t))),
    )
  );
}

/**
 * HTTP-POST binding: one enveloped XML signature, a child of the message (AuthnRequest,
 * LogoutRequest, LogoutResponse), whose single reference is the message itself (`#ID`). Any other Signature in the document, a reference
 * to something else, or a weak algorithm is refused (no signature wrapping); xml-crypto refuses
 * documents where the ID names more than one element.
 */
export function verifyPostSignature(
  xml: string,
  certificates: readonly string[],
  rootName: 'AuthnRequest' | 'LogoutRequest' | 'LogoutResponse' = 'AuthnRequest',
): SignatureCheck {
  let root: Element | null;
  try {
    root = new DOMParser({ errorHandler: () => undefined }).parseFromString(xml, 'text/xml').documentElement;
  } catch {
    return invalid('the request cannot be parsed');
  }
  if (!root || root.localName !== rootName || root.namespaceURI !== PROTOCOL_NS) return invalid(`not a ${rootName}`);
  const signatures = signatureElements(root);
  if (signatures.length === 0) return { ok: false, reason: 'unsigned', detail: 'no XML signature' };
  const [signature] = signatures;
  if (signatures.length > 1 || !signature || signature.parentNode !== root) {
    return invalid(`the message must carry exactly one signature, on the ${rootName} itself`);
  }
  const rootId = root.getAttribute('ID') ?? '';
  if (!rootId) return invalid(`the ${rootName} has no ID`);
  for (const key of keysOf(certificates)) {
    if (checkWithKey(xml, signature, rootId, key)) return { ok: true };
  }
  return invalid('the signature does not match any verification certificate, or does not sign the whole request');
}
