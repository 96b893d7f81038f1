/**
 * SAML token-signing certificates of an application. Their metadata is in the service principal's
 * `keyCredentials` (applications.ts); a new one comes from
 * `POST /servicePrincipals/{id}/addTokenSigningCertificate`.
 */

/** Body of addTokenSigningCertificate; `displayName` is the subject (`CN=…`), the default lifetime 3 years. */
export interface AddTokenSigningCertificateBody {
  displayName?: string;
  endDateTime?: string;
}

/** Graph's `selfSignedCertificate`: the answer of addTokenSigningCertificate. Never a private key. */
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
