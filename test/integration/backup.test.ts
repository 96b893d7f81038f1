import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/server/main.js';
import { buildTestApp, dialect, type TestApp } from '../helpers/app.js';

// `portico backup <file>`: an online, consistent copy of the embedded SQLite database taken while the
// server keeps writing; on PostgreSQL it points to pg_dump instead.

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t?.close();
});

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env: {
      PORTICO_DATA_DIR: t.storage.dir,
      PORTICO_LOG_LEVEL: 'silent',
      ...(t.config.database.kind === 'postgres' ? { DATABASE_URL: t.config.database.url } : {}),
    },
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
  });
  return { code, stdout, stderr };
}

describe(`portico backup (${dialect})`, () => {
  it.skipIf(dialect !== 'sqlite')('copies the live database while writes go on; the copy opens and holds them', async () => {
    const before = await t.createUser({ upn: 'kept.before@contoso.test' });
    // Writes keep coming while the backup runs.
    let writing = true;
    const writes = (async () => {
      for (let i = 0; writing && i < 200; i++) await t.createUser({ upn: `during.${i}@contoso.test` });
    })();
    const file = path.join(t.storage.dir, 'backups', 'portico-copy.db');
    const r = await cli('backup', file);
    writing = false;
    await writes;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`to ${file}`);
    const copy = new SqliteDatabase(file, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      const row = copy.prepare('select id from users where upn_lower = ?').get('kept.before@contoso.test') as { id: string };
      expect(row.id).toBe(before.user.id);
      // Whole transactions only: every copied user has its audit entry.
      const orphans = copy
        .prepare(
          `select count(*) as n from users u where not exists (
             select 1 from directory_audit_targets x join directory_audits a on a.id = x.audit_id
             where x.target_id = u.id and a.activity_display_name = 'Add user')`,
        )
        .get() as { n: number };
      expect(orphans.n).toBe(0);
    } finally {
      copy.close();
    }
    // Never overwrites.
    const again = await cli('backup', file);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
    expect(fs.statSync(file).size).toBeGreaterThan(0);
  });

  it.skipIf(dialect !== 'postgres')('points to pg_dump on PostgreSQL', async () => {
    const r = await cli('backup', path.join(t.storage.dir, 'x.db'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('pg_dump');
  });

  it('needs a file name', async () => {
    const r = await cli('backup');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('portico backup <file>');
  });
});
