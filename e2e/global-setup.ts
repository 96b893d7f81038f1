/**
 * Starts a real Portico (from source, through tsx) on a fresh SQLite data directory and a free port,
 * creates the first administrator and an automation client (for seeding test data through the API)
 * with the CLI, and returns the teardown that stops the server and removes the data directory.
 *
 * The SPA must be opened at exactly PORTICO_PUBLIC_URL (the redirect URI registered for the SPA), so
 * the tests use `http://localhost:<port>` everywhere.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ENV, ROOT } from './support/env.js';

const run = promisify(execFile);
const ADMIN_UPN = 'admin@portico.test';
const ADMIN_PASSWORD = 'E2e-Adm1n-Passw0rd!';
const DOMAIN = 'portico.test';
const LOG_FILE = path.join(ROOT, '.tmp', 'e2e', 'portico.log');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The process environment without any Portico setting of the caller (e.g. a DATABASE_URL for PostgreSQL). */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('PORTICO_') || k === 'DATABASE_URL' || k === 'PORT') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitUntilUp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Portico exited during start-up (${child.exitCode ?? child.signalCode}). Its log:\n${tail(LOG_FILE)}`);
    }
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Portico did not answer ${url} within ${timeoutMs / 1000} s. Its log:\n${tail(LOG_FILE)}`);
}

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/server/main.ts', ...args], { cwd: ROOT, env });
    return stdout;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`portico ${args.slice(0, 2).join(' ')} failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'web', 'index.html'))) {
    throw new Error(
      'dist/web/index.html is missing: the web app has not been built. Run `npm run build` (npm install/npm ci run it too) before the e2e tests.',
    );
  }
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-e2e-'));
  const env = cleanEnv({
    PORT: String(port),
    PORTICO_HOST: '127.0.0.1',
    PORTICO_PUBLIC_URL: baseUrl,
    PORTICO_DATA_DIR: dataDir,
    PORTICO_TENANT_NAME: 'Contoso',
    PORTICO_TENANT_DOMAIN: DOMAIN,
    PORTICO_LOG_LEVEL: 'warn',
    // No SMTP: mail goes to the development mailbox, delivered by the in-process outbox worker
    // (polled often, so that invitations and one-time passcodes show up quickly).
    PORTICO_OUTBOX_WORKER: 'on',
    PORTICO_OUTBOX_POLL_MS: '200',
  });

  fs.mkdirSync(path.dirname(LOG_FILE), { recursive: true });
  const log = fs.openSync(LOG_FILE, 'w');
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', 'serve'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);

  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise<void>((r) => server.once('exit', () => r()));
      server.kill('SIGTERM');
      const timer = setTimeout(() => server.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitUntilUp(`${baseUrl}/.well-known/openid-configuration`, server, 60_000);
    // Both at once (SQLite waits for the other writer): each start of the CLI takes a few seconds.
    const [, out] = await Promise.all([
      cli(['admin', 'create', '--email', ADMIN_UPN, '--password', ADMIN_PASSWORD, '--display-name', 'Ada Admin'], env),
      cli(
        [
          'client',
          'create',
          '--name',
          'e2e-seed',
          '--permissions',
          'User.ReadWrite.All,Group.ReadWrite.All,RoleManagement.ReadWrite.Directory,Policy.ReadWrite.Authorization,Directory.ReadWrite.All,Application.ReadWrite.All,AppRoleAssignment.ReadWrite.All',
        ],
        env,
      ),
    ]);
    const line = out.split('\n').find((l) => l.trim().startsWith('{'));
    if (!line) throw new Error(`portico client create printed no JSON:\n${out}`);
    const client = JSON.parse(line) as { clientId: string; clientSecret: string; tokenEndpoint: string };

    process.env[ENV.baseUrl] = baseUrl;
    process.env[ENV.adminUpn] = ADMIN_UPN;
    process.env[ENV.adminPassword] = ADMIN_PASSWORD;
    process.env[ENV.domain] = DOMAIN;
    process.env[ENV.clientId] = client.clientId;
    process.env[ENV.clientSecret] = client.clientSecret;
    process.env[ENV.tokenEndpoint] = client.tokenEndpoint;
  } catch (e) {
    await stop();
    throw e;
  }
  return stop;
}
