import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config/index.js';

// The document does not depend on the database dialect, so this file builds the real app on an
// embedded SQLite file of its own, observing every route as it is registered.

interface RouteEntry {
  method: string;
  url: string;
}

let app: FastifyInstance;
let dir: string;
const routes: RouteEntry[] = [];
const publicUrl = 'https://portico.contoso.test';

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-openapi-'));
  const config = loadConfig({ PORTICO_DATA_DIR: dir, PORTICO_PUBLIC_URL: publicUrl, PORTICO_LOG_LEVEL: 'silent' }, dir);
  app = await buildApp({
    config,
    onRoute: (r: RouteOptions) => {
      for (const method of [r.method].flat()) routes.push({ method, url: r.url });
    },
  });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const get = (url: string) => app.inject({ method: 'GET', url });

// A parameter's regular expression (Graph function calls, `f(p=':p([^/']+)')`) is not part of the path.
const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)(?:\([^)]*\))?/g, '{$1}').replace(/\*/g, '{*}');

describe('GET /openapi.json', () => {
  it('is public and describes Portico', async () => {
    const res = await get('/openapi.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const doc = res.json();
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe('Portico');
    expect(doc.info.version).toBe(pkg.version);
    expect(doc.servers).toEqual([{ url: publicUrl }]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('lists every route of the app with its methods', async () => {
    const doc = (await get('/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> };
    // HEAD routes are Fastify's automatic twins of GET routes.
    const explicit = routes.filter((r) => r.method !== 'HEAD');
    expect(explicit.length).toBeGreaterThan(5);
    expect(explicit).toContainEqual({ method: 'GET', url: '/v1.0/users/:id' });
    const missing = explicit
      .filter((r) => doc.paths[toOpenApiPath(r.url)]?.[r.method.toLowerCase()] === undefined)
      .map((r) => `${r.method} ${r.url}`);
    expect(missing, 'routes missing from /openapi.json').toEqual([]);
  });

  it('marks /v1.0 operations as bearer-protected and describes their error envelope', async () => {
    const doc = (await get('/openapi.json')).json();
    const users = doc.paths['/v1.0/users'];
    expect(users.get.security).toEqual([{ bearerAuth: [] }]);
    expect(users.get.responses.default.content['application/json'].schema.$ref).toBe('#/components/schemas/GraphError');
    expect(users.post.requestBody.content['application/json'].schema.properties.userPrincipalName).toBeDefined();
    expect(doc.paths['/v1.0/users/{id}'].patch).toBeDefined();
    expect(doc.paths['/openapi.json'].get.security).toBeUndefined();
  });

  it('is structurally sound: every operation has responses and declares its path parameters', async () => {
    const doc = (await get('/openapi.json')).json() as {
      paths: Record<string, Record<string, { responses?: object; parameters?: { name: string; in: string }[] }>>;
    };
    const problems: string[] = [];
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!op.responses || Object.keys(op.responses).length === 0) problems.push(`${method} ${p}: no responses`);
        for (const name of [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])) {
          if (!op.parameters?.some((x) => x.in === 'path' && x.name === name))
            problems.push(`${method} ${p}: path parameter ${name} undeclared`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('documents the OData query options on collections', async () => {
    const doc = (await get('/openapi.json')).json();
    const names = (doc.paths['/v1.0/users'].get.parameters as { name: string }[]).map((x) => x.name);
    expect(names).toEqual(expect.arrayContaining(['$filter', '$select', '$top', '$skiptoken', '$count', 'ConsistencyLevel']));
    expect((doc.paths['/v1.0/users/{id}'].get.parameters as { name: string }[]).map((x) => x.name)).toContain('$select');
  });

  it("documents the groupManagementPolicy resource (Portico's own)", async () => {
    const doc = (await get('/openapi.json')).json();
    const schema = doc.components.schemas.GroupManagementPolicy;
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        'selfServiceGroupManagementEnabled',
        'restrictGroupsFeaturesInMyGroups',
        'usersCanCreateSecurityGroups',
      ]),
    );
    const gmPath = Object.keys(doc.paths).find((p) => p.endsWith('/groupManagementPolicy'));
    if (gmPath) {
      // Once the policies routes exist, their operations refer to (or define) the resource.
      expect(JSON.stringify(doc.paths[gmPath].get.responses['200'])).toMatch(
        /GroupManagementPolicy|selfServiceGroupManagementEnabled/,
      );
    }
  });
});
