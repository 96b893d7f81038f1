import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  sql,
  type Transaction,
} from 'kysely';
import type { Config } from '../config/index.js';
import * as m0001 from './migrations/0001_directory.js';
import * as m0002 from './migrations/0002_mail.js';
import * as m0003 from './migrations/0003_invitations.js';
import * as m0004 from './migrations/0004_applications.js';
import * as m0005 from './migrations/0005_saml.js';
import * as m0006 from './migrations/0006_read_models.js';
import * as m0007 from './migrations/0007_dynamic_groups.js';
import * as m0008 from './migrations/0008_sign_in_revocation.js';
import * as m0009 from './migrations/0009_self_service.js';
import * as m0010 from './migrations/0010_addresses.js';
import * as m0011 from './migrations/0011_scim.js';
import * as m0013 from './migrations/0013_deleted_items_and_changes.js';
import * as m0014 from './migrations/0014_sign_ins.js';
import * as m0016 from './migrations/0016_saml_logout.js';
import * as m0017 from './migrations/0017_oauth2_permission_grants.js';
import * as m0018 from './migrations/0018_graph_service_principal.js';
import * as m0019 from './migrations/0019_application_registrations.js';
import * as m0020 from './migrations/0020_user_manager.js';
import { withStatementCache } from './statement-cache.js';
import type { DB } from './types.js';

export type { DB } from './types.js';
export type Dialect = 'sqlite' | 'postgres';
/** A Kysely handle or an open transaction: repositories accept either. */
export type Executor = Kysely<DB> | Transaction<DB>;

export interface Database {
  readonly db: Kysely<DB>;
  readonly dialect: Dialect;
  /** Human-readable location for logs (file path or host/database, never the password). */
  readonly location: string;
  /** PostgreSQL only: connections of the pool (metrics). */
  poolStats?(): { total: number; idle: number; waiting: number };
  destroy(): Promise<void>;
}

export interface CreateDbOptions {
  /** PostgreSQL schema to use (tests isolate themselves in a schema each). Created when missing. */
  pgSchema?: string;
  /** Pool size for PostgreSQL. */
  pgPoolMax?: number;
}

/**
 * The PostgreSQL driver, loaded when a PostgreSQL database is opened: an embedded (SQLite) Portico
 * does not pay for loading it at start.
 */
async function loadPg() {
  const { default: pg } = await import('pg');
  // pg returns int8 (count(*)) as strings; our counts fit in a JS number.
  pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
  return pg;
}

/** Opens the database named by the configuration. Does not migrate (see `migrateToLatest`). */
export async function createDb(config: Pick<Config, 'database'>, opts: CreateDbOptions = {}): Promise<Database> {
  if (config.database.kind === 'sqlite') {
    const file = config.database.file;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const sqlite = new SqliteDatabase(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return { db, dialect: 'sqlite', location: file, destroy: () => db.destroy() };
  }
  const pg = await loadPg();
  const url = new URL(config.database.url);
  const schema = opts.pgSchema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  if (schema !== undefined) {
    const c = new pg.Client({ connectionString: config.database.url });
    await c.connect();
    try {
      await c.query(`create schema if not exists ${schema}`);
    } finally {
      await c.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: config.database.url,
    max: opts.pgPoolMax ?? 10,
    // A database that does not answer fails the request (503, http/errors.ts) instead of queueing it forever.
    connectionTimeoutMillis: 5_000,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it. Queries report their own errors.
  });
  // A client that loses its connection while checked out (between the statements of a transaction)
  // emits 'error' with no pool listener attached: without this one, Node would treat it as an
  // uncaught exception and the process would die when the database restarts. The client's next
  // statement fails instead (answered 503, http/errors.ts) and the pool discards it on release.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const db = new Kysely<DB>({ dialect: new PorticoPostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    location: `postgres://${url.hostname}:${url.port || 5432}${url.pathname}${schema ? ` (schema ${schema})` : ''}`,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    destroy: () => db.destroy(),
  };
}

/**
 * Keeps the query planner's statistics current (without them a large SQLite file plans the
 * recursive membership queries as scans). SQLite: `PRAGMA optimize`, which analyzes only tables
 * whose size changed a lot, with a row limit per index so it stays quick on millions of rows
 * (`full`: plain ANALYZE, after a bulk load). PostgreSQL: ANALYZE of this schema's tables (autovacuum
 * also does it, late after bulk loads); sampling keeps it to seconds.
 */
export async function refreshStatistics(
  database: Pick<Database, 'db' | 'dialect'>,
  opts: { full?: boolean } = {},
): Promise<void> {
  if (database.dialect === 'sqlite') {
    if (opts.full) {
      await sql`analyze`.execute(database.db);
      return;
    }
    await sql`pragma analysis_limit = 1000`.execute(database.db);
    await sql.raw('pragma optimize = 0x10002').execute(database.db);
    return;
  }
  // Only this schema's tables: one server often holds several installations (or test schemas).
  const tables = await sql<{ t: string }>`select tablename as t from pg_tables where schemaname = current_schema()`.execute(
    database.db,
  );
  if (tables.rows.length === 0) return;
  await sql`analyze ${sql.join(tables.rows.map((r) => sql.id(r.t)))}`.execute(database.db);
}

const migrations: Record<string, Migration> = {
  '0001_directory': m0001,
  '0002_mail': m0002,
  '0003_invitations': m0003,
  '0004_applications': m0004,
  '0005_saml': m0005,
  '0006_read_models': m0006,
  '0007_dynamic_groups': m0007,
  '0008_sign_in_revocation': m0008,
  '0009_self_service': m0009,
  '0010_addresses': m0010,
  '0011_scim': m0011,
  '0013_deleted_items_and_changes': m0013,
  '0014_sign_ins': m0014,
  '0016_saml_logout': m0016,
  '0017_oauth2_permission_grants': m0017,
  '0018_graph_service_principal': m0018,
  '0019_application_registrations': m0019,
  '0020_user_manager': m0020,
};

/** Key of the migration lock (Kysely's own, so older builds and this one exclude each other). */
const MIGRATION_LOCK_KEY = BigInt('3853314791062309107');

/**
 * PostgreSQL as Kysely knows it, except for the migration lock. Kysely takes a session-level
 * advisory lock (`pg_advisory_lock`) and releases it in statements of their own around the
 * migration transaction. Behind PgBouncer in transaction pooling mode those statements run on
 * whichever server connection is free: the unlock misses, the lock stays on a pooled connection,
 * and the next process to migrate waits until that connection closes (up to an hour). Here the lock
 * is transaction-scoped (`pg_advisory_xact_lock`), taken inside the one transaction that applies the
 * migrations (`migrateToLatest`), so its commit or rollback releases it on whatever connection ran it.
 */
class MigrationPostgresAdapter extends PostgresAdapter {
  override async acquireMigrationLock(db: Kysely<unknown>): Promise<void> {
    await sql`select pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(db);
  }

  override async releaseMigrationLock(): Promise<void> {
    // Released with the transaction.
  }
}

class PorticoPostgresDialect extends PostgresDialect {
  override createAdapter(): PostgresAdapter {
    return new MigrationPostgresAdapter();
  }
}

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/**
 * Kysely's migrator, told which schema holds its tables: with several schemas on one server
 * (tests, or two installations) it would otherwise look in every schema and find another's.
 */
async function migratorFor(db: Kysely<DB>, disableTransactions = false): Promise<Migrator> {
  const schema =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s
      : undefined;
  return new Migrator({
    db,
    provider: new StaticProvider(),
    disableTransactions,
    // Numbers are handed out to parallel branches: one may land after a higher number was applied.
    allowUnorderedMigrations: true,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
}

/**
 * Applies pending migrations; safe to call from several processes at once. On PostgreSQL they run in
 * one transaction that first takes the migration lock (transaction-scoped, see
 * MigrationPostgresAdapter): all pending migrations apply, or none, and the lock never outlives it.
 */
export async function migrateToLatest(db: Kysely<DB>): Promise<string[]> {
  const run = async (on: Kysely<DB>, disableTransactions: boolean) => {
    const { error, results } = await (await migratorFor(on, disableTransactions)).migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  };
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return run(db, false);
  // Kysely cannot run its migrator inside a Transaction object, so the transaction is opened on one
  // pinned connection by hand and Kysely's own is turned off.
  return db.connection().execute(async (conn) => {
    await sql`begin`.execute(conn);
    try {
      await sql`select pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(conn);
      const applied = await run(conn, true);
      await sql`commit`.execute(conn);
      return applied;
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw err;
    }
  });
}

/** Migrations this build knows and the database has not applied (readiness: none may be left). */
export async function pendingMigrations(db: Kysely<DB>): Promise<string[]> {
  const all = await (await migratorFor(db)).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
