import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { correlationIdOf, entraErrorBody } from '../domain/entra-errors.js';
import { DomainError } from '../domain/errors.js';
import {
  type ClassifiedError,
  catalogued,
  classifyError,
  graphErrorBody,
  logClassified,
  newRequestId,
  sendGraphError,
} from './errors.js';
import { GraphRouteTable } from './graph-routes.js';
import { sendErrorPage } from './pages.js';

/**
 * Error surfaces. Each Fastify scope that serves one kind of client gets its own error and
 * not-found handler, so the form of an error follows the scope that served the request, never its
 * URL: the Graph envelope under /v1.0, RFC 6749 JSON around oidc-provider, HTML pages (with the
 * request id) for browsers. Errors that happen before any route matched (Node's HTTP parser,
 * Fastify's router) have no surface: they answer a short Graph envelope.
 */

/**
 * The /v1.0 surface: every error and every unmatched request in the Graph envelope. As Graph: a
 * path no resource has answers 400 naming its first unknown segment; a known path with a method
 * it does not support answers 405 with `Allow`. Call before the routes are registered: the table
 * records them as they are added.
 */
export function useGraphErrors(scope: FastifyInstance): void {
  const table = new GraphRouteTable();
  table.observe(scope);
  scope.setErrorHandler((err, req, reply) => sendGraphError(req, reply, err));
  scope.setNotFoundHandler((req, reply) => {
    const unmatched = table.resolve(req.url);
    const err =
      unmatched.kind === 'method'
        ? new DomainError('method_not_allowed', undefined, { headers: { allow: unmatched.allow.join(', ') } })
        : new DomainError('unknown_segment', `Resource not found for the segment '${unmatched.segment}'.`);
    return sendGraphError(req, reply, err);
  });
}

/** A surface's own answer to some errors (SAML: a status Response); undefined lets the page render. */
export type ErrorAnswer = (err: unknown, req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

/**
 * A browser surface (sign-in, redemption, SAML endpoints, direct sign-on links): errors are HTML
 * pages with a sentence and the request id. With `notFound`, unknown paths under the scope's
 * prefix get the same page (Fastify allows one not-found handler per prefix). `answer` lets the
 * surface answer some errors in its own protocol first.
 */
export function usePageErrors(scope: FastifyInstance, opts: { notFound?: boolean; answer?: ErrorAnswer } = {}): void {
  scope.setErrorHandler(async (err, req, reply) => {
    const c = classifyError(err);
    logClassified(req, err, c);
    if (opts.answer) {
      try {
        const answered = await opts.answer(err, req, reply);
        if (answered) return answered;
      } catch (answerErr) {
        req.log.error({ err: answerErr, reqId: req.id }, 'error answer failed; rendering the error page');
      }
    }
    return sendErrorPage(req, reply, c);
  });
  if (opts.notFound) {
    scope.setNotFoundHandler((req, reply) =>
      sendErrorPage(req, reply, catalogued('route_not_found', 'There is no page at this address. Check the link.')),
    );
  }
}

/** RFC 6749 §5.2 `error` value for a catalogue entry rendered on the OAuth surface. */
const oauthError = (c: ClassifiedError): string => {
  if (c.code === 'tenant_not_found') return 'invalid_tenant';
  if (c.status >= 500) return c.status === 503 ? 'temporarily_unavailable' : 'server_error';
  if (c.status === 401) return 'invalid_client';
  return 'invalid_request';
};

/**
 * The OAuth surface around oidc-provider (which renders its own errors): what fails before the
 * provider runs answers in the RFC 6749 form too.
 */
export function useOAuthErrors(scope: FastifyInstance): void {
  scope.setErrorHandler((err, req, reply) => {
    const c = classifyError(err);
    logClassified(req, err, c);
    if (c.headers) reply.headers(c.headers);
    return reply
      .status(c.status)
      .header('cache-control', 'no-store')
      .type('application/json; charset=utf-8')
      .send(
        entraErrorBody(
          { error: oauthError(c), error_description: c.message },
          {
            traceId: String(req.id),
            correlationId: correlationIdOf(req.headers['client-request-id'], String(req.id)),
            now: new Date(),
          },
        ),
      );
  });
}

/**
 * The root scope (health, OpenAPI document, the SPA's files): errors in the Graph envelope;
 * unknown paths a plain-text 404 (static files and SPA routes have no better form).
 */
export function useDefaultErrors(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => sendGraphError(req, reply, err));
  app.setNotFoundHandler((_req, reply) => reply.status(404).type('text/plain; charset=utf-8').send('Not found'));
}

/**
 * Fastify's `frameworkErrors` option: failures of the router before any route matched (a
 * malformed URL, a path segment over `maxParamLength`), as a Graph envelope.
 */
export function frameworkErrors(err: Error, req: FastifyRequest, reply: FastifyReply): void {
  reply.header('request-id', req.id);
  void sendGraphError(req, reply, err);
}

/** Request line (URL) and header bytes of what the parser had received when it gave up. */
function overflowKind(raw: Buffer | undefined): 'request_uri_too_long' | 'request_headers_too_large' {
  if (!raw) return 'request_headers_too_large';
  const end = raw.indexOf('\r\n');
  const requestLine = end < 0 ? raw.length : end;
  // Node's limit (maxHeaderSize) counts the request line and the headers together: when the
  // request line is the bigger part, the URL is what is too long.
  return requestLine > raw.length - requestLine ? 'request_uri_too_long' : 'request_headers_too_large';
}

/** Which catalogue entry a client error of Node's HTTP parser is. */
function clientErrorCode(err: NodeJS.ErrnoException & { rawPacket?: unknown }) {
  if (err.code === 'HPE_HEADER_OVERFLOW') return overflowKind(Buffer.isBuffer(err.rawPacket) ? err.rawPacket : undefined);
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request_timeout';
  if (err.code === 'HPE_URI_TOO_LONG') return 'request_uri_too_long';
  return 'request_invalid';
}

/**
 * Fastify's `clientErrorHandler` option: requests Node's HTTP parser refused (URL or headers over
 * the size limit, timeouts, malformed requests) never reach a route; they get a short Graph
 * envelope with a request id that is also logged, instead of Fastify's default body.
 */
export function clientErrorHandler(this: FastifyInstance, error: Error, socket: Socket): void {
  const err = error as NodeJS.ErrnoException & { rawPacket?: unknown };
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const id = newRequestId();
  const c = catalogued(clientErrorCode(err));
  this.log.info({ reqId: id, code: c.code, parserError: err.code }, 'request refused by the HTTP parser');
  const body = JSON.stringify(graphErrorBody({ id, headers: {} }, c));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${c.status} ${STATUS_CODES[c.status] ?? 'Bad Request'}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `request-id: ${id}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(err);
}
