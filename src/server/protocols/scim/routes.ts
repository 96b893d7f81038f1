import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, denied, notFound } from '../../domain/errors.js';
import { logClassified } from '../../http/errors.js';
import { type TenantDirectory, tenantById } from '../../http/tenant.js';
import { runBulk } from './bulk.js';
import { listOf, resourceTypes, schemaDocs, serviceProviderConfig } from './discovery.js';
import { SCIM_JSON, sendScimError } from './errors.js';
import type { Json } from './patch.js';
import type { ScimProvisioning, ScimRequest, ScimResult } from './provisioning.js';
import { readListParams } from './query.js';

export interface ScimRoutesDeps {
  provisioning: ScimProvisioning;
  publicUrl: string;
  /** Verifies the bearer token as for /v1.0 (authenticateRequest). */
  authenticate: (req: FastifyRequest) => Promise<FastifyRequest['ctx']>;
  /** Tenants addressed by id in `/{tenantId}/scim/v2`. */
  tenants: TenantDirectory;
}

type Params = { tenantId?: string; id?: string };

const tags = ['scim'];
const secured = (summary: string) => ({ schema: { tags, summary, security: [{ bearerAuth: [] }] } });
const open = (summary: string) => ({ schema: { tags, summary } });

const header = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

function send(reply: FastifyReply, r: ScimResult): FastifyReply {
  reply.status(r.status).type(SCIM_JSON);
  if (r.version) reply.header('etag', r.version);
  if (r.status === 201 && r.location) reply.header('location', r.location);
  return r.resource ? reply.send(r.resource) : reply.send();
}

/**
 * The SCIM 2.0 surface: discovery documents (public), Users, Groups and Bulk (application tokens
 * only). Registered under `/scim/v2` and `/{tenantId}/scim/v2`; every error and unknown path of
 * the prefix answers in SCIM's error shape.
 */
export function scimRoutes(deps: ScimRoutesDeps) {
  const { provisioning: p } = deps;
  const baseOf = (req: FastifyRequest) => {
    const t = (req.params as Params).tenantId;
    return `${deps.publicUrl}${t ? `/${encodeURIComponent(t.toLowerCase())}` : ''}/scim/v2`;
  };

  /** The caller must be an application of the tenant the path names (if it names one). */
  const authenticate = async (req: FastifyRequest): Promise<void> => {
    const ctx = await deps.authenticate(req);
    if (ctx.caller.kind !== 'app') {
      throw denied('SCIM provisioning accepts access tokens of applications only (client credentials), not of users.');
    }
    const t = (req.params as Params).tenantId;
    if (t !== undefined && t.toLowerCase() !== ctx.caller.tenantId) {
      throw new DomainError(
        'authentication_required',
        'The access token was issued for another tenant than the one in the path.',
      );
    }
    req.ctx = ctx;
  };
  const at = (req: FastifyRequest): ScimRequest => ({ ctx: req.ctx, base: baseOf(req) });
  const id = (req: FastifyRequest) => (req.params as Params).id as string;
  const ifMatch = (req: FastifyRequest) => header(req, 'if-match');
  const json = (reply: FastifyReply, body: Json, status = 200) => reply.status(status).type(SCIM_JSON).send(body);

  return async (scim: FastifyInstance): Promise<void> => {
    scim.setErrorHandler((err, req, reply) => sendScimError(req, reply, err));
    // `/{tenantId}/scim/v2`: a tenant that does not exist has no SCIM endpoints.
    scim.addHook('onRequest', async (req) => {
      const t = (req.params as Params).tenantId;
      if (t !== undefined && !(await tenantById(deps.tenants, t))) throw notFound(t);
    });
    scim.setNotFoundHandler((req, reply) => sendScimError(req, reply, notFound(req.url.split('?')[0])));
    // SCIM clients send application/scim+json (parsed as JSON), and some send a content type with
    // the empty body of a DELETE: that is no body, not malformed JSON.
    const parseJson = scim.getDefaultJsonParser('error', 'error');
    scim.removeContentTypeParser('application/json');
    scim.addContentTypeParser(['application/json', 'application/scim+json'], { parseAs: 'string' }, (req, body, done) =>
      body === '' ? done(null, undefined) : parseJson(req, body as string, done),
    );

    scim.get('/ServiceProviderConfig', open('SCIM service provider configuration'), async (req, reply) =>
      json(reply, serviceProviderConfig(baseOf(req))),
    );
    scim.get('/ResourceTypes', open('SCIM resource types'), async (req, reply) =>
      json(reply, listOf(resourceTypes(baseOf(req)))),
    );
    scim.get('/ResourceTypes/:id', open('One SCIM resource type'), async (req, reply) => {
      const doc = resourceTypes(baseOf(req)).find((d) => d.id === id(req));
      if (!doc) throw notFound(id(req));
      return json(reply, doc);
    });
    scim.get('/Schemas', open('SCIM schemas'), async (req, reply) => json(reply, listOf(schemaDocs(baseOf(req)))));
    scim.get('/Schemas/:id', open('One SCIM schema'), async (req, reply) => {
      const doc = schemaDocs(baseOf(req)).find((d) => String(d.id).toLowerCase() === id(req).toLowerCase());
      if (!doc) throw notFound(id(req));
      return json(reply, doc);
    });

    await scim.register(async (api) => {
      api.addHook('onRequest', authenticate);
      for (const [segment, kind] of [
        ['Users', 'User'],
        ['Groups', 'Group'],
      ] as const) {
        const list = kind === 'User' ? p.listUsers.bind(p) : p.listGroups.bind(p);
        api.get(`/${segment}`, secured(`List SCIM ${kind}s (filter, startIndex/count, sortBy, attributes)`), async (req, reply) =>
          json(reply, await list(at(req), readListParams(req.query as Record<string, unknown>))),
        );
        api.post(`/${segment}/.search`, secured(`Search SCIM ${kind}s (SearchRequest body)`), async (req, reply) =>
          json(reply, await list(at(req), readListParams((req.body ?? {}) as Record<string, unknown>, 'body'))),
        );
        api.get(`/${segment}/:id`, secured(`Get a SCIM ${kind}`), async (req, reply) => {
          const params = readListParams(req.query as Record<string, unknown>);
          return send(
            reply,
            await (kind === 'User' ? p.getUser(at(req), id(req), params) : p.getGroup(at(req), id(req), params)),
          );
        });
        api.post(`/${segment}`, secured(`Create a SCIM ${kind}`), async (req, reply) =>
          send(reply, await (kind === 'User' ? p.createUser(at(req), req.body) : p.createGroup(at(req), req.body))),
        );
        api.put(`/${segment}/:id`, secured(`Replace a SCIM ${kind} (If-Match)`), async (req, reply) =>
          send(
            reply,
            await (kind === 'User'
              ? p.replaceUser(at(req), id(req), req.body, ifMatch(req))
              : p.replaceGroup(at(req), id(req), req.body, ifMatch(req))),
          ),
        );
        api.patch(`/${segment}/:id`, secured(`Modify a SCIM ${kind} with a PatchOp (If-Match)`), async (req, reply) =>
          send(
            reply,
            await (kind === 'User'
              ? p.patchUser(at(req), id(req), req.body, ifMatch(req))
              : p.patchGroup(at(req), id(req), req.body, ifMatch(req))),
          ),
        );
        api.delete(`/${segment}/:id`, secured(`Delete a SCIM ${kind} (If-Match)`), async (req, reply) =>
          send(
            reply,
            await (kind === 'User'
              ? p.deleteUser(at(req), id(req), ifMatch(req))
              : p.deleteGroup(at(req), id(req), ifMatch(req))),
          ),
        );
      }
      api.post('/Bulk', secured('SCIM bulk operations (bulkId references, failOnErrors)'), async (req, reply) =>
        json(reply, await runBulk(p, at(req), req.body, (err, c) => logClassified(req, err, c))),
      );
    });
  };
}
