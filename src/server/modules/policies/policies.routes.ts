import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorizationPolicyPatch, b2bPolicyPatch, groupManagementPolicyPatch } from '../../../contracts/policies.js';
import type { OperationContext } from '../../domain/context.js';
import { notFound } from '../../domain/errors.js';
import { type GraphApp, sendEntity } from '../../http/graph.js';
import { declareBodyType } from '../../http/odata-type.js';

// Graph clients (and the SDKs) often send the entity type along with a PATCH; accept and ignore it.
const odataType = { '@odata.type': z.string().max(256).optional() };
const authorizationPolicyBody = authorizationPolicyPatch.extend(odataType).strict();
const groupManagementPolicyBody = groupManagementPolicyPatch.extend(odataType).strict();
declareBodyType(authorizationPolicyBody, 'authorizationPolicy');

const withoutODataType = <T extends { '@odata.type'?: string | undefined }>(body: T): Omit<T, '@odata.type'> => {
  const { '@odata.type': _ignored, ...rest } = body;
  return rest;
};

type ODataTyped = z.ZodType<{ '@odata.type'?: string | undefined }>;

/** A policy singleton: GET and PATCH `/policies/{name}` (the PATCH may carry `@odata.type`). */
interface Singleton<B extends ODataTyped> {
  name: string;
  get: { summary: string; description?: string };
  patch: { summary: string; description: string; body: B };
  read: (ctx: OperationContext) => Promise<object>;
  update: (ctx: OperationContext, patch: Omit<z.infer<B>, '@odata.type'>) => Promise<void>;
}

function singletonRoutes<B extends ODataTyped>(app: GraphApp, s: Singleton<B>): void {
  app.get(`/policies/${s.name}`, { schema: { tags: ['policies'], ...s.get } }, async (req, reply) =>
    sendEntity(req, reply, `policies/${s.name}/$entity`, await s.read(req.ctx)),
  );
  app.patch(`/policies/${s.name}`, { schema: { tags: ['policies'], ...s.patch } }, async (req, reply) => {
    await s.update(req.ctx, withoutODataType(req.body as z.infer<B>));
    return reply.status(204).send();
  });
}

/** Tenant policies: Graph's authorizationPolicy singleton and Portico's groupManagementPolicy. */
export async function policiesRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { policies } = app.portico.services;

  singletonRoutes(app, {
    name: 'authorizationPolicy',
    get: { summary: 'Get the authorization policy (guest access, who may invite, default user permissions)' },
    patch: {
      summary: 'Update the authorization policy',
      description:
        'allowInvitesFrom: none | adminsAndGuestInviters | adminsGuestInvitersAndAllMembers | everyone. guestUserRoleId: ' +
        'a0b1b346-4d3e-4e8b-98f8-753987be4970 (same access as members), 10dae51f-b6af-4016-8d66-8c2a99b929b3 (limited, default), ' +
        '2af84b1e-32c8-42b7-82bc-daa82404023b (restricted to own objects). Global or Privileged Role Administrator.',
      body: authorizationPolicyBody,
    },
    read: (ctx) => policies.getAuthorizationPolicy(ctx),
    update: (ctx, patch) => policies.updateAuthorizationPolicy(ctx, patch),
  });

  singletonRoutes(app, {
    name: 'groupManagementPolicy',
    get: {
      summary: 'Get the group-management policy (Portico resource)',
      description:
        'Portico-specific singleton (Entra has no public API for these settings): selfServiceGroupManagementEnabled ' +
        '("Owners can manage group membership requests in My Groups"), restrictGroupsFeaturesInMyGroups ("Restrict user ' +
        'ability to access groups features in My Groups"), usersCanCreateSecurityGroups (the same setting as ' +
        'authorizationPolicy.defaultUserRolePermissions.allowedToCreateSecurityGroups), usersCanCreateMicrosoft365Groups.',
    },
    patch: {
      summary: 'Update the group-management policy (Portico resource)',
      description: 'Global, User or Groups Administrator. Audited as "Update group settings".',
      body: groupManagementPolicyBody,
    },
    read: (ctx) => policies.getGroupManagementPolicy(ctx),
    update: (ctx, patch) => policies.updateGroupManagementPolicy(ctx, patch),
  });

  app.get(
    '/policies/b2bManagementPolicies',
    { schema: { tags: ['policies'], summary: 'List B2B management policies (collaboration restrictions; one default policy)' } },
    async (req, reply) => {
      const p = await policies.getB2bManagementPolicy(req.ctx);
      return reply.send({
        '@odata.context': `${app.portico.config.publicUrl}/v1.0/$metadata#policies/b2bManagementPolicies`,
        value: [p],
      });
    },
  );

  app.get(
    '/policies/b2bManagementPolicies/:id',
    {
      schema: {
        tags: ['policies'],
        summary: 'Get the B2B management policy: domains invitations may (or may not) be sent to',
        params: z.object({ id: z.string().max(64) }),
      },
    },
    async (req, reply) => {
      if (req.params.id !== 'default') throw notFound(req.params.id);
      return sendEntity(req, reply, 'policies/b2bManagementPolicies/$entity', await policies.getB2bManagementPolicy(req.ctx));
    },
  );

  app.patch(
    '/policies/b2bManagementPolicies/:id',
    {
      schema: {
        tags: ['policies'],
        summary:
          'Update collaboration restrictions: `definition` (Graph beta form) or `invitationDomains` {mode: allowAll|allowList|denyList, domains}',
        params: z.object({ id: z.string().max(64) }),
        body: b2bPolicyPatch,
      },
    },
    async (req, reply) => {
      if (req.params.id !== 'default') throw notFound(req.params.id);
      await policies.updateB2bManagementPolicy(req.ctx, req.body);
      return reply.status(204).send();
    },
  );
}
