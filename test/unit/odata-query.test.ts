import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/server/domain/errors.js';
import {
  applyODataQuery,
  applyODataWhere,
  encodeSkipToken,
  escapeLike,
  normaliseDateTime,
  type ODataQuery,
  type ParseOptions,
  pageResult,
  parseODataQuery,
  type ResourceSpec,
  selectFields,
} from '../../src/server/odata/query.js';

// ---------------------------------------------------------------------------------------------
// Fixture: a `users` table with ~30 rows covering case, NULLs, LIKE metacharacters and ties.

interface Row {
  id: string;
  display_name: string | null;
  mail: string | null;
  account_enabled: number;
  created_date_time: string;
  group_types: string;
  tags: string;
  user_type: string;
  job_title: string | null;
  age: number | null;
  manager_id: string | null;
}

const gid = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

const NAMES: (string | null)[] = [
  'Ada Lovelace',
  'ada lovelace',
  'Alan Turing',
  'alan',
  'Grace Hopper',
  'grace',
  'Zed',
  'zeta',
  '100% Done',
  '100 Done',
  'under_score',
  'underXscore',
  "O'Brien",
  'Back\\slash',
  'Backslash',
  'Mary Ada',
  'Adams',
  'Ada Lovelace',
  'Ada Lovelace',
  null,
  'Bob',
  'bob',
  'BOB',
  'Carol Ann King',
  'Dave',
  '',
  'Eve',
  'Frank Ada',
  'Ann',
  'Ann',
];
const GROUP_TYPES: string[][] = [
  [],
  ['Unified'],
  ['Unified', 'DynamicMembership'],
  ['unified'],
  ['Un%ified'],
  ['DynamicMembership'],
  ['a"Unified'],
  ['Uni_fied'],
  ['UnifiedX'],
  ['XUnified'],
];
const TAGS: string[][] = [[], ['Red'], ['red'], ['Red', 'Blue'], ['Reddish'], ['blue']];
const TITLES: (string | null)[] = ['Engineer', 'engineer', 'Eng_ineer', null, 'Manager', 'Engineering Lead'];

const ROWS: Row[] = NAMES.map((name, i) => ({
  id: gid(i),
  display_name: name,
  mail: i % 4 === 3 ? null : `${(name ?? 'anon').toLowerCase().replace(/[^a-z0-9]+/g, '.')}${i}@Contoso.com`,
  account_enabled: i % 3 === 0 ? 0 : 1,
  created_date_time: new Date(Date.UTC(2024, 0, 1 + i, i % 24, 0, 0, i)).toISOString(),
  group_types: JSON.stringify(GROUP_TYPES[i % GROUP_TYPES.length]),
  tags: JSON.stringify(TAGS[i % TAGS.length]),
  user_type: i % 5 === 0 ? 'Guest' : 'Member',
  job_title: TITLES[i % TITLES.length] ?? null,
  age: i % 7 === 0 ? null : 20 + i,
  manager_id: i > 0 && i % 6 === 0 ? gid(1) : null,
}));
// memberships: user i is in group g<i % 3>
const MEMBERSHIPS = ROWS.map((r, i) => ({ user_id: r.id, group_id: `g${i % 3}` }));

const spec: ResourceSpec = {
  name: 'users',
  idColumn: 'id',
  properties: {
    id: { type: 'guid', column: 'id', filter: ['eq', 'ne', 'in'] },
    displayName: {
      type: 'string',
      column: 'display_name',
      filter: ['eq', 'ne', 'in', 'startswith', 'ge', 'le', 'not'],
      ci: true,
      orderable: true,
    },
    mail: { type: 'string', column: 'mail', filter: ['eq', 'ne', 'in', 'startswith', 'not'], ci: true },
    accountEnabled: { type: 'boolean', column: 'account_enabled', filter: ['eq', 'ne', 'not'] },
    createdDateTime: {
      type: 'datetime',
      column: 'created_date_time',
      filter: ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'in'],
      orderable: true,
    },
    groupTypes: { type: 'stringCollection', column: 'group_types', filter: ['any', 'eq', 'in', 'startswith', 'not'], ci: true },
    tags: { type: 'stringCollection', column: 'tags', filter: ['any', 'eq', 'startswith'] },
    userType: { type: 'enum', column: 'user_type', filter: ['eq', 'ne', 'in'], values: ['Member', 'Guest'] },
    jobTitle: { type: 'string', column: 'job_title', filter: ['eq', 'startswith'] },
    age: { type: 'number', column: 'age', filter: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] },
    aboutMe: { type: 'string' },
  },
  custom: {
    'manager/id': (node, eb) => {
      if (node.type !== 'compare' || node.op !== 'eq' || node.value.kind !== 'string') {
        throw new DomainError('odata_query_invalid', "Only manager/id eq '<id>' is supported.");
      }
      return eb('manager_id', '=', node.value.value);
    },
    'memberOf/any': (node, eb) => {
      const p = node.type === 'lambda' ? node.predicate : null;
      if (p?.type !== 'compare' || p.op !== 'eq' || p.path.segments[1] !== 'id' || p.value.kind !== 'string') {
        throw new DomainError('odata_query_invalid', "Only memberOf/any(m: m/id eq '<id>') is supported.");
      }
      return eb.exists(
        eb
          .selectFrom('memberships as m')
          .select(sql.lit(1).as('one'))
          .whereRef('m.user_id', '=', 'users.id')
          .where('m.group_id', '=', p.value.value),
      );
    },
  },
  searchable: ['displayName', 'mail'],
};

async function createFixture(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('display_name', 'text')
    .addColumn('mail', 'text')
    .addColumn('account_enabled', 'integer', (c) => c.notNull())
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .addColumn('group_types', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('user_type', 'text', (c) => c.notNull())
    .addColumn('job_title', 'text')
    .addColumn('age', 'integer')
    .addColumn('manager_id', 'text')
    .execute();
  await db.schema
    .createTable('memberships')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .execute();
  await db.insertInto('users').values(ROWS).execute();
  await db.insertInto('memberships').values(MEMBERSHIPS).execute();
}

const EVENTUAL = { consistencyLevel: 'eventual' };
const parse = (query: Record<string, unknown>, opts: ParseOptions = EVENTUAL): ODataQuery => parseODataQuery(query, spec, opts);

/** Runs one page of a query and returns the ids (in order) plus the next token. */
async function page(db: Kysely<any>, q: ODataQuery): Promise<{ ids: string[]; skiptoken?: string }> {
  const rows = (await applyODataQuery(db.selectFrom('users').selectAll(), spec, q).execute()) as Row[];
  const sortCol = q.orderBy?.column as keyof Row | undefined;
  const res = pageResult(
    rows,
    q,
    (r) => (sortCol === undefined ? null : (r[sortCol] as string | null)),
    (r) => r.id,
  );
  return { ids: res.items.map((r) => r.id), ...(res.skiptoken === undefined ? {} : { skiptoken: res.skiptoken }) };
}

/** Follows $skiptoken until the end; returns every id in order and the number of pages. */
async function allPages(db: Kysely<any>, query: Record<string, string>): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const q = parse({ ...query, ...(token === undefined ? {} : { $skiptoken: token }) });
    const p = await page(db, q);
    ids.push(...p.ids);
    token = p.skiptoken;
    pages++;
    if (pages > 100) throw new Error('paging does not terminate');
  } while (token !== undefined);
  return { ids, pages };
}

async function filterIds(db: Kysely<any>, query: Record<string, string>): Promise<string[]> {
  const q = parse({ $top: '999', ...query });
  return (await page(db, q)).ids;
}

// ---------------------------------------------------------------------------------------------
// Expected results, computed independently in JS

const lc = (s: string | null): string | null => (s === null ? null : s.toLowerCase());
const arr = (json: string): string[] => JSON.parse(json) as string[];
const ids = (pred: (r: Row) => boolean): string[] => ROWS.filter(pred).map((r) => r.id);
/** Byte order (= UTF-16 order for this ASCII data) of coalesce(col, ''), then id. */
const sortedIds = (key: (r: Row) => string | null, dir: 'asc' | 'desc', rows = ROWS): string[] => {
  const s = [...rows].sort((a, b) => {
    const ka = key(a) ?? '';
    const kb = key(b) ?? '';
    const c = ka < kb ? -1 : ka > kb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return dir === 'asc' ? c : -c;
  });
  return s.map((r) => r.id);
};
const wordPrefix = (v: string | null, term: string): boolean =>
  v !== null && (v.toLowerCase().startsWith(term.toLowerCase()) || v.toLowerCase().includes(` ${term.toLowerCase()}`));

const D10 = ROWS[10]?.created_date_time as string;
const FILTER_CASES: [string, (r: Row) => boolean][] = [
  // string, case-insensitive
  ["displayName eq 'ada lovelace'", (r) => lc(r.display_name) === 'ada lovelace'],
  ["displayName eq 'ADA LOVELACE'", (r) => lc(r.display_name) === 'ada lovelace'],
  ["displayName ne 'bob'", (r) => lc(r.display_name) !== 'bob'], // includes the NULL name (OData ne)
  ["displayName eq ''", (r) => r.display_name === ''],
  ['displayName eq null', (r) => r.display_name === null],
  ['displayName ne null', (r) => r.display_name !== null],
  ["displayName eq 'O''Brien'", (r) => r.display_name === "O'Brien"],
  ["displayName in ('bob', 'Zed', 'nobody')", (r) => ['bob', 'zed'].includes(lc(r.display_name) ?? '')],
  ["displayName ge 'x' ", (r) => r.display_name !== null && r.display_name.toLowerCase() >= 'x'],
  ["displayName le 'b'", (r) => r.display_name !== null && r.display_name.toLowerCase() <= 'b'],
  ["startswith(displayName,'ada')", (r) => lc(r.display_name)?.startsWith('ada') === true],
  ["startswith(displayName,'100%')", (r) => r.display_name?.startsWith('100%') === true],
  ["startswith(displayName,'under_')", (r) => r.display_name?.startsWith('under_') === true],
  ["startswith(displayName,'Back\\')", (r) => r.display_name?.startsWith('Back\\') === true],
  ["startswith(displayName,'')", (r) => r.display_name !== null],
  ["startswith(mail,'ADA')", (r) => lc(r.mail)?.startsWith('ada') === true],
  // string, case-sensitive
  ["jobTitle eq 'Engineer'", (r) => r.job_title === 'Engineer'],
  ["startswith(jobTitle,'Eng')", (r) => r.job_title?.startsWith('Eng') === true],
  ["startswith(jobTitle,'eng')", (r) => r.job_title?.startsWith('eng') === true],
  ["startswith(jobTitle,'Eng_')", (r) => r.job_title?.startsWith('Eng_') === true],
  // boolean
  ['accountEnabled eq true', (r) => r.account_enabled === 1],
  ['accountEnabled eq false', (r) => r.account_enabled === 0],
  ['accountEnabled ne true', (r) => r.account_enabled !== 1],
  // datetime (normalised from several spellings)
  [`createdDateTime eq ${D10}`, (r) => r.created_date_time === D10],
  ['createdDateTime ge 2024-01-20T00:00:00Z', (r) => r.created_date_time >= '2024-01-20T00:00:00.000Z'],
  ['createdDateTime lt 2024-01-05', (r) => r.created_date_time < '2024-01-05T00:00:00.000Z'],
  ['createdDateTime gt 2024-01-10T12:00:00+02:00', (r) => r.created_date_time > '2024-01-10T10:00:00.000Z'],
  ["createdDateTime le '2024-01-03T02:00:00.002Z'", (r) => r.created_date_time <= '2024-01-03T02:00:00.002Z'],
  // number, enum, guid
  ['age gt 40', (r) => r.age !== null && r.age > 40],
  ['age le 25.5', (r) => r.age !== null && r.age <= 25.5],
  ['age eq null', (r) => r.age === null],
  ['age ne 21', (r) => r.age !== 21],
  ["userType eq 'guest'", (r) => r.user_type === 'Guest'],
  ["userType in ('GUEST','member')", () => true],
  ["userType ne 'Guest'", (r) => r.user_type !== 'Guest'],
  [`id eq '${gid(7)}'`, (r) => r.id === gid(7)],
  [`id eq ${gid(7).toUpperCase()}`, (r) => r.id === gid(7)],
  [`id in ('${gid(1)}', ${gid(2)})`, (r) => r.id === gid(1) || r.id === gid(2)],
  // collections (ci): exact element match, LIKE metacharacters escaped, quotes not confused
  ["groupTypes/any(c:c eq 'Unified')", (r) => arr(r.group_types).some((g) => g.toLowerCase() === 'unified')],
  ["groupTypes/any(c: c eq 'un%ified')", (r) => arr(r.group_types).some((g) => g.toLowerCase() === 'un%ified')],
  ["groupTypes/any(c:c eq 'Uni_fied')", (r) => arr(r.group_types).some((g) => g.toLowerCase() === 'uni_fied')],
  ["groupTypes/any(c:startswith(c,'uni'))", (r) => arr(r.group_types).some((g) => g.toLowerCase().startsWith('uni'))],
  ["groupTypes/any(c:startswith(c,'Un%'))", (r) => arr(r.group_types).some((g) => g.toLowerCase().startsWith('un%'))],
  [
    "groupTypes/any(c:c eq 'DynamicMembership' or c eq 'unifiedx')",
    (r) => arr(r.group_types).some((g) => ['dynamicmembership', 'unifiedx'].includes(g.toLowerCase())),
  ],
  [
    "groupTypes/any(c:c in ('XUnified','Uni_fied'))",
    (r) => arr(r.group_types).some((g) => ['xunified', 'uni_fied'].includes(g.toLowerCase())),
  ],
  ['groupTypes/any()', (r) => arr(r.group_types).length > 0],
  ["not groupTypes/any(c:c eq 'Unified')", (r) => !arr(r.group_types).some((g) => g.toLowerCase() === 'unified')],
  // collections (case-sensitive)
  ["tags/any(t:t eq 'Red')", (r) => arr(r.tags).includes('Red')],
  ["tags/any(t:t eq 'red')", (r) => arr(r.tags).includes('red')],
  ["tags/any(t:startswith(t,'Red'))", (r) => arr(r.tags).some((t) => t.startsWith('Red'))],
  // boolean structure
  [
    "accountEnabled eq true and startswith(displayName,'a')",
    (r) => r.account_enabled === 1 && lc(r.display_name)?.startsWith('a') === true,
  ],
  ["userType eq 'Guest' or age gt 45", (r) => r.user_type === 'Guest' || (r.age !== null && r.age > 45)],
  [
    "userType eq 'Guest' or age gt 45 and accountEnabled eq false",
    (r) => r.user_type === 'Guest' || (r.age !== null && r.age > 45 && r.account_enabled === 0),
  ],
  [
    "(userType eq 'Guest' or age gt 45) and accountEnabled eq false",
    (r) => (r.user_type === 'Guest' || (r.age !== null && r.age > 45)) && r.account_enabled === 0,
  ],
  // not keeps rows whose column is NULL (two-valued logic)
  ["not (displayName eq 'bob')", (r) => lc(r.display_name) !== 'bob'],
  ["not startswith(displayName,'a')", (r) => !(lc(r.display_name)?.startsWith('a') === true)],
  ["not (mail eq 'x' or displayName eq 'zed')", (r) => lc(r.mail) !== 'x' && lc(r.display_name) !== 'zed'],
  ["not not displayName eq 'zed'", (r) => lc(r.display_name) === 'zed'],
  // custom compilers
  [`manager/id eq '${gid(1)}'`, (r) => r.manager_id === gid(1)],
  ["memberOf/any(m: m/id eq 'g2')", (_r) => false],
];
// memberOf expectations need the membership table
FILTER_CASES[FILTER_CASES.length - 1] = [
  "memberOf/any(m: m/id eq 'g2')",
  (r) => MEMBERSHIPS.some((m) => m.user_id === r.id && m.group_id === 'g2'),
];

const SEARCH_CASES: [string, (r: Row) => boolean][] = [
  ['"displayName:ada"', (r) => wordPrefix(r.display_name, 'ada')],
  ['"displayName:LOVE"', (r) => wordPrefix(r.display_name, 'love')],
  ['"displayName:ann"', (r) => wordPrefix(r.display_name, 'ann')],
  ['"displayName:ada lov"', (r) => wordPrefix(r.display_name, 'ada lov')],
  ['"displayName:100%"', (r) => wordPrefix(r.display_name, '100%')],
  ['"displayName:under_"', (r) => wordPrefix(r.display_name, 'under_')],
  ['"displayName:ada" AND "mail:ada"', (r) => wordPrefix(r.display_name, 'ada') && wordPrefix(r.mail, 'ada')],
  ['"displayName:zed" OR "displayName:bob"', (r) => wordPrefix(r.display_name, 'zed') || wordPrefix(r.display_name, 'bob')],
  [
    '"displayName:zed" OR "displayName:ada" AND "mail:adams"',
    (r) => wordPrefix(r.display_name, 'zed') || (wordPrefix(r.display_name, 'ada') && wordPrefix(r.mail, 'adams')),
  ],
];

// ---------------------------------------------------------------------------------------------
// Dialect-independent test suite, run on SQLite always and on PostgreSQL when reachable.

function suite(name: string, getDb: () => Kysely<any>): void {
  describe(`${name}: $filter`, () => {
    it('fixture sanity', async () => {
      const n = await getDb()
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(30);
    });
    it.each(FILTER_CASES)('%s', async (filter, pred) => {
      const expected = ids(pred);
      expect(await filterIds(getDb(), { $filter: filter })).toEqual(expected);
    });
    it('has non-trivial expectations (every case selects some but not all rows, except the noted ones)', () => {
      const trivial = FILTER_CASES.filter(([, p]) => ids(p).length === 0 || ids(p).length === ROWS.length).map(([f]) => f);
      expect(trivial).toEqual(["userType in ('GUEST','member')"]);
    });
  });

  describe(`${name}: $search`, () => {
    it.each(SEARCH_CASES)('%s', async (search, pred) => {
      const expected = ids(pred);
      expect(expected.length).toBeGreaterThan(0);
      expect(await filterIds(getDb(), { $search: search })).toEqual(expected);
    });
    it('combines with $filter', async () => {
      const got = await filterIds(getDb(), { $search: '"displayName:ada"', $filter: 'accountEnabled eq true' });
      expect(got).toEqual(ids((r) => wordPrefix(r.display_name, 'ada') && r.account_enabled === 1));
    });
  });

  describe(`${name}: $orderby and keyset paging`, () => {
    const cases: [string, Record<string, string>, string[]][] = [
      ['default order (id asc)', { $top: '7' }, sortedIds((r) => r.id, 'asc')],
      ['displayName asc', { $top: '4', $orderby: 'displayName' }, sortedIds((r) => r.display_name, 'asc')],
      ['displayName asc explicit', { $top: '3', $orderby: 'displayName asc' }, sortedIds((r) => r.display_name, 'asc')],
      ['displayName desc', { $top: '4', $orderby: 'displayName desc' }, sortedIds((r) => r.display_name, 'desc')],
      ['DISPLAYNAME DESC, top 1', { $top: '1', $orderby: 'DISPLAYNAME DESC' }, sortedIds((r) => r.display_name, 'desc')],
      ['createdDateTime desc', { $top: '5', $orderby: 'createdDateTime desc' }, sortedIds((r) => r.created_date_time, 'desc')],
      [
        'filtered + displayName asc',
        { $top: '2', $orderby: 'displayName', $filter: 'accountEnabled eq true' },
        sortedIds(
          (r) => r.display_name,
          'asc',
          ROWS.filter((r) => r.account_enabled === 1),
        ),
      ],
      [
        'searched + displayName desc',
        { $top: '2', $orderby: 'displayName desc', $search: '"displayName:ada"' },
        sortedIds(
          (r) => r.display_name,
          'desc',
          ROWS.filter((r) => wordPrefix(r.display_name, 'ada')),
        ),
      ],
    ];
    it.each(cases)('%s: every row exactly once, in order', async (_label, query, expected) => {
      const { ids: got, pages } = await allPages(getDb(), query);
      expect(got).toEqual(expected);
      expect(new Set(got).size).toBe(got.length);
      expect(pages).toBe(Math.max(1, Math.ceil(expected.length / Number(query.$top))));
    });
    it('returns no token on the last page and honours $top', async () => {
      const first = await page(getDb(), parse({ $top: '30' }));
      expect(first.ids).toHaveLength(30);
      expect(first.skiptoken).toBeUndefined();
      const q = parse({ $top: '29' });
      const p = await page(getDb(), q);
      expect(p.ids).toHaveLength(29);
      expect(p.skiptoken).toBeDefined();
    });
  });

  describe(`${name}: count`, () => {
    it('applyODataWhere shares the filter with a count query', async () => {
      const q = parse({ $filter: 'accountEnabled eq true', $count: 'true', $top: '2' });
      expect(q.count).toBe(true);
      const base = getDb()
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'));
      const row = await applyODataWhere(base, spec, q).executeTakeFirstOrThrow();
      expect(Number(row.n)).toBe(ids((r) => r.account_enabled === 1).length);
    });
  });
}

// --- SQLite ------------------------------------------------------------------------------------

let sqliteDb: Kysely<any>;
beforeAll(async () => {
  sqliteDb = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
  await createFixture(sqliteDb);
});
afterAll(async () => {
  await sqliteDb?.destroy();
});

suite('sqlite', () => sqliteDb);

// --- PostgreSQL (when reachable) ---------------------------------------------------------------

const PG_URL = process.env.PORTICO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const pgReachable = await (async () => {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('select 1');
    return true;
  } catch (e) {
    console.warn(
      `\n!!! PostgreSQL is not reachable at ${PG_URL} (${(e as Error).message}); ` +
        'SKIPPING the PostgreSQL half of the OData dialect-equivalence tests. !!!\n',
    );
    return false;
  } finally {
    await c.end().catch(() => {});
  }
})();

describe.skipIf(!pgReachable)('postgres', () => {
  const schema = `odata_${Math.random().toString(36).slice(2, 10)}`;
  let pgDb: Kysely<any>;
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    pgDb = new Kysely<any>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({ connectionString: PG_URL, max: 2, options: `-c search_path=${schema}` }),
      }),
    });
    await createFixture(pgDb);
  });
  afterAll(async () => {
    await pgDb?.destroy();
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  });

  suite('postgres', () => pgDb);

  it('gives results identical to SQLite for every filter, search and paging case', async () => {
    const queries: Record<string, string>[] = [
      ...FILTER_CASES.map(([f]) => ({ $filter: f, $top: '999' })),
      ...SEARCH_CASES.map(([s]) => ({ $search: s, $top: '999' })),
      { $orderby: 'displayName', $top: '4' },
      { $orderby: 'displayName desc', $top: '3' },
      { $orderby: 'createdDateTime desc', $top: '6', $filter: "not (displayName eq 'bob')" },
    ];
    for (const query of queries) {
      const [a, b] = await Promise.all([allPages(sqliteDb, query), allPages(pgDb, query)]);
      expect(b, JSON.stringify(query)).toEqual(a);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// SQL shape and parameters

describe('compiled SQL', () => {
  const compile = (query: Record<string, string>) => {
    const q = parse(query);
    return applyODataQuery(sqliteDb.selectFrom('users').selectAll(), spec, q).compile();
  };

  it('binds every literal as a parameter', () => {
    const secrets = ['S3cr3tName', 'Pr3fix', 'Gr0upX', 'Rr3d', 'Srch7'];
    const c = compile({
      $filter:
        `displayName eq '${secrets[0]}' or startswith(jobTitle,'${secrets[1]}') or ` +
        `groupTypes/any(g:g eq '${secrets[2]}') or tags/any(t:t eq '${secrets[3]}') or age gt 12345 or ` +
        `createdDateTime ge 2031-05-06T07:08:09Z or userType in ('Guest') or manager/id eq 'mgr-77' or ` +
        "memberOf/any(m: m/id eq 'grp-88') or displayName eq 'x''; drop table users; --'",
      $search: `"mail:${secrets[4]}"`,
      $top: '17',
    });
    for (const s of [...secrets, '12345', '2031', 'Guest', 'mgr-77', 'grp-88', 'drop table', '17', '18']) {
      expect(c.sql).not.toContain(s);
    }
    const params = c.parameters.map(String).join('\n');
    for (const s of [...secrets, '12345', '2031-05-06T07:08:09.000Z', 'Guest', 'mgr-77', 'grp-88', "x'; drop table users; --"]) {
      expect(params).toContain(s);
    }
    expect(c.parameters).toContain(18); // limit top + 1
  });

  it('binds the keyset values from the skiptoken', () => {
    const token = encodeSkipToken('Zz-last', gid(99), { property: 'displayName', column: 'display_name', direction: 'asc' });
    const c = compile({ $orderby: 'displayName', $skiptoken: token });
    expect(c.sql).not.toContain('Zz-last');
    expect(c.parameters).toContain('Zz-last');
    expect(c.parameters).toContain(gid(99));
    expect(c.sql).toMatch(/order by coalesce\("display_name", ''\) asc, "id" asc limit \?$/);
  });

  it('compiles collection matches to escaped LIKE patterns (ci) and replace() (case-sensitive)', () => {
    const ci = compile({ $filter: "groupTypes/any(c:c eq 'A%_\\b')" });
    expect(ci.sql).toContain(`lower("group_types") like lower(?) escape '\\'`);
    expect(ci.parameters).toContain('%["A\\%\\_\\\\\\\\b"%');
    const cs = compile({ $filter: "tags/any(c:startswith(c,'Re'))" });
    expect(cs.sql).toContain(`replace("tags", ?, '') <> "tags"`);
    expect(cs.parameters).toContain('["Re');
    expect(cs.parameters).toContain(',"Re');
  });

  it('compiles booleans to 0/1, null tests to IS NULL and not to not(coalesce(..))', () => {
    const c = compile({ $filter: 'accountEnabled eq true and not (mail eq null)' });
    expect(c.sql).toContain('"account_enabled" = ?');
    expect(c.sql).toContain('not (coalesce("mail" is null, false))');
    expect(c.parameters[0]).toBe(1);
  });
});

describe('helpers', () => {
  it('escapeLike escapes %, _ and backslash', () => {
    expect(escapeLike('a%b_c\\d')).toBe('a\\%b\\_c\\\\d');
  });
  it.each([
    ['2024-01-01T00:00:00Z', '2024-01-01T00:00:00.000Z'],
    ['2024-01-01', '2024-01-01T00:00:00.000Z'],
    ['2024-02-29T23:59:59.999Z', '2024-02-29T23:59:59.999Z'],
    ['2024-01-01T01:30+01:30', '2024-01-01T00:00:00.000Z'],
    ['2024-02-30T00:00:00Z', null],
    ['2023-02-29', null],
    ['2024-13-01T00:00:00Z', null],
    ['2024-01-01T24:00:00Z', null],
    ['2024-01-01T00:00:00', null],
    ['yesterday', null],
  ])('normaliseDateTime(%s) = %s', (input, out) => {
    expect(normaliseDateTime(input)).toBe(out);
  });
  it('selectFields keeps $select keys plus id', () => {
    const obj = { id: '1', displayName: 'A', mail: 'm', aboutMe: 'x' };
    expect(selectFields(obj, parse({ $select: 'DisplayName, mail' }))).toEqual({ id: '1', displayName: 'A', mail: 'm' });
    expect(selectFields(obj, parse({}))).toBe(obj);
    expect(parse({ $select: 'mail,MAIL,aboutMe' }).select).toEqual(['mail', 'aboutMe']);
  });
  it('parses defaults and ignores non-$ parameters', () => {
    const q = parse({ foo: 'bar', top: '5', filter: 'garbage' });
    expect(q).toMatchObject({
      top: 100,
      count: false,
      filter: undefined,
      search: undefined,
      orderBy: undefined,
      after: undefined,
    });
    expect(parse({ $top: '999' }).top).toBe(999);
    expect(parse({ $top: 1 }).top).toBe(1);
    expect(parse({ $count: 'false' }, {}).count).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Validation errors

describe('parseODataQuery errors', () => {
  const otherOrder = encodeSkipToken('x', gid(1), { property: 'displayName', column: 'display_name', direction: 'desc' });
  const b64 = (s: string): string => Buffer.from(s).toString('base64url');
  const cases: [string, Record<string, unknown>, string, { consistencyLevel?: string; allowCount?: boolean }?][] = [
    ['unknown property', { $filter: "foo eq 'x'" }, "Unsupported property 'foo' in $filter for users."],
    [
      'nested path without custom compiler',
      { $filter: "manager/displayName eq 'x'" },
      "Unsupported property 'manager/displayName' in $filter for users.",
    ],
    ['select-only property', { $filter: "aboutMe eq 'x'" }, "Property 'aboutMe' does not support $filter for users."],
    [
      'operator not allowed',
      { $filter: "displayName gt 'x'" },
      "Unsupported operator 'gt' on property 'displayName' in $filter for users.",
    ],
    ['in not allowed', { $filter: 'age in (1,2)' }, "Unsupported operator 'in' on property 'age' in $filter for users."],
    ['not not allowed', { $filter: 'not (age eq 1)' }, "Unsupported operator 'not' on property 'age' in $filter for users."],
    [
      'endswith',
      { $filter: "endswith(mail,'@x.com')" },
      "Unsupported function 'endswith' on property 'mail' in $filter for users.",
    ],
    [
      'startswith not allowed',
      { $filter: "startswith(userType,'G')" },
      "Unsupported function 'startswith' on property 'userType' in $filter for users.",
    ],
    [
      'any on scalar',
      { $filter: "displayName/any(c:c eq 'x')" },
      "Unsupported operator 'any' on property 'displayName' in $filter for users.",
    ],
    [
      'eq on collection',
      { $filter: "groupTypes eq 'Unified'" },
      "Unsupported operator 'eq' on property 'groupTypes' in $filter for users.",
    ],
    [
      'all lambda',
      { $filter: "groupTypes/all(c:c eq 'x')" },
      "Unsupported lambda 'all' inside 'groupTypes/all' in $filter for users.",
    ],
    [
      'and inside any',
      { $filter: "groupTypes/any(c:c eq 'a' and c eq 'b')" },
      "Unsupported 'and' expression inside 'groupTypes/any' in $filter for users.",
    ],
    [
      'ne inside any',
      { $filter: "groupTypes/any(c:c ne 'a')" },
      "Unsupported operator 'ne' inside 'groupTypes/any' in $filter for users.",
    ],
    [
      'startswith inside any not allowed',
      { $filter: "tags/any(c:c in ('a'))" },
      "Unsupported operator 'in' inside 'tags/any' in $filter for users.",
    ],
    ['gt null', { $filter: 'age gt null' }, "Operator 'gt' cannot compare property 'age' with null in $filter for users."],
    [
      'null in list',
      { $filter: "displayName in ('a', null)" },
      "'in' lists cannot contain null (property 'displayName') for users.",
    ],
    [
      'string for boolean',
      { $filter: "accountEnabled eq 'true'" },
      "Invalid value 'true' for property 'accountEnabled' in $filter for users: expected true or false.",
    ],
    [
      'number for string',
      { $filter: 'displayName eq 5' },
      "Invalid value 5 for property 'displayName' in $filter for users: expected a quoted string.",
    ],
    [
      'bad enum',
      { $filter: "userType eq 'Admin'" },
      "Invalid value 'Admin' for property 'userType' in $filter for users: expected one of 'Member', 'Guest'.",
    ],
    ['bad guid', { $filter: "id eq 'abc'" }, "Invalid value 'abc' for property 'id' in $filter for users: expected a GUID."],
    [
      'impossible date',
      { $filter: 'createdDateTime ge 2024-02-30T00:00:00Z' },
      "Invalid value 2024-02-30T00:00:00Z for property 'createdDateTime' in $filter for users: expected a date-time such as 2024-01-01T00:00:00Z.",
    ],
    [
      'quoted non-date',
      { $filter: "createdDateTime ge 'soon'" },
      "Invalid value 'soon' for property 'createdDateTime' in $filter for users: expected a date-time such as 2024-01-01T00:00:00Z.",
    ],
    ['custom compiler error', { $filter: "manager/id ne 'x'" }, "Only manager/id eq '<id>' is supported."],
    [
      'parse error',
      { $filter: "displayName eq 'x' and" },
      'Invalid $filter: unexpected end of input at position 22; expected a property name or function.',
    ],
    ['empty filter', { $filter: '' }, 'Invalid $filter: the expression is empty.'],
    ['select unknown', { $select: 'displayName,foo' }, "Unsupported property 'foo' in $select for users."],
    ['select empty item', { $select: 'displayName,' }, "Unsupported property '' in $select for users."],
    ['top 0', { $top: '0' }, "Invalid $top '0': expected an integer from 1 to 999."],
    ['top 1000', { $top: '1000' }, "Invalid $top '1000': expected an integer from 1 to 999."],
    ['top text', { $top: 'ten' }, "Invalid $top 'ten': expected an integer from 1 to 999."],
    ['top fraction', { $top: '1.5' }, "Invalid $top '1.5': expected an integer from 1 to 999."],
    ['top negative', { $top: '-1' }, "Invalid $top '-1': expected an integer from 1 to 999."],
    ['orderby unknown', { $orderby: 'foo' }, "Unsupported property 'foo' in $orderby for users."],
    ['orderby not orderable', { $orderby: 'mail' }, "Unsupported property 'mail' in $orderby for users."],
    [
      'orderby two keys',
      { $orderby: 'displayName,id' },
      "Invalid $orderby 'displayName,id': expected 'property', 'property asc' or 'property desc'.",
    ],
    [
      'orderby bad direction',
      { $orderby: 'displayName up' },
      "Invalid $orderby 'displayName up': expected 'property', 'property asc' or 'property desc'.",
    ],
    ['count without header', { $count: 'true' }, "$count requires the request header 'ConsistencyLevel: eventual'.", {}],
    ['count bad value', { $count: 'yes' }, "Invalid $count 'yes': expected true or false."],
    [
      'count not allowed',
      { $count: 'true' },
      "Query option '$count' is not supported for users.",
      { consistencyLevel: 'eventual', allowCount: false },
    ],
    [
      'search without header',
      { $search: '"displayName:a"' },
      "$search requires the request header 'ConsistencyLevel: eventual'.",
      { consistencyLevel: 'session' },
    ],
    [
      'search unquoted',
      { $search: 'displayName:a' },
      'Invalid $search: unexpected \'displayName:a\' at position 0; clauses must be quoted, e.g. "displayName:term".',
    ],
    [
      'search without property',
      { $search: '"ada"' },
      'Invalid $search: clause "ada" at position 0 must have the form "property:term".',
    ],
    ['search unknown property', { $search: '"jobTitle:x"' }, "Unsupported property 'jobTitle' in $search for users."],
    [
      'search empty term',
      { $search: '"displayName:  "' },
      'Invalid $search: clause "displayName:  " at position 0 has an empty search term.',
    ],
    [
      'search dangling AND',
      { $search: '"displayName:a" AND' },
      'Invalid $search: unexpected end of input; expected a quoted "property:term" clause.',
    ],
    [
      'search missing operator',
      { $search: '"displayName:a" "mail:b"' },
      'Invalid $search: unexpected "mail:b" at position 16; expected AND or OR.',
    ],
    ['search empty', { $search: '' }, 'Invalid $search: the expression is empty.'],
    ['expand', { $expand: 'manager' }, "Query option '$expand' is not supported for users."],
    ['unknown option', { $apply: 'x' }, "Query option '$apply' is not supported."],
    ['unknown option 2', { $skip: '10' }, "Query option '$skip' is not supported."],
    ['repeated option', { $top: ['1', '2'] }, "Query option '$top' is specified more than once."],
    ['repeated with different case', { $top: '1', $TOP: '2' }, "Query option '$TOP' is specified more than once."],
    ['skiptoken garbage', { $skiptoken: 'not a token!' }, 'Invalid $skiptoken.'],
    ['skiptoken not json', { $skiptoken: b64('hello') }, 'Invalid $skiptoken.'],
    ['skiptoken wrong shape', { $skiptoken: b64('{"v":1,"id":"x","o":""}') }, 'Invalid $skiptoken.'],
    ['skiptoken missing id', { $skiptoken: b64('{"v":null,"o":""}') }, 'Invalid $skiptoken.'],
    ['skiptoken json null', { $skiptoken: b64('null') }, 'Invalid $skiptoken.'],
    ['skiptoken for another $orderby', { $skiptoken: otherOrder, $orderby: 'displayName asc' }, 'Invalid $skiptoken.'],
    ['skiptoken for ordered query used unordered', { $skiptoken: otherOrder }, 'Invalid $skiptoken.'],
  ];
  it.each(cases)('%s', (_label, query, message, opts = EVENTUAL) => {
    let err: unknown;
    try {
      parseODataQuery(query, spec, opts);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('odata_query_invalid');
    expect((err as DomainError).message).toBe(message);
  });

  it('accepts a skiptoken produced for the same $orderby', () => {
    const token = encodeSkipToken(null, gid(3), { property: 'displayName', column: 'display_name', direction: 'desc' });
    expect(parse({ $orderby: 'displayName desc', $skiptoken: token }).after).toEqual({ v: null, id: gid(3) });
  });
});
