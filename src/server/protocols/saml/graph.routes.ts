import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sendEntity } from '../../http/graph.js';
import type { SamlIdp } from './idp.js';

export const addTokenSigningCertificateBody = z
  .object({
    displayName: z
      .string({ error: 'must be a string' })
      .trim()
      .max(256, 'must be at most 256 characters')
      .refine((s) => /^CN=.+/i.test(s), "must start with 'CN=' (the certificate's subject)")
      .optional(),
    endDateTime: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
  })
  .strict();

/** The SAML IdP's Graph routes (registered in the /v1.0 scope): token-signing certificates. */
export function samlGraphRoutes(idp: Pick<SamlIdp, 'addTokenSigningCertificate'>) {
  return async (app: FastifyInstance): Promise<void> => {
    app.withTypeProvider<ZodTypeProvider>().post(
      '/servicePrincipals/:id/addTokenSigningCertificate',
      {
        schema: {
          tags: ['applications'],
          summary: 'Create a new SAML token-signing certificate for the application (active at once)',
          params: z.object({ id: z.string().min(1).max(256) }),
          body: addTokenSigningCertificateBody,
        },
      },
      async (req, reply) => {
        const cert = await idp.addTokenSigningCertificate(req.ctx, req.params.id, req.body);
        return sendEntity(req, reply, 'microsoft.graph.selfSignedCertificate', cert);
      },
    );
  };
}
