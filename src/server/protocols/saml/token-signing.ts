import type { KeyCredential, ServicePrincipal } from '../../../contracts/applications.js';
import type { SelfSignedCertificate } from '../../../contracts/certificates.js';
import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import type { OperationContext } from '../../domain/context.js';
import { invalid } from '../../domain/errors.js';
import { CERTIFICATE_YEARS, type CertificateStore, type SigningCertificate } from './certificates.js';

export interface TokenSigningCertificateRequest {
  displayName?: string | undefined;
  endDateTime?: string | undefined;
}

/** What a certificate change needs: a transaction, the certificate store, and the application it belongs to. */
export interface TokenSigningDeps {
  transaction<T>(fn: (trx: Executor) => Promise<T>): Promise<T>;
  clock: Clock;
  certificates: CertificateStore;
  applications: {
    loadForManage(ctx: OperationContext, key: string): Promise<ServicePrincipal>;
    recordKeyCredentials(
      trx: Executor,
      ctx: OperationContext,
      sp: ServicePrincipal,
      keyCredentials: KeyCredential[],
      change: string,
    ): Promise<void>;
  };
}

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
 * app's owners (`loadForManage`: application.manage). The key pair is generated before the one
 * transaction that stores it with the application's keyCredentials and the "Update service
 * principal" audit record.
 */
export async function addTokenSigningCertificate(
  deps: TokenSigningDeps,
  ctx: OperationContext,
  key: string,
  body: TokenSigningCertificateRequest,
): Promise<SelfSignedCertificate> {
  const { certificates } = deps;
  const sp = await deps.applications.loadForManage(ctx, key);
  const now = deps.clock.now();
  let end: Date | undefined;
  if (body.endDateTime !== undefined) {
    end = new Date(body.endDateTime);
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
  const displayName = body.displayName ?? `CN=${sp.displayName.replace(/([,+"\\<>;=#])/g, '\\$1')} SAML Signing`;
  const row = await certificates.prepareApplicationCertificate(ctx.caller.tenantId, sp.id, displayName, end);
  const cert = await deps.transaction(async (trx) => {
    const c = await certificates.insertCertificate(trx, row);
    const all = await certificates.applicationCertificates(trx, ctx.caller.tenantId, sp.id);
    await deps.applications.recordKeyCredentials(trx, ctx, sp, all.map(keyCredentialOf), 'Add token signing certificate');
    return c;
  });
  return {
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
}
