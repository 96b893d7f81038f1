import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/server/domain/errors.js';
import {
  type FilterNode,
  type Literal,
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
  parseFilter,
  tokenize,
} from '../../src/server/odata/filter.js';

/** Compact S-expression rendering of the AST so expectations stay readable. */
function show(n: FilterNode): string {
  const lit = (l: Literal): string => {
    switch (l.kind) {
      case 'string':
        return JSON.stringify(l.value);
      case 'null':
        return 'null';
      case 'guid':
        return `guid:${l.value}`;
      case 'datetime':
        return `dt:${l.value}`;
      default:
        return String(l.value);
    }
  };
  const p = (path: { segments: string[] }): string => path.segments.join('/');
  switch (n.type) {
    case 'and':
    case 'or':
      return `(${n.type} ${show(n.left)} ${show(n.right)})`;
    case 'not':
      return `(not ${show(n.operand)})`;
    case 'compare':
      return `(${n.op} ${p(n.path)} ${lit(n.value)})`;
    case 'in':
      return `(in ${p(n.path)} [${n.values.map(lit).join(' ')}])`;
    case 'function':
      return `(${n.name} ${p(n.path)} ${lit(n.value)})`;
    case 'lambda':
      return `(${p(n.path)}/${n.op} ${n.variable ?? '-'} ${n.predicate === null ? '-' : show(n.predicate)})`;
  }
}

const G = '3fa85f64-5717-4562-b3fc-2c963f66afa6';

describe('parseFilter: accepted expressions', () => {
  const cases: [string, string][] = [
    // comparison operators
    ["displayName eq 'Ada'", '(eq displayName "Ada")'],
    ["displayName ne 'Ada'", '(ne displayName "Ada")'],
    ['n gt 1', '(gt n 1)'],
    ['n ge -2', '(ge n -2)'],
    ['n lt 1.5', '(lt n 1.5)'],
    ['n le 1e3', '(le n 1000)'],
    ['n EQ 1', '(eq n 1)'],
    // literals
    ["s eq 'it''s'", '(eq s "it\'s")'],
    ["s eq ''", '(eq s "")'],
    ["s eq ''''", '(eq s "\'")'],
    ["s eq 'a and b or c'", '(eq s "a and b or c")'],
    ["s eq 'héllo 🌍'", '(eq s "héllo 🌍")'],
    ['accountEnabled eq true', '(eq accountEnabled true)'],
    ['accountEnabled eq false', '(eq accountEnabled false)'],
    ['accountEnabled eq TRUE', '(eq accountEnabled true)'],
    ['mail eq null', '(eq mail null)'],
    ['mail ne null', '(ne mail null)'],
    [`id eq '${G}'`, `(eq id "${G}")`],
    [`id eq ${G}`, `(eq id guid:${G})`],
    [`id eq ${G.toUpperCase()}`, `(eq id guid:${G.toUpperCase()})`],
    ['activityDateTime ge 2024-01-01T00:00:00Z', '(ge activityDateTime dt:2024-01-01T00:00:00Z)'],
    ['t lt 2024-01-01T10:20:30.123Z', '(lt t dt:2024-01-01T10:20:30.123Z)'],
    ['t lt 2024-01-01T10:20+02:00', '(lt t dt:2024-01-01T10:20+02:00)'],
    ['t lt 2024-01-01', '(lt t dt:2024-01-01)'],
    // in
    ["userType in ('Guest')", '(in userType ["Guest"])'],
    ["userType in ('Guest', 'Member' ,'x''y')", '(in userType ["Guest" "Member" "x\'y"])'],
    ['n in (1,2,3)', '(in n [1 2 3])'],
    // functions
    ["startswith(displayName,'Ad')", '(startswith displayName "Ad")'],
    ["startswith( displayName , 'Ad' )", '(startswith displayName "Ad")'],
    ["endswith(mail,'@contoso.com')", '(endswith mail "@contoso.com")'],
    ["StartsWith(displayName,'a')", '(startswith displayName "a")'],
    // paths and lambdas
    ["initiatedBy/user/id eq 'x'", '(eq initiatedBy/user/id "x")'],
    ["groupTypes/any(c:c eq 'Unified')", '(groupTypes/any c (eq c "Unified"))'],
    ["groupTypes/any(c : c eq 'Unified')", '(groupTypes/any c (eq c "Unified"))'],
    ["targetResources/any(t: t/id eq 'x')", '(targetResources/any t (eq t/id "x"))'],
    ["otherMails/any(x:startswith(x,'a'))", '(otherMails/any x (startswith x "a"))'],
    ["groupTypes/any(c:c eq 'A' or c eq 'B')", '(groupTypes/any c (or (eq c "A") (eq c "B")))'],
    ["groupTypes/any(c:c in ('A','B'))", '(groupTypes/any c (in c ["A" "B"]))'],
    ["groupTypes/all(c:c eq 'A')", '(groupTypes/all c (eq c "A"))'],
    ['groupTypes/any()', '(groupTypes/any - -)'],
    ["a/any(x: x/b/any(y: y eq 'q'))", '(a/any x (x/b/any y (eq y "q")))'],
    ['a/any(x: x/b/any(y: y eq x/c))'.replace('x/c', "'q'"), '(a/any x (x/b/any y (eq y "q")))'],
    // boolean structure and precedence: not > and > or
    ['a eq 1 and b eq 2', '(and (eq a 1) (eq b 2))'],
    ['a eq 1 or b eq 2', '(or (eq a 1) (eq b 2))'],
    ['a eq 1 or b eq 2 and c eq 3', '(or (eq a 1) (and (eq b 2) (eq c 3)))'],
    ['a eq 1 and b eq 2 or c eq 3', '(or (and (eq a 1) (eq b 2)) (eq c 3))'],
    ['(a eq 1 or b eq 2) and c eq 3', '(and (or (eq a 1) (eq b 2)) (eq c 3))'],
    ['a eq 1 and b eq 2 and c eq 3', '(and (and (eq a 1) (eq b 2)) (eq c 3))'],
    ['a eq 1 or b eq 2 or c eq 3', '(or (or (eq a 1) (eq b 2)) (eq c 3))'],
    ['not a eq 1 and b eq 2', '(and (not (eq a 1)) (eq b 2))'],
    ['not (a eq 1 and b eq 2)', '(not (and (eq a 1) (eq b 2)))'],
    ['not not a eq 1', '(not (not (eq a 1)))'],
    ["not(startswith(a,'x'))", '(not (startswith a "x"))'],
    ['((((a eq 1))))', '(eq a 1)'],
    ['  a   eq\t1  ', '(eq a 1)'],
    ['a eq 1 AND b eq 2 OR c eq 3', '(or (and (eq a 1) (eq b 2)) (eq c 3))'],
    // identifiers that merely start like keywords or literals
    ["android eq 'x' and order eq 'y'", '(and (eq android "x") (eq order "y"))'],
    ["notes eq 'x'", '(eq notes "x")'],
    ['nullable eq true', '(eq nullable true)'],
    ["deadbeef eq 'x'", '(eq deadbeef "x")'],
  ];
  it.each(cases)('%s', (input, expected) => {
    expect(show(parseFilter(input))).toBe(expected);
  });

  it('records positions of nodes and paths', () => {
    const n = parseFilter("a eq 1 and startswith(bb,'x')");
    expect(n).toMatchObject({ type: 'and', pos: 7, left: { pos: 2, path: { pos: 0 } }, right: { pos: 11, path: { pos: 22 } } });
  });
});

describe('parseFilter: errors', () => {
  const cases: [string, string][] = [
    ['', 'Invalid $filter: the expression is empty.'],
    ['   ', 'Invalid $filter: the expression is empty.'],
    ["a eq 'x')", "Invalid $filter: unexpected token ')' at position 8; expected 'and', 'or' or end of input."],
    ["(a eq 'x'", "Invalid $filter: unexpected end of input at position 9; expected ')'."],
    ["displayName eq 'Ada", 'Invalid $filter: unterminated string literal starting at position 15.'],
    ['a eq', 'Invalid $filter: unexpected end of input at position 4; expected a literal value.'],
    ['a eq b', "Invalid $filter: unexpected token 'b' at position 5; expected a literal value."],
    ["a eq 'x' and", 'Invalid $filter: unexpected end of input at position 12; expected a property name or function.'],
    ["a eq 'x' or or b eq 1", "Invalid $filter: unexpected token 'or' at position 12; expected a property name or function."],
    [
      "a 'x'",
      "Invalid $filter: unexpected string literal 'x' at position 2; expected a comparison operator ('eq', 'ne', 'gt', 'ge', 'lt', 'le', 'in').",
    ],
    [
      "a like 'x'",
      "Invalid $filter: unexpected token 'like' at position 2; expected a comparison operator ('eq', 'ne', 'gt', 'ge', 'lt', 'le', 'in').",
    ],
    [
      'a',
      "Invalid $filter: unexpected end of input at position 1; expected a comparison operator ('eq', 'ne', 'gt', 'ge', 'lt', 'le', 'in').",
    ],
    ["a eq 'x' b eq 'y'", "Invalid $filter: unexpected token 'b' at position 9; expected 'and', 'or' or end of input."],
    ["a eq 'x' # 1", "Invalid $filter: unexpected character '#' at position 9."],
    ['a in ()', "Invalid $filter: unexpected token ')' at position 6; expected a literal value."],
    ["a in ('x',)", "Invalid $filter: unexpected token ')' at position 10; expected a literal value."],
    ["a in ('x' 'y')", "Invalid $filter: unexpected string literal 'y' at position 10; expected ',' or ')'."],
    ["a in 'x'", "Invalid $filter: unexpected string literal 'x' at position 5; expected '(' after 'in'."],
    ["contains(a,'x')", "Invalid $filter: unsupported function 'contains' at position 0."],
    ["startswith(a 'x')", "Invalid $filter: unexpected string literal 'x' at position 13; expected ','."],
    ["startswith(a,'x'", "Invalid $filter: unexpected end of input at position 16; expected ')'."],
    ["startswith('x',a)", "Invalid $filter: unexpected string literal 'x' at position 11; expected a property name."],
    ["'x' eq a", "Invalid $filter: unexpected string literal 'x' at position 0; expected a property name or function."],
    ['eq 1', "Invalid $filter: unexpected token 'eq' at position 0; expected a property name or function."],
    ["a/ eq 'x'", "Invalid $filter: unexpected token 'eq' at position 3; expected a property name after '/'."],
    ["groupTypes/any(c eq 'x')", "Invalid $filter: unexpected token 'eq' at position 17; expected ':' after the range variable."],
    ["groupTypes/any(c: d eq 'x')", "Invalid $filter: 'd' at position 18 must start with the lambda range variable 'c'."],
    ["groupTypes/any(c: c eq 'x'", "Invalid $filter: unexpected end of input at position 26; expected ')' closing the lambda."],
    ["a/any(x: x/b/any(x: x eq 'q'))", "Invalid $filter: range variable 'x' at position 17 is already in use."],
    ["groupTypes/any(eq: eq eq 'x')", "Invalid $filter: unexpected token 'eq' at position 15; expected a lambda range variable."],
    [
      'a eq 2024-13-01T00:00:00',
      "Invalid $filter: malformed date-time '2024-13-01T00:00:00' at position 5; expected e.g. 2024-01-01T00:00:00Z.",
    ],
    [
      'a eq 2024-01-01T00:00Zx',
      "Invalid $filter: malformed date-time '2024-01-01T00:00Zx' at position 5; expected e.g. 2024-01-01T00:00:00Z.",
    ],
    ['a eq 1-2', "Invalid $filter: unexpected character '1' at position 5."],
    ['not', 'Invalid $filter: unexpected end of input at position 3; expected a property name or function.'],
    ['()', "Invalid $filter: unexpected token ')' at position 1; expected a property name or function."],
  ];
  it.each(cases)('%j', (input, message) => {
    let err: unknown;
    try {
      parseFilter(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('odata_query_invalid');
    expect((err as DomainError).status).toBe(400);
    expect((err as DomainError).message).toBe(message);
  });

  it('rejects over-long input', () => {
    const input = `a eq '${'x'.repeat(MAX_FILTER_LENGTH)}'`;
    expect(() => parseFilter(input)).toThrow(`maximum is ${MAX_FILTER_LENGTH}`);
  });

  it('rejects nesting deeper than the limit but accepts the limit itself', () => {
    const nested = (d: number): string => `${'('.repeat(d)}a eq 1${')'.repeat(d)}`;
    expect(show(parseFilter(nested(MAX_FILTER_DEPTH - 1)))).toBe('(eq a 1)');
    expect(() => parseFilter(nested(MAX_FILTER_DEPTH))).toThrow(/nested too deeply at position \d+/);
    expect(() => parseFilter(`${'not '.repeat(MAX_FILTER_DEPTH + 1)}a eq 1`)).toThrow(/nested too deeply/);
  });

  it('handles long but flat chains without recursion problems', () => {
    const chain = Array.from({ length: 150 }, (_, i) => `a eq ${i}`).join(' or ');
    expect(chain.length).toBeLessThan(MAX_FILTER_LENGTH);
    expect(parseFilter(chain).type).toBe('or');
  });
});

describe('tokenize', () => {
  it('splits punctuation, literals and identifiers with positions', () => {
    expect(
      tokenize(`a/any(c:c eq 'x''y') and t ge 2024-01-01T00:00:00Z or id eq ${G}`).map((t) => [t.kind, t.text, t.pos]),
    ).toEqual([
      ['ident', 'a', 0],
      ['/', '/', 1],
      ['ident', 'any', 2],
      ['(', '(', 5],
      ['ident', 'c', 6],
      [':', ':', 7],
      ['ident', 'c', 8],
      ['ident', 'eq', 10],
      ['string', "x'y", 13],
      [')', ')', 19],
      ['ident', 'and', 21],
      ['ident', 't', 25],
      ['ident', 'ge', 27],
      ['datetime', '2024-01-01T00:00:00Z', 30],
      ['ident', 'or', 51],
      ['ident', 'id', 54],
      ['ident', 'eq', 57],
      ['guid', G, 60],
      ['eof', '', 96],
    ]);
  });
});
