import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Config } from '../config/index.js';
import { type Database, pendingMigrations } from '../db/index.js';
import type { Metrics } from '../platform/metrics.js';
import { safeEqual } from '../platform/passwords.js';

/**
 * Probes and metrics for orchestrators and monitoring (docs/operations.md#monitoring):
 * - `GET /healthz` liveness: the process answers (no dependency checked, so a database outage
 *   does not get every instance restarted);
 * - `GET /readyz` readiness: the database answers within 2 s and has every migration this build
 *   knows; 503 otherwise, with the failing check named (details go to the log, not the answer);
 * - `GET /metrics` Prometheus exposition (bearer token when PORTICO_METRICS_TOKEN is set).
 * Probes log at warn level only: a scrape every few seconds must not fill the request log.
 */

const READY_TIMEOUT_MS = 2000;

type Check = { status: 'ok' } | { status: 'failed'; reason: string };

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });

export async function healthRoutes(
  app: FastifyInstance,
  deps: { database: Database; metrics: Metrics; metricsToken: string | undefined; logLevel: Config['logLevel'] },
): Promise<void> {
  const { database, metrics, metricsToken } = deps;
  // A route's logLevel replaces the app's: never louder than what the operator asked for.
  const quiet = { logLevel: ['error', 'fatal', 'silent'].includes(deps.logLevel) ? deps.logLevel : ('warn' as const) };

  app.get('/healthz', quiet, async () => ({ status: 'ok' }));

  app.get('/readyz', quiet, async (req, reply) => {
    const checks: Record<'database' | 'migrations', Check> = {
      database: { status: 'ok' },
      migrations: { status: 'ok' },
    };
    try {
      await withTimeout(sql`select 1`.execute(database.db), READY_TIMEOUT_MS);
      const pending = await withTimeout(pendingMigrations(database.db), READY_TIMEOUT_MS);
      if (pending.length) checks.migrations = { status: 'failed', reason: `${pending.length} pending (run portico migrate)` };
    } catch (err) {
      req.log.warn({ err }, 'readiness: database unreachable');
      checks.database = { status: 'failed', reason: 'unreachable' };
      checks.migrations = { status: 'failed', reason: 'unknown (database unreachable)' };
    }
    const ready = Object.values(checks).every((c) => c.status === 'ok');
    return reply
      .code(ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: ready ? 'ready' : 'unavailable', checks });
  });

  app.get('/metrics', quiet, async (req, reply) => {
    if (metricsToken !== undefined) {
      const m = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
      if (!m?.[1] || !safeEqual(m[1], metricsToken)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .type('text/plain; charset=utf-8')
          .send('A bearer token is required (PORTICO_METRICS_TOKEN).\n');
      }
    }
    const text = await metrics.render();
    return reply.header('cache-control', 'no-store').type(metrics.contentType).send(text);
  });

  // Request durations by route pattern (never the raw URL: bounded label values).
  app.addHook('onResponse', async (req, reply) => {
    metrics.observeRequest(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
}
