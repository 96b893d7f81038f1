import os from 'node:os';
import type { Kysely } from 'kysely';
import type { DB, Dialect } from '../db/index.js';
import type { Clock } from '../domain/clock.js';
import { randomSecret } from '../domain/ids.js';
import { describeMailError, type Mailer, type MailLogger } from './mailer.js';
import { claimOutboxBatch, finishOutboxRow, parsePayload } from './outbox.js';
import type { OutboxTable } from './platform.table.js';

/**
 * Delivers the outbox. Several workers (threads of one process or many processes on one
 * PostgreSQL database) may run at once: each claims a batch by writing a lease (owner + expiry)
 * on due rows — `FOR UPDATE SKIP LOCKED` on PostgreSQL so concurrent claims never block on or take
 * the same rows; SQLite has a single writer, so the one UPDATE … RETURNING is already exclusive.
 * Every later write is guarded by `lease_owner`, so a worker whose lease ran out cannot overwrite
 * another's outcome. A worker that dies leaves its lease to expire; the rows are then claimed
 * again. Delivery is therefore at-least-once; the stable Message-ID makes duplicates recognisable.
 *
 * Scheduling decisions (due times, leases, backoff) use the injected clock; the polling loop uses
 * real timers. Tests call `runOnce()` / `drain()` and move a manual clock instead of sleeping.
 */

export interface OutboxWorkerOptions {
  db: Kysely<DB>;
  dialect: Dialect;
  mailer: Mailer;
  clock: Clock;
  logger: MailLogger;
  /** Pause between polls when there is nothing (more) to do. Default 1000 ms. */
  pollMs?: number;
  /** Rows claimed per round. Default 10. */
  batchSize?: number;
  /** How long a claim stays exclusive. Default 60 s (SMTP timeouts keep a batch well inside it). */
  leaseMs?: number;
  /** First retry delay cap; doubles per attempt. Default 30 s. */
  baseBackoffMs?: number;
  /** Largest retry delay cap. Default 1 h. */
  maxBackoffMs?: number;
  /** After this many failed attempts the row becomes `dead` (visible in the outbox view). Default 25. */
  maxAttempts?: number;
  /** Lease owner name; default host:pid:random. */
  workerId?: string;
  /** Source of jitter in [0, 1); default Math.random. */
  random?: () => number;
  /** Observer of each delivery's outcome (metrics). */
  onOutcome?: (outcome: Outcome) => void;
}

export interface OutboxRunResult {
  claimed: number;
  sent: number;
  /** Failed attempts that will be retried. */
  failed: number;
  /** Rows that gave up (`dead`) in this run. */
  dead: number;
  /** Deliveries whose outcome could not be recorded because the lease had passed to another worker. */
  lost: number;
}

const empty = (): OutboxRunResult => ({ claimed: 0, sent: 0, failed: 0, dead: 0, lost: 0 });
const add = (a: OutboxRunResult, b: OutboxRunResult): OutboxRunResult => ({
  claimed: a.claimed + b.claimed,
  sent: a.sent + b.sent,
  failed: a.failed + b.failed,
  dead: a.dead + b.dead,
  lost: a.lost + b.lost,
});

/** Retry delay after `previousAttempts` failures: full jitter under min(base·2^n, max), at least 1 s. */
export function backoffDelayMs(previousAttempts: number, base: number, max: number, random: () => number): number {
  const cap = Math.min(base * 2 ** Math.min(previousAttempts, 30), max);
  return Math.max(Math.min(1000, cap), Math.floor(random() * cap));
}

/** Outcome of one delivery: the worker still held the lease (`recorded`) or another worker took the row over. */
export type Outcome = 'sent' | 'failed' | 'dead' | 'lost';

export class OutboxWorker {
  readonly id: string;
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly backoff: { base: number; max: number; random: () => number };
  private readonly maxAttempts: number;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private lastLoggedError: string | undefined;

  constructor(private readonly opts: OutboxWorkerOptions) {
    this.pollMs = opts.pollMs ?? 1000;
    this.batchSize = opts.batchSize ?? 10;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.backoff = {
      base: opts.baseBackoffMs ?? 30_000,
      max: opts.maxBackoffMs ?? 3_600_000,
      random: opts.random ?? Math.random,
    };
    this.maxAttempts = opts.maxAttempts ?? 25;
    this.id = opts.workerId ?? `${os.hostname()}:${process.pid}:${randomSecret(6)}`;
  }

  /** Starts polling (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops polling and waits for the round in flight. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** Claims one batch of due rows and delivers it. */
  async runOnce(): Promise<OutboxRunResult> {
    const { db, dialect, clock } = this.opts;
    const rows = await claimOutboxBatch(db, dialect, {
      owner: this.id,
      now: clock.now(),
      leaseMs: this.leaseMs,
      limit: this.batchSize,
    });
    const total = { ...empty(), claimed: rows.length };
    // In parallel: one slow server response must not push the rest of the batch past the lease.
    for (const outcome of await Promise.all(rows.map((row) => this.deliver(row)))) {
      if (!outcome) continue;
      total[outcome]++;
      this.opts.onOutcome?.(outcome);
    }
    return total;
  }

  /** Runs rounds until no row is due now (by the injected clock). */
  async drain({ maxRounds = 10_000 }: { maxRounds?: number } = {}): Promise<OutboxRunResult> {
    let total = empty();
    for (let i = 0; i < maxRounds; i++) {
      const r = await this.runOnce();
      total = add(total, r);
      if (r.claimed === 0) break;
    }
    return total;
  }

  private async deliver(row: OutboxTable): Promise<Outcome | undefined> {
    const { clock, mailer, logger, db } = this.opts;
    // A lease that ran out while this batch waited belongs to whoever claims the row next.
    if (row.lease_expires_at !== null && clock.now().toISOString() >= row.lease_expires_at) return undefined;
    let error: string | undefined;
    try {
      const payload = parsePayload(row.payload);
      await mailer.send({ outboxId: row.id, tenantId: row.tenant_id, kind: row.kind, messageId: row.message_id, payload });
    } catch (err) {
      error = describeMailError(err);
    }
    const attempts = Number(row.attempts) + 1;
    if (error === undefined) {
      const done = { status: 'sent' as const, sent_date_time: clock.now().toISOString(), attempts };
      if (await finishOutboxRow(db, row.id, this.id, done)) return 'sent';
      logger.warn(
        { outboxId: row.id, messageId: row.message_id },
        'outbox: delivered after the lease passed on (may be sent twice)',
      );
      return 'lost';
    }
    const dead = attempts >= this.maxAttempts;
    const delay = backoffDelayMs(Number(row.attempts), this.backoff.base, this.backoff.max, this.backoff.random);
    const retry = {
      status: dead ? ('dead' as const) : ('pending' as const),
      attempts,
      last_error: error,
      next_attempt_at: new Date(clock.now().getTime() + delay).toISOString(),
    };
    if (!(await finishOutboxRow(db, row.id, this.id, retry))) return 'lost';
    if (!dead) return 'failed';
    logger.error(
      { outboxId: row.id, kind: row.kind, attempts, lastError: error },
      `outbox: giving up after ${attempts} attempts; the message is marked dead`,
    );
    return 'dead';
  }

  private schedule(ms: number): void {
    if (!this.running || this.timer !== undefined || this.inFlight !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.inFlight = this.tick().finally(() => {
        this.inFlight = undefined;
        this.schedule(this.pollMs);
      });
    }, ms);
    // The HTTP server keeps a serving process alive; the mail loop alone must not.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      let r: OutboxRunResult;
      do {
        r = await this.runOnce();
      } while (this.running && r.claimed === this.batchSize);
      this.lastLoggedError = undefined;
    } catch (err) {
      // Database trouble: keep polling, but say so once rather than every second.
      const text = describeMailError(err);
      if (text !== this.lastLoggedError) {
        this.opts.logger.error({ err: text, workerId: this.id }, 'outbox: polling failed; will keep retrying');
      }
      this.lastLoggedError = text;
    }
  }
}

export const createOutboxWorker = (opts: OutboxWorkerOptions): OutboxWorker => new OutboxWorker(opts);
