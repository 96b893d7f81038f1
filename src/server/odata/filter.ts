/**
 * Tokenizer and recursive-descent parser for the Microsoft Graph subset of OData `$filter`.
 *
 * Grammar (lowest precedence first; keywords are case-insensitive):
 *
 *   expr       := and ('or' and)*
 *   and        := unary ('and' unary)*
 *   unary      := 'not' unary | primary
 *   primary    := '(' expr ')'
 *              |  ('startswith' | 'endswith') '(' path ',' literal ')'
 *              |  path '/' ('any' | 'all') '(' [ident ':' expr] ')'
 *              |  path ('eq'|'ne'|'gt'|'ge'|'lt'|'le') literal
 *              |  path 'in' '(' literal (',' literal)* ')'
 *   path       := ident ('/' ident)*
 *   literal    := 'string' (with '' escape) | number | true | false | null | GUID | ISO date/datetime
 *
 * The parser only checks syntax; whether a property, operator or value is supported is decided by
 * `query.ts` against a resource description. Positions in messages are 0-based character offsets
 * into the `$filter` string (as in Microsoft's OData libraries).
 */

import { DomainError } from '../domain/errors.js';
import { type Token as CursorToken, scanTokens, TokenCursor } from '../domain/token-cursor.js';

export const MAX_FILTER_LENGTH = 2000;
export const MAX_FILTER_DEPTH = 50;

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
/** `contains` is never parsed from a Graph `$filter`; adapters (SCIM `co`) build it themselves. */
export type FunctionName = 'startswith' | 'endswith' | 'contains';
export type LambdaOp = 'any' | 'all';

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  /** Unquoted GUID, kept as written. */
  | { kind: 'guid'; value: string }
  /** Unquoted ISO-8601 date or date-time, kept as written (normalised by the compiler). */
  | { kind: 'datetime'; value: string };

/** A property path such as `initiatedBy/user/id`; inside a lambda it starts with the range variable. */
export interface PropertyPath {
  segments: string[];
  pos: number;
}

export type FilterNode =
  | { type: 'and' | 'or'; left: FilterNode; right: FilterNode; pos: number }
  | { type: 'not'; operand: FilterNode; pos: number }
  | { type: 'compare'; op: CompareOp; path: PropertyPath; value: Literal; pos: number }
  | { type: 'in'; path: PropertyPath; values: Literal[]; pos: number }
  | { type: 'function'; name: FunctionName; path: PropertyPath; value: Literal; pos: number }
  | {
      type: 'lambda';
      op: LambdaOp;
      /** The collection property, e.g. `groupTypes` or `targetResources`. */
      path: PropertyPath;
      /** Range variable (`c` in `any(c: ...)`); null with `predicate` for the argument-less `any()`. */
      variable: string | null;
      predicate: FilterNode | null;
      pos: number;
    };

export type TokenKind = 'ident' | 'string' | 'number' | 'guid' | 'datetime' | '(' | ')' | ',' | ':' | '/' | 'eof';
/** Source text for idents/numbers/guids/datetimes; the unescaped value for strings. */
export type Token = CursorToken<TokenKind>;

const invalid = (message: string): DomainError => new DomainError('odata_query_invalid', `Invalid $filter: ${message}`);

const GUID_RE = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])/y;
// Date, or date-time with optional seconds/fraction and a mandatory zone (Z or ±hh:mm).
const DATETIME_RE = /\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?(?![\w:.+-])/y;
const DATETIME_LIKE_RE = /\d{4}-\d{2}-\d{2}[\w:.+-]*/y;
const NUMBER_RE = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.-])/y;
const IDENT_RE = /[A-Za-z_][A-Za-z0-9_]*/y;

function matchAt(re: RegExp, input: string, pos: number): string | null {
  re.lastIndex = pos;
  const m = re.exec(input);
  return m === null ? null : m[0];
}

export function tokenize(input: string): Token[] {
  return scanTokens<TokenKind>(input, (i, tokens) => {
    const ch = input[i] as string;
    if (ch === '(' || ch === ')' || ch === ',' || ch === ':' || ch === '/') {
      tokens.push({ kind: ch, text: ch, pos: i });
      return i + 1;
    }
    if (ch === "'") return readString(input, i, tokens);
    // Order matters: a GUID or a date can start with digits, so try them before plain numbers.
    for (const [kind, re] of LITERALS) {
      const text = matchAt(re, input, i);
      if (text === null) continue;
      if (kind === null) throw invalid(`malformed date-time '${text}' at position ${i}; expected e.g. 2024-01-01T00:00:00Z.`);
      tokens.push({ kind, text, pos: i });
      return i + text.length;
    }
    throw invalid(`unexpected character '${ch}' at position ${i}.`);
  });
}

/** Literals and names in the order they are tried; `null`: a malformed date-time, refused. */
const LITERALS: [TokenKind | null, RegExp][] = [
  ['guid', GUID_RE],
  ['datetime', DATETIME_RE],
  [null, DATETIME_LIKE_RE],
  ['number', NUMBER_RE],
  ['ident', IDENT_RE],
];

/** A single-quoted string at `start` (`''` is a quote); returns where the next token starts. */
function readString(input: string, start: number, tokens: Token[]): number {
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= input.length) throw invalid(`unterminated string literal starting at position ${start}.`);
    const c = input[i] as string;
    if (c === "'") {
      if (input[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      i++;
      break;
    }
    value += c;
    i++;
  }
  tokens.push({ kind: 'string', text: value, pos: start });
  return i;
}

const COMPARE_OPS: ReadonlySet<string> = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS: ReadonlySet<string> = new Set(['startswith', 'endswith']);
/** Words that cannot start a property path. */
const RESERVED: ReadonlySet<string> = new Set(['and', 'or', 'not', 'in', 'true', 'false', 'null', ...COMPARE_OPS]);

const describeToken = (t: Token): string => {
  switch (t.kind) {
    case 'eof':
      return 'end of input';
    case 'string':
      return `string literal '${t.text.replaceAll("'", "''")}'`;
    default:
      return `token '${t.text}'`;
  }
};

class Parser extends TokenCursor<TokenKind, FilterNode> {
  /** Range variables of the enclosing lambdas, innermost last. */
  private readonly scope: string[] = [];

  constructor(tokens: Token[]) {
    super(tokens, MAX_FILTER_DEPTH);
  }

  protected unexpected(t: Token, expected?: string): DomainError {
    const what = t.kind === 'eof' ? 'unexpected end of input' : `unexpected ${describeToken(t)}`;
    return invalid(`${what} at position ${t.pos}${expected === undefined ? '' : `; expected ${expected}`}.`);
  }

  protected tooDeep(pos: number): DomainError {
    return invalid(`expression is nested too deeply at position ${pos} (maximum depth ${MAX_FILTER_DEPTH}).`);
  }

  protected isKeyword(t: Token, word: string): boolean {
    return t.kind === 'ident' && t.text.toLowerCase() === word;
  }

  parse(): FilterNode {
    const node = this.parseOr();
    const t = this.peek();
    if (t.kind !== 'eof') throw this.unexpected(t, "'and', 'or' or end of input");
    return node;
  }

  private parseOr(): FilterNode {
    return this.chain(
      'or',
      () => this.parseAnd(),
      (left, right, op) => ({ type: 'or', left, right, pos: op.pos }),
    );
  }

  private parseAnd(): FilterNode {
    return this.chain(
      'and',
      () => this.parseUnary(),
      (left, right, op) => ({ type: 'and', left, right, pos: op.pos }),
    );
  }

  private parseUnary(): FilterNode {
    const t = this.peek();
    return this.nested(t.pos, () => {
      if (!this.isKeyword(t, 'not')) return this.parsePrimary();
      this.next();
      return { type: 'not', operand: this.parseUnary(), pos: t.pos };
    });
  }

  private parsePrimary(): FilterNode {
    const t = this.peek();
    if (t.kind === '(') return this.parenthesized(() => this.parseOr());
    if (t.kind !== 'ident' || RESERVED.has(t.text.toLowerCase())) throw this.unexpected(t, 'a property name or function');
    const lower = t.text.toLowerCase();
    if (FUNCTIONS.has(lower) && this.peek(1).kind === '(') return this.parseFunction(lower as FunctionName);
    if (this.peek(1).kind === '(') throw invalid(`unsupported function '${t.text}' at position ${t.pos}.`);

    const { path, lambda } = this.parsePath();
    if (lambda !== null) return this.parseLambda(path, lambda);

    const opTok = this.peek();
    const op = opTok.kind === 'ident' ? opTok.text.toLowerCase() : '';
    if (COMPARE_OPS.has(op)) {
      this.next();
      return { type: 'compare', op: op as CompareOp, path, value: this.parseLiteral(), pos: opTok.pos };
    }
    if (op === 'in') {
      this.next();
      this.expect('(', "'(' after 'in'");
      const values = [this.parseLiteral()];
      while (this.peek().kind === ',') {
        this.next();
        values.push(this.parseLiteral());
      }
      this.expect(')', "',' or ')'");
      return { type: 'in', path, values, pos: opTok.pos };
    }
    throw this.unexpected(opTok, "a comparison operator ('eq', 'ne', 'gt', 'ge', 'lt', 'le', 'in')");
  }

  /** Parses `a/b/c`; stops before a trailing `/any(` or `/all(` and reports it. */
  private parsePath(): { path: PropertyPath; lambda: Token | null } {
    const first = this.expect('ident', 'a property name');
    const segments = [first.text];
    let lambda: Token | null = null;
    while (this.peek().kind === '/') {
      this.next();
      const seg = this.expect('ident', "a property name after '/'");
      if (RESERVED.has(seg.text.toLowerCase())) throw this.unexpected(seg, "a property name after '/'");
      const word = seg.text.toLowerCase();
      if ((word === 'any' || word === 'all') && this.peek().kind === '(') {
        lambda = seg;
        break;
      }
      segments.push(seg.text);
    }
    const path = { segments, pos: first.pos };
    this.checkScope(path);
    return { path, lambda };
  }

  /** Inside a lambda every path must start with a range variable in scope (Graph has no outer references). */
  private checkScope(path: PropertyPath): void {
    if (this.scope.length === 0) return;
    const head = path.segments[0] as string;
    if (!this.scope.includes(head)) {
      const vars = this.scope.map((v) => `'${v}'`).join(', ');
      throw invalid(`'${head}' at position ${path.pos} must start with the lambda range variable ${vars}.`);
    }
  }

  private parseLambda(path: PropertyPath, opTok: Token): FilterNode {
    const op = opTok.text.toLowerCase() as LambdaOp;
    this.expect('(', "'('");
    if (this.peek().kind === ')') {
      this.next();
      return { type: 'lambda', op, path, variable: null, predicate: null, pos: opTok.pos };
    }
    const v = this.expect('ident', 'a lambda range variable');
    if (RESERVED.has(v.text.toLowerCase())) throw this.unexpected(v, 'a lambda range variable');
    if (this.scope.includes(v.text)) throw invalid(`range variable '${v.text}' at position ${v.pos} is already in use.`);
    this.expect(':', "':' after the range variable");
    this.scope.push(v.text);
    try {
      const predicate = this.parseOr();
      this.expect(')', "')' closing the lambda");
      return { type: 'lambda', op, path, variable: v.text, predicate, pos: opTok.pos };
    } finally {
      this.scope.pop();
    }
  }

  private parseFunction(name: FunctionName): FilterNode {
    const fn = this.next();
    this.expect('(', "'('");
    const { path, lambda } = this.parsePath();
    if (lambda !== null) throw this.unexpected(lambda, 'a property path');
    this.expect(',', "','");
    const value = this.parseLiteral();
    this.expect(')', "')'");
    return { type: 'function', name, path, value, pos: fn.pos };
  }

  private parseLiteral(): Literal {
    const t = this.next();
    switch (t.kind) {
      case 'string':
        return { kind: 'string', value: t.text };
      case 'number': {
        const value = Number(t.text);
        if (!Number.isFinite(value)) throw invalid(`number '${t.text}' at position ${t.pos} is out of range.`);
        return { kind: 'number', value };
      }
      case 'guid':
        return { kind: 'guid', value: t.text };
      case 'datetime':
        return { kind: 'datetime', value: t.text };
      case 'ident': {
        const w = t.text.toLowerCase();
        if (w === 'true' || w === 'false') return { kind: 'boolean', value: w === 'true' };
        if (w === 'null') return { kind: 'null' };
        break;
      }
    }
    throw this.unexpected(t, 'a literal value');
  }
}

/** Parses a `$filter` expression into an AST; throws `DomainError('odata_query_invalid')` on bad input. */
export function parseFilter(input: string): FilterNode {
  if (input.length > MAX_FILTER_LENGTH) {
    throw invalid(`expression is ${input.length} characters long; the maximum is ${MAX_FILTER_LENGTH}.`);
  }
  if (input.trim() === '') throw invalid('the expression is empty.');
  return new Parser(tokenize(input)).parse();
}
