/**
 * Tokenizer and recursive-descent parser for SCIM 2.0 filters (RFC 7644 §3.4.2.2) and PATCH paths
 * (§3.5.2). Syntax only: which attributes and operators a resource supports is decided when the
 * filter is translated (query.ts) or evaluated (evaluate.ts).
 *
 * Grammar (lowest precedence first; keywords and operators are case-insensitive):
 *
 *   filter    := and ('or' and)*
 *   and       := unary ('and' unary)*
 *   unary     := 'not' '(' filter ')' | primary
 *   primary   := '(' filter ')'
 *             |  attrPath '[' filter ']' [ '.' subAttr (compareOp value | 'pr') ]
 *             |  attrPath 'pr'
 *             |  attrPath compareOp value
 *   compareOp := 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le'
 *   value     := JSON string | number | 'true' | 'false' | 'null'
 *   attrPath  := [schema URN ':'] name ['.' subName]        e.g. name.givenName,
 *                urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department
 *   path      := attrPath [ '[' filter ']' [ '.' subName ] ]   (PATCH "path")
 *
 * `emails[type eq "work"].value eq "x"` (common in clients, not in the RFC grammar) is read as
 * `emails[type eq "work" and value eq "x"]`: one element satisfies both. Inside brackets, paths are
 * relative to the element. Positions in messages are 0-based character offsets.
 */
import type { ErrorCode } from '../../../contracts/errors.js';
import { DomainError } from '../../domain/errors.js';
import { type Token as CursorToken, scanTokens, TokenCursor } from '../../domain/token-cursor.js';

export const MAX_FILTER_LENGTH = 4000;
const MAX_DEPTH = 50;

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type ScimValue = string | number | boolean | null;

/** An attribute reference as written: optional schema URN, attribute, optional sub-attribute. */
export interface AttrPath {
  schema?: string;
  attr: string;
  sub?: string;
}

export type ScimFilter =
  | { type: 'and' | 'or'; left: ScimFilter; right: ScimFilter }
  | { type: 'not'; filter: ScimFilter }
  | { type: 'pr'; path: AttrPath }
  | { type: 'compare'; op: CompareOp; path: AttrPath; value: ScimValue }
  /** `attr[filter]`: some element of the multi-valued `attr` matches `filter` (paths inside are relative). */
  | { type: 'valuePath'; path: AttrPath; filter: ScimFilter };

/** A PATCH target: attribute (with optional sub-attribute), optionally narrowed by a value filter. */
export interface PatchPath {
  path: AttrPath;
  filter?: ScimFilter;
}

const COMPARE_OPS: ReadonlySet<string> = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const ATTR_NAME = /^[A-Za-z$][A-Za-z0-9_$-]*$/;

type TokenKind = 'word' | 'string' | 'number' | '(' | ')' | '[' | ']' | 'subattr' | 'eof';
type Token = CursorToken<TokenKind>;

class Syntax {
  constructor(
    private readonly code: Extract<ErrorCode, 'scim_filter_invalid' | 'scim_path_invalid'>,
    private readonly what: string,
  ) {}
  error(message: string): DomainError {
    return new DomainError(this.code, `Invalid ${this.what}: ${message}`);
  }
}

function tokenize(input: string, syntax: Syntax): Token[] {
  return scanTokens<TokenKind>(input, (i, tokens) => {
    const ch = input[i] as string;
    if ('()[]'.includes(ch)) {
      tokens.push({ kind: ch as TokenKind, text: ch, pos: i });
      return i + 1;
    }
    if (ch === '"') return readString(input, i, tokens, syntax);
    const rest = input.slice(i);
    // `].value`: a sub-attribute after a value filter.
    const sub = tokens[tokens.length - 1]?.kind === ']' ? /^\.([A-Za-z$][A-Za-z0-9_$-]*)/.exec(rest) : null;
    if (sub) {
      tokens.push({ kind: 'subattr', text: sub[1] as string, pos: i });
      return i + sub[0].length;
    }
    // Numbers, then attribute paths (with URNs: colons and dots), keywords and operators.
    for (const [kind, re] of WORDS) {
      const m = re.exec(rest);
      if (!m) continue;
      tokens.push({ kind, text: m[0], pos: i });
      return i + m[0].length;
    }
    throw syntax.error(`unexpected character '${ch}' at position ${i}.`);
  });
}

const WORDS: [TokenKind, RegExp][] = [
  ['number', /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.:])/],
  ['word', /^[A-Za-z$_][A-Za-z0-9_$:.-]*/],
];

/** A JSON string at `start`; returns where the next token starts. */
function readString(input: string, start: number, tokens: Token[], syntax: Syntax): number {
  let i = start + 1;
  while (i < input.length && input[i] !== '"') i += input[i] === '\\' ? 2 : 1;
  if (i >= input.length) throw syntax.error(`unterminated string starting at position ${start}.`);
  const raw = input.slice(start, ++i);
  let text: string;
  try {
    text = JSON.parse(raw) as string;
  } catch {
    throw syntax.error(`invalid escape in the string starting at position ${start}.`);
  }
  tokens.push({ kind: 'string', text, pos: start });
  return i;
}

/** Splits `urn:…:User:name.givenName` / `name.givenName` / `userName` into its parts. */
function toAttrPath(text: string, pos: number, syntax: Syntax): AttrPath {
  let schema: string | undefined;
  let rest = text;
  if (/^urn:/i.test(text)) {
    const cut = text.lastIndexOf(':');
    schema = text.slice(0, cut);
    rest = text.slice(cut + 1);
    if (!schema || !rest) throw syntax.error(`'${text}' at position ${pos} is not an attribute path.`);
  }
  const parts = rest.split('.');
  if (parts.length > 2 || !parts.every((p) => ATTR_NAME.test(p))) {
    throw syntax.error(`'${text}' at position ${pos} is not an attribute path.`);
  }
  const [attr, sub] = parts as [string, string | undefined];
  return { ...(schema ? { schema } : {}), attr, ...(sub ? { sub } : {}) };
}

class Parser extends TokenCursor<TokenKind, ScimFilter> {
  /** Inside `attr[…]`: nested value filters are not allowed. */
  private inValuePath = false;

  constructor(
    tokens: Token[],
    private readonly syntax: Syntax,
  ) {
    super(tokens, MAX_DEPTH);
  }

  protected unexpected(t: Token, expected: string): DomainError {
    const what = t.kind === 'eof' ? 'unexpected end of input' : `unexpected '${t.text}' at position ${t.pos}`;
    return this.syntax.error(`${what}; expected ${expected}.`);
  }
  protected tooDeep(pos: number): DomainError {
    return this.syntax.error(`nested too deeply at position ${pos}.`);
  }
  protected isKeyword(t: Token, word: string): boolean {
    return t.kind === 'word' && t.text.toLowerCase() === word;
  }

  filter(): ScimFilter {
    return this.chain(
      'or',
      () => this.and(),
      (left, right) => ({ type: 'or', left, right }),
    );
  }

  private and(): ScimFilter {
    return this.chain(
      'and',
      () => this.unary(),
      (left, right) => ({ type: 'and', left, right }),
    );
  }

  private unary(): ScimFilter {
    const t = this.peek();
    return this.nested(t.pos, () => {
      if (!this.isKeyword(t, 'not')) return this.primary();
      this.next();
      this.expect('(', "'(' after 'not'");
      const filter = this.filter();
      this.expect(')', "')'");
      return { type: 'not', filter };
    });
  }

  private primary(): ScimFilter {
    const t = this.peek();
    if (t.kind === '(') return this.parenthesized(() => this.filter());
    if (t.kind !== 'word' || ['and', 'or', 'not'].includes(t.text.toLowerCase())) throw this.unexpected(t, 'an attribute path');
    this.next();
    const path = toAttrPath(t.text, t.pos, this.syntax);
    if (this.peek().kind === '[') return this.valuePath(path, t);
    return this.attrExp(path);
  }

  private attrExp(path: AttrPath): ScimFilter {
    const opTok = this.peek();
    const op = opTok.kind === 'word' ? opTok.text.toLowerCase() : '';
    if (op === 'pr') {
      this.next();
      return { type: 'pr', path };
    }
    if (!COMPARE_OPS.has(op))
      throw this.unexpected(opTok, "an operator ('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr')");
    this.next();
    return { type: 'compare', op: op as CompareOp, path, value: this.value() };
  }

  private valuePath(path: AttrPath, at: Token): ScimFilter {
    if (this.inValuePath) throw this.syntax.error(`value filters cannot be nested (position ${at.pos}).`);
    if (path.sub)
      throw this.syntax.error(
        `'${at.text}' at position ${at.pos}: a value filter applies to a multi-valued attribute, not a sub-attribute.`,
      );
    this.expect('[', "'['");
    this.inValuePath = true;
    let filter: ScimFilter;
    try {
      filter = this.filter();
    } finally {
      this.inValuePath = false;
    }
    this.expect(']', "']'");
    const sub = this.peek();
    if (sub.kind === 'subattr') {
      this.next();
      filter = { type: 'and', left: filter, right: this.attrExp({ attr: sub.text }) };
    }
    return { type: 'valuePath', path, filter };
  }

  private value(): ScimValue {
    const t = this.next();
    if (t.kind === 'string') return t.text;
    if (t.kind === 'number') {
      const n = Number(t.text);
      if (!Number.isFinite(n)) throw this.syntax.error(`number '${t.text}' at position ${t.pos} is out of range.`);
      return n;
    }
    if (t.kind === 'word') {
      const w = t.text.toLowerCase();
      if (w === 'true' || w === 'false') return w === 'true';
      if (w === 'null') return null;
    }
    throw this.unexpected(t, 'a value (a quoted string, a number, true, false or null)');
  }

  /** A PATCH path: attrPath [ '[' filter ']' [ '.' sub ] ]. */
  patchPath(): PatchPath {
    const t = this.expect('word', 'an attribute path');
    const path = toAttrPath(t.text, t.pos, this.syntax);
    if (this.peek().kind !== '[') return { path };
    if (path.sub)
      throw this.syntax.error(`'${t.text}': a value filter applies to a multi-valued attribute, not a sub-attribute.`);
    this.next();
    this.inValuePath = true;
    const filter = this.filter();
    this.inValuePath = false;
    this.expect(']', "']'");
    const sub = this.peek();
    if (sub.kind === 'subattr') {
      this.next();
      return { path: { ...path, sub: sub.text }, filter };
    }
    return { path, filter };
  }

  end(): void {
    const t = this.peek();
    if (t.kind !== 'eof') throw this.unexpected(t, "'and', 'or' or the end");
  }
}

function parseWith<T>(input: string, syntax: Syntax, run: (p: Parser) => T): T {
  if (input.length > MAX_FILTER_LENGTH) throw syntax.error(`it is longer than ${MAX_FILTER_LENGTH} characters.`);
  if (input.trim() === '') throw syntax.error('it is empty.');
  const parser = new Parser(tokenize(input, syntax), syntax);
  const out = run(parser);
  parser.end();
  return out;
}

/** Parses a `filter` query parameter; throws `scim_filter_invalid` (scimType invalidFilter). */
export function parseScimFilter(input: string): ScimFilter {
  return parseWith(input, new Syntax('scim_filter_invalid', 'filter'), (p) => p.filter());
}

/** Parses a PATCH operation's `path`; throws `scim_path_invalid` (scimType invalidPath). */
export function parsePatchPath(input: string): PatchPath {
  return parseWith(input, new Syntax('scim_path_invalid', 'path'), (p) => p.patchPath());
}
