import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkArchitecture, parseAll, type RuleId, type SourceText, type Violation } from '../architecture/checker.js';
import { compareKnown, compareWithKnown, type KnownViolation, keyOf, toKnown } from '../architecture/known.js';
import { knownViolationsFile, readSourceTree } from '../architecture/source-tree.js';

// ARCHITECTURE.md §2 and the "structure" issue, enforced by test/architecture/checker.ts (pure; it is
// handed the source texts). Part 1 runs it on src/ against the ratchet in
// test/architecture/known-violations.json; part 2 shows each rule failing on a deliberate violation.

const show = (v: Violation) => `${v.file}:${v.line} [${v.rule}] ${v.message}`;

describe('the source tree (ratchet: test/architecture/known-violations.json only shrinks)', () => {
  const files = readSourceTree();
  const violations = checkArchitecture(files);
  const known: KnownViolation[] = JSON.parse(fs.readFileSync(knownViolationsFile, 'utf8'));
  const { added, fixed } = compareWithKnown(violations, known);

  it('finds the source tree and parses imports', () => {
    expect(files.length).toBeGreaterThan(20);
    const app = parseAll(files).find((f) => f.path === 'src/server/app.ts');
    expect(app?.imports.some((i) => i.resolved === 'src/server/config/index.ts' && i.typeOnly)).toBe(true);
    expect(app?.imports.some((i) => i.spec === 'fastify')).toBe(true);
  }, 60_000); // parses the whole tree again: seconds on a loaded machine

  it('breaks no architecture rule beyond the known violations (fix the code; do not add to the list)', () => {
    expect(added.map(show), 'new architecture violations').toEqual([]);
  });

  it('lists no violation that is gone (remove it from known-violations.json, or run `npm run arch:report -- --prune-known`)', () => {
    expect(fixed.map(keyOf), 'fixed: remove these entries from test/architecture/known-violations.json').toEqual([]);
  });

  it('keeps known-violations.json sorted by rule, file, detail and free of duplicates', () => {
    const canonical = [...new Map(known.map((k) => [keyOf(k), k])).values()].sort(compareKnown);
    expect(known.map(keyOf)).toEqual(canonical.map(keyOf));
  });
});

describe('the ratchet', () => {
  const at = (file: string, line: number) => ({ file, line, where: file, message: '' });
  const a: Violation = { rule: 'function-length', ...at('src/server/x.ts', 3), detail: 'big' };
  const b: Violation = { rule: 'layering', ...at('src/server/y.ts', 9), detail: 'platform -> http' };

  it('flags a violation that is not listed, and a listed entry that no longer occurs', () => {
    const known = [
      { rule: 'layering', where: 'src/server/y.ts', detail: 'platform -> http' },
      { rule: 'layering', where: 'src/server/z.ts', detail: 'gone' },
    ];
    const { added, fixed } = compareWithKnown([a, b, { ...b, line: 12 }], known);
    expect(added).toEqual([a]);
    expect(fixed.map(keyOf)).toEqual(['layering | src/server/z.ts | gone']);
  });

  it('keys entries without line numbers, so moving code does not churn the list', () => {
    expect(toKnown([b, { ...b, line: 40 }, a])).toEqual([
      { rule: 'function-length', where: 'src/server/x.ts', detail: 'big' },
      { rule: 'layering', where: 'src/server/y.ts', detail: 'platform -> http' },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------

const tree = (files: Record<string, string>): SourceText[] => Object.entries(files).map(([path, text]) => ({ path, text }));
const check = (files: Record<string, string>) => checkArchitecture(tree(files));
const rulesOf = (vs: Violation[]) => vs.map((v) => v.rule);
const only = (vs: Violation[], rule: RuleId) => vs.filter((v) => v.rule === rule);

/** A small tree that follows every rule: the baseline the deliberate violations are added to. */
const clean: Record<string, string> = {
  'src/contracts/users.ts': `import { z } from 'zod';\nexport const user = z.object({ id: z.string() });\nexport type User = z.infer<typeof user>;\n`,
  'src/server/config/index.ts': `export function loadConfig(env: NodeJS.ProcessEnv = process.env) { return { port: Number(env.PORT ?? 8080) }; }\nexport type Config = ReturnType<typeof loadConfig>;\n`,
  'src/server/domain/errors.ts': `import type { User } from '../../contracts/users.js';\nexport class DomainError extends Error {}\nexport type Who = User;\n`,
  'src/server/db/types.ts': `import type { UsersTables } from '../modules/users/users.table.js';\nimport type { GroupsTables } from '../modules/groups/groups.table.js';\nimport type { OutboxTables } from '../platform/outbox.table.js';\nexport interface DB extends UsersTables, GroupsTables, OutboxTables {}\n`,
  'src/server/db/index.ts': `import { Kysely, sql } from 'kysely';\nimport type { DB } from './types.js';\nexport type Executor = Kysely<DB>;\nexport const ping = (db: Executor) => sql\`select 1 from users\`.execute(db);\n`,
  'src/server/db/migrations/0001_init.ts': `import type { Kysely } from 'kysely';\nexport async function up(db: Kysely<unknown>) { await db.schema.createTable('users').execute(); }\n`,
  'src/server/modules/users/users.table.ts': `export interface UsersTable { id: string; mail: string | null }\nexport interface UsersTables { users: UsersTable }\n`,
  'src/server/modules/users/users.repository.ts': `import type { Executor } from '../../db/index.js';\nexport const findUser = (db: Executor, id: string) => db.selectFrom('users as u').where('u.id', '=', id).selectAll().executeTakeFirst();\n`,
  'src/server/modules/users/users.service.ts': `import type { Executor } from '../../db/index.js';\nimport { DomainError } from '../../domain/errors.js';\nimport { findUser } from './users.repository.js';\nexport async function getUser(db: Executor, id: string) { return db.transaction().execute(async (trx) => (await findUser(trx, id)) ?? Promise.reject(new DomainError('x'))); }\n`,
  'src/server/modules/users/users.routes.ts': `import type { FastifyInstance } from 'fastify';\nimport { authenticate } from '../../http/authenticate.js';\nimport { getUser } from './users.service.js';\nexport async function usersRoutes(app: FastifyInstance) { app.addHook('onRequest', authenticate); app.get('/users/:id', async () => getUser(app as never, 'x')); }\n`,
  'src/server/modules/groups/groups.table.ts': `export interface GroupsTable { id: string }\nexport interface GroupMembersTable { group_id: string; member_id: string }\nexport interface GroupsTables { groups: GroupsTable; group_members: GroupMembersTable }\n`,
  'src/server/modules/groups/groups.repository.ts': `import { sql } from 'kysely';\nimport type { Executor } from '../../db/index.js';\nexport const members = (db: Executor, id: string) =>\n  db.with('tm', (q) => q.selectFrom('group_members').where('group_id', '=', id).select('member_id'))\n    .selectFrom('tm').innerJoin('groups as g', 'g.id', 'tm.member_id').selectAll().execute();\nexport const count = (db: Executor) => sql<number>\`select count(*) from groups g join group_members m on m.group_id = g.id\`.execute(db);\n`,
  'src/server/modules/groups/groups.service.ts': `import { getUser } from '../users/users.service.js';\nimport type { Executor } from '../../db/index.js';\nimport { members } from './groups.repository.js';\nexport async function addMember(db: Executor, id: string) { await getUser(db, id); return members(db, id); }\n`,
  'src/server/platform/outbox.table.ts': `export interface OutboxTable { id: string }\nexport interface OutboxTables { outbox: OutboxTable }\n`,
  'src/server/platform/outbox.ts': `import type { Executor } from '../db/index.js';\nimport { DomainError } from '../domain/errors.js';\nexport const claim = (db: Executor) => db.updateTable('outbox').set({ id: 'x' }).execute().catch(() => { throw new DomainError('x'); });\n`,
  'src/server/http/authenticate.ts': `import { DomainError } from '../domain/errors.js';\nimport { claim } from '../platform/outbox.js';\nexport async function authenticate() { if (!claim) throw new DomainError('no'); }\n`,
  'src/server/protocols/oidc/oidc.table.ts': `export interface OidcPayloadsTable { id: string }\nexport interface OidcTables { oidc_payloads: OidcPayloadsTable }\n`,
  'src/server/protocols/oidc/oidc.repository.ts': `import type { Executor } from '../../db/index.js';\nexport const findPayload = (db: Executor, id: string) => db.selectFrom('oidc_payloads').where('id', '=', id).selectAll().executeTakeFirst();\n`,
  'src/server/protocols/oidc/adapter.ts': `import type { Executor } from '../../db/index.js';\nimport { getUser } from '../../modules/users/users.service.js';\nimport { findPayload } from './oidc.repository.js';\nexport const find = async (db: Executor, id: string) => (await findPayload(db, id)) ?? getUser(db, id);\n`,
  'src/server/app.ts': `import type { Config } from './config/index.js';\nimport { usersRoutes } from './modules/users/users.routes.js';\nimport { find } from './protocols/oidc/adapter.js';\nexport function buildApp(config: Config) { return { config, usersRoutes, find }; }\n`,
  'src/server/main.ts': `import { loadConfig } from './config/index.js';\nimport { buildApp } from './app.js';\nexport const run = () => buildApp(loadConfig(process.env));\n`,
  'src/web/api/users.ts': `import type { User } from '../../contracts/users';\nexport const fetchUser = async (id: string): Promise<User> => (await fetch(\`/v1.0/users/\${id}\`)).json();\n`,
};

const withFiles = (extra: Record<string, string>) => check({ ...clean, ...extra });
const lines = (n: number, indent = '  ') => Array.from({ length: n }, (_, i) => `${indent}void ${i};`).join('\n');

describe('architecture rules on synthetic trees', () => {
  it('passes a tree that follows every rule', () => {
    expect(check(clean).map(show)).toEqual([]);
  });

  it('module-cycle: two modules importing each other (type-only counts) fail, with the cycle path', () => {
    const vs = withFiles({
      'src/server/modules/a/a.service.ts': `import type { B } from '../b/b.service.js';\nexport type A = { b?: B };\n`,
      'src/server/modules/b/b.service.ts': `import type { A } from '../a/a.service.js';\nexport type B = { a?: A };\n`,
    });
    expect(rulesOf(vs)).toEqual(['module-cycle', 'module-cycle']);
    expect(vs[0]?.message).toContain('modules/a → modules/b → modules/a');
    expect(vs.map((v) => v.detail)).toEqual(['modules/a -> modules/b', 'modules/b -> modules/a']);
    // Recorded per unit, not per file: splitting a.service.ts does not change the known-violations entry.
    expect(vs.map((v) => v.where)).toEqual(['src/server/modules/a/', 'src/server/modules/b/']);
  });

  it('module-cycle: a cycle through another unit (module → platform → module) fails too; app.ts is not part of any cycle', () => {
    const vs = withFiles({
      'src/server/modules/a/a.service.ts': `import { helper } from '../../platform/helper.js';\nexport const a = () => helper();\n`,
      'src/server/platform/helper.ts': `import { a } from '../modules/a/a.service.js';\nexport const helper = () => a;\n`,
      'src/server/app.ts': `${clean['src/server/app.ts']}import { a } from './modules/a/a.service.js';\nexport const x = a;\n`,
    });
    expect(only(vs, 'module-cycle').map((v) => v.detail)).toEqual(['modules/a -> platform', 'platform -> modules/a']);
    expect(only(vs, 'layering').map((v) => v.file)).toEqual(['src/server/platform/helper.ts']);
  });

  it('layering: modules import neither protocols nor (outside routes) http; domain only domain/contracts; platform no modules/protocols/http', () => {
    const vs = withFiles({
      'src/server/modules/users/users.service.ts': `import { find } from '../../protocols/oidc/adapter.js';\nimport { authenticate } from '../../http/authenticate.js';\nexport const x = [find, authenticate];\n`,
      'src/server/domain/policy.ts': `import { claim } from '../platform/outbox.js';\nexport const p = claim;\n`,
      'src/server/platform/mail.ts': `import type { User } from '../../contracts/users.js';\nimport { authenticate } from '../http/authenticate.js';\nexport const m = (u: User) => [u, authenticate];\n`,
      'src/server/http/boot.ts': `import type { Config } from '../config/index.js';\nimport { buildApp } from '../app.js';\nexport const boot = (c: Config) => buildApp(c);\n`,
    });
    expect(only(vs, 'layering').map((v) => `${v.file} ${v.detail}`)).toEqual([
      'src/server/domain/policy.ts domain -> platform',
      'src/server/http/boot.ts http -> root',
      'src/server/modules/users/users.service.ts modules/users -> protocols/oidc',
      'src/server/modules/users/users.service.ts modules/users -> http',
      'src/server/platform/mail.ts platform -> http',
    ]);
    expect(only(vs, 'layering')[1]?.message).toContain('nothing imports the composition root');
    expect(only(vs, 'layering')[2]?.message).toContain('port interface');
  });

  it("foreign-repository: a module (or anything but db/ and app.ts) importing another unit's repository or table file fails", () => {
    const vs = withFiles({
      'src/server/modules/groups/groups.service.ts': `import { findUser } from '../users/users.repository.js';\nimport type { UsersTable } from '../users/users.table.js';\nexport const x = findUser;\nexport type T = UsersTable;\n`,
      'src/server/protocols/oidc/adapter.ts': `import { findUser } from '../../modules/users/users.repository.js';\nexport const find = findUser;\n`,
    });
    expect(only(vs, 'foreign-repository').map((v) => `${v.file} ${v.detail}`)).toEqual([
      'src/server/modules/groups/groups.service.ts imports src/server/modules/users/users.repository.ts',
      'src/server/modules/groups/groups.service.ts imports src/server/modules/users/users.table.ts',
      'src/server/protocols/oidc/adapter.ts imports src/server/modules/users/users.repository.ts',
    ]);
    expect(only(vs, 'foreign-repository')[0]?.message).toContain("call modules/users's service");
  });

  it("table-ownership + sql-outside-repository: groups.service.ts calling .selectFrom('users') is two violations", () => {
    const vs = withFiles({
      'src/server/modules/groups/groups.service.ts': `import type { Executor } from '../../db/index.js';\nexport const list = (db: Executor) => db.selectFrom('users').selectAll().execute();\n`,
    });
    expect(vs.map((v) => `${v.rule} ${v.file}:${v.line} ${v.detail}`)).toEqual([
      "sql-outside-repository src/server/modules/groups/groups.service.ts:2 selectFrom('users')",
      'table-ownership src/server/modules/groups/groups.service.ts:2 users',
    ]);
    expect(vs[1]?.message).toContain('belongs to modules/users');
    expect(vs.map((v) => v.where)).toEqual(['src/server/modules/groups/groups.service.ts', 'src/server/modules/groups/']);
  });

  it('table-ownership: joins, raw SQL and platform code naming another unit’s table fail; CTE names are not tables', () => {
    const vs = withFiles({
      'src/server/modules/groups/groups.repository.ts': `import { sql } from 'kysely';\nimport type { Executor } from '../../db/index.js';\nexport const a = (db: Executor) => db.selectFrom('groups as g').leftJoin('users as u', 'u.id', 'g.id').selectAll().execute();\nexport const b = (db: Executor) => sql\`update users set mail = null where id in (select member_id from group_members)\`.execute(db);\nexport const c = (db: Executor) => db.with('users_cte', (q) => q.selectFrom('groups').selectAll()).selectFrom('users_cte').selectAll().execute();\n`,
      'src/server/platform/outbox.ts': `import type { Executor } from '../db/index.js';\nexport const claim = (db: Executor) => db.deleteFrom('users').execute();\n`,
    });
    expect(only(vs, 'table-ownership').map((v) => `${v.file}:${v.line} ${v.detail}`)).toEqual([
      'src/server/modules/groups/groups.repository.ts:3 users',
      'src/server/modules/groups/groups.repository.ts:4 users',
      'src/server/platform/outbox.ts:2 users',
    ]);
  });

  it('table-ownership: a table still declared in db/types.ts is owned by no feature; a table declared twice fails', () => {
    const vs = withFiles({
      'src/server/db/types.ts': `${clean['src/server/db/types.ts']}export interface TenantsTable { id: string }\nexport interface LegacyTables { tenants: TenantsTable }\n`,
      'src/server/modules/tenants/tenants.repository.ts': `import type { Executor } from '../../db/index.js';\nexport const all = (db: Executor) => db.selectFrom('tenants').selectAll().execute();\n`,
      'src/server/modules/roles/roles.table.ts': `import type { GroupsTable } from '../groups/groups.table.js';\nexport interface RolesTables { groups: GroupsTable }\n`,
    });
    const t = only(vs, 'table-ownership');
    expect(t.map((v) => `${v.file} ${v.detail}`)).toEqual([
      'src/server/modules/roles/roles.table.ts groups',
      'src/server/modules/tenants/tenants.repository.ts tenants',
    ]);
    expect(t[0]?.message).toContain('one feature owns each table');
    expect(t[1]?.message).toContain("declare it in its owner's table file");
  });

  it('sql-outside-repository: queries in routes, services, app.ts/main.ts and non-repository protocol files fail; db.transaction() does not', () => {
    const vs = withFiles({
      'src/server/modules/users/users.routes.ts': `import type { Executor } from '../../db/index.js';\nexport const r = (db: Executor) => db.insertInto('users').values({ id: 'x', mail: null }).execute();\n`,
      'src/server/app.ts': `${clean['src/server/app.ts']}import type { Executor } from './db/index.js';\nexport const boot = (db: Executor) => db.selectFrom('users').selectAll().execute();\n`,
      'src/server/protocols/oidc/adapter.ts': `import { sql } from 'kysely';\nimport type { Executor } from '../../db/index.js';\nexport const gc = (db: Executor) => sql\`delete from oidc_payloads where expires_at < now()\`.execute(db);\n`,
      'src/server/modules/groups/group-rules.ts': `import { sql } from 'kysely';\nexport const hasMembers = sql<boolean>\`exists (select 1 from group_members m where m.group_id = g.id)\`;\nexport const lower = (e: unknown) => sql\`lower(\${e})\`;\n`,
    });
    expect(only(vs, 'sql-outside-repository').map((v) => `${v.file} ${v.detail}`)).toEqual([
      "src/server/app.ts selectFrom('users')",
      'src/server/modules/groups/group-rules.ts sql template naming group_members',
      "src/server/modules/users/users.routes.ts insertInto('users')",
      'src/server/protocols/oidc/adapter.ts sql statement',
    ]);
  });

  it('function-length: a 151-line function fails, a 150-line one does not; a factory and the long method it returns both count', () => {
    const vs = withFiles({
      'src/server/modules/users/long.ts': [
        `export function ok() {\n${lines(148)}\n}`,
        `export function tooLong() {\n${lines(149)}\n}`,
        `export function createThing() {\n  return {\n    big: () => {\n${lines(149, '      ')}\n    },\n  };\n}`,
      ].join('\n'),
    });
    expect(only(vs, 'function-length').map((v) => `${v.line} ${v.detail}`)).toEqual([
      '151 tooLong',
      '302 createThing',
      '304 createThing.big',
    ]);
    expect(only(vs, 'function-length')[0]?.message).toContain('151 lines');
  });

  it('routes-no-db: routes importing db/ or a repository fail', () => {
    const vs = withFiles({
      'src/server/modules/users/users.routes.ts': `import { findUser } from './users.repository.js';\nimport { ping } from '../../db/index.js';\nexport const r = [findUser, ping];\n`,
    });
    expect(only(vs, 'routes-no-db').map((v) => v.detail)).toEqual([
      'imports src/server/modules/users/users.repository.ts',
      'imports src/server/db/index.ts',
    ]);
  });

  it('domain-no-io: domain importing I/O packages fails', () => {
    const vs = withFiles({
      'src/server/domain/clock.ts': `import fs from 'node:fs';\nimport { Kysely } from 'kysely';\nexport const x = [fs, Kysely];\n`,
    });
    expect(only(vs, 'domain-no-io').map((v) => v.detail)).toEqual(['imports node:fs', 'imports kysely']);
  });

  it('migration-imports: a migration importing the app fails', () => {
    const vs = withFiles({
      'src/server/db/migrations/0002_more.ts': `import type { Kysely } from 'kysely';\nimport type { DB } from '../types.js';\nexport async function up(_db: Kysely<DB>) {}\n`,
    });
    expect(only(vs, 'migration-imports').map((v) => v.detail)).toEqual(['imports src/server/db/types.ts']);
  });

  it('migration-imports: a migration may use db/migration-helpers.ts, which itself imports only kysely', () => {
    const helpers = `import { type Kysely, sql } from 'kysely';\nexport async function createTable(db: Kysely<unknown>, name: string) { await db.schema.createTable(name).execute(); void sql; }\n`;
    const migration = `import type { Kysely } from 'kysely';\nimport { createTable } from '../migration-helpers.js';\nexport async function up(db: Kysely<unknown>) { await createTable(db, 'things'); }\n`;
    expect(
      only(
        withFiles({ 'src/server/db/migration-helpers.ts': helpers, 'src/server/db/migrations/0002_more.ts': migration }),
        'migration-imports',
      ),
    ).toEqual([]);
    const vs = withFiles({
      'src/server/db/migration-helpers.ts': `import type { DB } from './types.js';\n${helpers}export type D = DB;\n`,
      'src/server/db/migrations/0002_more.ts': migration,
    });
    expect(only(vs, 'migration-imports').map((v) => `${v.file} ${v.detail}`)).toEqual([
      'src/server/db/migration-helpers.ts imports src/server/db/types.ts',
    ]);
  });

  it('contracts-self-contained: contracts importing server code fails', () => {
    const vs = withFiles({
      'src/contracts/errors.ts': `import { DomainError } from '../server/domain/errors.js';\nexport const e = DomainError;\n`,
    });
    expect(rulesOf(vs)).toEqual(['contracts-self-contained']);
  });

  it('web-over-http: the web app importing src/server fails', () => {
    const vs = withFiles({
      'src/web/api/bad.ts': `import { DomainError } from '../../server/domain/errors';\nexport const e = DomainError;\n`,
    });
    expect(rulesOf(vs)).toEqual(['web-over-http']);
  });

  it('process-env: reading process.env outside config/ fails (main.ts may hand it to loadConfig)', () => {
    const vs = withFiles({
      'src/server/platform/logger.ts': `// process.env in a comment is fine\nexport const level = process.env.LOG_LEVEL ?? 'info';\n`,
      'src/web/flags.ts': `export const debug = process.env['DEBUG'];\n`,
    });
    expect(only(vs, 'process-env').map((v) => `${v.file}:${v.line}`)).toEqual([
      'src/server/platform/logger.ts:2',
      'src/web/flags.ts:1',
    ]);
  });
});
