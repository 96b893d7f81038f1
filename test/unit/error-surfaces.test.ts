import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/server/domain/errors.js';
import { classifyError, newRequestId } from '../../src/server/http/errors.js';
import { frameworkErrors, useGraphErrors, useOAuthErrors, usePageErrors } from '../../src/server/http/surfaces.js';

// The error surfaces on a bare Fastify instance: the form of an error follows the scope that
// served the route, never the URL; unexpected errors are logged with the request id and answered
// with a generic 500 in the surface's own form.

const logLines: Record<string, unknown>[] = [];
let app: FastifyInstance;

beforeAll(async () => {
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      cb();
    },
  });
  app = Fastify({ logger: { level: 'warn', stream }, genReqId: newRequestId, frameworkErrors });
  const boom = () => {
    throw new Error('database password is hunter2');
  };
  await app.register(
    async (graph) => {
      useGraphErrors(graph);
      graph.get('/boom', boom);
      graph.get('/owner', () => {
        throw new DomainError('group_last_owner');
      });
    },
    { prefix: '/v1.0' },
  );
  // A page route whose URL happens to start like the Graph API's: the scope decides.
  await app.register(async (pages) => {
    usePageErrors(pages);
    pages.get('/v1.0-pages/boom', boom);
    pages.get('/v1.0-pages/denied', () => {
      throw new DomainError('sign_on_user_disabled');
    });
  });
  await app.register(async (oauth) => {
    useOAuthErrors(oauth);
    oauth.get('/oauth/boom', boom);
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
});

describe('classifyError', () => {
  it('maps unknown errors to internal_error and keeps domain codes', () => {
    expect(classifyError(new Error('x'))).toMatchObject({ status: 500, code: 'internal_error', expected: false });
    expect(classifyError(new DomainError('group_last_owner'))).toMatchObject({
      status: 400,
      code: 'group_last_owner',
      graphCode: 'Request_BadRequest',
      expected: true,
    });
    expect(classifyError('a string')).toMatchObject({ code: 'internal_error' });
    expect(classifyError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })).toMatchObject({
      status: 413,
      code: 'payload_too_large',
    });
  });
});

describe('surfaces', () => {
  it('Graph: an unexpected error is a generic 500 envelope, logged with the request id', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1.0/boom' });
    expect(res.statusCode).toBe(500);
    const body = res.json() as { error: { code: string; message: string; details: { code: string }[] } };
    expect(body.error.code).toBe('InternalServerError');
    expect(body.error.details[0]?.code).toBe('internal_error');
    expect(res.body).not.toContain('hunter2');
    const logged = logLines.find((l) => l.msg === 'unhandled error' && l.reqId === res.json().error.innerError['request-id']);
    expect(logged).toBeDefined();
    expect(JSON.stringify(logged)).toContain('hunter2');
  });

  it('Graph: a domain error keeps its catalogue code in details', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1.0/owner' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([
      { code: 'group_last_owner', message: 'The last owner of the group cannot be removed.' },
    ]);
  });

  it('pages: the same failures are HTML pages with the request id, whatever the URL looks like', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1.0-pages/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).not.toContain('hunter2');
    expect(res.body).toMatch(/Request id: <code>[0-9a-f-]{36}<\/code>/);
    const denied = await app.inject({ method: 'GET', url: '/v1.0-pages/denied' });
    expect(denied.statusCode).toBe(403);
    expect(denied.body).toContain('having trouble signing you in.');
    expect(denied.body).toContain('Your account is disabled. Contact your administrator.');
  });

  it("OAuth: RFC 6749 JSON in Entra's shape", async () => {
    const res = await app.inject({ method: 'GET', url: '/oauth/boom' });
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body).toMatchObject({ error: 'server_error', error_codes: [90000] });
    expect(body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.error_description).toMatch(
      /^AADSTS90000: An unexpected error occurred. The request id identifies it in the server log.\r\nTrace ID: /,
    );
  });

  it('router failures before any route (frameworkErrors) answer a Graph envelope', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1.0/x/${'%'}zz` });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].code).toBe('request_url_invalid');
  });
});
