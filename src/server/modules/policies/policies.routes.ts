import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorizationPolicyPatch, b2bPolicyPatch, groupManagementPolicyPatch } from '../../../contracts/policies.js';
import { notFound } from '../../domain/errors.js';
import { sendEntity } from '../../http/graph.js';
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

/** Tenant policies: Graph's authorizationPolicy singleton and Portico's groupManagementPolicy. */
export async function policiesRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { policies } = app.portico.services;

  app.get(
    '/policies/authorizationPolicy',
    {
      schema: {
        tags: ['policies'],
        summary: 'Get the authorization policy (guest access, who may invite, default user permissions)',
      },
    },
    async (req, reply) =>
      sendEntity(req, reply, 'policies/authorizationPolicy/$entity', await policies.getAuthorizationPolicy(req.ctx)),
  );

  app.patch(
    '/policies/authorizationPolicy',
    {
      schema: {
        tags: ['policies'],
        summary: 'Update the authorization policy',
        description:
          'allowInvitesFrom: none | adminsAndGuestInviters | adminsGuestInvitersAndAllMembers | everyone. guestUserRoleId: ' +
          'a0b1b346-4d3e-4e8b-98f8-753987be4970 (same access as members), 10dae51f-b6af-4016-8d66-8c2a99b929b3 (limited, default), ' +
          '2af84b1e-32c8-42b7-82bc-daa82404023b (restricted to own objects). Global or Privileged Role Administrator.',
        body: authorizationPolicyBody,
      },
    },
    async (req, reply) => {
      await policies.updateAuthorizationPolicy(req.ctx, withoutODataType(req.body));
      return reply.status(204).send();
    },
  );

  app.get(
    '/policies/groupManagementPolicy',
    {
      schema: {
        tags: ['policies'],
        summary: 'Get the group-management policy (Portico resource)',
        description:
          'Portico-specific singleton (Entra has no public API for these settings): selfServiceGroupManagementEnabled ' +
          '("Owners can manage group membership requests in My Groups"), restrictGroupsFeaturesInMyGroups ("Restrict user ' +
          'ability to access groups features in My Groups"), usersCanCreateSecurityGroups (the same setting as ' +
          'authorizationPolicy.defaultUserRolePermissions.allowedToCreateSecurityGroups), usersCanCreateMicrosoft365Groups.',
      },
    },
    async (req, reply) =>
      sendEntity(req, reply, 'policies/groupManagementPolicy/$entity', await policies.getGroupManagementPolicy(req.ctx)),
  );

  app.patch(
    '/policies/groupManagementPolicy',
    {
      schema: {
        tags: ['policies'],
        summary: 'Update the group-management policy (Portico resource)',
        description: 'Global, User or Groups Administrator. Audited as "Update group settings".',
        body: groupManagementPolicyBody,
      },
    },
    async (req, reply) => {
      await policies.updateGroupManagementPolicy(req.ctx, withoutODataType(req.body));
      return reply.status(204).send();
    },
  );

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
