import { sql } from 'kysely';
import type { Executor } from '../db/index.js';
import type { Clock } from '../domain/clock.js';

export interface WindowState {
  count: number;
  /** When the current window ends (the counter starts again from zero). */
  windowEndsAt: Date;
}

/**
 * Fixed-window counters in `rate_limits`, shared by every process on the database. `hit` is one
 * atomic upsert (a new window starts when the stored one has ended), so concurrent failures are
 * all counted; `peek` reads without counting. Ended windows are purged opportunistically.
 */
export function createRateLimiter(db: Executor, clock: Clock) {
  let lastPurge = 0;
  return {
    async peek(key: string): Promise<WindowState | undefined> {
      const row = await db
        .selectFrom('rate_limits')
        .select(['count', 'window_ends_at'])
        .where('key', '=', key)
        .executeTakeFirst();
      if (!row || row.window_ends_at <= clock.now().toISOString()) return undefined;
      return { count: Number(row.count), windowEndsAt: new Date(row.window_ends_at) };
    },

    /** Counts one event in the key's current window and returns the new state. */
    async hit(key: string, windowSeconds: number): Promise<WindowState> {
      const now = clock.now();
      const nowIso = now.toISOString();
      const endsIso = new Date(now.getTime() + windowSeconds * 1000).toISOString();
      const row = await db
        .insertInto('rate_limits')
        .values({ key, count: 1, window_ends_at: endsIso })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            count: sql<number>`case when rate_limits.window_ends_at <= ${nowIso} then 1 else rate_limits.count + 1 end`,
            window_ends_at: sql<string>`case when rate_limits.window_ends_at <= ${nowIso} then ${endsIso} else rate_limits.window_ends_at end`,
          }),
        )
        .returning(['count', 'window_ends_at'])
        .executeTakeFirstOrThrow();
      // Housekeeping piggybacks on writes, at most every ten minutes per process.
      if (now.getTime() - lastPurge > 600_000) {
        lastPurge = now.getTime();
        await this.purgeExpired();
      }
      return { count: Number(row.count), windowEndsAt: new Date(row.window_ends_at) };
    },

    async reset(key: string): Promise<void> {
      await db.deleteFrom('rate_limits').where('key', '=', key).execute();
    },

    /** Drops ended windows (housekeeping; correctness does not depend on it). */
    async purgeExpired(): Promise<void> {
      await db.deleteFrom('rate_limits').where('window_ends_at', '<=', clock.now().toISOString()).execute();
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
