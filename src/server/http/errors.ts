import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { type ErrorCode, errorCatalogue, type GraphErrorBody } from '../../contracts/errors.js';
import { isDatabaseUnavailable, isRefusedText } from '../db/errors.js';
import { DomainError } from '../domain/errors.js';

/**
 * Error classification shared by every surface. Each surface (http/surfaces.ts) renders the result
 * in its own form: the Graph envelope, an RFC 6749 body, a SAML status or an HTML page.
 */

/** A thrown value reduced to a catalogue entry, ready to render. */
export interface ClassifiedError {
  status: number;
  /** The catalogue code (Portico's stable code). */
  code: ErrorCode;
  /** Microsoft Graph's code for the same failure (`error.code` on /v1.0). */
  graphCode: string;
  message: string;
  target?: string;
  headers?: Record<string, string>;
  /** False for failures nobody anticipated: logged with the stack, answered with a generic 500. */
  expected: boolean;
}

export const newRequestId = (): string => randomUUID();

/** Seconds a client should wait before retrying when the database is unreachable. */
const DATABASE_RETRY_AFTER = '5';

/** A catalogue entry with its default or a specific message. */
export function catalogued(code: ErrorCode, message?: string, expected = true): ClassifiedError {
  const spec = errorCatalogue[code];
  return { status: spec.status, code, graphCode: spec.graphCode, message: message ?? spec.message, expected };
}

const zodMessage = (issues: readonly { path: readonly PropertyKey[]; message: string }[]): string =>
  issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');

type ValidationItem = { instancePath?: string; message?: string; params?: { issue?: { path?: PropertyKey[]; message: string } } };

/** Fastify's schema validation failure (zod type provider): names each offending property. */
function validationError(fe: { validation?: unknown; validationContext?: string; message?: string }): ClassifiedError {
  const issues = Array.isArray(fe.validation)
    ? (fe.validation as ValidationItem[]).map(
        (v) => v.params?.issue ?? { path: (v.instancePath ?? '').split('/').filter(Boolean), message: v.message ?? 'is invalid' },
      )
    : [];
  const where = fe.validationContext === 'querystring' ? 'query' : (fe.validationContext ?? 'body');
  const message = issues.length
    ? `Invalid ${where}: ${zodMessage(issues.map((i) => ({ path: i.path ?? [], message: i.message })))}`
    : (fe.message ?? 'Invalid request.');
  return catalogued(where === 'body' ? 'request_body_invalid' : 'request_invalid', message);
}

/** Fastify's own request errors (content type parsing, routing) as catalogue entries. */
const FRAMEWORK_ERRORS: Record<string, () => ClassifiedError> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => catalogued('unsupported_media_type'),
  FST_ERR_CTP_BODY_TOO_LARGE: () => catalogued('payload_too_large'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    catalogued('request_body_malformed', 'The request body is empty; a JSON object was expected.'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => catalogued('request_body_malformed'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => catalogued('request_invalid', 'Invalid Content-Length.'),
  FST_ERR_BAD_URL: () => catalogued('request_url_invalid'),
  FST_ERR_MAX_PARAM_LENGTH: () => catalogued('request_uri_too_long', 'A segment of the request URL is too long.'),
  FST_ERR_NOT_FOUND: () => catalogued('route_not_found'),
};

/** Maps any thrown value to a catalogue entry. Unknown errors become `internal_error` (500). */
export function classifyError(err: unknown): ClassifiedError {
  if (err instanceof DomainError) {
    return {
      ...catalogued(err.code, err.message),
      ...(err.target === undefined ? {} : { target: err.target }),
      ...(err.headers === undefined ? {} : { headers: err.headers }),
    };
  }
  if (err instanceof ZodError) return catalogued('request_invalid', `Invalid request: ${zodMessage(err.issues)}`);
  // Text the database refused (a NUL the input guard did not see): the request's fault, not ours.
  if (isRefusedText(err)) return catalogued('request_text_invalid');
  // The database is unreachable for now: a 503 the client may retry, not an unexpected 500.
  if (isDatabaseUnavailable(err))
    return { ...catalogued('database_unavailable'), headers: { 'retry-after': DATABASE_RETRY_AFTER } };
  const fe = err as Partial<FastifyError> & { validation?: unknown; validationContext?: string };
  if (typeof err === 'object' && err !== null) {
    if (fe.code === 'FST_ERR_VALIDATION' || Array.isArray(fe.validation)) return validationError(fe);
    const framework = fe.code === undefined ? undefined : FRAMEWORK_ERRORS[fe.code];
    if (framework) return framework();
    if (err instanceof SyntaxError && fe.statusCode === 400) {
      return catalogued('request_body_malformed', `The request body is not valid JSON: ${fe.message}`);
    }
    // Other 4xx errors of Fastify plugins keep their status; their message is meant for clients.
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return { ...catalogued('request_invalid', fe.message ?? 'Bad request.'), status: fe.statusCode };
    }
  }
  return catalogued('internal_error', undefined, false);
}

/** Logs what deserves it: unexpected errors with their stack, expected 5xx as warnings. */
export function logClassified(req: FastifyRequest, err: unknown, c: ClassifiedError): void {
  if (!c.expected) req.log.error({ err, reqId: req.id }, 'unhandled error');
  else if (c.code === 'request_text_invalid' && !(err instanceof DomainError)) {
    req.log.warn({ err, reqId: req.id }, 'the database refused text of the request: an input check is missing');
  } else if (c.status >= 500) req.log.warn({ err: c.message, code: c.code }, 'service error');
}

const graphDate = (d = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The Graph error envelope: `error.code` is Graph's code (clients written for Microsoft Graph
 * branch on it), `details[0].code` the catalogue code (stable, Portico's own).
 */
export function graphErrorBody(
  req: FastifyRequest | { id: string; headers: FastifyRequest['headers'] },
  c: ClassifiedError,
): GraphErrorBody {
  const clientRequestId = req.headers['client-request-id'];
  const target = c.target === undefined ? {} : { target: c.target };
  return {
    error: {
      code: c.graphCode,
      message: c.message,
      ...target,
      details: [{ code: c.code, message: c.message, ...target }],
      innerError: {
        'request-id': String(req.id),
        ...(typeof clientRequestId === 'string' && clientRequestId.length <= 128 ? { 'client-request-id': clientRequestId } : {}),
        date: graphDate(),
      },
    },
  };
}

/** Sends any error in the Graph envelope (the /v1.0 surface). */
export function sendGraphError(req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const c = classifyError(err);
  logClassified(req, err, c);
  if (c.headers) reply.headers(c.headers);
  return reply.status(c.status).type('application/json; charset=utf-8').send(graphErrorBody(req, c));
}
