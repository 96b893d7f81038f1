import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { request, type Server, startOnFreePort } from './lib.js';

const run = promisify(execFile);
export const ROOT = path.resolve(import.meta.dirname, '..');
// BENCH_PORTICO_MAIN: another build's dist/server/main.js (e.g. a checkout of an older commit, for before/after figures).
const MAIN = process.env.BENCH_PORTICO_MAIN
  ? path.resolve(process.env.BENCH_PORTICO_MAIN)
  : path.join(ROOT, 'dist/server/main.js');
const CACHE = path.join(ROOT, 'bench/.cache');
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const PASSWORD = 'Bench-Pass-123';

export type Dialect = 'sqlite' | 'postgres';

export interface SeedSummary {
  users: number;
  groups: number;
  memberships: number;
  apps: number;
  seconds: number;
  analyzeSeconds: number;
  sampleUsers: { id: string; userPrincipalName: string }[];
  sampleGroups: string[];
}

/** Where one Portico installation keeps its data: a SQLite data directory or a PostgreSQL schema. */
export interface Store {
  label: string;
  dialect: Dialect;
  env: Record<string, string>;
  seed?: SeedSummary;
  /** Removes a temporary store (cached seeded stores are kept for the next run). */
  dispose(): Promise<void>;
}

/** Builds dist/ when it is missing or older than the sources (the benchmark runs what `portico serve` runs). */
export async function ensureBuilt(log: (s: string) => void): Promise<void> {
  if (process.env.BENCH_PORTICO_MAIN) return;
  const newest = (dir: string): number => {
    let t = 0;
    for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (e.isFile() && e.name.endsWith('.ts')) t = Math.max(t, fs.statSync(path.join(e.parentPath, e.name)).mtimeMs);
    }
    return t;
  };
  const built = fs.existsSync(MAIN) ? fs.statSync(MAIN).mtimeMs : 0;
  if (built >= Math.max(newest(path.join(ROOT, 'src/server')), newest(path.join(ROOT, 'src/contracts')))) return;
  log('building dist/ (tsc -p tsconfig.build.json)…');
  await run(
    process.execPath,
    [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')],
    {
      cwd: ROOT,
    },
  );
  // tsc keeps the mtime of unchanged outputs: mark the build as current.
  const now = new Date();
  fs.utimesSync(MAIN, now, now);
}

const pgUrlFor = (schema: string) => {
  const u = new URL(PG_URL);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.href;
};

async function pgQuery(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await c.query(text, values);
  } finally {
    await c.end();
  }
}

/** Whether the schema holds a user with this userPrincipalName (false when the schema is missing). */
async function pgHasUser(schema: string, upn: string | undefined): Promise<boolean> {
  if (!upn) return false;
  const exists = await pgQuery('select 1 from information_schema.tables where table_schema = $1 and table_name = $2', [
    schema,
    'users',
  ]);
  if (exists.rowCount === 0) return false;
  return ((await pgQuery(`select 1 from ${schema}.users where user_principal_name = $1`, [upn])).rowCount ?? 0) > 0;
}

/** Runs the real CLI against a store; returns its standard output. */
export async function cli(store: Store, args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...store.env, PORTICO_LOG_LEVEL: 'warn' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

export interface SeedSpec {
  users: number;
  groups: number;
  memberships: number;
  apps: number;
}

export const seedSpecFor = (users: number): SeedSpec => ({
  users,
  groups: Math.max(10, Math.floor(users / 10)),
  memberships: users * 10,
  apps: Math.max(5, Math.floor(users / 100)),
});

/**
 * A store seeded with `spec` by `portico seed`, cached under bench/.cache (SQLite file) or in a
 * schema named after the size (PostgreSQL) so later runs skip the load. `fresh`: reseed.
 */
export async function seededStore(
  dialect: Dialect,
  spec: SeedSpec,
  opts: { fresh: boolean; log: (s: string) => void },
): Promise<Store> {
  const label = `u${spec.users}_g${spec.groups}_m${spec.memberships}_a${spec.apps}`;
  fs.mkdirSync(CACHE, { recursive: true });
  const summaryFile = path.join(CACHE, `${dialect}-${label}.json`);
  const schema = `bench_${label}`;
  const dir = path.join(CACHE, `sqlite-${label}`);
  const env: Record<string, string> =
    dialect === 'sqlite'
      ? { PORTICO_DATA_DIR: dir }
      : { PORTICO_DATA_DIR: path.join(CACHE, 'pg-data'), DATABASE_URL: pgUrlFor(schema) };
  const store: Store = { label, dialect, env, dispose: async () => {} };
  if (!opts.fresh && fs.existsSync(summaryFile)) {
    const seed = JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as SeedSummary;
    // The schema is shared by every checkout on this server: another one may have reseeded it
    // since this summary was written, and then its sample users are not there.
    if (dialect === 'sqlite' || (await pgHasUser(schema, seed.sampleUsers[0]?.userPrincipalName))) {
      store.seed = seed;
      return store;
    }
  }
  if (dialect === 'sqlite') fs.rmSync(dir, { recursive: true, force: true });
  else {
    await pgQuery(`drop schema if exists ${schema} cascade`);
    await pgQuery(`create schema ${schema}`);
  }
  opts.log(`seeding ${dialect} ${label} (portico seed)…`);
  const out = await cli(store, [
    'seed',
    `--users=${spec.users}`,
    `--groups=${spec.groups}`,
    `--memberships=${spec.memberships}`,
    `--apps=${spec.apps}`,
    `--password=${PASSWORD}`,
  ]);
  store.seed = JSON.parse(out.trim().split('\n').pop() ?? '{}') as SeedSummary;
  fs.writeFileSync(summaryFile, JSON.stringify(store.seed));
  opts.log(`seeded ${label} in ${store.seed.seconds} s (+${store.seed.analyzeSeconds} s ANALYZE)`);
  return store;
}

/** A new, empty store (dropped by `dispose`). */
export async function emptyStore(dialect: Dialect): Promise<Store> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-bench-'));
  if (dialect === 'sqlite') {
    return {
      label: 'empty',
      dialect,
      env: { PORTICO_DATA_DIR: dir },
      dispose: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `bench_empty_${process.pid}_${randomBytes(3).toString('hex')}`;
  await pgQuery(`create schema ${schema}`);
  return {
    label: 'empty',
    dialect,
    env: { PORTICO_DATA_DIR: dir, DATABASE_URL: pgUrlFor(schema) },
    dispose: async () => {
      await pgQuery(`drop schema if exists ${schema} cascade`);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts `portico serve` on a store, loopback only, logging warnings only, without the outbox worker. */
export async function startPortico(store: Store, name: string): Promise<Server> {
  // BENCH_PROFILE_DIR: each Portico process writes a V8 CPU profile there when it stops
  // (summarise with `npx tsx scripts/profile-summary.ts DIR`).
  const profile = process.env.BENCH_PROFILE_DIR;
  const node = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  return startOnFreePort(name, [...node, MAIN, 'serve'], (port) => ({
    ...store.env,
    PORT: String(port),
    PORTICO_HOST: '127.0.0.1',
    PORTICO_PUBLIC_URL: `http://127.0.0.1:${port}`,
    PORTICO_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    PORTICO_OUTBOX_WORKER: 'off',
    PORTICO_INVITATION_RATE_LIMIT: '999999/1',
  }));
}

export interface AppCredentials {
  clientId: string;
  clientSecret: string;
}

/** Registers an automation client with the CLI (as an operator would). */
export async function createClient(store: Store): Promise<AppCredentials> {
  const out = await cli(store, [
    'client',
    'create',
    '--name',
    `bench ${randomBytes(3).toString('hex')}`,
    '--permissions',
    'User.Read.All,User.Invite.All,Directory.Read.All,Group.Read.All',
  ]);
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as AppCredentials;
}

export const basicAuth = (c: AppCredentials) =>
  `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString('base64')}`;

export async function appToken(server: Server, c: AppCredentials): Promise<string> {
  const r = await request(`${server.url}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { authorization: basicAuth(c), 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  if (r.status !== 200) throw new Error(`token: ${r.status} ${r.body}`);
  return (JSON.parse(r.body) as { access_token: string }).access_token;
}

/** A fetch-less browser: cookies by name (all paths; enough for one origin), no redirects followed. */
class Browser {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async go(url: string, opts: { method?: string; form?: Record<string, string> } = {}) {
    const abs = new URL(url, this.base).href;
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (opts.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const r = await request(abs, {
      method: opts.method ?? (opts.form ? 'POST' : 'GET'),
      headers,
      ...(opts.form ? { body: new URLSearchParams(opts.form).toString() } : {}),
    });
    const set = r.headers['set-cookie'] ?? [];
    for (const line of set) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { ...r, location: r.headers.location ? new URL(r.headers.location, abs).href : undefined };
  }
}

const b64url = (b: Buffer) => b.toString('base64url');

/**
 * One password sign-in through the real flow of the first-party SPA client (authorization request
 * with PKCE → sign-in page → credentials posted). With `token`, follows on to the callback and
 * redeems the code: returns the delegated access token.
 */
export async function signIn(server: Server, login: string, password: string, token = false): Promise<string | undefined> {
  const b = new Browser(server.url);
  const verifier = b64url(randomBytes(32));
  const params = new URLSearchParams({
    client_id: 'portico-spa',
    response_type: 'code',
    redirect_uri: `${server.url}/auth/callback`,
    scope: 'openid profile email User.Read',
    code_challenge: b64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
    state: b64url(randomBytes(8)),
    nonce: b64url(randomBytes(8)),
  });
  const first = await b.go(`/oauth2/v2.0/authorize?${params}`);
  if (!first.location) throw new Error(`authorize: ${first.status} ${first.body.slice(0, 300)}`);
  const page = await b.go(first.location);
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(page.body);
  if (!form?.[1]) throw new Error(`no sign-in form (${page.status}): ${page.body.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const m of (form[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    if (m[1]) fields[m[1]] = (m[2] ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  }
  const posted = await b.go(new URL(form[1].replace(/&amp;/g, '&'), first.location).href, {
    form: { ...fields, login, password },
  });
  if (posted.status !== 303 && posted.status !== 302)
    throw new Error(`sign-in refused: ${posted.status} ${posted.body.slice(0, 300)}`);
  if (!token) return undefined;
  let next = posted.location;
  for (let i = 0; i < 6 && next && !next.includes('/auth/callback'); i++) next = (await b.go(next)).location;
  const code = next ? new URL(next).searchParams.get('code') : null;
  if (!code) throw new Error(`no code after sign-in (last ${next})`);
  const r = await b.go('/oauth2/v2.0/token', {
    form: {
      grant_type: 'authorization_code',
      code,
      redirect_uri: `${server.url}/auth/callback`,
      client_id: 'portico-spa',
      code_verifier: verifier,
    },
  });
  if (r.status !== 200) throw new Error(`code redemption: ${r.status} ${r.body}`);
  return (JSON.parse(r.body) as { access_token: string }).access_token;
}
