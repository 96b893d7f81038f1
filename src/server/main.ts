import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { createUserBody } from '../contracts/users.js';
import { type Config, ConfigError, loadConfig } from './config/index.js';
import { createDb, migrateToLatest, refreshStatistics } from './db/index.js';
import { systemContext } from './domain/context.js';
import { DomainError } from './domain/errors.js';
import { applicationPermissions } from './domain/permissions.js';
import { RoleIds } from './domain/roles.js';
import type { SeedSize } from './modules/directory/seed.js';
import { issuerUrl } from './platform/urls.js';

export const USAGE = `Usage: portico <command> [options]

Commands:
  serve [--demo]                          Start the server (runs pending migrations first); --demo as below
  demo                                    Set up the seed scenario (an admin, a group owner with Guest Inviter,
                                          the demo SAML app "Expenses" with self-service) and serve it;
                                          prints the sign-in details (new passwords on every run)
  migrate                                 Apply pending database migrations and exit
  backup <file>                           Online backup of the embedded SQLite database into a new file
                                          (consistent while Portico runs); PostgreSQL: use pg_dump
  admin create --email E --password P [--display-name N]
                                          Create a member holding Global Administrator in the default tenant
  client create --name N --permissions P1,P2,...
                                          Register an automation client (client-credentials grant);
                                          prints {"clientId","clientSecret","tokenEndpoint"} once
  seed [--users N] [--groups N] [--memberships N] [--apps N] [--password P]
                                          Bulk-load a large test tenant into the default tenant (benchmarks,
                                          trials; defaults 100000 users, 10000 groups, 1000000 memberships,
                                          1000 apps); progress on stderr, a JSON summary on stdout
  dev-cert                                Write a local CA and an https certificate for localhost into the
                                          data directory and print the settings that use them (development)
  help                                    Show this help

Configuration comes from environment variables (PORTICO_*, DATABASE_URL, PORT); see README.md.
Application permissions: ${applicationPermissions.join(', ')}`;

export interface CliIo {
  /** Environment to read the configuration from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Working directory that relative paths are resolved against (default process.cwd()). */
  cwd?: string;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

/** Bad invocation: usage is printed and the exit code is 2. */
class UsageError extends Error {}

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

/**
 * The `portico` command line. Returns the process exit code: 0 success, 1 failure (invalid
 * configuration, refused operation), 2 bad invocation (usage printed on stderr).
 */
export async function runCli(argv: string[], io: CliIo = {}): Promise<number> {
  const out = io.stdout ?? ((s: string) => void process.stdout.write(s));
  const err = io.stderr ?? ((s: string) => void process.stderr.write(s));
  const println = (s = '') => out(`${s}\n`);
  const eprintln = (s = '') => err(`${s}\n`);
  const [command, ...rest] = argv;
  try {
    if (command === 'help' || command === '--help' || command === '-h') {
      println(USAGE);
      return EXIT_OK;
    }
    if (command === undefined) throw new UsageError('No command given.');
    const known = ['serve', 'demo', 'migrate', 'backup', 'admin', 'client', 'dev-cert', 'seed'];
    if (!known.includes(command)) throw new UsageError(`Unknown command '${command}'.`);

    // Validate the invocation before touching configuration or the database.
    const run = parseCommand(command, rest);
    const config = loadConfig(io.env ?? process.env, io.cwd ?? process.cwd());
    for (const w of config.warnings) eprintln(`WARNING: ${w}`);
    return await run(config, { println, eprintln });
  } catch (e) {
    if (e instanceof UsageError) {
      eprintln(`portico: ${e.message}\n`);
      eprintln(USAGE);
      return EXIT_USAGE;
    }
    if (e instanceof ConfigError) {
      eprintln(e.message);
      return EXIT_FAILURE;
    }
    if (e instanceof DomainError) {
      eprintln(`portico: ${e.message}`);
      return EXIT_FAILURE;
    }
    if (e instanceof ZodError) {
      eprintln(`portico: ${e.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`);
      return EXIT_FAILURE;
    }
    eprintln(`portico: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_FAILURE;
  }
}

type Printer = { println: (s?: string) => void; eprintln: (s?: string) => void };
type Runner = (config: Config, p: Printer) => Promise<number>;

function parse<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as { [K in keyof T]?: string };
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

function required(values: Record<string, string | undefined>, ...names: string[]): void {
  const missing = names.filter((n) => !values[n]?.trim());
  if (missing.length) throw new UsageError(`Missing required option(s): ${missing.map((n) => `--${n}`).join(', ')}.`);
}

function parseCommand(command: string, args: string[]): Runner {
  switch (command) {
    case 'serve': {
      const v = parse(args, { demo: { type: 'boolean' } }) as { demo?: boolean };
      return v.demo ? (config, p) => serve({ ...config, demo: true }, p) : serve;
    }
    case 'demo':
      parse(args, {});
      return (config, p) => serve({ ...config, demo: true }, p);
    case 'migrate':
      parse(args, {});
      return migrate;
    case 'dev-cert':
      parse(args, {});
      return devCert;
    case 'backup': {
      const [file, ...extra] = args;
      if (!file || file.startsWith('-')) throw new UsageError('Missing the backup file name: portico backup <file>.');
      parse(extra, {});
      return (config, p) => backup(config, p, file);
    }
    case 'admin': {
      const [sub, ...flags] = args;
      if (sub !== 'create') throw new UsageError(sub ? `Unknown admin command '${sub}'.` : 'Missing admin command (create).');
      const v = parse(flags, { email: { type: 'string' }, password: { type: 'string' }, 'display-name': { type: 'string' } });
      required(v, 'email', 'password');
      return (config, p) =>
        createAdmin(config, p, { email: String(v.email).trim(), password: String(v.password), displayName: v['display-name'] });
    }
    case 'client': {
      const [sub, ...flags] = args;
      if (sub !== 'create') throw new UsageError(sub ? `Unknown client command '${sub}'.` : 'Missing client command (create).');
      const v = parse(flags, { name: { type: 'string' }, permissions: { type: 'string' } });
      required(v, 'name', 'permissions');
      const permissions = String(v.permissions)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (!permissions.length) throw new UsageError('--permissions needs at least one permission.');
      return (config, p) => createClient(config, p, { name: String(v.name), permissions });
    }
    case 'seed':
      return parseSeed(args);
    default:
      throw new UsageError(`Unknown command '${command}'.`);
  }
}

const SEED_DEFAULTS = { users: 100_000, groups: 10_000, memberships: 1_000_000, apps: 1_000 } as const;

function parseSeed(args: string[]): Runner {
  const v = parse(args, {
    users: { type: 'string' },
    groups: { type: 'string' },
    memberships: { type: 'string' },
    apps: { type: 'string' },
    password: { type: 'string' },
  });
  const count = (name: keyof typeof SEED_DEFAULTS): number => {
    const raw = v[name];
    if (raw === undefined) return SEED_DEFAULTS[name];
    if (!/^\d{1,8}$/.test(raw)) throw new UsageError(`--${name} must be a whole number.`);
    return Number(raw);
  };
  const size = { users: count('users'), groups: count('groups'), memberships: count('memberships'), apps: count('apps') };
  const password = v.password ?? `Seed-${randomBytes(9).toString('base64url')}-9a`;
  return (config, p) => seed(config, p, size, password);
}

/** A one-line progress bar on stderr (rewritten in place on a terminal, a line per phase otherwise). */
function progressBar(p: Printer): (phase: string, done: number, total: number) => void {
  const tty = process.stderr.isTTY;
  let last = '';
  return (phase, done, total) => {
    const pct = total ? Math.floor((done / total) * 100) : 100;
    if (tty) {
      const filled = Math.round(pct / 5);
      process.stderr.write(`\r${phase.padEnd(12)} [${'#'.repeat(filled)}${' '.repeat(20 - filled)}] ${pct}% ${done}/${total}`);
      if (done >= total) process.stderr.write('\n');
    } else {
      const mark = `${phase} ${Math.floor(pct / 25) * 25}`;
      if (mark !== last) p.eprintln(`seed: ${phase} ${done}/${total}`);
      last = mark;
    }
  };
}

async function seed(config: Config, p: Printer, size: SeedSize, password: string) {
  const { seedTenant } = await import('./modules/directory/seed.js');
  return withApp({ ...config, outboxWorker: false }, async (app) => {
    const { services, defaultTenant, database, clock, newId } = app.portico;
    const result = await seedTenant(
      { db: database.db, clock, newId, users: services.users, groups: services.groups, applications: services.applications },
      defaultTenant,
      size,
      { password, progress: progressBar(p) },
    );
    const analyzeStart = performance.now();
    await refreshStatistics(database, { full: true });
    const analyzeSeconds = Math.round((performance.now() - analyzeStart) / 100) / 10;
    p.eprintln(
      `seed: ${result.users} users, ${result.groups} groups, ${result.memberships} memberships, ${result.apps} apps in ${result.seconds} s (+ ${analyzeSeconds} s ANALYZE)`,
    );
    p.println(JSON.stringify({ ...result, analyzeSeconds, tenantId: defaultTenant.id }));
    return EXIT_OK;
  });
}

const describeData = (location: string, config: Config) =>
  config.database.kind === 'sqlite' ? `${location} (SQLite)` : `${location} (PostgreSQL)`;

/**
 * Loads the composition root on demand (usage errors and `migrate` stay fast). oidc-provider 9
 * prints "Unsupported runtime" on import under Node 20; that is known and accepted (see
 * docs/stack notes), so exactly that line is kept out of the CLI output.
 */
async function loadApp() {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider WARNING: Unsupported runtime')) return;
    warn(...args);
  };
  try {
    const [{ buildApp }, { OIDC_ROUTES }] = await Promise.all([import('./app.js'), import('./protocols/oidc/constants.js')]);
    return { buildApp, OIDC_ROUTES };
  } finally {
    console.warn = warn;
  }
}

async function withApp<T>(config: Config, fn: (app: FastifyInstance) => Promise<T>): Promise<T> {
  const { buildApp } = await loadApp();
  const app = await buildApp({ config });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

async function hasGlobalAdministrator(app: FastifyInstance): Promise<boolean> {
  const { services, defaultTenant } = app.portico;
  return (await services.roles.holdersOf(defaultTenant.id, RoleIds.globalAdministrator)).length > 0;
}

const devCert: Runner = async (config, p) => {
  const { writeDevCertificate } = await import('./platform/dev-cert.js');
  const dir = path.join(config.dataDir, 'tls');
  const files = await writeDevCertificate(dir, new Date());
  p.println(files.createdCa ? `Created a development CA: ${files.caCert}` : `Reused the development CA: ${files.caCert}`);
  p.println(`Wrote a certificate for localhost, 127.0.0.1 and ::1: ${files.cert}`);
  p.println();
  p.println('Serve https with:');
  p.println(`  export PORTICO_TLS_CERT=${files.cert}`);
  p.println(`  export PORTICO_TLS_KEY=${files.key}`);
  p.println(`  export PORTICO_PUBLIC_URL=https://localhost:${config.port}`);
  p.println('Let Node.js clients (MSAL, @azure/identity, the Graph SDKs) trust it with:');
  p.println(`  export NODE_EXTRA_CA_CERTS=${files.caCert}`);
  p.println('For browsers, import the CA certificate into the trust store. Development only.');
  return EXIT_OK;
};

const migrate: Runner = async (config, p) => {
  const database = await createDb(config);
  try {
    const applied = await migrateToLatest(database.db);
    p.println(`Database: ${describeData(database.location, config)}`);
    if (applied.length) for (const m of applied) p.println(`Applied migration ${m}`);
    else p.println('The database is up to date; no migrations to apply.');
    return EXIT_OK;
  } finally {
    await database.destroy();
  }
};

async function backup(config: Config, p: Printer, file: string): Promise<number> {
  if (config.database.kind !== 'sqlite') {
    p.eprintln('portico: backup copies the embedded SQLite database; for PostgreSQL use pg_dump (see docs/operations.md):');
    p.eprintln('  pg_dump --format=custom --file=portico.dump "$DATABASE_URL"');
    return EXIT_FAILURE;
  }
  const { backupSqlite } = await import('./db/backup.js');
  const started = Date.now();
  const r = await backupSqlite(config.database.file, file);
  p.println(`Backed up ${config.database.file} to ${r.file} (${r.bytes} bytes, ${r.pages} pages, ${Date.now() - started} ms).`);
  return EXIT_OK;
}

async function createAdmin(
  config: Config,
  p: Printer,
  input: { email: string; password: string; displayName: string | undefined },
) {
  return withApp(config, async (app) => {
    const { services, defaultTenant } = app.portico;
    const body = createUserBody.parse({
      displayName: input.displayName?.trim() || input.email.split('@')[0] || input.email,
      userPrincipalName: input.email,
      mail: input.email,
      accountEnabled: true,
      passwordProfile: { password: input.password },
    });
    const ctx = systemContext(defaultTenant.id, `cli-${Date.now()}`);
    const user = await services.directory.createGlobalAdministrator(ctx, body);
    p.println(`Created ${user.userPrincipalName} with the Global Administrator role in tenant ${defaultTenant.displayName}.`);
    p.println(`id: ${user.id}`);
    return EXIT_OK;
  });
}

async function createClient(config: Config, p: Printer, input: { name: string; permissions: string[] }) {
  return withApp(config, async (app) => {
    const { services, defaultTenant } = app.portico;
    const { client, clientSecret } = await services.clients.createClient(defaultTenant.id, {
      displayName: input.name,
      permissions: input.permissions,
    });
    const { OIDC_ROUTES } = await loadApp();
    const tokenEndpoint = `${issuerUrl(config, defaultTenant)}${OIDC_ROUTES.token}`;
    p.println(JSON.stringify({ clientId: client.clientId, clientSecret, tokenEndpoint }));
    return EXIT_OK;
  });
}

const serve: Runner = async (config, p) => {
  const { buildApp } = await loadApp();
  const app = await buildApp({ config });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    await app.close();
    throw e;
  }
  const { defaultTenant, database } = app.portico;
  const address = app.server.address();
  const bound =
    typeof address === 'object' && address
      ? `${config.tls ? 'https' : 'http'}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
      : `${config.host}:${config.port}`;
  p.println(`Portico is listening on ${bound}`);
  p.println(`Public URL: ${config.publicUrl}`);
  p.println(`Issuer:     ${issuerUrl(config, defaultTenant)}`);
  p.println(`Data:       ${describeData(database.location, config)}`);
  if (config.demo) await printDemo(app, config, p);
  else if (!(await hasGlobalAdministrator(app))) {
    p.println();
    p.println('No Global Administrator exists yet. Create one (in another terminal) with:');
    p.println("  npx portico admin create --email you@example.com --password '<a strong password>'");
  }
  return new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      app.log.info({ signal }, 'shutting down');
      app.close().then(
        () => resolve(EXIT_OK),
        (e: unknown) => {
          p.eprintln(`portico: error while shutting down: ${e instanceof Error ? e.message : String(e)}`);
          resolve(EXIT_FAILURE);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
};

/** Sets up the demo scenario (idempotent) and prints where to start and how to sign in. */
async function printDemo(app: FastifyInstance, config: Config, p: Printer) {
  const { seedDemo, DEMO_GROUP_NAME } = await import('./demo/demo-seed.js');
  const { services, defaultTenant, clock } = app.portico;
  const demo = await seedDemo(services, defaultTenant, config.publicUrl, clock.now());
  const url = config.publicUrl;
  p.println();
  p.println(demo.created ? 'Demo scenario created.' : 'Demo scenario already set up; the demo passwords are new.');
  p.println();
  for (const a of demo.accounts) {
    p.println(`  ${a.displayName} (${a.role})`);
    p.println(`    user name: ${a.userPrincipalName}`);
    p.println(`    password:  ${a.password}`);
  }
  p.println();
  p.println(`  My Apps (sign in as Megan): ${url}/myapps  → Groups → Groups I own → ${DEMO_GROUP_NAME} → +`);
  p.println(`  Admin center (as Adele):    ${url}/admin`);
  p.println(`  The demo app "Expenses":    ${url}/demo/expenses`);
  p.println(`  Invitation e-mails:         ${url}/admin/dev-mailbox (links and passcodes are also logged below)`);
}

// Run when executed directly (`tsx src/server/main.ts …`); bin/portico.js imports runCli instead.
const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(path.resolve(entry)).href) {
  process.exitCode = await runCli(process.argv.slice(2));
}
