import '../../platform/reflect-metadata.js';
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import type { IdGenerator } from '../../domain/ids.js';
import {
  findNewestCertificate,
  insertCertificate,
  insertInitialCertificate,
  listApplicationCertificates,
} from './saml.repository.js';
import type { SamlSigningCertificatesTable } from './saml.table.js';

/** Token-signing certificates of the SAML IdP: RSA 2048, SHA-256, self-signed, 3 years. */

export const CERTIFICATE_YEARS = 3;

export interface SigningCertificate {
  keyId: string;
  tenantId: string;
  /** Null for the tenant's certificate; the application's id for its own (addTokenSigningCertificate). */
  servicePrincipalId: string | null;
  displayName: string;
  certificatePem: string;
  /** The DER certificate in base64 (metadata `X509Certificate`, keyCredential `key`). */
  certificateBase64: string;
  privateKeyPem: string;
  /** SHA-1 of the DER certificate, upper-case hex (Entra's thumbprint). */
  thumbprint: string;
  startDateTime: string;
  endDateTime: string;
}

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };

const pem = (label: string, der: Buffer) =>
  `-----BEGIN ${label}-----\n${(der.toString('base64').match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${label}-----\n`;

const base64Of = (certificatePem: string) => certificatePem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

const toCertificate = (r: SamlSigningCertificatesTable): SigningCertificate => ({
  keyId: r.key_id,
  tenantId: r.tenant_id,
  servicePrincipalId: r.service_principal_id,
  displayName: r.display_name,
  certificatePem: r.certificate_pem,
  certificateBase64: base64Of(r.certificate_pem),
  privateKeyPem: r.private_key_pem,
  thumbprint: r.thumbprint,
  startDateTime: r.start_date_time,
  endDateTime: r.end_date_time,
});

/** Creates a key pair and its self-signed certificate (about 0.1–1 s: never inside a transaction). */
export async function generateCertificate(
  subject: string,
  notBefore: Date,
  notAfter: Date,
): Promise<{ certificatePem: string; privateKeyPem: string; thumbprint: string }> {
  const keys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  // Positive serial number (leading byte below 0x80), 16 random bytes.
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial.toString('hex'),
      name: subject,
      notBefore,
      notAfter,
      signingAlgorithm: RSA,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      ],
    },
    webcrypto as unknown as Crypto,
  );
  const der = Buffer.from(cert.rawData);
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return {
    certificatePem: pem('CERTIFICATE', der),
    privateKeyPem: pem('PRIVATE KEY', pkcs8),
    thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
  };
}

/** Distinguished-name value escaping (RFC 4514) for the subject's CN. */
const dnValue = (s: string) => s.replace(/([,+"\\<>;=#])/g, '\\$1').trim();

/** The IdP's token-signing certificates (tenant's and applications'), over saml.repository.ts. */
export function createCertificateStore(deps: { db: Executor; clock: Clock; newId: IdGenerator }) {
  const { db, clock } = deps;

  async function newest(tenantId: string, spId: string | null): Promise<SigningCertificate | undefined> {
    const r = await findNewestCertificate(db, tenantId, spId);
    return r ? toCertificate(r) : undefined;
  }

  async function generateRow(
    tenantId: string,
    spId: string | null,
    displayName: string,
    endDateTime: Date | undefined,
  ): Promise<SamlSigningCertificatesTable> {
    const now = clock.now();
    // Valid from a few minutes back, for SPs whose clocks run slightly behind.
    const start = new Date(now.getTime() - 5 * 60_000);
    const end = endDateTime ?? new Date(now);
    if (!endDateTime) end.setUTCFullYear(end.getUTCFullYear() + CERTIFICATE_YEARS);
    const g = await generateCertificate(displayName, start, end);
    return {
      key_id: deps.newId(),
      tenant_id: tenantId,
      service_principal_id: spId,
      initial_for_tenant: null,
      display_name: displayName,
      certificate_pem: g.certificatePem,
      private_key_pem: g.privateKeyPem,
      thumbprint: g.thumbprint,
      start_date_time: start.toISOString(),
      end_date_time: end.toISOString(),
      created_date_time: now.toISOString(),
    };
  }

  const store = {
    /** The tenant's certificate, created on first use (safe when several processes race). */
    async tenantCertificate(tenant: { id: string; displayName: string }): Promise<SigningCertificate> {
      const found = await newest(tenant.id, null);
      if (found) return found;
      const row = await generateRow(tenant.id, null, `CN=${dnValue(`${tenant.displayName} SAML Signing`)}`, undefined);
      await insertInitialCertificate(db, row);
      const now = await newest(tenant.id, null);
      if (!now) throw new Error('SAML signing certificate missing after creation');
      return now;
    },

    /** The certificate that signs for an application: its own newest, else the tenant's. */
    async signingCertificate(tenant: { id: string; displayName: string }, spId: string): Promise<SigningCertificate> {
      return (await newest(tenant.id, spId)) ?? store.tenantCertificate(tenant);
    },

    /** Prepares a new certificate for an application (slow part, outside any transaction). */
    prepareApplicationCertificate: (tenantId: string, spId: string, displayName: string, endDateTime: Date | undefined) =>
      generateRow(tenantId, spId, displayName, endDateTime),

    /** Stores a prepared certificate (in the caller's transaction): from now on it signs for its application. */
    async insertCertificate(trx: Executor, row: SamlSigningCertificatesTable): Promise<SigningCertificate> {
      await insertCertificate(trx, row);
      return toCertificate(row);
    },

    /** Every certificate of an application (newest first), for its keyCredentials. */
    async applicationCertificates(trx: Executor, tenantId: string, spId: string): Promise<SigningCertificate[]> {
      return (await listApplicationCertificates(trx, tenantId, spId)).map(toCertificate);
    },
  };
  return store;
}

export type CertificateStore = ReturnType<typeof createCertificateStore>;
