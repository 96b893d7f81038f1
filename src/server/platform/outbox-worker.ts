import os from 'node:os';
import type { Kysely, Updateable } from 'kysely';
import type { DB, Dialect } from '../db/index.js';
import type { Clock } from '../domain/clock.js';
import { randomSecret } from '../domain/ids.js';
import { describeMailError, type Mailer, type MailLogger } from './mailer.js';
import { parsePayload } from './outbox.js';
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

export interface OutboxWorker {
  readonly id: string;
  /** Starts polling (idempotent). */
  start(): void;
  /** Stops polling and waits for the round in flight. */
  stop(): Promise<void>;
  /** Claims one batch of due rows and delivers it. */
  runOnce(): Promise<OutboxRunResult>;
  /** Runs rounds until no row is due now (by the injected clock). */
  drain(opts?: { maxRounds?: number }): Promise<OutboxRunResult>;
  /** Polls now instead of at the next interval (e.g. right after a commit that enqueued mail). */
  wake(): void;
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

export function createOutboxWorker(opts: OutboxWorkerOptions): OutboxWorker {
  const { db, dialect, mailer, clock, logger } = opts;
  const pollMs = opts.pollMs ?? 1000;
  const batchSize = opts.batchSize ?? 10;
  const leaseMs = opts.leaseMs ?? 60_000;
  const base = opts.baseBackoffMs ?? 30_000;
  const maxBackoff = opts.maxBackoffMs ?? 3_600_000;
  const maxAttempts = opts.maxAttempts ?? 25;
  const random = opts.random ?? Math.random;
  const id = opts.workerId ?? `${os.hostname()}:${process.pid}:${randomSecret(6)}`;

  async function claim(): Promise<OutboxTable[]> {
    const now = clock.now();
    const nowIso = now.toISOString();
    let due = db
      .selectFrom('outbox')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', nowIso)
      .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', nowIso)]))
      .orderBy('next_attempt_at')
      .limit(batchSize);
    if (dialect === 'postgres') due = due.forUpdate().skipLocked();
    return db
      .updateTable('outbox')
      .set({ lease_owner: id, lease_expires_at: new Date(now.getTime() + leaseMs).toISOString() })
      .where('id', 'in', due)
      .returningAll()
      .execute();
  }

  async function deliver(row: OutboxTable): Promise<OutboxRunResult> {
    const r = empty();
    // A lease that ran out while this batch waited belongs to whoever claims the row next.
    if (row.lease_expires_at !== null && clock.now().toISOString() >= row.lease_expires_at) return r;
    // Only the lease holder records the outcome, and only once.
    const finish = async (set: Updateable<OutboxTable>): Promise<boolean> => {
      const res = await db
        .updateTable('outbox')
        .set(set)
        .where('id', '=', row.id)
        .where('lease_owner', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    };
    let error: string | undefined;
    try {
      const payload = parsePayload(row.payload);
      await mailer.send({ outboxId: row.id, tenantId: row.tenant_id, kind: row.kind, messageId: row.message_id, payload });
    } catch (err) {
      error = describeMailError(err);
    }
    const nowIso = clock.now().toISOString();
    if (error === undefined) {
      const recorded = await finish({
        status: 'sent',
        sent_date_time: nowIso,
        attempts: Number(row.attempts) + 1,
        lease_owner: null,
        lease_expires_at: null,
      });
      if (recorded) r.sent++;
      else {
        r.lost++;
        logger.warn(
          { outboxId: row.id, messageId: row.message_id },
          'outbox: delivered after the lease passed on (may be sent twice)',
        );
      }
      return r;
    }
    const attempts = Number(row.attempts) + 1;
    const dead = attempts >= maxAttempts;
    const next = new Date(clock.now().getTime() + backoffDelayMs(Number(row.attempts), base, maxBackoff, random)).toISOString();
    const recorded = await finish({
      status: dead ? 'dead' : 'pending',
      attempts,
      last_error: error,
      next_attempt_at: next,
      lease_owner: null,
      lease_expires_at: null,
    });
    if (!recorded) {
      r.lost++;
    } else if (dead) {
      r.dead++;
      logger.error(
        { outboxId: row.id, kind: row.kind, attempts, lastError: error },
        `outbox: giving up after ${attempts} attempts; the message is marked dead`,
      );
    } else {
      r.failed++;
    }
    return r;
  }

  async function runOnce(): Promise<OutboxRunResult> {
    const rows = await claim();
    let total = { ...empty(), claimed: rows.length };
    // In parallel: one slow server response must not push the rest of the batch past the lease.
    for (const r of await Promise.all(rows.map(deliver))) total = add(total, r);
    return total;
  }

  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;

  function schedule(ms: number): void {
    if (!running || timer !== undefined || inFlight !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      inFlight = tick().finally(() => {
        inFlight = undefined;
        schedule(pollMs);
      });
    }, ms);
    // The HTTP server keeps a serving process alive; the mail loop alone must not.
    timer.unref();
  }

  let lastLoggedError: string | undefined;
  async function tick(): Promise<void> {
    try {
      let r: OutboxRunResult;
      do {
        r = await runOnce();
      } while (running && r.claimed === batchSize);
      lastLoggedError = undefined;
    } catch (err) {
      // Database trouble: keep polling, but say so once rather than every second.
      const text = describeMailError(err);
      if (text !== lastLoggedError) logger.error({ err: text, workerId: id }, 'outbox: polling failed; will keep retrying');
      lastLoggedError = text;
    }
  }

  return {
    id,
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
    runOnce,
    async drain({ maxRounds = 10_000 } = {}) {
      let total = empty();
      for (let i = 0; i < maxRounds; i++) {
        const r = await runOnce();
        total = add(total, r);
        if (r.claimed === 0) break;
      }
      return total;
    },
    wake() {
      if (!running || inFlight !== undefined) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      schedule(0);
    },
  };
}
