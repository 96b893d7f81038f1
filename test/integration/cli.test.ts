import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config/index.js';
import { createDb } from '../../src/server/db/index.js';
import { runCli } from '../../src/server/main.js';
import { dialect } from '../helpers/app.js';
import { freePort } from '../helpers/oidc.js';
import { dropPgSchema, pgTarget } from '../helpers/pg-target.js';

const schema = `cli_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
let dir: string;
let env: NodeJS.ProcessEnv;

/** Runs the CLI in-process with captured output. */
async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env,
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-cli-'));
  env = { PORTICO_DATA_DIR: dir, PORTICO_LOG_LEVEL: 'silent', PORT: '18080', PORTICO_PUBLIC_URL: 'http://localhost:18080' };
  if (dialect === 'postgres') {
    // The CLI opens DATABASE_URL as given: point it at a schema of its own through libpq options
    // (or, behind PgBouncer, through a login role whose search_path is that schema).
    const target = await pgTarget(schema);
    const url = new URL(target.url);
    if (target.pgSchema) url.searchParams.set('options', `-c search_path=${target.pgSchema}`);
    env.DATABASE_URL = url.href;
  }
});

afterAll(async () => {
  if (dialect === 'postgres') {
    await dropPgSchema(schema);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('portico CLI', () => {
  it('migrate applies the migrations once and names the database', async () => {
    const first = await cli('migrate');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Applied migration 0001_directory');
    expect(first.stdout).toContain(dialect === 'sqlite' ? `${path.join(dir, 'portico.db')} (SQLite)` : '(PostgreSQL)');
    const again = await cli('migrate');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('up to date');
  });

  it('admin create makes a Global Administrator and prints its id; a duplicate fails clearly', async () => {
    const res = await cli(
      'admin',
      'create',
      '--email',
      'Root@Contoso.com',
      '--password',
      'Sup3r-Secret!',
      '--display-name',
      'Root Admin',
    );
    expect(res.code).toBe(0);
    const id = /id: ([0-9a-f-]{36})/.exec(res.stdout)?.[1];
    expect(id).toBeDefined();
    expect(res.stdout).toContain('Global Administrator');

    const dup = await cli('admin', 'create', '--email', 'root@contoso.com', '--password', 'Sup3r-Secret!');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
  });

  it('admin create refuses a weak password and an invalid e-mail with exit code 1', async () => {
    const weak = await cli('admin', 'create', '--email', 'weak@contoso.com', '--password', 'short');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/password/i);
    const bad = await cli('admin', 'create', '--email', 'not an email', '--password', 'Sup3r-Secret!');
    expect(bad.code).toBe(1);
  });

  it('client create prints clientId, clientSecret and the token endpoint as JSON', async () => {
    const res = await cli('client', 'create', '--name', 'Provisioning', '--permissions', 'User.Read.All, Group.ReadWrite.All');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as { clientId: string; clientSecret: string; tokenEndpoint: string };
    expect(out.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.clientSecret.length).toBeGreaterThanOrEqual(43);
    expect(out.tokenEndpoint).toBe('http://localhost:18080/oauth2/v2.0/token');

    const unknown = await cli('client', 'create', '--name', 'X', '--permissions', 'Mail.Send.Everything');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown permission(s): Mail.Send.Everything');
  });

  it('seed bulk-loads the asked-for tenant, reports its time as JSON, and refuses bad sizes', async () => {
    const res = await cli(
      'seed',
      '--users',
      '40',
      '--groups',
      '8',
      '--memberships',
      '300',
      '--apps',
      '4',
      '--password',
      'Seed-Pass-123',
    );
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as { users: number; groups: number; memberships: number; apps: number; seconds: number };
    expect(out).toMatchObject({ users: 40, groups: 8, memberships: 300, apps: 4 });
    expect(out.seconds).toBeGreaterThanOrEqual(0);
    expect(res.stderr).toContain('seed: 40 users, 8 groups, 300 memberships, 4 apps');
    const database = await createDb(loadConfig(env, dir));
    try {
      const count = async (table: 'group_members' | 'service_principals' | 'app_role_assignments') =>
        Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(database.db)).rows[0]?.n);
      expect(await count('group_members')).toBe(300);
      // The 4 seeded applications and the tenant's built-in Microsoft Graph service principal.
      expect(await count('service_principals')).toBe(5);
      expect(await count('app_role_assignments')).toBeGreaterThanOrEqual(4);
    } finally {
      await database.destroy();
    }
    expect((await cli('seed', '--users', 'many')).code).toBe(2);
  });

  it('prints usage and exits 2 on unknown commands, bad or missing flags', async () => {
    for (const argv of [
      [],
      ['frobnicate'],
      ['admin'],
      ['admin', 'delete'],
      ['admin', 'create', '--email', 'x@contoso.com'],
      ['admin', 'create', '--email', 'x@contoso.com', '--password', 'Sup3r-Secret!', '--bogus'],
      ['client', 'create', '--name', 'X'],
      ['migrate', 'extra'],
      ['demo', '--bogus'],
      ['serve', '--demo=yes'],
    ]) {
      const res = await cli(...argv);
      expect(res.code, argv.join(' ')).toBe(2);
      expect(res.stderr).toContain('Usage: portico <command>');
      expect(res.stdout).toBe('');
    }
    const help = await cli('help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: portico <command>');
  });

  it('lists every configuration problem and exits 1', async () => {
    const saved = env;
    env = { ...env, PORT: 'eighty', PORTICO_SIGNING_ALG: 'HS256' };
    try {
      const res = await cli('migrate');
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('PORT');
      expect(res.stderr).toContain('PORTICO_SIGNING_ALG');
    } finally {
      env = saved;
    }
  });

  it('the real entry point serves, tells how to create an admin, and stops on SIGTERM', async () => {
    const port = await freePort();
    const dir2 = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-serve-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', 'serve'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      // Always the embedded SQLite database here: this test is about the process, not the dialect.
      env: { PATH: process.env.PATH, PORTICO_DATA_DIR: dir2, PORT: String(port), PORTICO_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 45_000;
      while (!stdout.includes('Data:') && Date.now() < deadline && child.exitCode === null) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(stdout, stderr).toContain(`Issuer:     http://localhost:${port}`);
      expect(stdout).toContain(path.join(dir2, 'portico.db'));
      expect(stdout).toContain('npx portico admin create --email');
      const res = await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { issuer: string }).issuer).toBe(`http://localhost:${port}`);

      // A client registered with the CLI (on the same database) gets a token the server accepts.
      const reg = await runCli(['client', 'create', '--name', 'e2e', '--permissions', 'User.Read.All'], {
        env: { PORTICO_DATA_DIR: dir2, PORT: String(port), PORTICO_LOG_LEVEL: 'silent' },
        stdout: (s) => {
          stdout += s;
        },
        stderr: (s) => {
          stderr += s;
        },
      });
      expect(reg, stderr).toBe(0);
      const created = JSON.parse(stdout.slice(stdout.lastIndexOf('{"clientId"'))) as {
        clientId: string;
        clientSecret: string;
        tokenEndpoint: string;
      };
      const tokenRes = await fetch(created.tokenEndpoint.replace('localhost', '127.0.0.1'), {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${created.clientId}:${created.clientSecret}`).toString('base64')}`,
        },
        body: 'grant_type=client_credentials&scope=.default',
      });
      expect(tokenRes.status).toBe(200);
      const { access_token } = (await tokenRes.json()) as { access_token: string };
      const users = await fetch(`http://127.0.0.1:${port}/v1.0/users`, { headers: { authorization: `Bearer ${access_token}` } });
      expect(users.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      const code = await exited;
      fs.rmSync(dir2, { recursive: true, force: true });
      expect(code).toBe(0);
    }
  }, 60_000);

  it('portico demo sets up the scenario, prints how to sign in, and serves the demo app', async () => {
    const port = await freePort();
    const dir2 = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-demo-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', 'demo'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { PATH: process.env.PATH, PORTICO_DATA_DIR: dir2, PORT: String(port), PORTICO_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 45_000;
      while (!stdout.includes('Invitation e-mails:') && Date.now() < deadline && child.exitCode === null) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(stdout, stderr).toContain('Demo scenario created.');
      expect(stdout).toMatch(/user name: admin@portico\.local\n\s+password:\s+\S{8,}/);
      expect(stdout).toMatch(/user name: megan@portico\.local\n\s+password:\s+\S{8,}/);
      expect(stdout).toContain(`http://localhost:${port}/demo/expenses`);
      expect(stdout).not.toContain('npx portico admin create');
      const res = await fetch(`http://localhost:${port}/demo/expenses`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Expenses');
    } finally {
      child.kill('SIGTERM');
      const code = await exited;
      fs.rmSync(dir2, { recursive: true, force: true });
      expect(code).toBe(0);
    }
  }, 60_000);
});
