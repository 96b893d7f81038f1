import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import type { TestApp } from './app.js';
import { textOf } from './redeem.js';

/** A real SAML service provider (@node-saml/node-saml) pointed at Portico's IdP for one application. */

export interface SamlApp {
  id: string;
  appId: string;
  entityId: string;
  acs: string;
}

const unique = () => Math.random().toString(36).slice(2, 10);

/** Creates a custom SAML application through Graph (as the test admin). */
export async function createSamlApp(
  t: TestApp,
  props: Record<string, unknown> = {},
): Promise<SamlApp & { sp: Record<string, unknown> }> {
  const n = unique();
  const entityId = `https://sp-${n}.example.test/saml/metadata`;
  const acs = `https://sp-${n}.example.test/saml/acs`;
  const res = await t.call('POST', '/v1.0/servicePrincipals', {
    token: t.admin.token,
    body: {
      displayName: `SAML app ${n}`,
      preferredSingleSignOnMode: 'saml',
      servicePrincipalNames: [entityId],
      replyUrls: [acs],
      appRoleAssignmentRequired: true,
      ...props,
    },
  });
  if (res.statusCode !== 201) throw new Error(`create app: ${res.statusCode} ${res.body}`);
  const sp = res.json() as Record<string, unknown> & { id: string; appId: string };
  return { id: sp.id, appId: sp.appId, entityId, acs, sp };
}

/** Assigns a user or group (default access). */
export async function assign(t: TestApp, spId: string, principalId: string): Promise<void> {
  const res = await t.call('POST', `/v1.0/servicePrincipals/${spId}/appRoleAssignedTo`, {
    token: t.admin.token,
    body: { principalId, resourceId: spId, appRoleId: '00000000-0000-0000-0000-000000000000' },
  });
  if (res.statusCode !== 201) throw new Error(`assign: ${res.statusCode} ${res.body}`);
}

export const metadataUrl = (base: string, tenantId: string, appId: string) =>
  `${base}/${tenantId}/federationmetadata/2007-06/federationmetadata.xml?appid=${appId}`;

/** The IdP metadata of an application: entity id, SSO URL and signing certificate. */
export async function idpMetadata(base: string, tenantId: string, appId: string) {
  const res = await fetch(metadataUrl(base, tenantId, appId));
  if (res.status !== 200) throw new Error(`metadata: ${res.status}`);
  const xml = await res.text();
  const cert = /<X509Certificate>([^<]+)<\/X509Certificate>/.exec(xml)?.[1];
  const entityId = /entityID="([^"]+)"/.exec(xml)?.[1];
  const sso = /<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="([^"]+)"/.exec(
    xml,
  )?.[1];
  const slo = /<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="([^"]+)"/.exec(
    xml,
  )?.[1];
  if (!cert || !entityId || !sso) throw new Error(`incomplete metadata:\n${xml}`);
  return { xml, cert, entityId, sso, slo };
}

/**
 * node-saml as the SP: wants both signatures, checks InResponseTo (always), the audience and the
 * IdP issuer. Its in-memory cache remembers the requests it sent (and forgets answered ones).
 */
export async function serviceProvider(
  base: string,
  tenantId: string,
  app: SamlApp,
  opts: {
    binding?: 'redirect' | 'post';
    /** Signs the AuthnRequests with this key (PKCS#8 PEM), with `signatureAlgorithm` (default sha256). */
    privateKey?: string;
    signatureAlgorithm?: 'sha1' | 'sha256' | 'sha512';
  } = {},
) {
  const md = await idpMetadata(base, tenantId, app.appId);
  const saml = new SAML({
    entryPoint: md.sso,
    // Single logout: the IdP's SingleLogoutService (the same URL as SSO, as in Entra).
    logoutUrl: md.slo ?? md.sso,
    issuer: app.entityId,
    callbackUrl: app.acs,
    audience: app.entityId,
    idpCert: md.cert,
    idpIssuer: md.entityId,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: true,
    validateInResponseTo: ValidateInResponseTo.always,
    identifierFormat: null,
    disableRequestedAuthnContext: true,
    ...(opts.binding === 'post' ? { authnRequestBinding: 'HTTP-POST' } : {}),
    ...(opts.privateKey
      ? {
          privateKey: opts.privateKey,
          signatureAlgorithm: opts.signatureAlgorithm ?? 'sha256',
          digestAlgorithm: opts.signatureAlgorithm ?? 'sha256',
        }
      : {}),
  });
  return { saml, metadata: md };
}

/** Hidden inputs and action of the (first) form of an HTML page, entities decoded. */
export function formFields(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form\b[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form in page:\n${html}`);
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    if (m[1]) fields[m[1]] = textOf(m[2] ?? '');
  }
  return { action: textOf(action), fields };
}

export const decodeResponse = (samlResponse: string) => Buffer.from(samlResponse, 'base64').toString('utf8');
export const encodeResponse = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
