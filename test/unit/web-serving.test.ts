import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSecurityHeaders, webRoutes } from '../../src/server/http/web.js';

// How Portico serves the built SPA (src/server/http/web.ts), against a fake dist/web.

let dir: string;
let app: FastifyInstance;
let bare: FastifyInstance;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-web-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script>',
  );
  fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  app = Fastify();
  await registerSecurityHeaders(app, { publicUrl: 'http://localhost:8080' });
  await webRoutes(app, { root: dir });
  bare = Fastify({ logger: false });
  await webRoutes(bare, { root: null });
});
afterAll(async () => {
  await app?.close();
  await bare?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('serving the web app', () => {
  it('sends / to the portal', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/myapps');
  });

  it.each([
    '/admin',
    '/admin/groups/0190/owners',
    '/myapps',
    '/mygroups/x',
    '/auth/callback?code=a&state=b',
  ])('answers the client-side route %s with index.html, revalidated every time', async (url) => {
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('<div id="root">');
  });

  it('caches hashed assets for a year', async () => {
    const res = await app.inject({ url: '/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('sets a CSP that allows only the SPA itself and forbids framing', async () => {
    const csp = String((await app.inject({ url: '/myapps' })).headers['content-security-policy']);
    for (const d of [
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "connect-src 'self'",
      "img-src 'self' data:",
      "frame-ancestors 'none'",
    ]) {
      expect(csp).toContain(d);
    }
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it('explains how to build the app when dist/web is missing', async () => {
    const res = await bare.inject({ url: '/admin' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build');
  });
});
