/** SAML 2.0 identity provider: the adapter (idp.ts) and its routes. */

export { type CertificateStore, createCertificateStore } from './certificates.js';
export { SAML_CLIENT_ID, SAML_COMPLETE_PATH, samlClientMetadata } from './client.js';
export { samlGraphRoutes } from './graph.routes.js';
export { createSamlIdp, type SamlDeps, type SamlIdp, type SignOnTarget } from './idp.js';
export { createRequestIdStore, type RequestIdStore } from './request-ids.js';
export { samlRoutes } from './routes.js';
