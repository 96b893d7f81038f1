import fs from 'node:fs';
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { Config } from '../config/index.js';
import { bodyTypeOf } from './odata-type.js';

type OpenApiObject = Record<string, unknown> & {
  paths?: Record<string, Record<string, Record<string, unknown>>>;
  components?: Record<string, Record<string, unknown>>;
};

const packageVersion = (): string => {
  try {
    // src/server/http → package.json is three levels up (also from dist/server/http).
    const pkg = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
};

/** `code` (with an example), `message` and `target`: the fields of an error and of each of its details. */
const errorFields = (example: string) => ({
  code: { type: 'string', example },
  message: { type: 'string' },
  target: { type: 'string' },
});

const graphError = {
  type: 'object',
  description: 'Microsoft Graph error envelope, sent with every 4xx/5xx answer under /v1.0. See docs/errors.md.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'innerError'],
      properties: {
        ...errorFields('Request_ResourceNotFound'),
        details: {
          type: 'array',
          description: "details[0].code is Portico's catalogue code (stable; see docs/errors.md), error.code Graph's.",
          items: {
            type: 'object',
            required: ['code', 'message'],
            properties: errorFields('group_last_owner'),
          },
        },
        innerError: {
          type: 'object',
          properties: {
            'request-id': { type: 'string', format: 'uuid' },
            'client-request-id': { type: 'string' },
            date: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
  },
} as const;

/** Portico's own resource (Entra has no public API for these settings). */
const groupManagementPolicy = {
  type: 'object',
  description:
    "Self-service group management settings of the tenant (Entra admin center → Groups → General). Portico's own resource: " +
    'Microsoft Graph has no public API for it. Members and administrators can read it (applications: Policy.Read.All, ' +
    'Directory.Read.All or Policy.ReadWrite.Authorization); PATCH needs a Global, User or Groups Administrator, or an ' +
    'application holding Policy.ReadWrite.Authorization. Changes are audited.',
  properties: {
    id: { type: 'string', enum: ['groupManagementPolicy'], readOnly: true },
    selfServiceGroupManagementEnabled: {
      type: 'boolean',
      description: '"Owners can manage group membership requests in My Groups". Default false.',
    },
    restrictGroupsFeaturesInMyGroups: {
      type: 'boolean',
      description:
        '"Restrict user ability to access groups features in My Groups" (applies to non-administrators). Default false.',
    },
    usersCanCreateSecurityGroups: {
      type: 'boolean',
      description:
        '"Users can create security groups". The same setting as authorizationPolicy.defaultUserRolePermissions.allowedToCreateSecurityGroups. Default true.',
    },
    usersCanCreateMicrosoft365Groups: {
      type: 'boolean',
      description: '"Users can create Microsoft 365 groups". Default true.',
    },
  },
} as const;

/**
 * Descriptions of routes that carry no schema of their own (the token issuer is oidc-provider,
 * mounted as raw routes), matched on the route path without the optional `/:tenantId` prefix.
 */
const UNDOCUMENTED: Record<string, { summary: string; description: string; tags: string[] }> = {
  '/.well-known/openid-configuration': {
    summary: 'OpenID Connect discovery document',
    description: 'Issuer metadata: endpoints, supported grants, scopes and algorithms. Per tenant under /{tenantId}.',
    tags: ['oidc'],
  },
  '/oauth2/v2.0/*': {
    summary: 'OAuth 2.0 / OpenID Connect endpoints (oidc-provider)',
    description:
      'authorize, token (client_credentials, authorization_code with PKCE, refresh_token), logout, revoke, introspect. ' +
      'Form-encoded requests; errors follow RFC 6749 ({"error","error_description"}).',
    tags: ['oidc'],
  },
  '/discovery/v2.0/keys': {
    summary: 'JSON Web Key Set',
    description: 'Public token-signing keys of the tenant.',
    tags: ['oidc'],
  },
  '/oidc/userinfo': { summary: 'OpenID Connect UserInfo', description: 'Claims about the signed-in user.', tags: ['oidc'] },
  '/login/:uid': {
    summary: 'Sign-in page',
    description: 'Server-rendered user name + password page of the authorization-code flow (HTML form, not an API).',
    tags: ['oidc'],
  },
  '/assets/*': {
    summary: 'Static files of the web app',
    description: 'Built JavaScript, CSS and images (not an API).',
    tags: ['web'],
  },
  '/healthz': {
    summary: 'Liveness probe',
    description: 'Answers {"status":"ok"} while the process serves requests.',
    tags: ['meta'],
  },
  '/readyz': {
    summary: 'Readiness probe',
    description:
      '200 {"status":"ready"} when the database answers within 2 s and every migration is applied; 503 {"status":"unavailable","checks":{…}} naming the failing check otherwise.',
    tags: ['meta'],
  },
  '/metrics': {
    summary: 'Prometheus metrics',
    description:
      'Text exposition format: request durations by route, token endpoint answers, outbox backlog, mail outcomes, event-loop delay, database pool. Bearer token when PORTICO_METRICS_TOKEN is set.',
    tags: ['meta'],
  },
};

const odataParam = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});

/** OData system query options (the subset Portico implements; see docs/api.md). */
const COLLECTION_PARAMS = [
  odataParam(
    '$filter',
    "Filter expression: eq, ne, gt/ge/lt/le (dates), startswith(), in (…), and/or/not, any() where Graph supports it. Example: startswith(displayName,'A')",
  ),
  odataParam('$select', 'Comma-separated properties to return. Example: id,displayName'),
  odataParam('$top', 'Page size, 1–999 (default 100).', { type: 'integer', minimum: 1, maximum: 999 }),
  odataParam('$skiptoken', 'Opaque paging token; follow @odata.nextLink rather than building it.'),
  odataParam('$orderby', 'Sort order where supported, e.g. displayName.'),
  odataParam('$count', 'true adds @odata.count (requires the ConsistencyLevel: eventual header).', { type: 'boolean' }),
  odataParam('$search', 'Where supported: "displayName:text" (requires ConsistencyLevel: eventual).'),
  {
    name: 'ConsistencyLevel',
    in: 'header',
    required: false,
    description: 'eventual, for $count and $search.',
    schema: { type: 'string', enum: ['eventual'] },
  },
];
/** `…/$count` segments: the number of items matching `$filter`/`$search`, as text/plain. */
const COUNT_PARAMS = COLLECTION_PARAMS.filter((p) => ['$filter', '$search', 'ConsistencyLevel'].includes(p.name)).map((p) =>
  p.name === 'ConsistencyLevel'
    ? { ...p, required: true, description: 'eventual (Graph requires it for $count on directory objects).' }
    : p,
);
const ENTITY_PARAMS = [odataParam('$select', 'Comma-separated properties to return. Example: id,displayName')];
/** Users and groups (collections and entities) take `$expand` (http/collections.ts). */
const EXPANDABLE = /^\/v1\.0\/(users|groups)(\/\{id\})?$|^\/v1\.0\/me$/;
const EXPAND_PARAM = odataParam(
  '$expand',
  'One level: memberOf, appRoleAssignments (users and groups), manager (users), members, owners (groups); at most 20 objects each, ' +
    'nested $select allowed, e.g. members($select=id,displayName). Pages hold at most 100 items with $expand.',
);
/** GET paths under /v1.0 that return one object although their last segment is not an id. */
const SINGLETON = /^\/v1\.0\/(me|policies\/[^/]+|(users\/\{id\}|me)\/manager)$/;

/** Request bodies under /v1.0 may name their entity type (http/odata-type.ts). */
function documentODataType(schema: Record<string, unknown>, type: string | undefined): void {
  const body = schema.body as { type?: string; properties?: Record<string, unknown> } | undefined;
  if (body?.type !== 'object' || body.properties === undefined) return;
  body.properties = {
    '@odata.type': {
      type: 'string',
      description: 'Optional OData type annotation (Graph SDKs send it); checked, then ignored.',
      ...(type === undefined ? {} : { enum: [`#microsoft.graph.${type}`] }),
    },
    ...body.properties,
  };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * Registers @fastify/swagger in dynamic mode (it records routes through `onRoute`, so this must run
 * BEFORE any route is registered) and serves the document at `GET /openapi.json` (public).
 */
/** A route of a Graph function with parameters: `name(param=':param(regex)')`. */
const GRAPH_FUNCTION = /\(\w+=':\w+\(/;
const GRAPH_PATH = 'x-graph-path';

/** `/a/:id/f(p=':p([^/']+)')` → `/a/{id}/f(p='{p}')`. */
export const graphFunctionPath = (url: string): string =>
  url.replace(/:([A-Za-z0-9_]+)\([^)]*\)/g, '{$1}').replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Moves the operations of Graph function routes to their Graph path (see `transform`). */
function renameGraphFunctionPaths(obj: OpenApiObject): void {
  const paths = obj.paths ?? {};
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item)) {
      const target = (op as Record<string, unknown> | null)?.[GRAPH_PATH];
      if (typeof target !== 'string' || target === path) continue;
      const o = op as { parameters?: { name: string; in: string }[] } & Record<string, unknown>;
      delete o[GRAPH_PATH];
      if (o.parameters) o.parameters = o.parameters.filter((p) => !(p.in === 'path' && /^regexp\d+$/.test(p.name)));
      paths[target] = { ...(paths[target] ?? {}), [method]: o };
      delete (item as Record<string, unknown>)[method];
    }
    if (Object.keys(item).length === 0) delete paths[path];
  }
}

export async function registerOpenApi(app: FastifyInstance, config: Pick<Config, 'publicUrl'>): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Portico',
        version: packageVersion(),
        description:
          'Microsoft Graph-compatible directory API (users, groups, directory roles, policies, audit log) under /v1.0, ' +
          'plus the OpenID Connect token issuer. Authenticate with `Authorization: Bearer <access token>` from the ' +
          'client-credentials grant (automation clients) or the authorization-code flow (users). Errors use the Graph ' +
          'envelope (components.schemas.GraphError). Human guide: docs/api.md.',
        license: { name: 'MIT' },
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'Access token issued by Portico’s token endpoint (<public URL>/<tenant>/oauth2/v2.0/token).',
          },
        },
      },
    },
    transform: (doc) => {
      let out: { schema: unknown; url: string };
      try {
        out = jsonSchemaTransform(doc) as { schema: unknown; url: string };
      } catch {
        // A route whose schema is not a zod schema (plain JSON schema, or none the converter understands):
        // keep it in the document with its descriptive fields rather than failing the whole document.
        const s = (doc.schema ?? {}) as Record<string, unknown>;
        const { summary, description, tags, hide, operationId } = s;
        out = { schema: { summary, description, tags, hide, operationId }, url: doc.url };
      }
      const schema = { ...((out.schema ?? {}) as Record<string, unknown>) };
      const known = UNDOCUMENTED[doc.url.replace(/^\/:tenantId(?=\/)/, '')];
      if (known && schema.summary === undefined) {
        Object.assign(schema, known);
        if (doc.url.startsWith('/:tenantId')) schema.summary = `${known.summary} (tenant by id)`;
      } else if (schema.summary === undefined && !doc.url.startsWith('/v1.0')) {
        schema.summary = `${doc.url} (not part of the Graph API)`;
      }
      if (doc.url.startsWith('/v1.0') && schema.security === undefined) schema.security = [{ bearerAuth: [] }];
      if (doc.url.startsWith('/v1.0')) documentODataType(schema, bodyTypeOf(doc.schema?.body));
      // Graph function calls, name(param='{param}'): the route's parameter carries a regular
      // expression, which the generator would render as {regexpN}; keep Graph's path instead.
      if (GRAPH_FUNCTION.test(doc.url)) schema[GRAPH_PATH] = graphFunctionPath(doc.url);
      return { schema, url: out.url } as ReturnType<typeof jsonSchemaTransform>;
    },
    transformObject: (doc) => {
      const obj = jsonSchemaTransformObject(doc) as OpenApiObject;
      obj.components = obj.components ?? {};
      obj.components.schemas = {
        ...obj.components.schemas,
        GraphError: graphError,
        GroupManagementPolicy: groupManagementPolicy,
      };
      renameGraphFunctionPaths(obj);
      for (const [path, item] of Object.entries(obj.paths ?? {})) {
        for (const [method, op] of Object.entries(item)) {
          if (!METHODS.includes(method) || typeof op !== 'object' || op === null) continue;
          const responses = (op.responses ?? {}) as Record<string, Record<string, unknown>>;
          // Every template segment needs a declared path parameter (routes without a params schema).
          const declared = (op.parameters ?? []) as { name: string; in: string }[];
          for (const name of [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '')) {
            if (!declared.some((x) => x.in === 'path' && x.name === name)) {
              declared.push({
                name,
                in: 'path',
                required: true,
                schema: { type: 'string' },
                ...(name === '*' ? { description: 'Rest of the path' } : {}),
              } as { name: string; in: string });
            }
          }
          if (declared.length) op.parameters = declared;
          // Graph functions (paths ending in a call) take their parameters in the path, no OData options.
          if (path.startsWith('/v1.0') && method === 'get' && !path.startsWith('/v1.0/devMailbox') && !path.endsWith(')')) {
            const params = (op.parameters ?? []) as { name: string }[];
            const isEntity = /\}$/.test(path) || SINGLETON.test(path);
            const forPath = path.endsWith('/$count') ? COUNT_PARAMS : isEntity ? ENTITY_PARAMS : COLLECTION_PARAMS;
            for (const p of [...forPath, ...(EXPANDABLE.test(path) ? [EXPAND_PARAM] : [])]) {
              if (!params.some((x) => x.name === p.name)) params.push(p);
            }
            op.parameters = params;
          }
          if (path.startsWith('/v1.0')) {
            responses.default = responses.default ?? {
              description: 'Error in the Microsoft Graph envelope',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/GraphError' } } },
            };
          }
          if (path.endsWith('/groupManagementPolicy')) {
            const ok = method === 'get' ? '200' : undefined;
            if (ok) {
              const r = responses[ok] ?? { description: 'The group management policy' };
              const content = (r.content ?? {}) as Record<string, Record<string, unknown>>;
              if (
                !content['application/json']?.schema ||
                Object.keys(content['application/json'].schema as object).length === 0
              ) {
                r.content = { 'application/json': { schema: { $ref: '#/components/schemas/GroupManagementPolicy' } } };
              }
              responses[ok] = r;
            }
            if (method === 'patch' && !op.requestBody) {
              op.requestBody = {
                required: true,
                content: { 'application/json': { schema: { $ref: '#/components/schemas/GroupManagementPolicy' } } },
              };
            }
          }
          op.responses = responses;
        }
      }
      return obj as ReturnType<typeof jsonSchemaTransformObject>;
    },
  });

  app.get(
    '/openapi.json',
    { schema: { tags: ['meta'], summary: 'This OpenAPI document (public, no authentication)' } },
    async (_req, reply) => reply.type('application/json').send(app.swagger()),
  );
}
