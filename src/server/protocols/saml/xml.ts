import { createRequire } from 'node:module';
import { inflateRawSync } from 'node:zlib';
import samlify from 'samlify';
import { validateXML } from 'xmllint-wasm';

/** XML helpers of the SAML IdP: escaping, hostile-input checks, decoding, XSD validation. */

const require = createRequire(import.meta.url);

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for XML element content and quoted attribute values. */
export const xmlEscape = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);

/**
 * True when a message carries a document type declaration or an entity declaration. SAML never
 * needs either, and both are the vehicle of XXE and entity-expansion attacks: such messages are
 * refused before any XML parser sees them.
 */
export const hasDtdOrEntity = (xml: string): boolean => /<!\s*(DOCTYPE|ENTITY)/i.test(xml);

/** Upper bound of an inflated AuthnRequest (they are a few kB; this stops inflation bombs). */
const MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * Decodes a SAML protocol message: base64, then raw DEFLATE for the HTTP-Redirect binding.
 * Returns undefined for anything that is not a readable message.
 */
export function decodeMessage(encoded: string, binding: 'redirect' | 'post'): string | undefined {
  if (encoded.length > MAX_MESSAGE_BYTES * 2) return undefined;
  try {
    const raw = Buffer.from(encoded.replace(/\s+/g, ''), 'base64');
    if (raw.length === 0) return undefined;
    const inflate = () => inflateRawSync(raw, { maxOutputLength: MAX_MESSAGE_BYTES });
    if (binding === 'redirect') return inflate().toString('utf8');
    // HTTP-POST carries plain XML; some SPs (node-saml among them) deflate it anyway.
    const text = raw.toString('utf8');
    return /^\s*(\uFEFF)?</.test(text) ? text : inflate().toString('utf8');
  } catch {
    return undefined;
  }
}

// The XSDs shipped as JS strings by @authenio/samlify-node-xmllint (only the schemas: its own
// validator leaks a process listener per call, see stack-notes §4).
const schema = (name: string): string =>
  (require(`@authenio/samlify-node-xmllint/build/schemas/${name}.js`) as { default: string }).default;
const MAIN = 'saml-schema-protocol-2.0.xsd';
const PRELOAD = ['saml-schema-assertion-2.0.xsd', 'xmldsig-core-schema.xsd', 'xenc-schema.xsd'];
let schemas: { main: { fileName: string; contents: string }; preload: { fileName: string; contents: string }[] } | undefined;

/**
 * Validates a SAML protocol message against the SAML 2.0 protocol XSD (with the assertion,
 * xmldsig and xenc schemas). Resolves with `'SUCCESS_VALIDATE_XML'` or rejects with the errors
 * (samlify's validator contract). A fresh WASM instance per call: about 140 ms, no global hooks.
 */
export async function validateSamlXml(xml: string): Promise<string> {
  schemas ??= {
    main: { fileName: MAIN, contents: schema(MAIN) },
    preload: PRELOAD.map((f) => ({ fileName: f, contents: schema(f) })),
  };
  const r = await validateXML({
    xml: [{ fileName: 'message.xml', contents: xml }],
    schema: [schemas.main],
    preload: schemas.preload,
  });
  if (r.valid) return 'SUCCESS_VALIDATE_XML';
  throw new Error(`ERR_EXCEPTION_VALIDATE_XML: ${r.errors.map((e) => e.message).join('; ')}`);
}

samlify.setSchemaValidator({ validate: validateSamlXml });

export interface ParsedAuthnRequest {
  id: string;
  issuer: string;
  issueInstant: string | undefined;
  destination: string | undefined;
  acsUrl: string | undefined;
  protocolBinding: string | undefined;
  forceAuthn: boolean;
  isPassive: boolean;
}

/** Reads the fields of a (schema-valid, DTD-free) AuthnRequest. Undefined when it is not one. */
export function parseAuthnRequest(xml: string): ParsedAuthnRequest | undefined {
  const out = samlify.Extractor.extract(xml, [
    {
      key: 'request',
      localPath: ['AuthnRequest'],
      attributes: [
        'ID',
        'IssueInstant',
        'Destination',
        'AssertionConsumerServiceURL',
        'ProtocolBinding',
        'ForceAuthn',
        'IsPassive',
      ],
    },
    { key: 'issuer', localPath: ['AuthnRequest', 'Issuer'], attributes: [] },
  ]) as {
    request?: Record<string, string | undefined> | null;
    issuer?: string | string[] | null;
  };
  const r = out.request;
  const issuer = Array.isArray(out.issuer) ? out.issuer[0] : out.issuer;
  if (!r || typeof r.id !== 'string' || !r.id || typeof issuer !== 'string' || !issuer.trim()) return undefined;
  return {
    id: r.id,
    issuer: issuer.trim(),
    issueInstant: r.issueInstant,
    destination: r.destination,
    acsUrl: r.assertionConsumerServiceUrl,
    protocolBinding: r.protocolBinding,
    forceAuthn: r.forceAuthn === 'true' || r.forceAuthn === '1',
    isPassive: r.isPassive === 'true' || r.isPassive === '1',
  };
}
