import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { usePageErrors } from '../../http/surfaces.js';
import { type TenantDirectory, tenantById } from '../../http/tenant.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import { SAML_COMPLETE_PATH } from '../oidc/saml-client.js';
import { SamlStatusError } from './errors.js';
import type { SamlIdp } from './idp.js';
import { POST_SCRIPT } from './post.js';
import { LOGOUT_CONTINUE_PATH } from './sessions.js';

/**
 * Routes of the SAML 2.0 IdP (protocols/saml/idp.ts), all tenants addressed by id:
 *
 * - `GET /{tenantId}/federationmetadata/2007-06/federationmetadata.xml?appid={appId}`: IdP metadata
 *   (Entra's URL form) with the certificate that signs for that application;
 * - `GET|POST /{tenantId}/saml2`: the single sign-on and single logout endpoint (HTTP-Redirect
 *   and HTTP-POST AuthnRequests, LogoutRequests and LogoutResponses). The same URL is the IdP's
 *   entity id (Issuer);
 * - `GET /saml2/logout?id=`: where Portico's sign-out continues through the SAML applications;
 * - `GET /{tenantId}/saml2/certificate[?appid=]`: the signing certificate as PEM;
 * - `GET /saml2/complete`: end of the browser's sign-in, where the Response is issued.
 *
 * The plugin is a browser surface of its own: errors are HTML pages, except SamlStatusErrors,
 * which are answered with a SAML Response at the application's ACS.
 */
export function samlRoutes(idp: SamlIdp, tenants: TenantDirectory) {
  const schema = (summary: string) => ({ schema: { tags: ['saml'], summary } });

  const tenantOf = async (req: FastifyRequest): Promise<Tenant> => {
    const tenant = await tenantById(tenants, (req.params as { tenantId?: string }).tenantId);
    if (!tenant) throw new DomainError('resource_not_found', "This directory doesn't exist.");
    return tenant;
  };
  const appIdOf = (req: FastifyRequest): string | undefined => {
    const appId = (req.query as Record<string, unknown>).appid;
    if (appId === undefined) return undefined;
    return typeof appId === 'string' ? appId : '';
  };
  const unknownApp = () => new DomainError('resource_not_found', "This application doesn't exist in the directory.");

  const sso = async (req: FastifyRequest, reply: FastifyReply) =>
    idp.receive(req, reply, await tenantOf(req), req.method === 'GET' ? 'redirect' : 'post');

  return async (scope: FastifyInstance): Promise<void> => {
    usePageErrors(scope, {
      answer: async (err, _req, reply) => (err instanceof SamlStatusError ? idp.answerStatus(reply, err) : undefined),
    });

    scope.get(
      '/:tenantId/federationmetadata/2007-06/federationmetadata.xml',
      schema('SAML IdP metadata of an application (?appid=) or of the tenant'),
      async (req, reply) => {
        const xml = await idp.metadata(await tenantOf(req), appIdOf(req));
        if (xml === undefined) throw unknownApp();
        return reply.header('cache-control', 'no-cache').type('application/samlmetadata+xml; charset=utf-8').send(xml);
      },
    );

    scope.get(
      '/:tenantId/saml2/certificate',
      schema('SAML token-signing certificate (PEM) of an application (?appid=) or of the tenant'),
      async (req, reply) => {
        const file = await idp.certificateFile(await tenantOf(req), appIdOf(req));
        if (!file) throw unknownApp();
        return reply
          .header('cache-control', 'no-cache')
          .header('content-disposition', `attachment; filename="${file.fileName}"`)
          .type('application/x-pem-file')
          .send(file.pem);
      },
    );

    scope.get('/saml2/post.js', schema('Script that submits the SAML Response form'), async (_req, reply) =>
      reply.header('cache-control', 'public, max-age=3600').type('text/javascript; charset=utf-8').send(POST_SCRIPT),
    );

    scope.get(
      '/:tenantId/saml2',
      schema('SAML single sign-on and single logout endpoint (HTTP-Redirect AuthnRequest, LogoutRequest, LogoutResponse)'),
      sso,
    );
    scope.post(
      '/:tenantId/saml2',
      schema('SAML single sign-on and single logout endpoint (HTTP-POST AuthnRequest, LogoutRequest, LogoutResponse)'),
      sso,
    );

    scope.get(
      LOGOUT_CONTINUE_PATH,
      schema('Single logout of the SAML applications after a Portico sign-out'),
      async (req, reply) => {
        const id = (req.query as Record<string, unknown>).id;
        return idp.continueSignOut(reply, typeof id === 'string' ? id : '');
      },
    );

    scope.get(SAML_COMPLETE_PATH, schema('End of the sign-in of a SAML request: posts the Response'), async (req, reply) =>
      idp.completeSignIn(req, reply),
    );
  };
}
