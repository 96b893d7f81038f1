import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely';

/**
 * better-sqlite3 behind Kysely with a bounded cache of prepared statements. Kysely's SQLite driver
 * calls `prepare(sql)` for every query; preparing costs SQLite a parse and plan each time (a quarter
 * of an authenticated read's time in a profile), while the SQL texts Kysely compiles are few and
 * repeat (values travel as parameters). Statements are reused only through `all`/`run`, which run to
 * completion synchronously, so two queries never share a statement mid-flight; SQLite re-prepares a
 * cached statement by itself after a schema change. Least recently used texts are dropped past `max`
 * (a query with a variable-length `in (…)` list has a text per length).
 */
export function withStatementCache(db: SqliteDatabase.Database, max = 1000): KyselySqliteDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql); // re-inserted below: the Map's order is the recency order
      } else {
        stmt = db.prepare(sql);
        if (cache.size >= max) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}
