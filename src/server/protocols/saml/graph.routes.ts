import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { KeyCredential } from '../../../contracts/applications.js';
import { invalid } from '../../domain/errors.js';
import { sendEntity } from '../../http/graph.js';
import type { SigningCertificate } from './certificates.js';
import { CERTIFICATE_YEARS } from './certificates.js';

/** Graph's `selfSignedCertificate` (response of addTokenSigningCertificate). */
export interface SelfSignedCertificate {
  customKeyIdentifier: string;
  displayName: string;
  endDateTime: string;
  /** The public certificate, base64 DER. */
  key: string;
  keyId: string;
  startDateTime: string;
  thumbprint: string;
  type: 'AsymmetricX509Cert';
  usage: 'Verify';
}

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

const keyCredentialOf = (c: SigningCertificate): KeyCredential => ({
  customKeyIdentifier: c.thumbprint,
  displayName: c.displayName,
  endDateTime: c.endDateTime,
  key: null,
  keyId: c.keyId,
  startDateTime: c.startDateTime,
  type: 'AsymmetricX509Cert',
  usage: 'Verify',
});

/**
 * `POST /servicePrincipals/{id}/addTokenSigningCertificate`: a new self-signed SAML signing
 * certificate for the application (RSA 2048, SHA-256, 3 years unless `endDateTime` says less),
 * active at once: metadata and responses use it from now on. Application administrators and the
 * app's owners (application.manage). The key pair is generated before the transaction that stores
 * it with the application's keyCredentials and the "Update service principal" audit record.
 */
export async function samlGraphRoutes(app: FastifyInstance): Promise<void> {
  const { applications } = app.portico.services;
  const { clock } = app.portico;
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
      const ctx = req.ctx;
      const sp = await applications.loadForManage(ctx, req.params.id);
      const now = clock.now();
      let end: Date | undefined;
      if (req.body.endDateTime !== undefined) {
        end = new Date(req.body.endDateTime);
        const max = new Date(now);
        max.setUTCFullYear(max.getUTCFullYear() + CERTIFICATE_YEARS);
        if (end.getTime() <= now.getTime())
          throw invalid('credential_dates_invalid', 'endDateTime must be in the future.', 'endDateTime');
        if (end.getTime() > max.getTime()) {
          throw invalid(
            'credential_dates_invalid',
            `endDateTime must be at most ${CERTIFICATE_YEARS} years from now.`,
            'endDateTime',
          );
        }
      }
      const store = app.saml.certificates;
      const displayName = req.body.displayName ?? `CN=${sp.displayName.replace(/([,+"\\<>;=#])/g, '\\$1')} SAML Signing`;
      const row = await store.prepareApplicationCertificate(ctx.caller.tenantId, sp.id, displayName, end);
      const cert = await app.portico.database.db.transaction().execute(async (trx) => {
        const c = await store.insertCertificate(trx, row);
        const all = await store.applicationCertificates(trx, ctx.caller.tenantId, sp.id);
        await applications.recordKeyCredentials(trx, ctx, sp, all.map(keyCredentialOf), 'Add token signing certificate');
        return c;
      });
      const out: SelfSignedCertificate = {
        customKeyIdentifier: cert.thumbprint,
        displayName: cert.displayName,
        endDateTime: cert.endDateTime,
        key: cert.certificateBase64,
        keyId: cert.keyId,
        startDateTime: cert.startDateTime,
        thumbprint: cert.thumbprint,
        type: 'AsymmetricX509Cert',
        usage: 'Verify',
      };
      return sendEntity(req, reply, 'microsoft.graph.selfSignedCertificate', out);
    },
  );
}
