import type { TenantServicePrincipal } from '../../modules/applications/sign-on.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import type { CertificateStore } from './certificates.js';
import { buildMetadata } from './response.js';

/** What the IdP publishes about itself: metadata documents and signing certificates (read-only). */
export function createMetadataPublisher(deps: {
  certificates: CertificateStore;
  entityId(tenant: Pick<Tenant, 'id'>): string;
  findByAppId(appId: string): Promise<TenantServicePrincipal | undefined>;
}) {
  const { certificates } = deps;

  /** The signing certificate of an application (`appId`) or of the tenant; undefined for an unknown app. */
  const certificateOf = async (tenant: Tenant, appId: string | undefined) => {
    if (appId === undefined) return { certificate: await certificates.tenantCertificate(tenant), sp: undefined };
    const found = await deps.findByAppId(appId);
    const sp = found && found.tenantId === tenant.id ? found : undefined;
    return sp ? { certificate: await certificates.signingCertificate(tenant, sp.id), sp } : undefined;
  };

  return {
    async metadata(tenant: Tenant, appId: string | undefined): Promise<string | undefined> {
      const found = await certificateOf(tenant, appId);
      if (!found) return undefined;
      const { certificate } = found;
      return buildMetadata({
        idpEntityId: deps.entityId(tenant),
        ssoUrl: deps.entityId(tenant),
        certificate,
        id: `_${certificate.keyId.replace(/-/g, '')}`,
        wantAuthnRequestsSigned: found.sp?.samlSettings.requireSignedRequests === true,
      });
    },

    async certificateFile(tenant: Tenant, appId: string | undefined) {
      const found = await certificateOf(tenant, appId);
      if (!found) return undefined;
      const name = (found.sp?.displayName ?? tenant.displayName).replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64) || 'portico';
      return { pem: found.certificate.certificatePem, fileName: `${name}.pem` };
    },
  };
}
