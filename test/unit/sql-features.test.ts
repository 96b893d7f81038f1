import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Portico stays runnable on PostgreSQL-compatible distributed SQL (CockroachDB, YugabyteDB) as long as
// its SQL keeps to features those systems implement. This test scans the migrations and every query
// (Kysely builder calls and raw `sql` fragments under src/server) for the SQL features they use and
// compares them with the table in docs/operations.md ("SQL features"), where each feature has its
// status on CockroachDB and YugabyteDB. A new feature fails the test until it is added to that table
// (with its support checked); a feature no longer used fails it until its row is removed.

const root = path.resolve(import.meta.dirname, '../..');
const serverDir = path.join(root, 'src/server');
const migrationsDir = path.join(serverDir, 'db/migrations');

interface Detector {
  /** The feature's name: the first column of the docs table. */
  feature: string;
  /** Where to look: migrations only (DDL), or all server code (queries and migrations). */
  scope: 'migrations' | 'all';
  pattern: RegExp;
}

const detectors: Detector[] = [
  { feature: 'Recursive CTE (WITH RECURSIVE)', scope: 'all', pattern: /\.withRecursive\(|\bwith\s+recursive\b/i },
  { feature: 'Common table expression (WITH)', scope: 'all', pattern: /\.with\(\s*['"`]|\bwith\s+\w+\s+as\s*\(/i },
  { feature: 'INSERT … ON CONFLICT (upsert)', scope: 'all', pattern: /\.onConflict\(|\bon\s+conflict\b/i },
  { feature: 'RETURNING', scope: 'all', pattern: /\.returning(?:All)?\(|\breturning\s+[\w*]/i },
  { feature: 'SELECT … FOR UPDATE', scope: 'all', pattern: /\.forUpdate\(|\bfor\s+update\b/i },
  { feature: 'SKIP LOCKED', scope: 'all', pattern: /\.skipLocked\(|\bskip\s+locked\b/i },
  { feature: 'SELECT … FOR SHARE / FOR KEY SHARE', scope: 'all', pattern: /\.for(?:Key)?Share\(|\bfor\s+(?:key\s+)?share\b/i },
  { feature: 'UNION / UNION ALL', scope: 'all', pattern: /[^z]\.union(?:All)?\(|\bunion\s+(?:all\s+)?select\b/i },
  { feature: 'Window functions (OVER)', scope: 'all', pattern: /\.over\(|\bover\s*\(/i },
  { feature: 'EXISTS subqueries', scope: 'all', pattern: /\.exists\(|\bnot\s+exists\s*\(|\bexists\s*\(\s*select/i },
  { feature: 'CASE expressions', scope: 'all', pattern: /\bcase\s+when\b|\.case\(/i },
  { feature: 'JSON functions and operators', scope: 'all', pattern: /\bjsonb?_\w+\s*\(|->>|::jsonb?\b|\bjson_extract\b/i },
  { feature: 'ILIKE', scope: 'all', pattern: /\bilike\b/i },
  { feature: 'NULLS FIRST / NULLS LAST', scope: 'all', pattern: /\bnulls\s+(?:first|last)\b/i },
  { feature: 'DISTINCT ON', scope: 'all', pattern: /\.distinctOn\(|\bdistinct\s+on\b/i },
  { feature: 'LATERAL joins', scope: 'all', pattern: /\blateral\b/i },
  { feature: 'ANALYZE (planner statistics)', scope: 'all', pattern: /sql`\s*analyze\b/i },
  { feature: 'Explicit isolation level', scope: 'all', pattern: /\.setIsolationLevel\(|\bisolation\s+level\b/i },
  { feature: 'Advisory locks (migration lock only)', scope: 'all', pattern: /\bpg_(?:try_)?advisory/i },
  { feature: 'LISTEN / NOTIFY', scope: 'all', pattern: /\bpg_notify\b|\b(?:listen|notify)\s+[a-z_]+\s*;?\s*[`'"]/i },
  { feature: 'Temporary tables', scope: 'all', pattern: /\bcreate\s+temp(?:orary)?\s+table\b|\.temporary\(\)/i },
  {
    feature: 'Partial indexes (CREATE INDEX … WHERE)',
    scope: 'migrations',
    // Kysely's builder, SQL, or db/migration-helpers.ts' createIndex(…, { where: [column, value] }).
    pattern: /createIndex\([^;]*?(?:\.where\(|\bwhere:\s*\[)|\bcreate\s+(?:unique\s+)?index\b[^;]*?\bwhere\b/is,
  },
  { feature: 'Unique indexes and constraints', scope: 'migrations', pattern: /\.unique\(\)|\bunique\s*\(|\bunique:\s*true\b/i },
  {
    feature: 'Foreign keys',
    scope: 'migrations',
    // Kysely's builder, SQL, or a column spec of db/migration-helpers.ts ('text not null references tenants.id').
    pattern: /\.references\(|\bforeign\s+key\b|addForeignKeyConstraint|\breferences\s+\w+\.\w+/i,
  },
  { feature: 'CHECK constraints', scope: 'migrations', pattern: /\.check\(|addCheckConstraint|\bcheck\s*\(/i },
  { feature: 'Views', scope: 'migrations', pattern: /\.createView\(|\bcreate\s+(?:or\s+replace\s+)?view\b/i },
  { feature: 'ALTER TABLE (add/drop column, constraint)', scope: 'migrations', pattern: /\.alterTable\(|\balter\s+table\b/i },
  {
    feature: 'Sequences / serial / identity columns',
    scope: 'migrations',
    pattern: /\.autoIncrement\(|\bserial\b|\bas\s+identity\b|createSequence/i,
  },
  { feature: 'Triggers', scope: 'migrations', pattern: /\bcreate\s+trigger\b|createTrigger/i },
  { feature: 'Stored functions', scope: 'migrations', pattern: /\bcreate\s+(?:or\s+replace\s+)?function\b/i },
  { feature: 'Extensions', scope: 'migrations', pattern: /\bcreate\s+extension\b/i },
];

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [p] : [];
  });
}

/** Source without comment lines (doc comments mention SQL that the code does not run). */
const code = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => !/^\s*(?:\/\/|\/\*|\*)/.test(l))
    .join('\n');

function scan(): Map<string, string[]> {
  const migrations = walk(migrationsDir);
  const all = walk(serverDir);
  const found = new Map<string, string[]>();
  for (const d of detectors) {
    const files = (d.scope === 'migrations' ? migrations : all).filter((f) => d.pattern.test(code(f)));
    if (files.length)
      found.set(
        d.feature,
        files.map((f) => path.relative(root, f)),
      );
  }
  return found;
}

/** First column of the table between the sql-features markers in docs/operations.md. */
function documented(): string[] {
  const doc = fs.readFileSync(path.join(root, 'docs/operations.md'), 'utf8');
  const m = /<!-- sql-features:start -->([\s\S]*?)<!-- sql-features:end -->/.exec(doc);
  if (!m?.[1]) throw new Error('docs/operations.md has no sql-features table');
  return m[1]
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|\s*(?:-|Feature\b)/.test(l))
    .map((l) => (l.split('|')[1] ?? '').trim());
}

describe('SQL features used by Portico (portability to distributed SQL)', () => {
  const found = scan();

  it('every feature the migrations and queries use is listed in docs/operations.md, and nothing else', () => {
    const listed = documented();
    const unlisted = [...found.keys()].filter((f) => !listed.includes(f)).map((f) => `${f} (${found.get(f)?.join(', ')})`);
    expect(unlisted, 'new SQL feature: check CockroachDB/YugabyteDB support and add a row').toEqual([]);
    expect(
      listed.filter((f) => !found.has(f)),
      'listed but no longer used: remove the row',
    ).toEqual([]);
  });

  it('uses none of the features that tie Portico to one PostgreSQL server', () => {
    for (const f of ['LISTEN / NOTIFY', 'Temporary tables', 'Triggers', 'Stored functions', 'Extensions']) {
      expect(found.get(f), f).toBeUndefined();
    }
    // The one advisory lock is the migration lock (transaction-scoped, db/index.ts); queries take none.
    expect(found.get('Advisory locks (migration lock only)') ?? []).toEqual(['src/server/db/index.ts']);
  });

  it('the detectors see what they claim to (self-check on known snippets)', () => {
    const sample = (feature: string) => detectors.find((d) => d.feature === feature)?.pattern;
    expect(sample('SKIP LOCKED')?.test('.forUpdate().skipLocked()')).toBe(true);
    expect(sample('Recursive CTE (WITH RECURSIVE)')?.test('sql`with recursive up(id) as (select 1)`')).toBe(true);
    expect(sample('UNION / UNION ALL')?.test('z.union([a, b])')).toBe(false);
    expect(sample('Advisory locks (migration lock only)')?.test('sql`select pg_advisory_xact_lock(1)`')).toBe(true);
    expect(
      sample('Partial indexes (CREATE INDEX … WHERE)')?.test(
        "db.schema.createIndex('x').on('t').column('a').where('b', 'is', null)",
      ),
    ).toBe(true);
    // The forms of db/migration-helpers.ts that migrations use.
    expect(
      sample('Partial indexes (CREATE INDEX … WHERE)')?.test(
        "ddl.createIndex(db, 'x', 't', ['a'], { unique: true, where: ['status', 'pending'] })",
      ),
    ).toBe(true);
    expect(sample('Unique indexes and constraints')?.test("ddl.createIndex(db, 'x', 't', ['a'], { unique: true })")).toBe(true);
    expect(sample('Foreign keys')?.test("tenant_id: 'text not null references tenants.id on delete cascade'")).toBe(true);
  });
});
