/**
 * Membership rules of dynamic groups (Entra's rule syntax, `groups-dynamic-membership.md`):
 * a tokenizer, a recursive-descent parser and an evaluator over one user. Pure: no I/O.
 *
 * Grammar (lowest precedence first; operators and keywords are case-insensitive, and may be written
 * with or without their leading hyphen, as in Entra: `-and` / `and`, `-eq` / `eq`):
 *
 *   rule       := or
 *   or         := and ('-or' and)*
 *   and        := not ('-and' not)*
 *   not        := '-not' not | primary
 *   primary    := '(' rule ')' | comparison
 *   comparison := property operator value
 *   property   := 'user.' name          (names: see PROPERTIES; matched case-insensitively)
 *   operator   := '-eq' | '-ne' | '-startsWith' | '-notStartsWith' | '-endsWith' | '-notEndsWith'
 *              |  '-contains' | '-notContains' | '-match' | '-notMatch' | '-in' | '-notIn'
 *   value      := string | 'true' | 'false' | 'null' | '[' string (',' string)* ']'
 *   string     := '"' … '"' (a backtick escapes: `" is a quote, `` a backtick)
 *              |  "'" … "'" ('' is a quote)
 *
 * Semantics: string comparisons and regular expressions ignore case; `-match` finds the pattern
 * anywhere (anchor it with ^ and $). `null` is only compared with -eq / -ne. A property without a
 * value (null) satisfies no positive operator (-eq "x", -startsWith, -contains, -match, -in) and
 * therefore every negative one. Boolean properties take -eq / -ne with true or false.
 *
 * Errors name the 0-based character position in the rule (as `$filter` errors do) and are
 * `group_membership_rule_invalid` (400).
 */
import type { User } from '../../contracts/users.js';
import { DomainError } from './errors.js';
import { type Token as CursorToken, scanTokens, TokenCursor } from './token-cursor.js';

/** Graph's limit on the length of a membership rule. */
export const MAX_RULE_LENGTH = 3072;
const MAX_DEPTH = 50;
/** Property values are short; this also bounds how long one regular expression can run. */
const MAX_PATTERN_LENGTH = 512;

type StringProperty = { type: 'string'; get: (u: RuleSubject) => string | null };
type BooleanProperty = { type: 'boolean'; get: (u: RuleSubject) => boolean };

/** The user properties rules may use (the subset of Entra's list Portico's users have). */
const PROPERTIES = {
  accountEnabled: { type: 'boolean', get: (u) => u.accountEnabled },
  city: { type: 'string', get: (u) => u.city },
  companyName: { type: 'string', get: (u) => u.companyName },
  country: { type: 'string', get: (u) => u.country },
  department: { type: 'string', get: (u) => u.department },
  displayName: { type: 'string', get: (u) => u.displayName },
  givenName: { type: 'string', get: (u) => u.givenName },
  jobTitle: { type: 'string', get: (u) => u.jobTitle },
  mail: { type: 'string', get: (u) => u.mail },
  objectId: { type: 'string', get: (u) => u.id },
  preferredLanguage: { type: 'string', get: (u) => u.preferredLanguage },
  surname: { type: 'string', get: (u) => u.surname },
  userPrincipalName: { type: 'string', get: (u) => u.userPrincipalName },
  userType: { type: 'string', get: (u) => u.userType },
} satisfies Record<string, StringProperty | BooleanProperty>;

export type RuleProperty = keyof typeof PROPERTIES;
const PROPERTY_BY_LOWER = new Map(Object.keys(PROPERTIES).map((k) => [k.toLowerCase(), k as RuleProperty]));

/** What a rule reads of a user. */
export type RuleSubject = Pick<
  User,
  | 'id'
  | 'accountEnabled'
  | 'city'
  | 'companyName'
  | 'country'
  | 'department'
  | 'displayName'
  | 'givenName'
  | 'jobTitle'
  | 'mail'
  | 'preferredLanguage'
  | 'surname'
  | 'userPrincipalName'
  | 'userType'
>;

const OPERATORS = [
  'eq',
  'ne',
  'startsWith',
  'notStartsWith',
  'endsWith',
  'notEndsWith',
  'contains',
  'notContains',
  'match',
  'notMatch',
  'in',
  'notIn',
] as const;
export type RuleOperator = (typeof OPERATORS)[number];
const OPERATOR_BY_LOWER = new Map(OPERATORS.map((o) => [o.toLowerCase(), o]));

export type RuleNode =
  | { type: 'and' | 'or'; left: RuleNode; right: RuleNode }
  | { type: 'not'; operand: RuleNode }
  | { type: 'null'; property: RuleProperty; negate: boolean }
  | { type: 'boolean'; property: RuleProperty; value: boolean; negate: boolean }
  | {
      type: 'string';
      property: RuleProperty;
      /** The positive form of the operator; `negate` turns -ne / -notX into its negation. */
      op: 'eq' | 'startsWith' | 'endsWith' | 'contains';
      /** Lower-cased. */
      value: string;
      negate: boolean;
    }
  | { type: 'match'; property: RuleProperty; regex: RegExp; negate: boolean }
  | { type: 'in'; property: RuleProperty; values: ReadonlySet<string>; negate: boolean };

/** A parsed rule: evaluate it with `matchesRule`. */
export interface MembershipRule {
  readonly text: string;
  readonly root: RuleNode;
}

type TokenKind = 'word' | 'op' | 'string' | '(' | ')' | '[' | ']' | ',' | 'eof';
/** Words and operators: as written (without the hyphen for operators); strings: the unescaped value. */
type Token = CursorToken<TokenKind>;

const ruleError = (message: string): DomainError =>
  new DomainError('group_membership_rule_invalid', `Invalid membershipRule: ${message}`, { target: 'membershipRule' });

const WORD_RE = /[A-Za-z_][A-Za-z0-9_.]*/y;
// Entra's own documentation prints some operators with an en dash (`–eq`); accept it as a hyphen.
const HYPHENS = new Set(['-', '\u2013']);

function readString(input: string, start: number): { value: string; end: number } {
  const quote = input[start];
  let value = '';
  let i = start + 1;
  while (i < input.length) {
    const c = input[i] as string;
    if (quote === '"' && c === '`' && i + 1 < input.length) {
      value += input[i + 1];
      i += 2;
    } else if (quote === "'" && c === "'" && input[i + 1] === "'") {
      value += "'";
      i += 2;
    } else if (c === quote) {
      return { value, end: i + 1 };
    } else {
      value += c;
      i++;
    }
  }
  throw ruleError(`unterminated string starting at position ${start}.`);
}

function tokenize(input: string): Token[] {
  return scanTokens<TokenKind>(input, (i, tokens) => {
    const c = input[i] as string;
    if ('()[],'.includes(c)) {
      tokens.push({ kind: c as TokenKind, text: c, pos: i });
      return i + 1;
    }
    if (c === '"' || c === "'") {
      const s = readString(input, i);
      tokens.push({ kind: 'string', text: s.value, pos: i });
      return s.end;
    }
    const op = HYPHENS.has(c);
    WORD_RE.lastIndex = op ? i + 1 : i;
    const m = WORD_RE.exec(input);
    if (!m)
      throw ruleError(
        op ? `expected an operator after '${c}' at position ${i}.` : `unexpected character '${c}' at position ${i}.`,
      );
    tokens.push({ kind: op ? 'op' : 'word', text: m[0], pos: i });
    return WORD_RE.lastIndex;
  });
}

const describe = (t: Token): string =>
  t.kind === 'eof' ? 'the end of the rule' : t.kind === 'string' ? `"${t.text}"` : `'${t.kind === 'op' ? '-' : ''}${t.text}'`;

/**
 * Rejects patterns that can take exponential time on a backtracking engine: a quantified group
 * that itself contains a quantifier (`(a+)+`, `(.*)*`), and backreferences. Not a proof of
 * linearity, but it removes the classic catastrophic shapes; values are short (≤ 256 characters).
 */
function unsafePatternReason(pattern: string): string | undefined {
  const stack: boolean[] = [];
  let inClass = false;
  let lastGroupHadQuantifier = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || next === 'k') return 'backreferences are not supported';
      i++;
      lastGroupHadQuantifier = false;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    const isQuantifier = c === '*' || c === '+' || c === '{' || (c === '?' && pattern[i - 1] !== '(');
    if (isQuantifier) {
      if (lastGroupHadQuantifier && c !== '?') return 'a repeated group may not contain a repetition, such as (a+)+';
      if (stack.length > 0) stack[stack.length - 1] = true;
    }
    lastGroupHadQuantifier = false;
    if (c === '[') inClass = true;
    else if (c === '(') stack.push(false);
    else if (c === ')') {
      const had = stack.pop() ?? false;
      lastGroupHadQuantifier = had;
      if (had && stack.length > 0) stack[stack.length - 1] = true;
    }
  }
  return undefined;
}

function compilePattern(pattern: string, pos: number): RegExp {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw ruleError(`the regular expression at position ${pos} is longer than ${MAX_PATTERN_LENGTH} characters.`);
  }
  const unsafe = unsafePatternReason(pattern);
  if (unsafe) throw ruleError(`the regular expression at position ${pos} is not supported: ${unsafe}.`);
  try {
    return new RegExp(pattern, 'i');
  } catch (err) {
    throw ruleError(`invalid regular expression at position ${pos}: ${(err as Error).message}.`);
  }
}

class Parser extends TokenCursor<TokenKind, RuleNode> {
  constructor(tokens: Token[]) {
    super(tokens, MAX_DEPTH);
  }

  protected unexpected(t: Token, what: string): DomainError {
    return ruleError(`expected ${what} at position ${t.pos}, found ${describe(t)}.`);
  }
  protected tooDeep(pos: number): DomainError {
    return ruleError(`the rule nests deeper than ${MAX_DEPTH} levels at position ${pos}.`);
  }
  /** Is `t` the logical keyword `word`, with or without its hyphen? */
  protected isKeyword(t: Token, word: string): boolean {
    return (t.kind === 'op' || t.kind === 'word') && t.text.toLowerCase() === word;
  }

  parse(): RuleNode {
    const node = this.or();
    const t = this.peek();
    if (t.kind !== 'eof') {
      throw ruleError(`expected -and, -or or the end of the rule at position ${t.pos}, found ${describe(t)}.`);
    }
    return node;
  }

  private or(): RuleNode {
    return this.chain(
      'or',
      () => this.and(),
      (left, right) => ({ type: 'or', left, right }),
    );
  }

  private and(): RuleNode {
    return this.chain(
      'and',
      () => this.not(),
      (left, right) => ({ type: 'and', left, right }),
    );
  }

  private not(): RuleNode {
    if (this.isKeyword(this.peek(), 'not')) {
      this.next();
      return this.nested(this.peek().pos, () => ({ type: 'not', operand: this.not() }));
    }
    return this.primary();
  }

  private primary(): RuleNode {
    if (this.peek().kind === '(') return this.parenthesized(() => this.nested(this.peek().pos, () => this.or()));
    return this.comparison();
  }

  private property(): { name: RuleProperty; pos: number } {
    const t = this.peek();
    if (t.kind !== 'word')
      throw ruleError(`expected a property such as user.department at position ${t.pos}, found ${describe(t)}.`);
    this.next();
    const [object, name, ...rest] = t.text.split('.');
    if (object?.toLowerCase() !== 'user' || name === undefined || rest.length > 0) {
      throw ruleError(`expected a user property such as user.department at position ${t.pos}, found '${t.text}'.`);
    }
    const property = PROPERTY_BY_LOWER.get(name.toLowerCase());
    if (!property) {
      throw ruleError(
        `unknown property '${t.text}' at position ${t.pos}; supported: ${Object.keys(PROPERTIES)
          .map((p) => `user.${p}`)
          .join(', ')}.`,
      );
    }
    return { name: property, pos: t.pos };
  }

  private operator(): { op: RuleOperator; pos: number } {
    const t = this.next();
    const op = t.kind === 'op' || t.kind === 'word' ? OPERATOR_BY_LOWER.get(t.text.toLowerCase()) : undefined;
    if (!op) {
      throw ruleError(
        t.kind === 'op' || t.kind === 'word'
          ? `unknown operator '${t.kind === 'op' ? '-' : ''}${t.text}' at position ${t.pos}; supported: ${OPERATORS.map((o) => `-${o}`).join(', ')}.`
          : `expected an operator such as -eq at position ${t.pos}, found ${describe(t)}.`,
      );
    }
    return { op, pos: t.pos };
  }

  private list(): { values: string[]; pos: number } {
    const open = this.expect('[', 'a list such as ["a", "b"]');
    const values: string[] = [this.expect('string', 'a quoted string').text];
    while (this.peek().kind === ',') {
      this.next();
      values.push(this.expect('string', 'a quoted string').text);
    }
    this.expect(']', "',' or ']'");
    return { values, pos: open.pos };
  }

  private comparison(): RuleNode {
    const { name: property } = this.property();
    const { op, pos: opPos } = this.operator();
    const type = PROPERTIES[property].type;
    const value = this.peek();
    const negate = op === 'ne' || op.startsWith('not');
    if (op === 'in' || op === 'notIn') {
      if (type !== 'string')
        throw ruleError(`-${op} cannot be used with the boolean property user.${property} (position ${opPos}).`);
      const list = this.list();
      return { type: 'in', property, values: new Set(list.values.map((v) => v.toLowerCase())), negate };
    }
    if (value.kind === 'word' && value.text.toLowerCase() === 'null') {
      this.next();
      if (op !== 'eq' && op !== 'ne') throw ruleError(`null can only be compared with -eq or -ne (position ${value.pos}).`);
      return { type: 'null', property, negate };
    }
    if (type === 'boolean') {
      const b = value.kind === 'word' || value.kind === 'string' ? value.text.toLowerCase() : '';
      if (op !== 'eq' && op !== 'ne') {
        throw ruleError(`-${op} cannot be used with the boolean property user.${property} (position ${opPos}); use -eq or -ne.`);
      }
      if (b !== 'true' && b !== 'false') {
        throw ruleError(`expected true or false at position ${value.pos}, found ${describe(value)}.`);
      }
      this.next();
      return { type: 'boolean', property, value: b === 'true', negate };
    }
    if (value.kind === '[') throw ruleError(`a list of values needs -in or -notIn, not -${op} (position ${value.pos}).`);
    if (value.kind !== 'string') throw ruleError(`expected a quoted string at position ${value.pos}, found ${describe(value)}.`);
    this.next();
    if (op === 'match' || op === 'notMatch') {
      return { type: 'match', property, regex: compilePattern(value.text, value.pos), negate };
    }
    const positive = op === 'eq' || op === 'ne' ? 'eq' : op.startsWith('not') ? lowerFirst(op.slice(3)) : op;
    return {
      type: 'string',
      property,
      op: positive as 'eq' | 'startsWith' | 'endsWith' | 'contains',
      value: value.text.toLowerCase(),
      negate,
    };
  }
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** Parses a membership rule, or throws `group_membership_rule_invalid` naming the position. */
export function parseMembershipRule(text: string): MembershipRule {
  if (text.length > MAX_RULE_LENGTH) throw ruleError(`a rule is at most ${MAX_RULE_LENGTH} characters.`);
  if (text.trim() === '') throw ruleError('the rule is empty.');
  return { text, root: new Parser(tokenize(text)).parse() };
}

function stringTest(op: 'eq' | 'startsWith' | 'endsWith' | 'contains', actual: string, expected: string): boolean {
  switch (op) {
    case 'eq':
      return actual === expected;
    case 'startsWith':
      return actual.startsWith(expected);
    case 'endsWith':
      return actual.endsWith(expected);
    case 'contains':
      return actual.includes(expected);
  }
}

function evaluate(node: RuleNode, u: RuleSubject): boolean {
  switch (node.type) {
    case 'and':
      return evaluate(node.left, u) && evaluate(node.right, u);
    case 'or':
      return evaluate(node.left, u) || evaluate(node.right, u);
    case 'not':
      return !evaluate(node.operand, u);
    case 'null':
      return (PROPERTIES[node.property].get(u) === null) !== node.negate;
    case 'boolean':
      return (PROPERTIES[node.property].get(u) === node.value) !== node.negate;
    default: {
      const raw = PROPERTIES[node.property].get(u);
      const actual = typeof raw === 'string' ? raw : null;
      let positive: boolean;
      if (actual === null) positive = false;
      else if (node.type === 'match') positive = node.regex.test(actual);
      else if (node.type === 'in') positive = node.values.has(actual.toLowerCase());
      else positive = stringTest(node.op, actual.toLowerCase(), node.value);
      return positive !== node.negate;
    }
  }
}

/** Does the user satisfy the rule? */
export function matchesRule(rule: MembershipRule, user: RuleSubject): boolean {
  return evaluate(rule.root, user);
}
