import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/server/main.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

// Portico serves https itself with PORTICO_TLS_CERT/PORTICO_TLS_KEY, and `portico dev-cert` makes a
// local CA and a localhost certificate for it (clients such as MSAL refuse plain http).

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-tls-'));
let output = '';
let t: TestApp;
let port = 0;

const get = (url: string, ca: Buffer | undefined) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = https.get(url, { ...(ca ? { ca } : {}) }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });

beforeAll(async () => {
  const code = await runCli(['dev-cert'], {
    env: { PORTICO_DATA_DIR: dataDir, PORTICO_LOG_LEVEL: 'silent' },
    stdout: (s) => {
      output += s;
    },
    stderr: (s) => {
      output += s;
    },
  });
  expect(code, output).toBe(0);
  t = await buildTestApp({
    env: {
      PORTICO_TLS_CERT: path.join(dataDir, 'tls', 'dev-cert.pem'),
      PORTICO_TLS_KEY: path.join(dataDir, 'tls', 'dev-key.pem'),
      PORTICO_OUTBOX_WORKER: 'off',
    },
  });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = t.app.server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
});

afterAll(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('portico dev-cert', () => {
  it('writes a CA and a localhost certificate it signed, keys private, and prints the settings', () => {
    const dir = path.join(dataDir, 'tls');
    const ca = new X509Certificate(fs.readFileSync(path.join(dir, 'dev-ca.pem')));
    const leaf = new X509Certificate(fs.readFileSync(path.join(dir, 'dev-cert.pem')));
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(new Date(leaf.validTo).getTime() - Date.now()).toBeLessThanOrEqual(398 * 24 * 3600_000);
    if (process.platform !== 'win32') {
      expect(fs.statSync(path.join(dir, 'dev-key.pem')).mode & 0o077).toBe(0);
      expect(fs.statSync(path.join(dir, 'dev-ca-key.pem')).mode & 0o077).toBe(0);
    }
    expect(output).toContain(`PORTICO_TLS_CERT=${path.join(dir, 'dev-cert.pem')}`);
    expect(output).toContain(`NODE_EXTRA_CA_CERTS=${path.join(dir, 'dev-ca.pem')}`);
  });

  it('reuses the CA on a second run, so a client trusts the new certificate too', async () => {
    const before = fs.readFileSync(path.join(dataDir, 'tls', 'dev-ca.pem'), 'utf8');
    expect(await runCli(['dev-cert'], { env: { PORTICO_DATA_DIR: dataDir }, stdout: () => {}, stderr: () => {} })).toBe(0);
    expect(fs.readFileSync(path.join(dataDir, 'tls', 'dev-ca.pem'), 'utf8')).toBe(before);
  });
});

describe('https with PORTICO_TLS_CERT / PORTICO_TLS_KEY', () => {
  it('serves the API and discovery over TLS to a client that trusts the CA, and refuses the others', async () => {
    const ca = fs.readFileSync(path.join(dataDir, 'tls', 'dev-ca.pem'));
    const health = await get(`https://localhost:${port}/healthz`, ca);
    expect(health).toEqual({ status: 200, body: '{"status":"ok"}' });
    const discovery = await get(`https://127.0.0.1:${port}/.well-known/openid-configuration`, ca);
    expect(discovery.status).toBe(200);
    await expect(get(`https://localhost:${port}/healthz`, undefined)).rejects.toThrow(
      /self.signed|unable to verify|certificate/i,
    );
  });
});
