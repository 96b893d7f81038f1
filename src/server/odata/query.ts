/**
 * Validation of Graph OData query options against a resource description, and their compilation
 * to Kysely expressions that behave identically on SQLite and PostgreSQL.
 *
 * Portability rules followed throughout:
 * - every user-supplied value is a bound parameter (Kysely `sql` template interpolation);
 *   only column names from the resource description and fixed SQL text are spliced in;
 * - case-insensitive comparisons lower() BOTH sides in SQL, so each database applies the same
 *   function to column and value;
 * - LIKE is only used on lower()ed operands: SQLite's LIKE ignores ASCII case while PostgreSQL's
 *   does not, so a case-sensitive LIKE would give different answers. Case-sensitive prefix and
 *   substring tests use substr()/replace() instead, which are exact on both;
 * - under `not`, the operand is wrapped in coalesce(…, false) so SQL's three-valued logic cannot
 *   silently drop rows whose column is NULL (OData comparisons are two-valued).
 */
import { type Expression, type ExpressionBuilder, expressionBuilder, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { DomainError } from '../domain/errors.js';
import type { FilterNode, Literal, PropertyPath } from './filter.js';
import { parseFilter } from './filter.js';

export type { FilterNode, Literal } from './filter.js';

export type PropType = 'string' | 'boolean' | 'datetime' | 'guid' | 'enum' | 'stringCollection' | 'number';
export type FilterOp =
  | 'eq'
  | 'ne'
  | 'gt'
  | 'ge'
  | 'lt'
  | 'le'
  | 'in'
  | 'startswith'
  | 'any'
  | 'not'
  /** Not Graph's `$filter` on directory objects: used by adapters (SCIM `ew`, `co`) that build the AST themselves. */
  | 'endswith'
  | 'contains';

export interface PropSpec {
  type: PropType;
  /** SQL column (on the main table alias) holding the value; omit for non-filterable, select-only properties. */
  column?: string;
  /** Operators allowed in $filter for this property (Graph supports different ones per property). */
  filter?: readonly FilterOp[];
  /** Case-insensitive comparison: compile to lower(column) compared with lower(value). */
  ci?: boolean;
  /** For enum: allowed values (compare case-insensitively, store canonical). */
  values?: readonly string[];
  orderable?: boolean;
  /**
   * The column is NOT NULL: `$orderby` sorts and pages on the bare column (an index on
   * (tenant_id, column, id) serves the order and the keyset) instead of coalesce(column, '').
   */
  notNull?: boolean;
}

/** Every string comparison SCIM has (`co`, `ew`, `gt`…): provisioning filters string properties with all of them. */
const PROVISIONING_STRING_OPS: readonly FilterOp[] = [
  'eq',
  'ne',
  'gt',
  'ge',
  'lt',
  'le',
  'startswith',
  'endswith',
  'contains',
  'not',
];

/**
 * A collection as provisioning (SCIM) filters it: the Graph description's string columns compared
 * with every SCIM operator, plus the client's `externalId` (case-exact) and the given properties.
 */
export function provisioningResource(
  spec: ResourceSpec,
  extra: Record<string, PropSpec> = {},
  custom?: Record<string, CustomCompiler>,
): ResourceSpec {
  const widen = (p: PropSpec): PropSpec => (p.type === 'string' && p.column ? { ...p, filter: PROVISIONING_STRING_OPS } : p);
  return {
    ...spec,
    properties: {
      ...Object.fromEntries(Object.entries(spec.properties).map(([k, p]) => [k, widen(p)])),
      ...extra,
      externalId: { type: 'string', column: 'external_id', filter: PROVISIONING_STRING_OPS, orderable: true },
    },
    ...(custom ? { custom } : {}),
  };
}

/**
 * Compiles a filter node the generic rules cannot handle (nested paths, lambdas over related
 * tables). Receives the `compare`/`in`/`function` node, or the `lambda` node for `prop/any` keys.
 */
export type CustomCompiler = (node: FilterNode, eb: ExpressionBuilder<any, any>) => Expression<SqlBool>;

export interface ResourceSpec {
  /** e.g. 'users' — used in error messages */
  name: string;
  /** Graph camelCase names. */
  properties: Record<string, PropSpec>;
  /** Custom compilers for lambda paths or nested paths, e.g. 'targetResources/any', 'initiatedBy/user/id'. */
  custom?: Record<string, CustomCompiler>;
  /** Properties matched by $search="prop:term" */
  searchable?: readonly string[];
  /** Column used as unique tiebreaker/keyset key, usually 'id'. Default sort: this column ascending. */
  idColumn: string;
}

export type SearchNode =
  | { type: 'term'; property: string; column: string; term: string }
  | { type: 'and' | 'or'; left: SearchNode; right: SearchNode };

export interface ODataOrderBy {
  property: string;
  column: string;
  direction: 'asc' | 'desc';
  /** From the property's `notNull`. */
  notNull?: boolean;
}

/**
 * A validated description of a request's query options: plain data, no SQL. Routes parse it
 * (`parseODataQuery`, which rejects anything the resource does not support with a 400 before any
 * other work); the repository that owns the resource compiles it (`applyODataQuery`).
 */
export interface ODataQuery {
  /** Parsed and validated `$filter`. */
  filter: FilterNode | undefined;
  /** Parsed and validated `$search`. */
  search: SearchNode | undefined;
  /** Canonical property names from `$select`, or undefined for all. */
  select: string[] | undefined;
  top: number;
  orderBy: ODataOrderBy | undefined;
  /** Decoded `$skiptoken`: the last row of the previous page. */
  after: { v: string | null; id: string } | undefined;
  count: boolean;
  /** Rows to skip before the page (index-based paging of adapters such as SCIM's startIndex; Graph pages by $skiptoken). */
  skip?: number;
  /** Parsed `$expand`: relationships to inline (one level), each with an optional nested `$select`. */
  expand?: ExpandItem[];
}

export interface ExpandItem {
  /** Canonical name of the relationship (`members`, `memberOf`…). */
  property: string;
  /** Canonical property names of the nested `$select`, or undefined for all. */
  select: string[] | undefined;
}

/** Graph returns at most 20 expanded objects per relationship and at most 100 parents per page with `$expand`. */
export const MAX_EXPANDED_ITEMS = 20;
export const MAX_TOP_WITH_EXPAND = 100;

export interface ParseOptions {
  /** Whether the endpoint supports `$count` (default true). */
  allowCount?: boolean;
  /** Value of the `ConsistencyLevel` request header. */
  consistencyLevel?: string;
  /** Relationships the endpoint can `$expand`, with the description of what they hold (for a nested `$select`). */
  expandable?: Record<string, ResourceSpec>;
}

export const DEFAULT_TOP = 100;
export const MAX_TOP = 999;

const invalid = (message: string): DomainError => new DomainError('odata_query_invalid', message);

// ---------------------------------------------------------------------------------------------
// Property lookup (Graph property names are case-insensitive)

const lookupCache = new WeakMap<object, Map<string, string>>();
function caseInsensitiveKey(record: Record<string, unknown>, name: string): string | undefined {
  let map = lookupCache.get(record);
  if (map === undefined) {
    map = new Map(Object.keys(record).map((k) => [k.toLowerCase(), k]));
    lookupCache.set(record, map);
  }
  return map.get(name.toLowerCase());
}

function findProperty(spec: ResourceSpec, name: string): [string, PropSpec] | undefined {
  const key = caseInsensitiveKey(spec.properties, name);
  const prop = key === undefined ? undefined : spec.properties[key];
  return key === undefined || prop === undefined ? undefined : [key, prop];
}

function findCustom(spec: ResourceSpec, key: string): CustomCompiler | undefined {
  if (spec.custom === undefined) return undefined;
  const k = caseInsensitiveKey(spec.custom, key);
  return k === undefined ? undefined : spec.custom[k];
}

// ---------------------------------------------------------------------------------------------
// Values

/** Escapes LIKE metacharacters for use with `ESCAPE '\'`. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):(\d{2})))?$/;

/** Normalises an ISO date/date-time to the stored form (UTC, milliseconds), or null when invalid. */
export function normaliseDateTime(s: string): string | null {
  const m = ISO.exec(s);
  if (m === null) return null;
  const [y, mo, d, h, mi, se, oh, om] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  // Date() rolls 2024-02-30 over to March; reject impossible calendar dates and clock times instead.
  const day = new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1));
  if (day.getUTCMonth() !== (mo ?? 1) - 1 || day.getUTCDate() !== d) return null;
  if ((h ?? 0) > 23 || (mi ?? 0) > 59 || (se ?? 0) > 59 || (oh ?? 0) > 23 || (om ?? 0) > 59) return null;
  const date = new Date(s);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

type Scalar = string | number;

const literalText = (lit: Literal): string => {
  switch (lit.kind) {
    case 'string':
      return `'${lit.value.replaceAll("'", "''")}'`;
    case 'null':
      return 'null';
    default:
      return String(lit.value);
  }
};

/** Converts a literal to the stored representation of `prop`, or throws a 400 naming the property. */
function toStored(spec: ResourceSpec, name: string, prop: PropSpec, lit: Literal): Scalar {
  const bad = (expected: string): DomainError =>
    invalid(`Invalid value ${literalText(lit)} for property '${name}' in $filter for ${spec.name}: expected ${expected}.`);
  switch (prop.type) {
    case 'string':
    case 'stringCollection':
      if (lit.kind === 'string') return lit.value;
      throw bad('a quoted string');
    case 'guid': {
      const v = lit.kind === 'string' || lit.kind === 'guid' ? lit.value : null;
      if (v === null || !GUID.test(v)) throw bad('a GUID');
      return v.toLowerCase();
    }
    case 'enum': {
      const v = lit.kind === 'string' ? lit.value.toLowerCase() : null;
      const canonical = prop.values?.find((x) => x.toLowerCase() === v);
      if (canonical === undefined) throw bad(`one of ${(prop.values ?? []).map((x) => `'${x}'`).join(', ')}`);
      return canonical;
    }
    case 'boolean':
      if (lit.kind === 'boolean') return lit.value ? 1 : 0;
      throw bad('true or false');
    case 'number':
      if (lit.kind === 'number') return lit.value;
      throw bad('a number');
    case 'datetime': {
      const v = lit.kind === 'datetime' || lit.kind === 'string' ? normaliseDateTime(lit.value) : null;
      if (v === null) throw bad('a date-time such as 2024-01-01T00:00:00Z');
      return v;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// $filter compilation

/** Operators each property type can support at all; `PropSpec.filter` narrows this per property. */
const TYPE_OPS: Record<PropType, readonly FilterOp[]> = {
  string: ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'in', 'startswith', 'endswith', 'contains', 'not'],
  guid: ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'in', 'not'],
  enum: ['eq', 'ne', 'in', 'not'],
  boolean: ['eq', 'ne', 'not'],
  number: ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'in', 'not'],
  datetime: ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'in', 'not'],
  stringCollection: ['any', 'eq', 'in', 'startswith', 'not'],
};

const SQL_OP = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

interface Ctx {
  spec: ResourceSpec;
  eb: ExpressionBuilder<any, any>;
  /** Inside a `not`: properties must also allow 'not'. */
  negated: boolean;
}

const pathKey = (p: PropertyPath): string => p.segments.join('/');

/** Resolves a single-segment path to a filterable property, checking that `op` is allowed on it. */
function resolve(
  ctx: Ctx,
  path: PropertyPath,
  op: string,
  kind: 'operator' | 'function' = 'operator',
): [string, PropSpec, string] {
  const { spec } = ctx;
  const found = path.segments.length === 1 ? findProperty(spec, path.segments[0] as string) : undefined;
  if (found === undefined) throw invalid(`Unsupported property '${pathKey(path)}' in $filter for ${spec.name}.`);
  const [name, prop] = found;
  if (prop.column === undefined || prop.filter === undefined || prop.filter.length === 0) {
    throw invalid(`Property '${name}' does not support $filter for ${spec.name}.`);
  }
  const allowed = (o: string): boolean =>
    (prop.filter as readonly string[]).includes(o) && (TYPE_OPS[prop.type] as readonly string[]).includes(o);
  // Comparisons on a collection must go through any(); `eq` etc. are only valid inside the lambda.
  const direct = prop.type !== 'stringCollection' || op === 'any';
  if (!direct || !allowed(op)) {
    throw invalid(`Unsupported ${kind} '${op}' on property '${name}' in $filter for ${spec.name}.`);
  }
  if (ctx.negated && !allowed('not')) {
    throw invalid(`Unsupported operator 'not' on property '${name}' in $filter for ${spec.name}.`);
  }
  return [name, prop, prop.column];
}

const lowerIf = (ci: boolean | undefined, e: Expression<unknown>): Expression<unknown> => (ci === true ? sql`lower(${e})` : e);

/**
 * A bound value for comparison with `prop`'s column. Numbers are cast to numeric: PostgreSQL would
 * otherwise type the parameter after an integer column and reject `25.5`.
 */
const bind = (prop: PropSpec, v: Scalar): Expression<unknown> =>
  lowerIf(prop.ci, prop.type === 'number' ? sql`cast(${v} as numeric)` : sql.val(v));

function compileNode(node: FilterNode, ctx: Ctx): Expression<SqlBool> {
  const { spec, eb } = ctx;
  switch (node.type) {
    case 'and':
      return eb.and([compileNode(node.left, ctx), compileNode(node.right, ctx)]);
    case 'or':
      return eb.or([compileNode(node.left, ctx), compileNode(node.right, ctx)]);
    case 'not': {
      const inner = compileNode(node.operand, { ...ctx, negated: !ctx.negated });
      return sql<SqlBool>`not (coalesce(${inner}, false))`;
    }
    case 'lambda': {
      const custom = findCustom(spec, `${pathKey(node.path)}/${node.op}`);
      if (custom !== undefined) return custom(node, eb);
      return compileCollectionLambda(node, ctx);
    }
    default: {
      const custom = findCustom(spec, pathKey(node.path));
      if (custom !== undefined) return custom(node, eb);
    }
  }

  if (node.type === 'compare') {
    const [name, prop, column] = resolve(ctx, node.path, node.op);
    const col = sql.ref(column);
    if (node.value.kind === 'null') {
      if (node.op === 'eq') return sql<SqlBool>`${col} is null`;
      if (node.op === 'ne') return sql<SqlBool>`${col} is not null`;
      throw invalid(`Operator '${node.op}' cannot compare property '${name}' with null in $filter for ${spec.name}.`);
    }
    const v = toStored(spec, name, prop, node.value);
    const cmp = sql<SqlBool>`${lowerIf(prop.ci, col)} ${sql.raw(SQL_OP[node.op])} ${bind(prop, v)}`;
    // OData's `ne` is true for NULL columns; SQL's `<>` would be NULL (row dropped).
    return node.op === 'ne' ? sql<SqlBool>`(${cmp} or ${col} is null)` : cmp;
  }

  if (node.type === 'in') {
    const [name, prop, column] = resolve(ctx, node.path, 'in');
    const values = node.values.map((lit) => {
      if (lit.kind === 'null') throw invalid(`'in' lists cannot contain null (property '${name}') for ${spec.name}.`);
      return bind(prop, toStored(spec, name, prop, lit));
    });
    return sql<SqlBool>`${lowerIf(prop.ci, sql.ref(column))} in (${sql.join(values)})`;
  }

  // function
  const [name, prop, column] = resolve(ctx, node.path, node.name, 'function');
  return compileStringFunction(node.name, sql.ref(column), prop.ci === true, String(toStored(spec, name, prop, node.value)));
}

/** startswith / endswith / contains on a string column, case-insensitively or exactly. */
function compileStringFunction(
  fn: 'startswith' | 'endswith' | 'contains',
  col: Expression<unknown>,
  ci: boolean,
  v: string,
): Expression<SqlBool> {
  if (ci) {
    const pattern = fn === 'startswith' ? `${escapeLike(v)}%` : fn === 'endswith' ? `%${escapeLike(v)}` : `%${escapeLike(v)}%`;
    return sql<SqlBool>`lower(${col}) like lower(${pattern}) escape '\\'`;
  }
  // Case-sensitive tests without LIKE (see the header comment); casts keep PostgreSQL from failing
  // to infer the parameter type of length().
  const len = sql`length(cast(${v} as text))`;
  if (fn === 'startswith') return sql<SqlBool>`substr(${col}, 1, ${len}) = ${v}`;
  if (fn === 'endswith') return sql<SqlBool>`(length(${col}) >= ${len} and substr(${col}, length(${col}) - ${len} + 1) = ${v})`;
  // replace() removes every occurrence: the text changes exactly when it contains the value.
  return v === '' ? sql<SqlBool>`${col} is not null` : sql<SqlBool>`replace(${col}, ${v}, '') <> ${col}`;
}

/*
 * String collections are stored as a JSON array in a TEXT column, written with JSON.stringify (compact:
 * `["Unified","DynamicMembership"]`), which neither dialect can index or unnest portably. So we match
 * the array text instead. In compact JSON a real (unescaped) `"` preceded by `[` or `,` can only be the
 * opening quote of an element: inside strings `"` is always written `\"`. Hence, with the value
 * JSON-encoded including its quotes:
 *   c eq 'Unified'     ->  text contains `["Unified"` or `,"Unified"`
 *   startswith(c,'Un') ->  text contains `["Un`       or `,"Un`        (closing quote dropped)
 * The anchor matters: without it, `"Unified"` would also be found inside the element `a"Unified`
 * (encoded `"a\"Unified"`).
 * Case-insensitive: lower(column) LIKE lower('%["Unified"%') ESCAPE '\', with %, _ and \ escaped.
 * Case-sensitive: replace(column, needle, '') <> column, an exact substring test on both dialects
 * (LIKE ignores ASCII case on SQLite but not on PostgreSQL).
 */
function compileCollectionLambda(node: Extract<FilterNode, { type: 'lambda' }>, ctx: Ctx): Expression<SqlBool> {
  const { spec } = ctx;
  const [name, prop, column] = resolve(ctx, node.path, 'any');
  const col = sql.ref(column);
  const unsupported = (what: string): DomainError =>
    invalid(`Unsupported ${what} inside '${name}/${node.op}' in $filter for ${spec.name}.`);
  if (node.op !== 'any') throw unsupported(`lambda '${node.op}'`);
  if (node.predicate === null || node.variable === null) {
    // `prop/any()`: the collection is not empty.
    return sql<SqlBool>`(${col} is not null and ${col} <> '[]')`;
  }
  const variable = node.variable;
  const containsOne = (needle: string): Expression<SqlBool> =>
    prop.ci === true
      ? sql<SqlBool>`lower(${col}) like lower(${`%${escapeLike(needle)}%`}) escape '\\'`
      : sql<SqlBool>`replace(${col}, ${needle}, '') <> ${col}`;
  const contains = (encoded: string): Expression<SqlBool> => ctx.eb.or([containsOne(`[${encoded}`), containsOne(`,${encoded}`)]);
  const checkElement = (p: PropertyPath, op: string): void => {
    if (p.segments.length !== 1 || p.segments[0] !== variable) {
      throw unsupported(`property '${pathKey(p)}'`);
    }
    if (!(prop.filter ?? []).includes(op as FilterOp)) throw unsupported(`operator '${op}'`);
  };
  const body = (n: FilterNode): Expression<SqlBool> => {
    switch (n.type) {
      // Only `or` composes correctly from per-value substring tests: `c eq 'a' and c eq 'b'` is about
      // ONE element, but two substring tests would match a collection holding both.
      case 'or':
        return ctx.eb.or([body(n.left), body(n.right)]);
      case 'compare':
        checkElement(n.path, n.op);
        if (n.op !== 'eq') throw unsupported(`operator '${n.op}'`);
        return contains(JSON.stringify(toStored(spec, name, prop, n.value)));
      case 'in':
        checkElement(n.path, 'in');
        return ctx.eb.or(n.values.map((v) => contains(JSON.stringify(toStored(spec, name, prop, v)))));
      case 'function': {
        checkElement(n.path, n.name);
        if (n.name !== 'startswith') throw unsupported(`function '${n.name}'`);
        return contains(JSON.stringify(toStored(spec, name, prop, n.value)).slice(0, -1));
      }
      default:
        throw unsupported(`'${n.type}' expression`);
    }
  };
  return body(node.predicate);
}

// ---------------------------------------------------------------------------------------------
// $search

function parseSearch(input: string, spec: ResourceSpec): SearchNode {
  const bad = (why: string): DomainError => invalid(`Invalid $search: ${why}`);
  // Tokens: "quoted clause" | AND | OR
  const tokens: { kind: 'clause' | 'and' | 'or'; text: string; pos: number }[] = [];
  const re = /\s*(?:"([^"]*)"|(AND|OR)\b|(\S+))/giy;
  for (let m = re.exec(input); m !== null && m[0] !== ''; m = re.exec(input)) {
    const pos = m.index + (m[0].length - m[0].trimStart().length);
    if (m[1] !== undefined) tokens.push({ kind: 'clause', text: m[1], pos });
    else if (m[2] !== undefined) tokens.push({ kind: m[2].toLowerCase() as 'and' | 'or', text: m[2], pos });
    else throw bad(`unexpected '${m[3]}' at position ${pos}; clauses must be quoted, e.g. "displayName:term".`);
  }
  if (input.trim() === '') throw bad('the expression is empty.');
  let i = 0;
  const clause = (): SearchNode => {
    const t = tokens[i++];
    if (t === undefined) throw bad('unexpected end of input; expected a quoted "property:term" clause.');
    if (t.kind !== 'clause') throw bad(`unexpected '${t.text}' at position ${t.pos}; expected a quoted clause.`);
    const colon = t.text.indexOf(':');
    if (colon < 0) throw bad(`clause "${t.text}" at position ${t.pos} must have the form "property:term".`);
    const propName = t.text.slice(0, colon).trim();
    const term = t.text.slice(colon + 1).trim();
    const found = findProperty(spec, propName);
    const searchable = found !== undefined && (spec.searchable ?? []).includes(found[0]) && found[1].column;
    if (found === undefined || !searchable) {
      throw invalid(`Unsupported property '${propName}' in $search for ${spec.name}.`);
    }
    if (term === '') throw bad(`clause "${t.text}" at position ${t.pos} has an empty search term.`);
    return { type: 'term', property: found[0], column: searchable, term };
  };
  // AND binds tighter than OR.
  const and = (): SearchNode => {
    let left = clause();
    while (tokens[i]?.kind === 'and') {
      i++;
      left = { type: 'and', left, right: clause() };
    }
    return left;
  };
  let node = and();
  while (tokens[i]?.kind === 'or') {
    i++;
    node = { type: 'or', left: node, right: and() };
  }
  const extra = tokens[i];
  if (extra !== undefined)
    throw bad(
      `unexpected ${extra.kind === 'clause' ? `"${extra.text}"` : extra.text} at position ${extra.pos}; expected AND or OR.`,
    );
  return node;
}

/** Word-prefix match, case-insensitive: the value starts with the term, or a word inside it does. */
function compileSearch(node: SearchNode, eb: ExpressionBuilder<any, any>): Expression<SqlBool> {
  if (node.type !== 'term') {
    const parts = [compileSearch(node.left, eb), compileSearch(node.right, eb)];
    return node.type === 'and' ? eb.and(parts) : eb.or(parts);
  }
  const col = sql.ref(node.column);
  const t = escapeLike(node.term);
  return sql<SqlBool>`(lower(${col}) like lower(${`${t}%`}) escape '\\' or lower(${col}) like lower(${`% ${t}%`}) escape '\\')`;
}

// ---------------------------------------------------------------------------------------------
// $skiptoken

const orderSignature = (o: ODataOrderBy | undefined): string => (o === undefined ? '' : `${o.property} ${o.direction}`);

export function encodeSkipToken(v: string | null, id: string, orderBy: ODataOrderBy | undefined): string {
  return Buffer.from(JSON.stringify({ v, id, o: orderSignature(orderBy) }), 'utf8').toString('base64url');
}

function decodeSkipToken(token: string, orderBy: ODataOrderBy | undefined): { v: string | null; id: string } {
  const bad = invalid('Invalid $skiptoken.');
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw bad;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad;
  }
  if (typeof parsed !== 'object' || parsed === null) throw bad;
  const { v, id, o } = parsed as Record<string, unknown>;
  if (typeof id !== 'string' || (v !== null && typeof v !== 'string') || o !== orderSignature(orderBy)) throw bad;
  return { v, id };
}

// ---------------------------------------------------------------------------------------------
// Query options

const KNOWN = new Set(['$filter', '$select', '$top', '$skiptoken', '$orderby', '$count', '$search', '$expand']);
const ORDERABLE_TYPES: readonly PropType[] = ['string', 'datetime', 'guid', 'enum'];

/** Splits on commas outside parentheses. */
function splitTopLevel(input: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === sep && depth === 0) {
      parts.push(input.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(input.slice(start));
  return parts;
}

const propertyList = (raw: string, spec: ResourceSpec, where: string): string[] => {
  const out: string[] = [];
  for (const part of raw.split(',')) {
    const name = part.trim();
    const found = name === '' ? undefined : findProperty(spec, name);
    if (found === undefined) throw invalid(`Unsupported property '${name}' in ${where} for ${spec.name}.`);
    if (!out.includes(found[0])) out.push(found[0]);
  }
  return out;
};

/**
 * `$expand=members` or `members($select=id,displayName)`, comma-separated: one level (Graph's limit
 * on directory objects), `$select` the only nested option.
 */
function parseExpand(raw: string, spec: ResourceSpec, expandable: Record<string, ResourceSpec> = {}): ExpandItem[] {
  const names = Object.keys(expandable);
  if (names.length === 0) throw invalid(`Query option '$expand' is not supported for ${spec.name}.`);
  const items: ExpandItem[] = [];
  for (const part of splitTopLevel(raw, ',')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(([\s\S]*)\))?\s*$/.exec(part);
    if (m === null) throw invalid(`Invalid $expand '${raw}': expected relationship names, e.g. members($select=id,displayName).`);
    const key = caseInsensitiveKey(expandable, m[1] as string);
    if (key === undefined) {
      throw invalid(`Unsupported property '${m[1]}' in $expand for ${spec.name}; it can expand ${names.join(', ')}.`);
    }
    let select: string[] | undefined;
    for (const option of m[2] === undefined ? [] : splitTopLevel(m[2], ';')) {
      const o = /^\s*(\$[A-Za-z]+)\s*=([\s\S]*)$/.exec(option);
      const name = o?.[1]?.toLowerCase();
      if (name === '$expand') throw invalid('Only one level of $expand is supported.');
      if (name !== '$select' || o === null) {
        throw invalid(`Query option '${o?.[1] ?? option.trim()}' is not supported inside $expand (only $select is).`);
      }
      select = propertyList(o[2] ?? '', expandable[key] as ResourceSpec, `$select of $expand=${key}`);
    }
    if (items.some((i) => i.property === key)) throw invalid(`Relationship '${key}' is expanded more than once.`);
    items.push({ property: key, select });
  }
  return items;
}

/** Validates the `$`-options of a request and compiles `$filter`/`$search`. Non-`$` params are ignored. */
export function parseODataQuery(query: Record<string, unknown>, spec: ResourceSpec, opts: ParseOptions = {}): ODataQuery {
  const options = new Map<string, string>();
  for (const [rawKey, raw] of Object.entries(query)) {
    if (!rawKey.startsWith('$') || raw === undefined) continue;
    const key = rawKey.toLowerCase();
    if (Array.isArray(raw) || options.has(key)) throw invalid(`Query option '${rawKey}' is specified more than once.`);
    if (!KNOWN.has(key)) throw invalid(`Query option '${rawKey}' is not supported.`);
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
      throw invalid(`Query option '${rawKey}' has an invalid value.`);
    }
    options.set(key, String(raw));
  }
  const eventual = opts.consistencyLevel?.trim().toLowerCase() === 'eventual';

  const expandRaw = options.get('$expand');
  const expand = expandRaw === undefined ? undefined : parseExpand(expandRaw, spec, opts.expandable);

  let select: string[] | undefined;
  const selectRaw = options.get('$select');
  if (selectRaw !== undefined) {
    select = [];
    for (const part of selectRaw.split(',')) {
      const name = part.trim();
      const found = name === '' ? undefined : findProperty(spec, name);
      if (found === undefined) throw invalid(`Unsupported property '${name}' in $select for ${spec.name}.`);
      if (!select.includes(found[0])) select.push(found[0]);
    }
  }

  let top = DEFAULT_TOP;
  const topRaw = options.get('$top');
  if (topRaw !== undefined) {
    const t = topRaw.trim();
    top = /^\d{1,4}$/.test(t) ? Number(t) : Number.NaN;
    if (!(top >= 1 && top <= MAX_TOP)) {
      throw invalid(`Invalid $top '${topRaw}': expected an integer from 1 to ${MAX_TOP}.`);
    }
  }

  let orderBy: ODataOrderBy | undefined;
  const orderRaw = options.get('$orderby');
  if (orderRaw !== undefined) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?\s*$/i.exec(orderRaw);
    if (m === null) throw invalid(`Invalid $orderby '${orderRaw}': expected 'property', 'property asc' or 'property desc'.`);
    const found = findProperty(spec, m[1] as string);
    const orderable =
      found !== undefined &&
      found[1].column !== undefined &&
      ORDERABLE_TYPES.includes(found[1].type) &&
      (found[1].orderable === true || found[0] === 'displayName');
    if (found === undefined || !orderable) {
      throw invalid(`Unsupported property '${m[1]}' in $orderby for ${spec.name}.`);
    }
    orderBy = {
      property: found[0],
      column: found[1].column as string,
      direction: m[2]?.toLowerCase() === 'desc' ? 'desc' : 'asc',
      ...(found[1].notNull ? { notNull: true } : {}),
    };
  }

  let count = false;
  const countRaw = options.get('$count');
  if (countRaw !== undefined) {
    if (opts.allowCount === false) throw invalid(`Query option '$count' is not supported for ${spec.name}.`);
    const c = countRaw.trim().toLowerCase();
    if (c !== 'true' && c !== 'false') throw invalid(`Invalid $count '${countRaw}': expected true or false.`);
    count = c === 'true';
    if (count && !eventual) {
      throw invalid("$count requires the request header 'ConsistencyLevel: eventual'.");
    }
  }

  const filterRaw = options.get('$filter');
  const filter = filterRaw === undefined ? undefined : parseFilter(filterRaw);

  let search: SearchNode | undefined;
  const searchRaw = options.get('$search');
  if (searchRaw !== undefined) {
    if (!eventual) throw invalid("$search requires the request header 'ConsistencyLevel: eventual'.");
    search = parseSearch(searchRaw, spec);
  }

  const tokenRaw = options.get('$skiptoken');
  const after = tokenRaw === undefined ? undefined : decodeSkipToken(tokenRaw, orderBy);

  if (expand !== undefined) top = Math.min(top, MAX_TOP_WITH_EXPAND);
  const q: ODataQuery = { filter, search, select, top, orderBy, after, count, ...(expand ? { expand } : {}) };
  // The property and operator checks live in the compiler: run it once here so an unsupported
  // query is refused before authorization or I/O; the owning repository compiles it for real.
  compileODataWhere(spec, q);
  return q;
}

/** The `$filter` + `$search` condition of `q` for `spec`, or undefined when there is none. */
export function compileODataWhere(spec: ResourceSpec, q: Pick<ODataQuery, 'filter' | 'search'>): Expression<SqlBool> | undefined {
  const eb = expressionBuilder<any, any>();
  const conditions: Expression<SqlBool>[] = [];
  if (q.filter !== undefined) conditions.push(compileNode(q.filter, { spec, eb, negated: false }));
  if (q.search !== undefined) conditions.push(compileSearch(q.search, eb));
  return conditions.length === 0 ? undefined : conditions.length === 1 ? conditions[0] : eb.and(conditions);
}

// ---------------------------------------------------------------------------------------------
// Applying to a query

// NULL sort values sort as '' so that SQLite (NULLs first ascending) and PostgreSQL (NULLs last
// ascending) agree, and so the keyset comparison below never meets a NULL. A NOT NULL column is
// used bare, so that its index can serve the order.
const sortKey = (o: ODataOrderBy): Expression<string> =>
  o.notNull ? sql<string>`${sql.ref(o.column)}` : sql<string>`coalesce(${sql.ref(o.column)}, '')`;

/** Adds the `$filter`/`$search` condition only: reuse it for `$count` queries. */
export function applyODataWhere<QB extends SelectQueryBuilder<any, any, any>>(qb: QB, spec: ResourceSpec, q: ODataQuery): QB {
  const where = compileODataWhere(spec, q);
  return where === undefined ? qb : (qb.where(where) as QB);
}

/** Adds filter, search, keyset paging condition, ordering (sort column, then id) and `limit(top + 1)`. */
export function applyODataQuery<QB extends SelectQueryBuilder<any, any, any>>(qb: QB, spec: ResourceSpec, q: ODataQuery): QB {
  let out: SelectQueryBuilder<any, any, any> = applyODataWhere(qb, spec, q);
  const id = sql.ref(spec.idColumn);
  const dir = q.orderBy?.direction ?? 'asc';
  const cmp = sql.raw(dir === 'desc' ? '<' : '>');
  if (q.after !== undefined) {
    const lastId = q.after.id;
    if (q.orderBy === undefined) {
      out = out.where(sql<SqlBool>`${id} ${cmp} ${lastId}`);
    } else {
      const k = sortKey(q.orderBy);
      const v = q.after.v ?? '';
      // A row-value comparison (both dialects) is one index range; the OR form is not.
      out = out.where(
        q.orderBy.notNull
          ? sql<SqlBool>`(${k}, ${id}) ${cmp} (${v}, ${lastId})`
          : sql<SqlBool>`(${k} ${cmp} ${v} or (${k} = ${v} and ${id} ${cmp} ${lastId}))`,
      );
    }
  }
  if (q.orderBy !== undefined) out = out.orderBy(sortKey(q.orderBy), dir);
  if (q.skip !== undefined && q.skip > 0) out = out.offset(q.skip);
  return out.orderBy(id, dir).limit(q.top + 1) as QB;
}

/** Trims the look-ahead row fetched by `applyODataQuery` and builds the next `$skiptoken`. */
export function pageResult<T>(
  rows: T[],
  q: ODataQuery,
  getSortValue: (row: T) => string | null,
  getId: (row: T) => string,
): { items: T[]; skiptoken?: string } {
  if (rows.length <= q.top) return { items: rows };
  const items = rows.slice(0, q.top);
  const last = items[items.length - 1] as T;
  const v = q.orderBy === undefined ? null : getSortValue(last);
  return { items, skiptoken: encodeSkipToken(v, getId(last), q.orderBy) };
}

/** Keeps only the `$select`ed keys (plus `id`), or returns the object unchanged without `$select`. */
export function selectFields<T extends object>(obj: T, q: Pick<ODataQuery, 'select'> & { expand?: ExpandItem[] }): Partial<T> {
  if (q.select === undefined) return obj;
  const out: Partial<T> = {};
  // Expanded relationships stay beside the selected properties (Graph: `$select=id&$expand=members`),
  // and so does the object's `@odata.etag` annotation.
  for (const key of ['@odata.etag', 'id', ...q.select, ...(q.expand ?? []).map((e) => e.property)]) {
    if (key in obj) (out as Record<string, unknown>)[key] = (obj as Record<string, unknown>)[key];
  }
  return out;
}

/**
 * Pages a query newest first, keyset-paged on (timestamp, id), with `q`'s filter compiled for
 * `spec`; `$skiptoken` carries the last row of the page.
 */
export async function pageNewestFirst<T extends { id: string }, R>(
  qb: any,
  spec: ResourceSpec,
  timeColumn: string,
  q: ODataQuery,
  getTime: (row: T) => string,
  map: (row: T) => R,
): Promise<{ items: R[]; skiptoken?: string }> {
  let query = qb;
  const where = compileODataWhere(spec, q);
  if (where !== undefined) query = query.where(where);
  if (q.after !== undefined) {
    const { v, id } = q.after;
    query = query.where((eb: any) =>
      eb.or([eb(timeColumn, '<', v ?? ''), eb.and([eb(timeColumn, '=', v ?? ''), eb('id', '<', id)])]),
    );
  }
  const rows = (await query
    .orderBy(timeColumn, 'desc')
    .orderBy('id', 'desc')
    .limit(q.top + 1)
    .execute()) as T[];
  if (rows.length <= q.top) return { items: rows.map(map) };
  const items = rows.slice(0, q.top);
  const last = items[items.length - 1] as T;
  return { items: items.map(map), skiptoken: encodeSkipToken(getTime(last), last.id, undefined) };
}

/**
 * One keyset page of a collection: `base` is the scoped `selectFrom(…).where(…)` (no select yet),
 * `selectRows` adds the columns. Applies `q` (filter, search, order, `$skiptoken`, `$top`), builds
 * the next `$skiptoken` and, with `$count`, counts the filtered collection.
 */
export async function queryPage<Row extends { id: string }>(
  base: SelectQueryBuilder<any, any, any>,
  selectRows: (qb: SelectQueryBuilder<any, any, any>) => SelectQueryBuilder<any, any, any>,
  spec: ResourceSpec,
  q: ODataQuery,
): Promise<{ rows: Row[]; skiptoken?: string; count?: number }> {
  const fetched = (await applyODataQuery(selectRows(base), spec, q).execute()) as Row[];
  const sortValue = (r: Row) =>
    q.orderBy ? (((r as unknown as Record<string, unknown>)[q.orderBy.column] as string | null | undefined) ?? null) : null;
  const page = pageResult(fetched, q, sortValue, (r) => r.id);
  const out: { rows: Row[]; skiptoken?: string; count?: number } = { rows: page.items };
  if (page.skiptoken) out.skiptoken = page.skiptoken;
  if (q.count) {
    const c = await applyODataWhere(
      base.select((eb) => eb.fn.countAll<number>().as('n')),
      spec,
      q,
    ).executeTakeFirst();
    out.count = Number((c as { n?: number } | undefined)?.n ?? 0);
  }
  return out;
}
