/**
 * `npm run bench`: issue 11's table, measured from outside against real processes on loopback.
 * Every row runs its target and its baseline back to back in the same run, alternating which goes
 * first, for `--rounds` rounds, and reports medians; Portico's event-loop delay (p99) during each
 * of its measurements comes from its own /metrics (the histogram is reset by each scrape).
 *
 *   npm run bench -- [--smoke] [--rows P1,P4] [--db sqlite|postgres|both] [--large N] [--small N]
 *                    [--rounds N] [--seconds S] [--connections C] [--fresh] [--max-minutes M]
 *
 * Exit code 1 only when a row could not be measured (a crash or an endpoint failing), never for a
 * ratio below its goal.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  type Latency,
  latency,
  load,
  median,
  request,
  type Server,
  startOnFreePort,
  type Throughput,
  withEventLoopDelay,
} from './lib.js';
import {
  type AppCredentials,
  appToken,
  basicAuth,
  createClient,
  type Dialect,
  emptyStore,
  ensureBuilt,
  PASSWORD,
  ROOT,
  type Store,
  seededStore,
  seedSpecFor,
  signIn,
  startPortico,
} from './portico.js';

const { values: argv } = parseArgs({
  options: {
    smoke: { type: 'boolean' },
    rows: { type: 'string' },
    db: { type: 'string' },
    large: { type: 'string' },
    small: { type: 'string' },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    connections: { type: 'string' },
    fresh: { type: 'boolean' },
    'max-minutes': { type: 'string' },
    out: { type: 'string' },
  },
  strict: true,
});

const smoke = argv.smoke === true;
const opts = {
  rounds: Number(argv.rounds ?? (smoke ? 1 : 3)),
  seconds: Number(argv.seconds ?? (smoke ? 1 : 5)),
  connections: Number(argv.connections ?? 10),
  large: Number(argv.large ?? (smoke ? 1000 : 20000)),
  small: Number(argv.small ?? (smoke ? 100 : 1000)),
  dialects: (argv.db ?? (smoke ? 'both' : 'both')) === 'both' ? (['sqlite', 'postgres'] as Dialect[]) : [argv.db as Dialect],
  rows: argv.rows ? argv.rows.split(',').map((s) => s.trim().toUpperCase()) : undefined,
  fresh: argv.fresh === true,
  deadline: Date.now() + Number(argv['max-minutes'] ?? (smoke ? 4 : 45)) * 60_000,
  out: argv.out ?? path.join(ROOT, 'bench/results.json'),
};
for (const d of opts.dialects)
  if (d !== 'sqlite' && d !== 'postgres') throw new Error(`--db: sqlite, postgres or both (got ${d})`);

const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

type Direction = 'higher' | 'lower';

interface RowResult {
  id: string;
  dialect: Dialect;
  path: string;
  unit: string;
  portico: number;
  baseline: number;
  baselineName: string;
  ratio: number;
  goal: number;
  direction: Direction;
  met: boolean;
  eldP99ms: number;
  failures: number;
  rounds: { portico: number; baseline: number; eldP99ms: number }[];
  note?: string;
  error?: string;
}

const results: RowResult[] = [];
const wanted = (id: string) =>
  !opts.rows || opts.rows.some((r) => id === r || id.startsWith(`${r}-`) || (r.length > 2 && id.startsWith(r)));

/** One measured side of a row: its value and, for Portico, the event-loop delay meanwhile. */
type Side = () => Promise<{ value: number; eldP99ms?: number; failures?: number }>;

async function row(
  def: {
    id: string;
    dialect: Dialect;
    path: string;
    unit: string;
    baselineName: string;
    goal: number;
    direction: Direction;
    note?: string;
  },
  target: Side,
  baseline: Side,
): Promise<void> {
  if (!wanted(def.id)) return;
  if (Date.now() > opts.deadline) {
    log(`${def.id} ${def.dialect}: skipped (time budget spent)`);
    return;
  }
  log(`${def.id} ${def.dialect}: ${def.path}`);
  const rounds: RowResult['rounds'] = [];
  let failures = 0;
  try {
    for (let r = 0; r < opts.rounds; r++) {
      // Alternate which side goes first, so warm-up and drift do not favour one.
      let t: Awaited<ReturnType<Side>>;
      let b: Awaited<ReturnType<Side>>;
      if (r % 2 === 0) {
        t = await target();
        b = await baseline();
      } else {
        b = await baseline();
        t = await target();
      }
      failures += (t.failures ?? 0) + (b.failures ?? 0);
      rounds.push({ portico: t.value, baseline: b.value, eldP99ms: t.eldP99ms ?? Number.NaN });
    }
    const portico = median(rounds.map((x) => x.portico));
    const base = median(rounds.map((x) => x.baseline));
    // Nothing answered successfully on one side: no figure to compare (all requests failed).
    if (!(portico > 0) || !(base > 0))
      throw new Error(`no successful measurement (Portico ${portico}, baseline ${base}, ${failures} failed requests)`);
    const ratio = portico / base;
    results.push({
      ...def,
      portico,
      baseline: base,
      ratio,
      met: def.direction === 'higher' ? ratio >= def.goal : ratio <= def.goal,
      eldP99ms: median(rounds.map((x) => x.eldP99ms)),
      failures,
      rounds,
    });
  } catch (e) {
    log(`${def.id} ${def.dialect}: FAILED ${e instanceof Error ? e.stack : String(e)}`);
    results.push({
      ...def,
      portico: Number.NaN,
      baseline: Number.NaN,
      ratio: Number.NaN,
      met: false,
      eldP99ms: Number.NaN,
      failures,
      rounds,
      error: e instanceof Error ? e.message : String(e),
    });
  }
}

const throughputSide =
  (server: Server, run: () => Promise<Throughput>): Side =>
  async () => {
    const { value, eldP99ms } = await withEventLoopDelay(server, run);
    return { value: value.rps, eldP99ms, failures: value.failures };
  };

const latencySide =
  (server: Server, run: () => Promise<Latency>): Side =>
  async () => {
    const { value, eldP99ms } = await withEventLoopDelay(server, run);
    return { value: value.p95ms, eldP99ms, failures: value.failures };
  };

let inviteCounter = 0;
const inviteBody = () =>
  JSON.stringify({
    invitedUserEmailAddress: `guest${process.pid}.${inviteCounter++}.${Date.now().toString(36)}@bench.example`,
    inviteRedirectUrl: 'https://myapps.example.com/',
    sendInvitationMessage: true,
  });

const invitationsLoad = (server: Server, token: string) => () =>
  load({
    url: `${server.url}/v1.0/invitations`,
    seconds: opts.seconds,
    connections: opts.connections,
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    makeBody: inviteBody,
  });

async function defaultTenantId(store: Store): Promise<string> {
  if (store.dialect === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path.join(store.env.PORTICO_DATA_DIR as string, 'portico.db'), { readonly: true });
    try {
      return (db.prepare('select id from tenants where is_default = 1').get() as { id: string }).id;
    } finally {
      db.close();
    }
  }
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: store.env.DATABASE_URL });
  await c.connect();
  try {
    return (await c.query<{ id: string }>('select id from tenants where is_default = 1')).rows[0]?.id as string;
  } finally {
    await c.end();
  }
}

interface Env {
  dialect: Dialect;
  empty: { store: Store; server: Server; creds: AppCredentials; token: string };
  small: { store: Store; server: Server; creds: AppCredentials; token: string };
  large: { store: Store; server: Server; creds: AppCredentials; token: string };
  baselineStore: Store;
}

async function prepare(dialect: Dialect): Promise<Env> {
  const empty = await emptyStore(dialect);
  const baselineStore = await emptyStore(dialect);
  const small = await seededStore(dialect, seedSpecFor(opts.small), { fresh: opts.fresh, log });
  const large = await seededStore(dialect, seedSpecFor(opts.large), { fresh: opts.fresh, log });
  const side = async (store: Store, name: string) => {
    const creds = await createClient(store);
    const server = await startPortico(store, name);
    return { store, server, creds, token: await appToken(server, creds) };
  };
  // The baseline store gets Portico's schema and default tenant (the client registration migrates and creates it).
  await createClient(baselineStore);
  return {
    dialect,
    empty: await side(empty, `portico-empty-${dialect}`),
    small: await side(small, `portico-small-${dialect}`),
    large: await side(large, `portico-large-${dialect}`),
    baselineStore,
  };
}

async function baselineServer(name: string, file: string, env: Record<string, string> = {}, readyPath = '/healthz') {
  return startOnFreePort(name, [path.join(ROOT, 'bench/baselines', file)], (port) => ({ ...env, PORT: String(port) }), readyPath);
}

async function tokenRows(e: Env): Promise<void> {
  if (!wanted('P1')) return;
  const oidc = await baselineServer('oidc-provider', 'oidc-provider.mjs');
  try {
    const tokenLoad = (url: string, authorization: string) => () =>
      load({
        url,
        seconds: opts.seconds,
        connections: opts.connections,
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
    const s = e.small.server;
    await row(
      {
        id: 'P1',
        dialect: e.dialect,
        path: 'client-credential /token',
        unit: 'req/s',
        baselineName: 'bare oidc-provider 9.13.3, same config, in-memory',
        goal: 0.8,
        direction: 'higher',
      },
      throughputSide(s, tokenLoad(`${s.url}/oauth2/v2.0/token`, basicAuth(e.small.creds))),
      async () => {
        const r = await tokenLoad(
          `${oidc.url}/oauth2/v2.0/token`,
          basicAuth({ clientId: 'bench-client', clientSecret: 'bench-secret-bench-secret-bench-secret' }),
        )();
        return { value: r.rps, failures: r.failures };
      },
    );
  } finally {
    await oidc.stop();
  }
}

async function invitationRows(e: Env): Promise<void> {
  if (wanted('P2')) {
    const tenantId = await defaultTenantId(e.baselineStore);
    const raw = await baselineServer(`raw-invite-${e.dialect}`, 'raw-invite.mjs', {
      DB_KIND: e.dialect,
      TENANT_ID: tenantId,
      ...(e.dialect === 'sqlite'
        ? { SQLITE_FILE: path.join(e.baselineStore.env.PORTICO_DATA_DIR as string, 'portico.db') }
        : { DATABASE_URL: e.baselineStore.env.DATABASE_URL as string }),
    });
    try {
      await row(
        {
          id: 'P2',
          dialect: e.dialect,
          path: 'POST /v1.0/invitations',
          unit: 'req/s',
          baselineName:
            e.dialect === 'sqlite' ? 'raw better-sqlite3, same rows, one txn' : 'raw pg, pool of 10, same rows, one txn',
          goal: 0.5,
          direction: 'higher',
        },
        throughputSide(e.empty.server, invitationsLoad(e.empty.server, e.empty.token)),
        async () => {
          const r = await invitationsLoad(raw, 'unused')();
          return { value: r.rps, failures: r.failures };
        },
      );
    } finally {
      await raw.stop();
    }
  }
  await row(
    {
      id: 'P2L',
      dialect: e.dialect,
      path: `POST /v1.0/invitations, ${opts.large}-user tenant`,
      unit: 'req/s',
      baselineName: 'same request, empty tenant',
      goal: 0.8,
      direction: 'higher',
    },
    throughputSide(e.large.server, invitationsLoad(e.large.server, e.large.token)),
    throughputSide(e.empty.server, invitationsLoad(e.empty.server, e.empty.token)),
  );
}

/** Latency rows: the same request against the large and the small tenant, one at a time. */
async function tenantSizeRows(e: Env): Promise<void> {
  const seconds = Math.max(1, opts.seconds);
  const sides = [e.large, e.small] as const;
  const samples = sides.map((s) => s.store.seed?.sampleUsers ?? []);
  if (wanted('P3')) {
    const tokens = await Promise.all(
      sides.map((s, i) => signIn(s.server, samples[i]?.[0]?.userPrincipalName as string, PASSWORD, true) as Promise<string>),
    );
    const myApps = (i: 0 | 1) =>
      latencySide(sides[i].server, () =>
        latency(() => ({ url: `${sides[i].server.url}/v1.0/me/myApps`, headers: { authorization: `Bearer ${tokens[i]}` } }), {
          seconds,
        }),
      );
    await row(
      {
        id: 'P3',
        dialect: e.dialect,
        path: 'GET /v1.0/me/myApps (p95)',
        unit: 'ms',
        baselineName: `same in a ${opts.small}-user tenant`,
        goal: 1.2,
        direction: 'lower',
      },
      myApps(0),
      myApps(1),
    );
  }
  const auth = (i: 0 | 1) => ({ authorization: `Bearer ${sides[i].token}` });
  let n = 0;
  const transitive = (i: 0 | 1) =>
    latencySide(sides[i].server, () =>
      latency(
        () => {
          const users = samples[i] ?? [];
          const u = users[n++ % users.length];
          return { url: `${sides[i].server.url}/v1.0/users/${u?.id}/transitiveMemberOf`, headers: auth(i) };
        },
        { seconds },
      ),
    );
  await row(
    {
      id: 'P3b',
      dialect: e.dialect,
      path: 'GET /v1.0/users/{id}/transitiveMemberOf (p95)',
      unit: 'ms',
      baselineName: `same in a ${opts.small}-user tenant`,
      goal: 1.5,
      direction: 'lower',
    },
    transitive(0),
    transitive(1),
  );
  const filter = encodeURIComponent("startswith(displayName,'Garcia')");
  const startswith = (i: 0 | 1) =>
    latencySide(sides[i].server, () =>
      latency(() => ({ url: `${sides[i].server.url}/v1.0/users?$filter=${filter}&$top=100`, headers: auth(i) }), { seconds }),
    );
  await row(
    {
      id: 'P3c-filter',
      dialect: e.dialect,
      path: "GET /v1.0/users?$filter=startswith(displayName,'Garcia') (p95)",
      unit: 'ms',
      baselineName: `same in a ${opts.small}-user tenant`,
      goal: 2,
      direction: 'lower',
    },
    startswith(0),
    startswith(1),
  );
  // Paging: follow @odata.nextLink from the first page of $orderby=displayName, 100 a page.
  const pageWalk = (i: 0 | 1) =>
    latencySide(sides[i].server, async () => {
      const times: number[] = [];
      let failures = 0;
      const end = performance.now() + seconds * 1000;
      let url: string | undefined;
      while (performance.now() < end || times.length < 5) {
        url ??= `${sides[i].server.url}/v1.0/users?$orderby=displayName&$top=100`;
        const r = await request(url, { headers: auth(i) });
        times.push(r.ms);
        if (r.status !== 200) {
          failures++;
          if (failures > 5) throw new Error(`${url}: ${r.status} ${r.body.slice(0, 300)}`);
          url = undefined;
          continue;
        }
        // Ten pages deep at most, then from the start again: deep pages are what used to be slow.
        const nextLink = (JSON.parse(r.body) as { '@odata.nextLink'?: string })['@odata.nextLink'];
        url = nextLink && times.length % 10 !== 0 ? nextLink : undefined;
      }
      const sorted = [...times].sort((a, b) => a - b);
      return {
        p50ms: sorted[Math.floor(sorted.length / 2)] as number,
        p95ms: sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] as number,
        count: times.length,
        failures,
      };
    });
  await row(
    {
      id: 'P3c-page',
      dialect: e.dialect,
      path: 'GET /v1.0/users?$orderby=displayName&$top=100, following nextLink (p95/page)',
      unit: 'ms',
      baselineName: `same in a ${opts.small}-user tenant`,
      goal: 2,
      direction: 'lower',
    },
    pageWalk(0),
    pageWalk(1),
  );
}

async function readRows(e: Env): Promise<void> {
  if (!wanted('P4')) return;
  const bare = await baselineServer('bare-fastify', 'bare-fastify.mjs');
  try {
    const s = e.small.server;
    const id = e.small.store.seed?.sampleUsers[0]?.id;
    await row(
      {
        id: 'P4',
        dialect: e.dialect,
        path: 'authenticated GET /v1.0/users/{id}',
        unit: 'req/s',
        baselineName: 'bare Fastify route, constant JSON',
        goal: 0.3,
        direction: 'higher',
      },
      throughputSide(s, () =>
        load({
          url: `${s.url}/v1.0/users/${id}`,
          seconds: opts.seconds,
          connections: opts.connections,
          headers: { authorization: `Bearer ${e.small.token}` },
        }),
      ),
      async () => {
        const r = await load({ url: `${bare.url}/v1.0/users/${id}`, seconds: opts.seconds, connections: opts.connections });
        return { value: r.rps, failures: r.failures };
      },
    );
  } finally {
    await bare.stop();
  }
}

/** Sign-ins: `concurrency` browsers signing in with a password, each through the whole flow. */
async function signInRows(e: Env): Promise<void> {
  if (!wanted('P5')) return;
  const concurrency = 4;
  const s = e.small.server;
  const users = e.small.store.seed?.sampleUsers ?? [];
  await row(
    {
      id: 'P5',
      dialect: e.dialect,
      path: 'password sign-ins through the sign-in flow',
      unit: 'sign-ins/s',
      baselineName: 'raw @node-rs/argon2 verify, same parameters',
      goal: 0.8,
      direction: 'higher',
      note: `${concurrency} at a time`,
    },
    async () => {
      const { value, eldP99ms } = await withEventLoopDelay(s, async () => {
        let done = 0;
        let failures = 0;
        const started = performance.now();
        const end = started + opts.seconds * 1000;
        await Promise.all(
          Array.from({ length: concurrency }, async (_, w) => {
            let k = w;
            while (performance.now() < end) {
              const u = users[k++ % users.length];
              try {
                await signIn(s, u?.userPrincipalName as string, PASSWORD);
                done++;
              } catch (err) {
                failures++;
                if (failures > 10) throw err;
              }
            }
          }),
        );
        return { perSecond: done / ((performance.now() - started) / 1000), failures };
      });
      return { value: value.perSecond, eldP99ms, failures: value.failures };
    },
    async () => {
      const { execFile } = await import('node:child_process');
      const out = await new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          [path.join(ROOT, 'bench/baselines/argon2.mjs')],
          { env: { ...process.env, CONCURRENCY: String(concurrency), SECONDS: String(opts.seconds) } },
          (err, stdout) => (err ? reject(err) : resolve(stdout)),
        ),
      );
      return { value: (JSON.parse(out) as { perSecond: number }).perSecond };
    },
  );
}

/** Cold start to the first 200 of /healthz and resident memory once idle: Portico on the large tenant vs bare Fastify. */
async function startRows(e: Env): Promise<void> {
  if (!wanted('P6')) return;
  const idleMs = smoke ? 500 : 2000;
  const portico = async () => {
    const s = await startPortico(e.large.store, 'portico-cold');
    await new Promise((r) => setTimeout(r, idleMs));
    const m = s.rssMiB();
    await s.stop();
    return { start: s.startMs, rss: m };
  };
  const bare = async () => {
    const s = await baselineServer('bare-fastify', 'bare-fastify.mjs');
    await new Promise((r) => setTimeout(r, idleMs));
    const m = s.rssMiB();
    await s.stop();
    return { start: s.startMs, rss: m };
  };
  const cache = new Map<string, { start: number; rss: number }>();
  let round = 0;
  const measure = async (side: 'portico' | 'baseline') => {
    const key = `${side}${round}`;
    if (!cache.has(key)) cache.set(key, side === 'portico' ? await portico() : await bare());
    return cache.get(key) as { start: number; rss: number };
  };
  const def = { dialect: e.dialect, baselineName: 'bare Fastify', goal: 2, direction: 'lower' as const };
  await row(
    { ...def, id: 'P6-start', path: `cold start to first 200, ${opts.large}-user tenant`, unit: 'ms' },
    async () => ({ value: (await measure('portico')).start }),
    async () => {
      const v = (await measure('baseline')).start;
      round++;
      return { value: v };
    },
  );
  // The memory of the same starts (no second set of processes).
  round = 0;
  await row(
    { ...def, id: 'P6-rss', path: `idle RSS after start, ${opts.large}-user tenant`, unit: 'MiB' },
    async () => ({ value: (await measure('portico')).rss }),
    async () => {
      const v = (await measure('baseline')).rss;
      round++;
      return { value: v };
    },
  );
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

function printTable(): string {
  const header = ['id', 'db', 'path', 'Portico', 'baseline', 'ratio', 'goal', 'met?', 'ELD p99 ms', 'baseline is'];
  const lines = results.map((r) => [
    r.id,
    r.dialect,
    r.path,
    `${fmt(r.portico)} ${r.unit}`,
    `${fmt(r.baseline)} ${r.unit}`,
    fmt(r.ratio),
    `${r.direction === 'higher' ? '≥' : '≤'} ${r.goal}`,
    r.error ? 'ERROR' : r.met ? 'yes' : 'no',
    fmt(r.eldP99ms),
    r.baselineName + (r.failures ? ` (${r.failures} failed requests)` : ''),
  ]);
  const md = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...lines.map((l) => `| ${l.join(' | ')} |`),
  ].join('\n');
  process.stdout.write(`\n${md}\n`);
  return md;
}

async function main(): Promise<number> {
  const started = Date.now();
  log(`options ${JSON.stringify({ ...opts, deadline: undefined })}`);
  await ensureBuilt(log);
  const seeds: Record<string, unknown> = {};
  for (const dialect of opts.dialects) {
    let env: Env | undefined;
    try {
      env = await prepare(dialect);
      seeds[dialect] = { small: env.small.store.seed, large: env.large.store.seed };
      await tokenRows(env);
      await invitationRows(env);
      await tenantSizeRows(env);
      await readRows(env);
      await signInRows(env);
      for (const s of [env.empty, env.small, env.large]) await s.server.stop();
      await startRows(env);
    } catch (e) {
      log(`${dialect}: setup FAILED ${e instanceof Error ? e.stack : String(e)}`);
      results.push({
        id: 'setup',
        dialect,
        path: 'prepare stores and start Portico',
        unit: '',
        portico: Number.NaN,
        baseline: Number.NaN,
        baselineName: '',
        ratio: Number.NaN,
        goal: 0,
        direction: 'higher',
        met: false,
        eldP99ms: Number.NaN,
        failures: 0,
        rounds: [],
        error: e instanceof Error ? e.message : String(e),
      });
    } finally {
      if (env) {
        for (const s of [env.empty, env.small, env.large]) await s.server.stop().catch(() => {});
        await env.empty.store.dispose();
        await env.baselineStore.dispose();
      }
    }
  }
  const table = printTable();
  const report = {
    startedAt: new Date(started).toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.type()} ${os.release()}`,
    },
    options: { ...opts, deadline: undefined },
    seeds,
    rows: results,
    table,
  };
  fs.writeFileSync(opts.out, `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${path.relative(ROOT, opts.out)} in ${report.seconds} s`);
  return results.some((r) => r.error) ? 1 : 0;
}

process.exitCode = await main();
