/** SAML 2.0 identity provider: see routes.ts. */

export { SAML_CLIENT_ID, SAML_COMPLETE_PATH, samlClientMetadata } from './client.js';
export { samlGraphRoutes } from './graph.routes.js';
export { type SamlIdp, type SignOnTarget, samlRoutes } from './routes.js';

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SignOnTarget } from './routes.js';

/**
 * Starts the sign-on of a SAML application for `/myapps/signin/{appId}`: SP-initiated (redirect to
 * `loginUrl`) when configured, else IdP-initiated after the user's sign-in. Answers the request.
 */
export const startSignOn = (req: FastifyRequest, reply: FastifyReply, target: string | SignOnTarget): Promise<FastifyReply> =>
  req.server.saml.startSignOn(req, reply, target);
