import { X509Certificate } from 'node:crypto';
import type { SamlVerificationCertificate } from '../../../contracts/applications.js';
import { invalid } from '../../domain/errors.js';

/**
 * The certificates that verify an application's signed SAML AuthnRequests (Entra's "Request
 * verification certificates"): public X.509 certificates with an RSA key, pure (no I/O).
 */

const TARGET = 'samlSettings.verificationCertificates';

const refuse = (message: string) => invalid('saml_verification_certificate_invalid', message, TARGET);

/** Parses a certificate given as PEM or base64 DER (or the read form `{certificate}`) into its read form. */
export function parseVerificationCertificate(input: string | { certificate: string }): SamlVerificationCertificate {
  const text = typeof input === 'string' ? input : input.certificate;
  const b64 = text.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) {
    throw refuse('A verification certificate must be an X.509 certificate in PEM or base64 (DER) form.');
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(b64, 'base64'));
  } catch {
    throw refuse('A verification certificate could not be read: upload the X.509 certificate (PEM or base64 DER).');
  }
  if (cert.publicKey.asymmetricKeyType !== 'rsa') {
    throw refuse('A verification certificate must have an RSA public key: signed requests use RSA with SHA-256 or stronger.');
  }
  return {
    certificate: cert.raw.toString('base64'),
    thumbprint: cert.fingerprint.replace(/:/g, '').toUpperCase(),
    subject: cert.subject.replace(/\n/g, ', '),
    startDateTime: new Date(cert.validFrom).toISOString(),
    endDateTime: new Date(cert.validTo).toISOString(),
  };
}

/** The list without repeated certificates (same thumbprint), first one kept. */
export function distinctCertificates(certs: readonly SamlVerificationCertificate[]): SamlVerificationCertificate[] {
  const seen = new Set<string>();
  return certs.filter((c) => {
    if (seen.has(c.thumbprint)) return false;
    seen.add(c.thumbprint);
    return true;
  });
}

/** Newly added certificates must not have expired already (existing ones may expire while kept). */
export function checkNewCertificates(
  after: readonly SamlVerificationCertificate[],
  before: readonly SamlVerificationCertificate[],
  now: Date,
): void {
  const known = new Set(before.map((c) => c.thumbprint));
  const expired = after.find((c) => !known.has(c.thumbprint) && new Date(c.endDateTime) <= now);
  if (expired) throw refuse(`The verification certificate ${expired.thumbprint} expired on ${expired.endDateTime}.`);
}
