import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, pendingMigrations } from '../../src/server/db/index.js';
import { buildTestApp, dialect, type TestApp } from '../helpers/app.js';
import { directPgUrl } from '../helpers/pg-target.js';

// Migrations take a lock so that processes starting together apply each migration once. On
// PostgreSQL the lock must not outlive the migration on any server connection — behind PgBouncer in
// transaction pooling mode a session lock taken and released in separate statements stays on a
// pooled connection and stalls every later start (scripts/test-pgbouncer.mjs runs this file there).

const KEY = BigInt('3853314791062309107');

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t?.close();
});

/** Sessions that hold the migration lock while not in a transaction: a leaked lock. */
async function leakedLocks(): Promise<number> {
  const c = new pg.Client({ connectionString: directPgUrl() });
  await c.connect();
  try {
    const { rows } = await c.query(
      `select count(*)::int as n from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.classid = $1 and l.objid = $2 and l.objsubid = 1 and l.granted
          and a.state = 'idle'`,
      [Number(KEY >> 32n), Number(KEY & 0xffffffffn)],
    );
    return (rows[0] as { n: number }).n;
  } finally {
    await c.end();
  }
}

describe(`migration lock (${dialect})`, () => {
  it('several concurrent and repeated migrations finish promptly and leave no lock behind', async () => {
    for (let round = 0; round < 3; round++) {
      const applied = await Promise.all(Array.from({ length: 4 }, () => migrateToLatest(t.database.db)));
      expect(applied.flat()).toEqual([]);
    }
    expect(await pendingMigrations(t.database.db)).toEqual([]);
    // (With a leaked lock the next run waits for it: behind PgBouncer this test then times out.)
    if (dialect === 'postgres') expect(await leakedLocks()).toBe(0);
  });
});
