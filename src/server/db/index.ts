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
import pg from 'pg';
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
import * as m0011 from './migrations/0011_scim.js';
import * as m0017 from './migrations/0017_oauth2_permission_grants.js';
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

// pg returns int8 (count(*)) as strings; our counts fit in a JS number.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

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
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
    return { db, dialect: 'sqlite', location: file, destroy: () => db.destroy() };
  }
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
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it. Queries report their own errors.
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    location: `postgres://${url.hostname}:${url.port || 5432}${url.pathname}${schema ? ` (schema ${schema})` : ''}`,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    destroy: () => db.destroy(),
  };
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
  '0011_scim': m0011,
  '0017_oauth2_permission_grants': m0017,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/**
 * Kysely's migrator, told which schema holds its tables: with several schemas on one server
 * (tests, or two installations) it would otherwise look in every schema and find another's.
 */
async function migratorFor(db: Kysely<DB>): Promise<Migrator> {
  const schema =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s
      : undefined;
  return new Migrator({
    db,
    provider: new StaticProvider(),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
}

/** Applies pending migrations; safe to call from several processes (Kysely takes a lock). */
export async function migrateToLatest(db: Kysely<DB>): Promise<string[]> {
  const { error, results } = await (await migratorFor(db)).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Migrations this build knows and the database has not applied (readiness: none may be left). */
export async function pendingMigrations(db: Kysely<DB>): Promise<string[]> {
  const all = await (await migratorFor(db)).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
