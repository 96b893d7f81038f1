import './reflect-metadata.js';
import { randomBytes, webcrypto } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as x509 from '@peculiar/x509';

/**
 * `portico dev-cert`: a local certificate authority and a server certificate for localhost signed
 * by it, so that clients that insist on https (MSAL, @azure/identity, the Graph SDKs) can talk to a
 * development Portico. The CA key stays in the data directory; trust the CA (NODE_EXTRA_CA_CERTS,
 * or the OS store) and nothing else changes. Never for production: use a real certificate there.
 */

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY = 24 * 3600_000;
// Node's webcrypto is the standard Crypto; the DOM and Node typings disagree on overloads only.
const crypto = webcrypto as unknown as Crypto;

export interface DevCertificateFiles {
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
}

const pem = (label: string, der: ArrayBuffer) =>
  `-----BEGIN ${label}-----\n${(
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? []
  ).join('\n')}\n-----END ${label}-----\n`;

const serial = () => {
  const s = randomBytes(16);
  s[0] = (s[0] ?? 0) & 0x7f;
  return s.toString('hex');
};

/** The files `portico dev-cert` writes under `dir`. */
export const devCertificatePaths = (dir: string): DevCertificateFiles => ({
  caCert: path.join(dir, 'dev-ca.pem'),
  caKey: path.join(dir, 'dev-ca-key.pem'),
  cert: path.join(dir, 'dev-cert.pem'),
  key: path.join(dir, 'dev-key.pem'),
});

/**
 * Writes a CA (10 years) and a server certificate for `hosts` (localhost, 127.0.0.1, ::1 by
 * default; 397 days, the most browsers accept) into `dir`. An existing CA is reused, so trusting
 * it once is enough; the server certificate is replaced. Private keys are written mode 0600.
 */
export async function writeDevCertificate(
  dir: string,
  now: Date,
  hosts: readonly string[] = ['localhost', '127.0.0.1', '::1'],
): Promise<DevCertificateFiles & { createdCa: boolean }> {
  fs.mkdirSync(dir, { recursive: true });
  const files = devCertificatePaths(dir);
  const subtle = webcrypto.subtle;
  let caCert: x509.X509Certificate;
  let caKey: CryptoKey;
  const createdCa = !(fs.existsSync(files.caCert) && fs.existsSync(files.caKey));
  if (createdCa) {
    const keys = (await subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
    caCert = await x509.X509CertificateGenerator.createSelfSigned(
      {
        serialNumber: serial(),
        name: 'CN=Portico development CA',
        notBefore: new Date(now.getTime() - DAY),
        notAfter: new Date(now.getTime() + 3650 * DAY),
        signingAlgorithm: SIGN,
        keys,
        extensions: [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        ],
      },
      crypto,
    );
    caKey = keys.privateKey;
    fs.writeFileSync(files.caCert, `${caCert.toString('pem').trim()}\n`);
    fs.writeFileSync(files.caKey, pem('PRIVATE KEY', await subtle.exportKey('pkcs8', keys.privateKey)), { mode: 0o600 });
  } else {
    caCert = new x509.X509Certificate(fs.readFileSync(files.caCert, 'utf8'));
    const der = Buffer.from(
      fs
        .readFileSync(files.caKey, 'utf8')
        .replace(/-----[^-]+-----/g, '')
        .replace(/\s+/g, ''),
      'base64',
    );
    caKey = await subtle.importKey('pkcs8', der, EC, false, ['sign']);
  }
  const keys = (await subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial(),
      subject: 'CN=localhost',
      issuer: caCert.subject,
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + 397 * DAY),
      signingAlgorithm: SIGN,
      publicKey: keys.publicKey,
      signingKey: caKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(
          hosts.map((h) => (/^[\d.:]+$/.test(h) ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h })),
        ),
        await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  // The chain (server, then CA) so clients that do not have the CA in their store still see it offered.
  fs.writeFileSync(files.cert, `${cert.toString('pem').trim()}\n${caCert.toString('pem').trim()}\n`);
  fs.writeFileSync(files.key, pem('PRIVATE KEY', await subtle.exportKey('pkcs8', keys.privateKey)), { mode: 0o600 });
  return { ...files, createdCa };
}
