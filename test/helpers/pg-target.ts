import pg from 'pg';

/**
 * Where a test's PostgreSQL schema is reached.
 *
 * Directly (the default), each test schema is selected per connection with the libpq startup
 * option `-c search_path=<schema>`.
 *
 * Through PgBouncer in transaction pooling mode (`PORTICO_TEST_PGBOUNCER_URL`, set by
 * scripts/test-pgbouncer.mjs) no session state may be relied on: PgBouncer refuses the `options`
 * startup parameter and hands each transaction whichever server connection is free. The schema is
 * then chosen the way production does it behind a pooler: by the login role, whose
 * `search_path` is set with `ALTER ROLE … SET search_path` (applied when PgBouncer opens a server
 * connection for that role, so every connection of its pool has it).
 */
export const directPgUrl = () => process.env.PORTICO_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const pgBouncerUrl = () => process.env.PORTICO_TEST_PGBOUNCER_URL || undefined;

export interface PgTarget {
  /** DATABASE_URL for the app (or a child process). */
  url: string;
  /** Pass to createDb as `pgSchema` (direct connections only). */
  pgSchema: string | undefined;
}

/** Creates the schema (and, behind PgBouncer, its login role) when missing; returns how to reach it. */
export async function pgTarget(schema: string): Promise<PgTarget> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const bouncer = pgBouncerUrl();
  const c = new pg.Client({ connectionString: directPgUrl() });
  await c.connect();
  try {
    if (!bouncer) {
      await c.query(`create schema if not exists ${schema}`);
      return { url: directPgUrl(), pgSchema: schema };
    }
    // Superuser so tests may do what the migrations and test helpers do; a test machine only.
    await c.query(
      `do $$ begin if not exists (select 1 from pg_roles where rolname = '${schema}') then create role ${schema} login superuser; end if; end $$`,
    );
    await c.query(`alter role ${schema} set search_path = ${schema}`);
    // Tagged with the bouncer run, which drops its roles at the end (scripts/test-pgbouncer.mjs).
    const run = process.env.PORTICO_TEST_PGBOUNCER_RUN;
    if (run && /^[a-z0-9-]+$/.test(run)) await c.query(`comment on role ${schema} is '${run}'`);
    await c.query(`create schema if not exists ${schema}`);
  } finally {
    await c.end();
  }
  const url = new URL(bouncer);
  url.username = schema;
  url.password = '';
  return { url: url.href, pgSchema: undefined };
}

/** Drops a test schema (directly, not through the pooler). Roles are dropped by the bouncer script. */
export async function dropPgSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: directPgUrl() });
  await c.connect();
  try {
    await c.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await c.end();
  }
}
