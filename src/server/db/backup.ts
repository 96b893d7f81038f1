import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';

export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
}

/**
 * Online backup of the embedded SQLite database with SQLite's backup API (better-sqlite3
 * `backup()`): a consistent snapshot while Portico keeps serving and writing (WAL included), copied
 * in steps so writers are not held up. The copy is checked (`integrity_check`) before it is reported.
 * Refuses to overwrite an existing file. PostgreSQL installations use `pg_dump` (docs/operations.md).
 */
export async function backupSqlite(source: string, destination: string): Promise<BackupResult> {
  if (!fs.existsSync(source)) throw new Error(`No database at ${source}.`);
  const target = path.resolve(destination);
  if (fs.existsSync(target)) throw new Error(`${target} already exists; choose a new file name.`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const db = new SqliteDatabase(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const { totalPages } = await db.backup(target);
    const copy = new SqliteDatabase(target, { readonly: true });
    try {
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new Error(`the copy failed its integrity check: ${String(check)}`);
    } finally {
      copy.close();
    }
    return { file: target, bytes: fs.statSync(target).size, pages: totalPages };
  } catch (err) {
    fs.rmSync(target, { force: true });
    throw err;
  } finally {
    db.close();
  }
}
