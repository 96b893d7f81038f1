/** SAML 2.0 identity provider: the adapter (idp.ts) and its routes. */

export { createCertificateStore } from './certificates.js';
export { samlGraphRoutes } from './graph.routes.js';
export { createSamlIdp, type SamlIdp } from './idp.js';
export { createRequestIdStore } from './request-ids.js';
export { samlRoutes } from './routes.js';
export { createSamlSessionStore, type SamlSessionStore } from './sessions.js';
