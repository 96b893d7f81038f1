import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/server/domain/errors.js';
import { parsePatchPath, parseScimFilter, type ScimFilter } from '../../src/server/protocols/scim/filter.js';

const cmp = (attr: string, op: string, value: unknown, extra: Record<string, string> = {}) => ({
  type: 'compare',
  op,
  path: { ...extra, attr },
  value,
});

describe('SCIM filter parser (RFC 7644 §3.4.2.2)', () => {
  it.each([
    ['userName eq "bjensen"', cmp('userName', 'eq', 'bjensen')],
    ['USERNAME EQ "bjensen"', cmp('USERNAME', 'eq', 'bjensen')],
    [
      'name.familyName co "O\'Malley"',
      { type: 'compare', op: 'co', path: { attr: 'name', sub: 'familyName' }, value: "O'Malley" },
    ],
    ['userName sw "J"', cmp('userName', 'sw', 'J')],
    ['title pr', { type: 'pr', path: { attr: 'title' } }],
    [
      'meta.lastModified gt "2011-05-13T04:42:34Z"',
      { type: 'compare', op: 'gt', path: { attr: 'meta', sub: 'lastModified' }, value: '2011-05-13T04:42:34Z' },
    ],
    ['active eq true', cmp('active', 'eq', true)],
    ['active eq False', cmp('active', 'eq', false)],
    ['externalId eq null', cmp('externalId', 'eq', null)],
    ['count ge 1.5e2', cmp('count', 'ge', 150)],
    ['displayName eq "quote \\" and \\\\ and \\u00e9"', cmp('displayName', 'eq', 'quote " and \\ and é')],
    [
      'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"',
      cmp('userName', 'eq', 'x', { schema: 'urn:ietf:params:scim:schemas:core:2.0:User' }),
    ],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915"',
      {
        type: 'compare',
        op: 'eq',
        path: { schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', attr: 'manager', sub: 'value' },
        value: '26118915',
      },
    ],
  ])('parses %s', (input, ast) => {
    expect(parseScimFilter(input)).toEqual(ast);
  });

  it('gives "and" precedence over "or", and parentheses and not', () => {
    expect(parseScimFilter('a eq 1 or b eq 2 and c eq 3')).toEqual({
      type: 'or',
      left: cmp('a', 'eq', 1),
      right: { type: 'and', left: cmp('b', 'eq', 2), right: cmp('c', 'eq', 3) },
    });
    expect(parseScimFilter('(a eq 1 or b eq 2) and not (c pr)')).toEqual({
      type: 'and',
      left: { type: 'or', left: cmp('a', 'eq', 1), right: cmp('b', 'eq', 2) },
      right: { type: 'not', filter: { type: 'pr', path: { attr: 'c' } } },
    });
  });

  it('parses value filters, and a trailing sub-attribute as one more condition on the same element', () => {
    expect(parseScimFilter('emails[type eq "work" and value co "@example.com"]')).toEqual({
      type: 'valuePath',
      path: { attr: 'emails' },
      filter: { type: 'and', left: cmp('type', 'eq', 'work'), right: cmp('value', 'co', '@example.com') },
    });
    expect(parseScimFilter('emails[type eq "work"].value eq "a@x.test"')).toEqual({
      type: 'valuePath',
      path: { attr: 'emails' },
      filter: { type: 'and', left: cmp('type', 'eq', 'work'), right: cmp('value', 'eq', 'a@x.test') },
    });
    expect(
      parseScimFilter('userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")'),
    ).toMatchObject({
      type: 'and',
    });
  });

  it.each([
    ['', /empty/],
    ['userName', /expected an operator/],
    ['userName eq', /unexpected end of input; expected a value/],
    ['userName eq bjensen', /unexpected 'bjensen' at position 12; expected a value/],
    ['userName xx "a"', /unexpected 'xx' at position 9/],
    ['userName eq "unterminated', /unterminated string starting at position 12/],
    ['(userName eq "a"', /expected '\)'/],
    ['userName eq "a")', /unexpected '\)' at position 15/],
    ['not userName eq "a"', /expected '\(' after 'not'/],
    ['emails[type eq "work"', /expected '\]'/],
    ['emails[value[x eq 1] eq 2]', /cannot be nested/],
    ['name.givenName.x eq "a"', /not an attribute path/],
    ['userName eq "a" and', /unexpected end of input/],
    ['userName eq "\\q"', /invalid escape/],
    ['userName eq 1e999', /out of range/],
    ['userName eq "a" # comment', /unexpected character '#'/],
    [`${'('.repeat(60)}a pr${')'.repeat(60)}`, /nested too deeply/],
    [`userName eq "${'x'.repeat(5000)}"`, /longer than/],
  ])('refuses %j with invalidFilter', (input, message) => {
    let err: unknown;
    try {
      parseScimFilter(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('scim_filter_invalid');
    expect((err as DomainError).message).toMatch(message);
  });
});

describe('PATCH path parser (RFC 7644 §3.5.2)', () => {
  it.each([
    ['active', { path: { attr: 'active' } }],
    ['name.givenName', { path: { attr: 'name', sub: 'givenName' } }],
    ['members[value eq "2819c223"]', { path: { attr: 'members' }, filter: cmp('value', 'eq', '2819c223') }],
    ['emails[type eq "work"].value', { path: { attr: 'emails', sub: 'value' }, filter: cmp('type', 'eq', 'work') }],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
      { path: { schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', attr: 'department' } },
    ],
  ])('parses %s', (input, parsed) => {
    expect(parsePatchPath(input)).toEqual(parsed);
  });

  it.each([
    '',
    'members[',
    'members[value eq "x"',
    'a.b.c',
    'members[value eq "x"] extra',
    'name.givenName[value eq "x"]',
  ])('refuses %j with invalidPath', (input) => {
    expect(() => parsePatchPath(input)).toThrowError(expect.objectContaining({ code: 'scim_path_invalid' }));
  });
});

// ---------------------------------------------------------------------------------------------
// Property: printing any filter AST and parsing it back gives the same AST. The generator is a
// small seeded PRNG (no dependency), so every run checks the same 2,000 filters.

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;
const ATTRS = ['userName', 'displayName', 'name', 'emails', 'externalId', 'x-attr_2', '$ref'];
const SUBS = [undefined, 'givenName', 'value', 'type'];
const STRINGS = ['', 'a', "O'Brien", 'quote"d', 'back\\slash', 'tab\there', 'é🚀', ' and ', 'or', '[x]', '(y)'];

function generate(rand: () => number, depth: number, inValuePath = false): ScimFilter {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const path = () => {
    const sub = pick(SUBS);
    return { attr: pick(ATTRS), ...(sub ? { sub } : {}) };
  };
  const r = rand();
  if (depth > 0 && r < 0.3) {
    return {
      type: pick(['and', 'or'] as const),
      left: generate(rand, depth - 1, inValuePath),
      right: generate(rand, depth - 1, inValuePath),
    };
  }
  if (depth > 0 && r < 0.4) return { type: 'not', filter: generate(rand, depth - 1, inValuePath) };
  if (depth > 0 && r < 0.5 && !inValuePath)
    return { type: 'valuePath', path: { attr: pick(ATTRS) }, filter: generate(rand, depth - 1, true) };
  if (r < 0.6) return { type: 'pr', path: path() };
  const value = pick([() => pick(STRINGS), () => Math.floor(rand() * 2000) - 1000, () => rand() < 0.5, () => null])();
  return { type: 'compare', op: pick(OPS), path: path(), value };
}

function print(f: ScimFilter): string {
  const p = (a: { schema?: string; attr: string; sub?: string }) =>
    `${a.schema ? `${a.schema}:` : ''}${a.attr}${a.sub ? `.${a.sub}` : ''}`;
  switch (f.type) {
    case 'and':
    case 'or':
      return `(${print(f.left)}) ${f.type} (${print(f.right)})`;
    case 'not':
      return `not (${print(f.filter)})`;
    case 'pr':
      return `${p(f.path)} pr`;
    case 'compare':
      return `${p(f.path)} ${f.op} ${JSON.stringify(f.value)}`;
    case 'valuePath':
      return `${p(f.path)}[${print(f.filter)}]`;
  }
}

describe('SCIM filter parser: print → parse round trip', () => {
  it('gives back the same AST for 2,000 generated filters', () => {
    const rand = prng(20261207);
    for (let i = 0; i < 2000; i++) {
      const ast = generate(rand, 4);
      const text = print(ast);
      expect(parseScimFilter(text), text).toEqual(ast);
    }
  });

  it('never throws anything but invalidFilter on mangled input', () => {
    const rand = prng(7);
    for (let i = 0; i < 2000; i++) {
      const text = print(generate(rand, 3));
      const cut = Math.floor(rand() * text.length);
      const mangled =
        text.slice(0, cut) + ['"', '[', ']', '(', ')', ' ', 'x', '\\', '.'][Math.floor(rand() * 9)] + text.slice(cut + 1);
      try {
        parseScimFilter(mangled);
      } catch (e) {
        expect((e as DomainError).code, mangled).toBe('scim_filter_invalid');
      }
    }
  });
});
