import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import type { GraphErrorBody } from '../../contracts/errors.js';
import { DomainError } from '../domain/errors.js';

export const graphErrorBody = (req: FastifyRequest, code: string, message: string, target?: string): GraphErrorBody => {
  const clientRequestId = req.headers['client-request-id'];
  return {
    error: {
      code,
      message,
      ...(target === undefined ? {} : { target }),
      innerError: {
        'request-id': String(req.id),
        ...(typeof clientRequestId === 'string' ? { 'client-request-id': clientRequestId } : {}),
        date: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
    },
  };
};

const zodMessage = (issues: readonly { path: readonly PropertyKey[]; message: string }[]): string =>
  issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');

/** Maps any thrown value to { status, code, message } for rendering. Unknown errors become 500. */
export function classifyError(err: unknown): {
  status: number;
  code: string;
  message: string;
  target?: string;
  headers?: Record<string, string>;
  expected: boolean;
} {
  if (err instanceof DomainError) {
    return {
      status: err.status,
      code: err.graphCode,
      message: err.message,
      ...(err.target === undefined ? {} : { target: err.target }),
      ...(err.headers === undefined ? {} : { headers: err.headers }),
      expected: true,
    };
  }
  if (err instanceof ZodError) {
    return { status: 400, code: 'Request_BadRequest', message: `Invalid request: ${zodMessage(err.issues)}`, expected: true };
  }
  const fe = err as Partial<FastifyError> & { validation?: unknown; validationContext?: string };
  if (fe && typeof fe === 'object') {
    if (fe.code === 'FST_ERR_VALIDATION' || Array.isArray(fe.validation)) {
      const issues = Array.isArray(fe.validation)
        ? (
            fe.validation as {
              instancePath?: string;
              message?: string;
              params?: { issue?: { path?: PropertyKey[]; message: string } };
            }[]
          ).map(
            (v) =>
              v.params?.issue ?? { path: (v.instancePath ?? '').split('/').filter(Boolean), message: v.message ?? 'is invalid' },
          )
        : [];
      const where = fe.validationContext === 'querystring' ? 'query' : (fe.validationContext ?? 'body');
      return {
        status: 400,
        code: 'Request_BadRequest',
        message: issues.length
          ? `Invalid ${where}: ${zodMessage(issues.map((i) => ({ path: i.path ?? [], message: i.message })))}`
          : (fe.message ?? 'Invalid request.'),
        expected: true,
      };
    }
    switch (fe.code) {
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return {
          status: 415,
          code: 'Request_BadRequest',
          message: 'The request body must be JSON (Content-Type: application/json).',
          expected: true,
        };
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return { status: 413, code: 'Request_BadRequest', message: 'The request body is too large.', expected: true };
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return {
          status: 400,
          code: 'Request_BadRequest',
          message: 'The request body is empty; a JSON object was expected.',
          expected: true,
        };
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return { status: 400, code: 'Request_BadRequest', message: 'Invalid Content-Length.', expected: true };
    }
    if (fe.statusCode === 400 && fe instanceof SyntaxError) {
      return {
        status: 400,
        code: 'Request_BadRequest',
        message: `The request body is not valid JSON: ${fe.message}`,
        expected: true,
      };
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return { status: fe.statusCode, code: 'Request_BadRequest', message: fe.message ?? 'Bad request.', expected: true };
    }
  }
  return {
    status: 500,
    code: 'InternalServerError',
    message: 'An unexpected error occurred. The request id identifies it in the server log.',
    expected: false,
  };
}

/** Graph envelope for everything under /v1.0; other surfaces render their own forms. */
export function sendGraphError(req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const c = classifyError(err);
  if (!c.expected) req.log.error({ err, reqId: req.id }, 'unhandled error');
  else if (c.status >= 500) req.log.warn({ err: c.message }, 'service error');
  if (c.headers) reply.headers(c.headers);
  return reply
    .status(c.status)
    .type('application/json')
    .send(graphErrorBody(req, c.code, c.message, c.target));
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    if (req.url.startsWith('/v1.0')) return sendGraphError(req, reply, err);
    const c = classifyError(err);
    if (!c.expected) req.log.error({ err, reqId: req.id }, 'unhandled error');
    if (c.headers) reply.headers(c.headers);
    return reply.status(c.status).send({ error: c.code, message: c.message, requestId: req.id });
  });
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/v1.0')) {
      const segment = req.url.split('?')[0] ?? req.url;
      return reply
        .status(404)
        .send(graphErrorBody(req, 'BadRequest', `Resource not found for the segment '${segment.replace(/^\/v1\.0/, '')}'.`));
    }
    return reply.status(404).type('text/plain; charset=utf-8').send('Not found');
  });
}

export const newRequestId = (): string => randomUUID();
