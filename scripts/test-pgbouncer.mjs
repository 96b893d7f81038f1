#!/usr/bin/env node
// `npm run test:pgbouncer [-- <vitest args>]`: the PostgreSQL leg of the suite through PgBouncer in
// transaction pooling mode, as production PostgreSQL usually runs.
//
// Starts a private pgbouncer (Debian package `pgbouncer`) on a free loopback port in front of the
// test server (PORTICO_TEST_DATABASE_URL / DATABASE_URL, default 127.0.0.1:5432), runs
// scripts/test.mjs with `--project postgres` and PORTICO_TEST_PGBOUNCER_URL pointing at it (the
// test helpers then reach each test schema through a login role of its name: test/helpers/pg-target.ts),
// stops the bouncer and drops the roles of this run. With no arguments the whole postgres project
// runs; arguments (test files, -t …) narrow it. PORTICO_PGBOUNCER_PORT picks the port.
//
// Without pgbouncer installed the run is skipped with a loud notice; PORTICO_REQUIRE_PGBOUNCER=1
// (CI) makes that a failure. Writes .tmp/test-summary-pgbouncer.txt (`N passed, N failed`).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { postgresReachable, testDatabaseUrl } from './pg-probe.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const summaryFile = path.join(root, '.tmp', 'test-summary-pgbouncer.txt');
const requireBouncer = process.env.PORTICO_REQUIRE_PGBOUNCER === '1';

function finish(summary, code) {
  fs.mkdirSync(path.dirname(summaryFile), { recursive: true });
  fs.writeFileSync(summaryFile, `${summary}\n`);
  console.log(`pgbouncer leg: ${summary}`);
  process.exit(code);
}

function findPgbouncer() {
  for (const p of [process.env.PORTICO_PGBOUNCER_BIN, '/usr/sbin/pgbouncer', '/usr/bin/pgbouncer']) {
    if (p && fs.existsSync(p)) return p;
  }
  const which = spawnSync('sh', ['-c', 'command -v pgbouncer'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function waitReady(url, child, until) {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited with code ${child.exitCode}`);
    const c = new pg.Client({ connectionString: url });
    try {
      await c.connect();
      await c.query('select 1');
      await c.end();
      return;
    } catch (err) {
      await c.end().catch(() => {});
      if (Date.now() > until) throw new Error(`pgbouncer did not answer: ${err.message}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

const bin = findPgbouncer();
if (!bin) {
  console.warn(
    [
      '',
      '################################################################################',
      '#  PGBOUNCER LEG SKIPPED: pgbouncer is not installed',
      '#  Install it (`sudo apt-get install -y pgbouncer`; no service needs to run).',
      '#  PORTICO_REQUIRE_PGBOUNCER=1 makes this a failure (CI does).',
      '################################################################################',
      '',
    ].join('\n'),
  );
  finish(requireBouncer ? '0 passed, 1 failed' : '0 passed, 0 failed', requireBouncer ? 1 : 0);
}
const upstream = new URL(testDatabaseUrl());
if (!(await postgresReachable(upstream.href))) {
  console.error(`pgbouncer leg: PostgreSQL is not reachable at ${upstream.host}`);
  finish(requireBouncer ? '0 passed, 1 failed' : '0 passed, 0 failed', requireBouncer ? 1 : 0);
}

const port = Number(process.env.PORTICO_PGBOUNCER_PORT || (await freePort()));
const runId = `portico-pgbouncer-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-pgbouncer-'));
fs.chmodSync(dir, 0o755);
const adminUser = decodeURIComponent(upstream.username || 'postgres');
fs.writeFileSync(path.join(dir, 'users.txt'), `"${adminUser}" "${decodeURIComponent(upstream.password)}"\n`, { mode: 0o644 });
const ini = `[databases]
* = host=${upstream.hostname || '127.0.0.1'} port=${upstream.port || 5432}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
pool_mode = transaction
; Test roles are created per schema; auth_user looks them up on the server (which trusts loopback).
auth_type = trust
auth_file = ${dir}/users.txt
auth_user = ${adminUser}
admin_users = ${adminUser}
max_client_conn = 2000
default_pool_size = 4
max_db_connections = 30
server_idle_timeout = 10
ignore_startup_parameters = extra_float_digits
`;
fs.writeFileSync(path.join(dir, 'pgbouncer.ini'), ini, { mode: 0o644 });
const logFile = path.join(root, '.tmp', 'pgbouncer.log');
fs.mkdirSync(path.dirname(logFile), { recursive: true });
const log = fs.openSync(logFile, 'w');
// PgBouncer refuses to run as root: drop to the database's system user then.
const asRoot = process.getuid?.() === 0;
const child = spawn(bin, [...(asRoot ? ['-u', 'postgres'] : []), path.join(dir, 'pgbouncer.ini')], {
  stdio: ['ignore', log, log],
});
const stopBouncer = async () => {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  fs.rmSync(dir, { recursive: true, force: true });
};
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => stopBouncer().then(() => process.exit(1)));

const bouncerUrl = new URL(upstream.href);
bouncerUrl.hostname = '127.0.0.1';
bouncerUrl.port = String(port);
try {
  await waitReady(bouncerUrl.href, child, Date.now() + 10_000);
} catch (err) {
  console.error(`pgbouncer leg: ${err.message} (log: ${path.relative(root, logFile)})`);
  await stopBouncer();
  finish('0 passed, 1 failed', 1);
}
console.log(`pgbouncer leg: PgBouncer (transaction pooling) on 127.0.0.1:${port} → ${upstream.host}`);

const started = Date.now();
const args = process.argv.slice(2);
const code = await new Promise((resolve) => {
  const t = spawn(process.execPath, [path.join(root, 'scripts', 'test.mjs'), '--project', 'postgres', ...args], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      PORTICO_TEST_PGBOUNCER_URL: bouncerUrl.href,
      PORTICO_TEST_PGBOUNCER_RUN: runId,
      PORTICO_TEST_E2E: '0',
    },
  });
  t.on('exit', (c) => resolve(c ?? 1));
});
await stopBouncer();

// The login roles this run created (tagged with the run id by test/helpers/pg-target.ts).
const c = new pg.Client({ connectionString: upstream.href });
await c.connect();
const { rows } = await c.query(
  `select rolname from pg_roles r join pg_shdescription d on d.objoid = r.oid where d.description = $1`,
  [runId],
);
for (const { rolname } of rows) {
  await c.query(`drop owned by ${rolname} cascade`).catch(() => {});
  await c.query(`drop role if exists ${rolname}`).catch(() => {});
}
await c.end();

const summaryPath = path.join(root, '.tmp', 'test-summary.txt');
let summary = fs.existsSync(summaryPath) ? fs.readFileSync(summaryPath, 'utf8').trim() : '0 passed, 1 failed';
// A run that failed without counting a failure (a crash, a stage error) still fails the leg.
if (code !== 0 && /\b0 failed\b/.test(summary)) summary = summary.replace(/\b0 failed\b/, '1 failed');
console.log(`pgbouncer leg: finished in ${((Date.now() - started) / 1000).toFixed(1)} s (${rows.length} test roles dropped)`);
finish(summary, code === 0 ? 0 : 1);
