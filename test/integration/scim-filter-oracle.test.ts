import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, dialect, type TestApp } from '../helpers/app.js';

// Differential test of SCIM filtering: 400 generated filters run on the server (translated to the
// OData AST, compiled to SQL by the users service, on SQLite or PostgreSQL) and evaluated in memory
// by the reference below, written from RFC 7644 §3.4.2.2 (case-insensitive strings except
// caseExact attributes; a multi-valued attribute matches when one value does; a missing value
// matches only `ne`). The two must select the same users.

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

let t: TestApp;
let token: string;
type Resource = Record<string, any> & { id: string };
const people: Resource[] = [];
const TAG = 'oracle';

// Alphanumeric values only where gt/lt apply, so that every collation orders them alike.
const DATA = [
  {
    u: 'Alice',
    given: 'Alice',
    family: 'Smith',
    display: 'Alice Smith',
    title: 'Engineer',
    ext: 'EXT001',
    dept: 'Sales',
    active: true,
    other: [],
  },
  {
    u: 'bob',
    given: 'Bob',
    family: null,
    display: 'bob',
    title: null,
    ext: null,
    dept: 'Tours',
    active: false,
    other: ['bob@example.com'],
  },
  {
    u: 'CAROL.x',
    given: null,
    family: 'Xu',
    display: 'Carol Xu',
    title: 'engineer2',
    ext: 'EXT002',
    dept: null,
    active: true,
    other: ['c1@example.org', 'c2@Example.com'],
  },
  {
    u: 'dave',
    given: 'Dave',
    family: 'Smithers',
    display: 'Dave',
    title: 'Manager',
    ext: 'ext003',
    dept: 'sales',
    active: true,
    other: [],
  },
  {
    u: 'eve99',
    given: 'Eve',
    family: 'Stone',
    display: 'Eve 99',
    title: 'Engineer',
    ext: 'EXT010',
    dept: 'Ops',
    active: false,
    other: ['eve@contoso.test.example'],
  },
  {
    u: 'frank',
    given: 'Frank',
    family: 'Smith',
    display: 'Frank Smith',
    title: 'Lead',
    ext: null,
    dept: 'Tours',
    active: true,
    other: [],
  },
] as const;

beforeAll(async () => {
  t = await buildTestApp();
  token = await t.appToken(['User.ReadWrite.All']);
  for (const d of DATA) {
    const body = {
      schemas: [USER, ENT],
      userName: `${TAG}.${d.u}@contoso.test`,
      displayName: d.display,
      name: { ...(d.given ? { givenName: d.given } : {}), ...(d.family ? { familyName: d.family } : {}) },
      ...(d.title ? { title: d.title } : {}),
      ...(d.ext ? { externalId: d.ext } : {}),
      active: d.active,
      emails: [
        { value: `${d.u}@contoso.test`, type: 'work', primary: true },
        ...d.other.map((value) => ({ value, type: 'other' })),
      ],
      ...(d.dept ? { [ENT]: { department: d.dept } } : {}),
    };
    const res = await t.call('POST', '/scim/v2/Users', { token, body });
    expect(res.statusCode, res.body).toBe(201);
    people.push(res.json());
  }
});
afterAll(async () => {
  await t?.close();
});

// ---------------------------------------------------------------------------------------------
// Reference semantics

type Op = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
type Filter =
  | { kind: 'cmp'; attr: string; op: Op; value: string | boolean }
  | { kind: 'pr'; attr: string }
  | { kind: 'and' | 'or'; left: Filter; right: Filter }
  | { kind: 'not'; f: Filter };

const CASE_EXACT = new Set(['externalId']);

function valuesOf(r: Resource, attr: string): unknown[] {
  switch (attr) {
    case 'name.givenName':
      return [r.name?.givenName];
    case 'name.familyName':
      return [r.name?.familyName];
    case 'emails.value':
      return (r.emails ?? []).map((e: { value: string }) => e.value);
    case 'emails[type eq "work"].value':
      return (r.emails ?? []).filter((e: { type: string }) => e.type === 'work').map((e: { value: string }) => e.value);
    case `${ENT}:department`:
      return [r[ENT]?.department];
    default:
      return [r[attr]];
  }
}

function compare(op: Op, actual: unknown, expected: string | boolean, exact: boolean): boolean {
  if (typeof expected === 'boolean') return op === 'eq' ? actual === expected : actual !== expected;
  if (typeof actual !== 'string') return false;
  const a = exact ? actual : actual.toLowerCase();
  const e = exact ? expected : expected.toLowerCase();
  return {
    eq: a === e,
    ne: a !== e,
    co: a.includes(e),
    sw: a.startsWith(e),
    ew: a.endsWith(e),
    gt: a > e,
    ge: a >= e,
    lt: a < e,
    le: a <= e,
  }[op];
}

function matches(r: Resource, f: Filter): boolean {
  switch (f.kind) {
    case 'and':
      return matches(r, f.left) && matches(r, f.right);
    case 'or':
      return matches(r, f.left) || matches(r, f.right);
    case 'not':
      return !matches(r, f.f);
    case 'pr':
      return valuesOf(r, f.attr).some((v) => v !== undefined && v !== null && v !== '');
    case 'cmp': {
      const present = valuesOf(r, f.attr).filter((v) => v !== undefined && v !== null);
      if (present.length === 0) return f.op === 'ne';
      return present.some((v) => compare(f.op, v, f.value, CASE_EXACT.has(f.attr)));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Generation (seeded PRNG: every run checks the same filters)

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const STRING_ATTRS: { attr: string; ops: Op[] }[] = [
  { attr: 'displayName', ops: ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] },
  { attr: 'name.givenName', ops: ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt'] },
  { attr: 'name.familyName', ops: ['eq', 'ne', 'co', 'sw', 'ew', 'ge', 'le'] },
  { attr: 'title', ops: ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'le'] },
  { attr: 'externalId', ops: ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt'] },
  { attr: `${ENT}:department`, ops: ['eq', 'ne', 'co', 'sw', 'ew'] },
  { attr: 'userName', ops: ['eq', 'ne', 'co', 'sw', 'ew'] },
  // Both the work address and the others: eq and sw (docs/scim.md).
  { attr: 'emails.value', ops: ['eq', 'sw'] },
  { attr: 'emails[type eq "work"].value', ops: ['eq', 'ne', 'co', 'sw', 'ew'] },
];

function sampleValue(rand: () => number, attr: string): string {
  const pool = people.flatMap((p) => valuesOf(p, attr)).filter((v): v is string => typeof v === 'string');
  const base = pool.length ? (pool[Math.floor(rand() * pool.length)] as string) : 'x';
  const r = rand();
  const start = Math.floor(rand() * base.length);
  const piece = r < 0.4 ? base : r < 0.8 ? base.slice(start, start + 1 + Math.floor(rand() * 4)) : `${base}z`;
  // Flip the case sometimes: it matters for caseExact attributes only.
  return rand() < 0.3 ? piece.toUpperCase() : rand() < 0.3 ? piece.toLowerCase() : piece;
}

function generate(rand: () => number, depth: number): Filter {
  const r = rand();
  if (depth > 0 && r < 0.35)
    return { kind: rand() < 0.5 ? 'and' : 'or', left: generate(rand, depth - 1), right: generate(rand, depth - 1) };
  if (depth > 0 && r < 0.45) return { kind: 'not', f: generate(rand, depth - 1) };
  if (r < 0.55) return { kind: 'cmp', attr: 'active', op: rand() < 0.5 ? 'eq' : 'ne', value: rand() < 0.5 };
  const spec = STRING_ATTRS[Math.floor(rand() * STRING_ATTRS.length)] as { attr: string; ops: Op[] };
  if (r < 0.62 && !spec.attr.includes('[')) return { kind: 'pr', attr: spec.attr };
  return {
    kind: 'cmp',
    attr: spec.attr,
    op: spec.ops[Math.floor(rand() * spec.ops.length)] as Op,
    value: sampleValue(rand, spec.attr),
  };
}

function print(f: Filter): string {
  switch (f.kind) {
    case 'and':
    case 'or':
      return `(${print(f.left)}) ${f.kind} (${print(f.right)})`;
    case 'not':
      return `not (${print(f.f)})`;
    case 'pr':
      return `${f.attr} pr`;
    case 'cmp':
      return `${f.attr} ${f.op} ${JSON.stringify(f.value)}`;
  }
}

describe(`SCIM filters against the RFC reference semantics (${dialect})`, () => {
  it('select the same users as the in-memory reference for 400 generated filters', async () => {
    const rand = prng(dialect === 'sqlite' ? 11 : 12);
    const mismatches: string[] = [];
    let nonTrivial = 0;
    for (let i = 0; i < 400; i++) {
      const f = generate(rand, 3);
      const text = `userName sw "${TAG}." and (${print(f)})`;
      const res = await t.call('GET', `/scim/v2/Users?count=50&attributes=userName&filter=${encodeURIComponent(text)}`, {
        token,
      });
      if (res.statusCode !== 200) {
        mismatches.push(`${text} → ${res.statusCode} ${res.body}`);
        continue;
      }
      const got = res
        .json()
        .Resources.map((x: { id: string }) => x.id)
        .sort();
      const want = people
        .filter((p) => matches(p, f))
        .map((p) => p.id)
        .sort();
      if (want.length > 0 && want.length < people.length) nonTrivial++;
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        mismatches.push(
          `${text}\n   server: ${got.map((id: string) => people.findIndex((p) => p.id === id))}\n   reference: ${want.map((id) => people.findIndex((p) => p.id === id))}`,
        );
      }
    }
    expect(mismatches).toEqual([]);
    // The generator is useful: many filters select some but not all users.
    expect(nonTrivial).toBeGreaterThan(100);
  });
});
