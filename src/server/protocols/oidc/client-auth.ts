import { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import * as querystring from 'node:querystring';
import { DomainError } from '../../domain/errors.js';
import { isStorableText, printable } from '../../domain/text.js';
import { unstorableTextAt } from '../../http/input-guard.js';

/**
 * Client secrets stored hashed, with oidc-provider's ordinary client authentication.
 *
 * Automation clients and enterprise applications keep only SHA-256 hashes of their secrets (an
 * application may have several valid secrets while one is rotated), but oidc-provider compares the
 * presented `client_secret` with the one in the client's metadata in plain text. Rather than
 * patching its private `Client` class, the mount does the comparison first: for the endpoints that
 * authenticate clients it reads the form body and the `Authorization: Basic` header, verifies the
 * presented secret against the stored hashes (constant time), and when it matches replaces it with
 * the client's verified-secret marker — the value the adapter hands oidc-provider as
 * `client_secret` (clients.ts). oidc-provider then authenticates the client as usual; a wrong
 * secret is passed on unchanged and fails its comparison (`invalid_client`).
 *
 * Consequences: `client_secret_jwt` cannot work (it needs the plain secret as an HMAC key), so the
 * provider offers `client_secret_basic`, `client_secret_post` and `none` only; see
 * docs/operations.md ("Client secrets").
 */

/** oidc-provider's own limit for form bodies (lib/shared/selective_body.js). */
export const MAX_FORM_BODY_BYTES = 56 * 1024;

interface Presented {
  clientId: string;
  secret: string;
  /** Where the secret came from, to put the marker back in the same place. */
  via: { kind: 'basic'; encodedId: string } | { kind: 'post' };
}

/** Decodes a value of the Basic header as oidc-provider does (form-encoding, RFC 6749 §2.3.1). */
const decodeBasicPart = (s: string): string | undefined => {
  try {
    return decodeURIComponent(s.replace(/\+/g, '%20'));
  } catch {
    return undefined;
  }
};

/** The client id and secret of a request, when it presents exactly one secret. */
function presentedSecret(authorization: string | undefined, body: querystring.ParsedUrlQuery): Presented | undefined {
  const postSecret = body.client_secret;
  if (authorization !== undefined) {
    if (postSecret !== undefined) return undefined; // two mechanisms: oidc-provider refuses the request
    const m = /^basic\s+([A-Za-z0-9+/]+={0,2})$/i.exec(authorization.trim());
    if (!m?.[1]) return undefined;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i < 1) return undefined;
    const encodedId = decoded.slice(0, i);
    const clientId = decodeBasicPart(encodedId);
    const secret = decodeBasicPart(decoded.slice(i + 1));
    return clientId && secret ? { clientId, secret, via: { kind: 'basic', encodedId } } : undefined;
  }
  const clientId = body.client_id;
  if (typeof postSecret !== 'string' || typeof clientId !== 'string' || !postSecret || !clientId) return undefined;
  return { clientId, secret: postSecret, via: { kind: 'post' } };
}

/** Reads a request body up to `limit` bytes; more is refused (413) before anything is parsed. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new DomainError('payload_too_large');
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    received += b.length;
    if (received > limit) throw new DomainError('payload_too_large');
    chunks.push(b);
  }
  return Buffer.concat(chunks, received);
}

/**
 * A fresh readable request with the same line and headers as `original` and `body` as its body
 * (content-length adjusted), for oidc-provider to parse as if it came from the socket.
 */
function replayWithBody(original: IncomingMessage, body: Buffer, headers: IncomingMessage['headers']): IncomingMessage {
  const copy = new IncomingMessage(original.socket as Socket);
  copy.method = original.method ?? 'POST';
  copy.url = original.url ?? '/';
  copy.httpVersion = original.httpVersion;
  copy.httpVersionMajor = original.httpVersionMajor;
  copy.httpVersionMinor = original.httpVersionMinor;
  // The body is now a known length: a chunked transfer-encoding no longer applies.
  const { 'transfer-encoding': _chunked, ...rest } = headers;
  copy.headers = { ...rest, 'content-length': String(body.length) };
  (copy as IncomingMessage & { originalUrl?: string }).originalUrl = (
    original as IncomingMessage & { originalUrl?: string }
  ).originalUrl;
  // The copy does not own the socket: reading never resumes it, ending or destroying the copy never
  // destroys it (the original request is still the one the connection is about).
  copy.complete = true;
  copy._read = () => {};
  copy._destroy = (err, cb) => cb(err);
  copy.push(body);
  copy.push(null);
  return copy;
}

const isForm = (req: IncomingMessage) => /^application\/x-www-form-urlencoded\b/i.test(String(req.headers['content-type'] ?? ''));

/** How an endpoint that authenticates clients checks a presented secret (clients.ts). */
interface ClientSecretCheck {
  verify(clientId: string, secret: string): Promise<boolean>;
  marker(clientId: string): string;
}

/** The client id and secret of a Basic header, decoded as oidc-provider decodes them. */
function basicParts(authorization: string | undefined): string[] {
  const m = /^basic\s+([A-Za-z0-9+/]+={0,2})$/i.exec(authorization?.trim() ?? '');
  if (!m?.[1]) return [];
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? [] : [decoded.slice(0, i), decoded.slice(i + 1)].map((p) => decodeBasicPart(p) ?? '');
}

const refused = (target: string) => new DomainError('request_text_invalid', undefined, { target: printable(target) });

/**
 * The request oidc-provider should see. A POSTed form is read here, before oidc-provider reads it:
 * text no client legitimately sends (a NUL character, an unpaired surrogate: domain/text.ts) in the
 * form or in Basic credentials is refused (`request_text_invalid`), as the input guard refuses it
 * in URLs. With `clientSecret` (the endpoints that authenticate clients), a presented secret that
 * matches a stored hash is replaced by the client's marker. Requests without a form are returned
 * untouched (their body still unread).
 */
export async function checkedProviderRequest(
  req: IncomingMessage,
  clientSecret?: ClientSecretCheck,
  /** Rewrites form parameters (Entra's scope spellings, mount.ts); returns undefined to leave them. */
  rewrite?: (body: querystring.ParsedUrlQuery) => Promise<querystring.ParsedUrlQuery | undefined>,
): Promise<IncomingMessage> {
  const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
  if (!basicParts(authorization).every(isStorableText)) throw refused('authorization');
  if (req.method !== 'POST' || !isForm(req)) return req;
  let raw = await readBody(req, MAX_FORM_BODY_BYTES);
  let body = querystring.parse(raw.toString('utf8'));
  const unstorable = unstorableTextAt(body);
  if (unstorable !== undefined) throw refused(unstorable);
  const rewritten = rewrite && (await rewrite(body));
  if (rewritten) {
    body = rewritten;
    raw = Buffer.from(querystring.stringify(body), 'utf8');
  }
  const presented = clientSecret && presentedSecret(authorization, body);
  if (!clientSecret || !presented || !(await clientSecret.verify(presented.clientId, presented.secret))) {
    return replayWithBody(req, raw, req.headers);
  }
  const value = clientSecret.marker(presented.clientId);
  if (presented.via.kind === 'basic') {
    const basic = Buffer.from(`${presented.via.encodedId}:${value}`, 'utf8').toString('base64');
    return replayWithBody(req, raw, { ...req.headers, authorization: `Basic ${basic}` });
  }
  return replayWithBody(req, Buffer.from(querystring.stringify({ ...body, client_secret: value }), 'utf8'), req.headers);
}
