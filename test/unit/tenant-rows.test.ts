import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteTenantRows,
  rowById,
  tenantColumn,
  tenantRow,
  tenantRowExists,
  updateTenantRows,
} from '../../src/server/db/tenant-rows.js';

// The shared tenant-scoped lookups and writes of db/tenant-rows.ts: always within the tenant, every
// given column compared, and writes that could not name their rows refused before they run.

interface Things {
  things: { id: string; tenant_id: string; kind: string; name: string };
}

let db: Kysely<Things>;
beforeAll(async () => {
  db = new Kysely<Things>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  await db.schema
    .createTable('things')
    .addColumn('id', 'text')
    .addColumn('tenant_id', 'text')
    .addColumn('kind', 'text')
    .addColumn('name', 'text')
    .execute();
  await db
    .insertInto('things')
    .values([
      { id: 'a1', tenant_id: 't1', kind: 'x', name: 'one' },
      { id: 'a2', tenant_id: 't1', kind: 'y', name: 'two' },
      { id: 'a1', tenant_id: 't2', kind: 'x', name: 'other tenant' },
    ])
    .execute();
});
afterAll(async () => {
  await db?.destroy();
});

const count = async () => (await db.selectFrom('things').select('id').execute()).length;

describe('tenant-rows', () => {
  it('finds rows within the tenant only, matching every given column', async () => {
    expect((await rowById(db.selectFrom('things').selectAll(), 't2', 'A1'))?.name).toBe('other tenant');
    expect((await tenantRow(db.selectFrom('things').selectAll(), 't1', { kind: 'y' }))?.name).toBe('two');
    expect(await tenantRowExists(db.selectFrom('things').select('id'), 't1', { id: 'a1', kind: 'y' })).toBe(false);
    expect(await tenantColumn(db.selectFrom('things').select('name').orderBy('name'), 't1', {}, 'name')).toEqual(['one', 'two']);
  });

  it('updates and deletes the matched rows of the tenant and says whether there were any', async () => {
    expect(await updateTenantRows(db.updateTable('things').set({ name: 'renamed' }), 't2', { id: 'a1' })).toBe(true);
    expect((await rowById(db.selectFrom('things').selectAll(), 't1', 'a1'))?.name).toBe('one');
    expect(await deleteTenantRows(db.deleteFrom('things'), 't1', { id: 'a9' })).toBe(false);
    expect(await count()).toBe(3);
  });

  it('refuses a write without a column to match, and a column without a value, before running it', async () => {
    await expect(deleteTenantRows(db.deleteFrom('things'), 't1', {})).rejects.toThrow(/at least one column/);
    await expect(updateTenantRows(db.updateTable('things').set({ name: 'all' }), 't1', {})).rejects.toThrow(
      /at least one column/,
    );
    await expect(deleteTenantRows(db.deleteFrom('things'), 't1', { id: undefined })).rejects.toThrow(/no value for column 'id'/);
    await expect(tenantRow(db.selectFrom('things').selectAll(), 't1', { kind: undefined })).rejects.toThrow(/no value/);
    expect(await count()).toBe(3);
    expect((await rowById(db.selectFrom('things').selectAll(), 't1', 'a2'))?.name).toBe('two');
  });
});
