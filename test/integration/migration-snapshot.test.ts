import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database, migrateToLatest } from '../../src/server/db/index.js';
import { dialect } from '../helpers/app.js';
import { dropPgSchema, pgTarget } from '../helpers/pg-target.js';

// Migrations are history: existing databases (SQLite files, PostgreSQL schemas) have applied them,
// so what they create is frozen. This file migrates a fresh database and compares a complete,
// normalised dump of its catalogue with the snapshot committed per dialect
// (__snapshots__/schema-<dialect>.sql): a refactor of the migrations (or of the helpers they use,
// src/server/db/migration-helpers.ts) must leave it byte for byte the same. A NEW migration changes
// the snapshot on purpose: review the diff, then `npx vitest run -u` this file on both projects.
// It also applies every migration's `up` one by one and then every `down` in reverse, checking
// that each `down` leaves exactly the schema that stood before its `up`.

const MIGRATIONS_DIR = fileURLToPath(new URL('../../src/server/db/migrations/', import.meta.url));

/** The migration files, by name (what db/index.ts must list, in order). */
const migrationNames = fs
  .readdirSync(MIGRATIONS_DIR)
  .filter((f) => /^\d{4}_\w+\.ts$/.test(f))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

interface MigrationModule {
  up(db: Kysely<unknown>): Promise<void>;
  down(db: Kysely<unknown>): Promise<void>;
}

interface Fresh {
  database: Database;
  /** PostgreSQL: the test schema (normalised away in dumps). */
  schema: string | undefined;
  close(): Promise<void>;
}

/** A fresh, empty database of this project's dialect. */
async function freshDatabase(): Promise<Fresh> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-snapshot-'));
    const database = await createDb({ database: { kind: 'sqlite', file: path.join(dir, 'portico.db') } });
    return {
      database,
      schema: undefined,
      close: async () => {
        await database.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_snap_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const target = await pgTarget(schema);
  const database = await createDb(
    { database: { kind: 'postgres', url: target.url } },
    { ...(target.pgSchema ? { pgSchema: target.pgSchema } : {}), pgPoolMax: 2 },
  );
  return {
    database,
    schema,
    close: async () => {
      await database.destroy();
      await dropPgSchema(schema);
    },
  };
}

/** Kysely's own bookkeeping tables are not the migrations' schema. */
const KYSELY = 'kysely\\_%';

/** Every row of sqlite_master (tables, indexes, views, triggers), ordered by type and name. */
async function dumpSqlite(db: Kysely<unknown>): Promise<string> {
  const rows = await sql<{ type: string; name: string; tbl_name: string; sql: string | null }>`
    select type, name, tbl_name, sql from sqlite_master
    where name not like ${KYSELY} escape '\\' and tbl_name not like ${KYSELY} escape '\\'
    order by type, name`.execute(db);
  return rows.rows
    .map((r) => `-- ${r.type} ${r.name} on ${r.tbl_name}\n${r.sql === null ? '-- (implicit)' : `${r.sql};`}\n`)
    .join('\n');
}

/** The current schema's catalogue: relations, columns, constraints, indexes, views, triggers, functions. */
async function dumpPostgres(db: Kysely<unknown>, schema: string): Promise<string> {
  const q = async <R extends object>(query: ReturnType<typeof sql<R>>) => (await query.execute(db)).rows;
  const relations = await q<{ relname: string; relkind: string }>(sql`
    select c.relname, c.relkind::text as relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relname not like ${KYSELY} escape '\\'
    order by c.relkind, c.relname`);
  const columns = await q<{
    table_name: string;
    ordinal_position: number;
    column_name: string;
    data_type: string;
    is_nullable: string;
    column_default: string | null;
  }>(sql`
    select table_name, ordinal_position, column_name, data_type, is_nullable, column_default
    from information_schema.columns
    where table_schema = current_schema() and table_name not like ${KYSELY} escape '\\'
    order by table_name, ordinal_position`);
  const constraints = await q<{ tbl: string; conname: string; contype: string; def: string }>(sql`
    select cl.relname as tbl, con.conname, con.contype::text as contype, pg_get_constraintdef(con.oid, true) as def
    from pg_constraint con
    join pg_class cl on cl.oid = con.conrelid
    join pg_namespace n on n.oid = con.connamespace
    where n.nspname = current_schema() and cl.relname not like ${KYSELY} escape '\\'
    order by cl.relname, con.conname`);
  const indexes = await q<{ tablename: string; indexname: string; indexdef: string }>(sql`
    select tablename, indexname, indexdef from pg_indexes
    where schemaname = current_schema() and tablename not like ${KYSELY} escape '\\'
    order by tablename, indexname`);
  const views = await q<{ viewname: string; def: string }>(sql`
    select c.relname as viewname, pg_get_viewdef(c.oid, true) as def
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind in ('v', 'm')
    order by c.relname`);
  const triggers = await q<{ tgname: string; def: string }>(sql`
    select t.tgname, pg_get_triggerdef(t.oid, true) as def
    from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and not t.tgisinternal
    order by c.relname, t.tgname`);
  const functions = await q<{ proname: string; def: string }>(sql`
    select p.proname, pg_get_functiondef(p.oid) as def
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = current_schema() and p.prokind in ('f', 'p')
    order by p.proname, pg_get_function_identity_arguments(p.oid)`);
  const out = [
    '-- relations (relkind name)',
    ...relations.map((r) => `--   ${r.relkind} ${r.relname}`),
    '',
    '-- columns (table position name type nullability default)',
    ...columns.map(
      (c) =>
        `--   ${c.table_name} ${c.ordinal_position} ${c.column_name} ${c.data_type} ${c.is_nullable === 'YES' ? 'null' : 'not null'}${c.column_default === null ? '' : ` default ${c.column_default}`}`,
    ),
    '',
    '-- constraints (table name type definition)',
    ...constraints.map((c) => `--   ${c.tbl} ${c.conname} ${c.contype} ${c.def}`),
    '',
    '-- indexes',
    ...indexes.map((i) => `${i.indexdef};`),
    '',
    '-- views',
    ...views.map((v) => `create view ${v.viewname} as\n${v.def}\n`),
    '-- triggers',
    ...triggers.map((t) => `${t.def};`),
    '',
    '-- functions',
    ...functions.map((f) => `${f.def};`),
    '',
  ].join('\n');
  // The test schema's name is random: qualified names lose it.
  return out.replaceAll(`${schema}.`, '').replaceAll(`"${schema}".`, '');
}

const dump = (fresh: Fresh) => {
  const db = fresh.database.db as unknown as Kysely<unknown>;
  return fresh.schema === undefined ? dumpSqlite(db) : dumpPostgres(db, fresh.schema);
};

describe(`migrated schema snapshot (${dialect})`, () => {
  let fresh: Fresh;
  beforeAll(async () => {
    fresh = await freshDatabase();
  });
  afterAll(async () => {
    await fresh?.close();
  });

  it('migrating a fresh database to latest creates exactly the committed schema', async () => {
    const applied = await migrateToLatest(fresh.database.db);
    // db/index.ts lists every migration file, in order.
    expect(applied).toEqual(migrationNames);
    const text = `-- migrations: ${applied.join(' ')}\n\n${await dump(fresh)}`;
    await expect(text).toMatchFileSnapshot(`./__snapshots__/schema-${dialect}.sql`);
  });
});

describe(`every migration's down undoes its up (${dialect})`, () => {
  let fresh: Fresh;
  beforeAll(async () => {
    fresh = await freshDatabase();
  });
  afterAll(async () => {
    await fresh?.close();
  });

  it('up one by one, then down one by one, passes through the same schemas', async () => {
    const modules = (await Promise.all(
      migrationNames.map((name) => import(path.join(MIGRATIONS_DIR, `${name}.ts`))),
    )) as MigrationModule[];
    const db = fresh.database.db as unknown as Kysely<unknown>;
    const states = [await dump(fresh)];
    for (const m of modules) {
      await m.up(db);
      states.push(await dump(fresh));
    }
    // Applied one by one (no migrator, no transaction), the migrations give the migrator's schema.
    const migrated = await freshDatabase();
    try {
      await migrateToLatest(migrated.database.db);
      expect(states.at(-1)).toBe(await dump(migrated));
    } finally {
      await migrated.close();
    }
    for (let i = modules.length - 1; i >= 0; i--) {
      await modules[i]?.down(db);
      expect(await dump(fresh), `down of ${migrationNames[i]}`).toBe(states[i]);
    }
  });
});
