import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import autocannon from 'autocannon';

/** Ports of anything the benchmark starts: loopback, within the range given to the benchmarks. */
const PORT_RANGE = { first: Number(process.env.BENCH_PORT_FIRST ?? 41000), last: Number(process.env.BENCH_PORT_LAST ?? 41499) };
let nextPort = PORT_RANGE.first;

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

export async function freePort(): Promise<number> {
  for (let i = 0; i <= PORT_RANGE.last - PORT_RANGE.first; i++) {
    const port = nextPort;
    nextPort = nextPort >= PORT_RANGE.last ? PORT_RANGE.first : nextPort + 1;
    if (await portFree(port)) return port;
  }
  throw new Error(`no free port in ${PORT_RANGE.first}-${PORT_RANGE.last}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

export const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
};

/** A server process the benchmark started (Portico or a baseline), stopped by `stop()`. */
export interface Server {
  name: string;
  url: string;
  proc: ChildProcess;
  /** Milliseconds from spawn to the first 200 of the ready path. */
  startMs: number;
  /** Resident set size now, in MiB (Linux /proc). */
  rssMiB(): number;
  stop(): Promise<void>;
  /** Last lines of its output (for errors). */
  output(): string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One HTTP request over a keep-alive agent; resolves with status, body and elapsed milliseconds. */
export function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: res.headers,
          ms: performance.now() - started,
        }),
      );
      res.on('error', reject);
    });
    req.setTimeout(120_000, () => req.destroy(new Error(`timeout ${url}`)));
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/**
 * Starts a server on a free port of the range. Outgoing connections take ephemeral ports that may
 * fall in the range too, so a port found free can be gone a moment later: retried on EADDRINUSE.
 */
export async function startOnFreePort(
  name: string,
  args: string[],
  envFor: (port: number) => Record<string, string>,
  readyPath?: string,
): Promise<Server> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await startServer(name, args, { port, env: envFor(port), ...(readyPath ? { readyPath } : {}) });
    } catch (e) {
      if (attempt >= 5 || !String(e).includes('EADDRINUSE')) throw e;
    }
  }
}

/** Starts a server process and waits (bounded) until `readyPath` answers 200. */
export async function startServer(
  name: string,
  args: string[],
  opts: { env: Record<string, string>; port: number; readyPath?: string; timeoutMs?: number },
): Promise<Server> {
  const started = performance.now();
  const proc = spawn(process.execPath, args, {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (b: Buffer) => {
    lines.push(...b.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${opts.port}`;
  const deadline = started + (opts.timeoutMs ?? 120_000);
  let exited = false;
  proc.once('exit', () => {
    exited = true;
  });
  for (;;) {
    if (exited) throw new Error(`${name} exited during start:\n${lines.join('\n')}`);
    if (performance.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`${name} did not answer ${opts.readyPath ?? '/healthz'} in time:\n${lines.join('\n')}`);
    }
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.get(`${url}${opts.readyPath ?? '/healthz'}`, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
    });
    if (ok) break;
    await sleep(10);
  }
  const startMs = performance.now() - started;
  return {
    name,
    url,
    proc,
    startMs,
    rssMiB() {
      try {
        const status = fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8');
        const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
        return kb / 1024;
      } catch {
        return Number.NaN;
      }
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
    output: () => lines.join('\n'),
  };
}

export interface Throughput {
  /** Successful (2xx) answers per second. */
  rps: number;
  /** Non-2xx answers and socket errors (a benchmark answering errors fast must not look good). */
  failures: number;
  p99ms: number;
}

/** Closed-loop load with autocannon for `seconds`: `connections` requests in flight. */
export async function load(opts: {
  url: string;
  seconds: number;
  connections: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** A fresh body per request (e.g. a new invitee address). */
  makeBody?: () => string;
}): Promise<Throughput> {
  const make = opts.makeBody;
  const r = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    timeout: 30,
    ...(make
      ? {
          requests: [
            {
              method: opts.method ?? 'POST',
              ...(opts.headers ? { headers: opts.headers } : {}),
              setupRequest: (req) => ({ ...req, body: make() }),
            },
          ],
        }
      : {
          ...(opts.method ? { method: opts.method } : {}),
          ...(opts.headers ? { headers: opts.headers } : {}),
          ...(opts.body !== undefined ? { body: opts.body } : {}),
        }),
  });
  return { rps: r['2xx'] / (r.duration || opts.seconds), failures: r.non2xx + r.errors + r.timeouts, p99ms: r.latency.p99 };
}

export interface Latency {
  p50ms: number;
  p95ms: number;
  count: number;
  failures: number;
}

/** One request at a time for `seconds` (and at least `minCount`, at most `maxCount`): the latency a single user sees. */
export async function latency(
  next: () => { url: string; headers?: Record<string, string> },
  opts: { seconds: number; minCount?: number; maxCount?: number },
): Promise<Latency> {
  const times: number[] = [];
  let failures = 0;
  const end = performance.now() + opts.seconds * 1000;
  const min = opts.minCount ?? 5;
  const max = opts.maxCount ?? 10_000;
  while ((performance.now() < end || times.length < min) && times.length < max) {
    const { url, headers } = next();
    const r = await request(url, { ...(headers ? { headers } : {}) });
    if (r.status !== 200) {
      failures++;
      if (failures > 20) throw new Error(`${url}: ${r.status} ${r.body.slice(0, 300)}`);
    }
    times.push(r.ms);
  }
  return { p50ms: percentile(times, 50), p95ms: percentile(times, 95), count: times.length, failures };
}

/** Prometheus text → the value of one unlabelled series. */
export function metricValue(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name} ([0-9.eE+-]+)$`, 'm').exec(text);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/**
 * Event-loop delay p99 (ms) of a Portico process over a measurement: prom-client's event-loop
 * histogram is reset by each scrape of /metrics, so scrape before (reset) and read after.
 */
export async function withEventLoopDelay<T>(server: Server, fn: () => Promise<T>): Promise<{ value: T; eldP99ms: number }> {
  await request(`${server.url}/metrics`);
  const value = await fn();
  const text = (await request(`${server.url}/metrics`)).body;
  const p99 = metricValue(text, 'nodejs_eventloop_lag_p99_seconds');
  return { value, eldP99ms: p99 === undefined ? Number.NaN : p99 * 1000 };
}
