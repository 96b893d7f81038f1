import client from 'prom-client';

/**
 * Prometheus metrics of one Portico app (`GET /metrics`). Figures of the process (CPU, memory,
 * event-loop delay, GC) come from prom-client's default collectors, registered once per process
 * however many apps it builds (tests build hundreds); Portico's own figures live in a registry per
 * app, so two apps in one process never mix their counts.
 *
 * Names follow Prometheus conventions (`_total` counters, `_seconds` durations); labels are low
 * cardinality by construction: route patterns (never raw URLs), grant types, outcomes.
 */

let processRegistry: client.Registry | undefined;
function processMetrics(): client.Registry {
  if (!processRegistry) {
    processRegistry = new client.Registry();
    // eventLoopMonitoringPrecision 10 ms: nodejs_eventloop_lag_p99_seconds and friends.
    client.collectDefaultMetrics({ register: processRegistry, eventLoopMonitoringPrecision: 10 });
  }
  return processRegistry;
}

/** Read on each scrape: the outbox and the database pool (absent on SQLite). */
export interface MetricsSources {
  outbox(): Promise<{ pending: number; dead: number; oldestPendingSeconds: number }>;
  pool?(): { total: number; idle: number; waiting: number };
}

export type SignInResult = 'success' | 'failure' | 'locked' | 'blocked';
export type MailOutcome = 'sent' | 'failed' | 'dead' | 'lost';

export class Metrics {
  private readonly registry = new client.Registry();
  private readonly requestDuration = new client.Histogram({
    name: 'portico_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route pattern, method and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly tokens = new client.Counter({
    name: 'portico_oauth_token_requests_total',
    help: 'Token endpoint answers, by grant type and result (issued or error code).',
    labelNames: ['grant_type', 'result'] as const,
    registers: [this.registry],
  });
  private readonly signIns = new client.Counter({
    name: 'portico_sign_ins_total',
    help: 'Interactive sign-in attempts, by result.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly mail = new client.Counter({
    name: 'portico_mail_deliveries_total',
    help: 'Outbox delivery attempts, by outcome (sent, failed = will retry, dead = gave up, lost = lease passed on).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly outboxPending = new client.Gauge({
    name: 'portico_outbox_pending_messages',
    help: 'Messages waiting in the outbox (pending or being retried).',
    registers: [this.registry],
  });
  private readonly outboxDead = new client.Gauge({
    name: 'portico_outbox_dead_messages',
    help: 'Messages the outbox gave up on (see the admin center outbox view).',
    registers: [this.registry],
  });
  private readonly outboxOldest = new client.Gauge({
    name: 'portico_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest pending message (0 when none).',
    registers: [this.registry],
  });

  constructor(private readonly sources: MetricsSources) {
    const pool = sources.pool;
    if (pool) {
      new client.Gauge({
        name: 'portico_db_pool_connections',
        help: 'PostgreSQL pool connections, by state (idle, in use) and requests waiting for one.',
        labelNames: ['state'] as const,
        registers: [this.registry],
        collect() {
          const p = pool();
          this.set({ state: 'idle' }, p.idle);
          this.set({ state: 'in_use' }, p.total - p.idle);
          this.set({ state: 'waiting' }, p.waiting);
        },
      });
    }
  }

  observeRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.requestDuration.observe({ method, route, status_code: String(statusCode) }, seconds);
  }

  tokenRequest(grantType: string, result: string): void {
    this.tokens.inc({ grant_type: grantType, result });
  }

  signIn(result: SignInResult): void {
    this.signIns.inc({ result });
  }

  mailOutcome(outcome: MailOutcome): void {
    this.mail.inc({ outcome });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text: process figures, then Portico's. */
  async render(): Promise<string> {
    // One query per scrape for the outbox gauges.
    const outbox = await this.sources.outbox();
    this.outboxPending.set(outbox.pending);
    this.outboxDead.set(outbox.dead);
    this.outboxOldest.set(outbox.oldestPendingSeconds);
    return `${await processMetrics().metrics()}\n${await this.registry.metrics()}`;
  }
}
