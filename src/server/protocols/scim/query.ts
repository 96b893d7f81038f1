/**
 * SCIM list requests (RFC 7644 §3.4.2): the filter translated into the OData filter AST that the
 * users and groups services compile (so SCIM queries run as the same bound, portable SQL as
 * Graph's `$filter`), paging by startIndex/count, sorting, and attribute projection.
 */

import { invalid } from '../../domain/errors.js';
import { isGuid } from '../../domain/ids.js';
import type { FilterNode, Literal } from '../../odata/query.js';
import type { AttrPath, CompareOp, ScimFilter, ScimValue } from './filter.js';
import { parseScimFilter } from './filter.js';
import type { Json } from './patch.js';
import { findAttribute, findSubAttribute, type ResourceKind, URN } from './schema.js';

export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 1000;

type PropType = 'string' | 'boolean' | 'datetime' | 'guid' | 'enum';

/** SCIM attribute (lower-case key) → Portico property the services filter on. */
const USER_PROPS: Record<string, [string, PropType]> = {
  id: ['id', 'guid'],
  externalid: ['externalId', 'string'],
  username: ['userPrincipalName', 'string'],
  displayname: ['displayName', 'string'],
  'name.givenname': ['givenName', 'string'],
  'name.familyname': ['surname', 'string'],
  title: ['jobTitle', 'string'],
  preferredlanguage: ['preferredLanguage', 'string'],
  usertype: ['userType', 'enum'],
  active: ['accountEnabled', 'boolean'],
  'meta.created': ['createdDateTime', 'datetime'],
  department: ['department', 'string'],
  organization: ['companyName', 'string'],
};

const GROUP_PROPS: Record<string, [string, PropType]> = {
  id: ['id', 'guid'],
  externalid: ['externalId', 'string'],
  displayname: ['displayName', 'string'],
  'meta.created': ['createdDateTime', 'datetime'],
};

const NO_OBJECT = '00000000-0000-0000-0000-000000000000';
const unsupported = (what: string) => invalid('scim_filter_invalid', `Filtering ${what} is not supported.`);
const path = (...segments: string[]) => ({ segments, pos: 0 });
const and = (left: FilterNode, right: FilterNode): FilterNode => ({ type: 'and', left, right, pos: 0 });
const or = (left: FilterNode, right: FilterNode): FilterNode => ({ type: 'or', left, right, pos: 0 });
const not = (operand: FilterNode): FilterNode => ({ type: 'not', operand, pos: 0 });
const str = (value: string): Literal => ({ kind: 'string', value });

const keyOf = (kind: ResourceKind, p: AttrPath): string => {
  const r = findAttribute(kind, p.attr, p.schema);
  if (!r) throw unsupported(`on '${p.schema ? `${p.schema}:` : ''}${p.attr}'`);
  const sub = p.sub ? findSubAttribute(r.def, p.sub) : undefined;
  if (p.sub && !sub) throw unsupported(`on '${r.def.name}.${p.sub}'`);
  return `${r.def.name}${sub ? `.${sub.name}` : ''}`.toLowerCase();
};

function literalFor(type: PropType, attr: string, op: CompareOp, value: ScimValue): Literal {
  if (value === null) {
    if (op !== 'eq' && op !== 'ne') throw unsupported(`with '${op}' against null on '${attr}'`);
    return { kind: 'null' };
  }
  if (type === 'boolean') {
    const b = typeof value === 'string' && /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : value;
    if (typeof b !== 'boolean' || (op !== 'eq' && op !== 'ne'))
      throw unsupported(`on the boolean '${attr}' other than 'eq'/'ne' true or false`);
    return { kind: 'boolean', value: b };
  }
  if (typeof value !== 'string') throw invalid('scim_filter_invalid', `'${attr}' is compared with a quoted string.`);
  return str(value);
}

/** One comparison on a plain property. */
function compareProp(prop: string, type: PropType, attr: string, op: CompareOp, value: ScimValue): FilterNode {
  if (type === 'guid') {
    if (op !== 'eq' && op !== 'ne') throw unsupported(`on '${attr}' with '${op}'`);
    // A value that is no object id matches nothing (rather than failing the request).
    const v = typeof value === 'string' && isGuid(value) ? value : NO_OBJECT;
    const node: FilterNode = { type: 'compare', op: 'eq', path: path(prop), value: str(v), pos: 0 };
    return op === 'eq' ? node : not(node);
  }
  if ((type === 'enum' || type === 'boolean') && !['eq', 'ne'].includes(op)) throw unsupported(`on '${attr}' with '${op}'`);
  if (type === 'datetime' && ['co', 'sw', 'ew'].includes(op)) throw unsupported(`on '${attr}' with '${op}'`);
  const literal = literalFor(type, attr, op, value);
  if (op === 'co' || op === 'sw' || op === 'ew') {
    const name = op === 'co' ? 'contains' : op === 'sw' ? 'startswith' : 'endswith';
    return { type: 'function', name, path: path(prop), value: literal, pos: 0 };
  }
  return { type: 'compare', op, path: path(prop), value: literal, pos: 0 };
}

const present = (prop: string): FilterNode => ({ type: 'compare', op: 'ne', path: path(prop), value: { kind: 'null' }, pos: 0 });
const anyOther = (predicate: FilterNode | null): FilterNode => ({
  type: 'lambda',
  op: 'any',
  path: path('otherMails'),
  variable: predicate ? 'e' : null,
  predicate,
  pos: 0,
});

/** emails: the work address is `mail`, the others `otherMails`. */
function emailCompare(which: 'work' | 'other' | 'any', op: CompareOp, value: ScimValue): FilterNode {
  if (typeof value !== 'string') throw invalid('scim_filter_invalid', "'emails.value' is compared with a quoted string.");
  const onOther =
    op === 'eq'
      ? anyOther({ type: 'compare', op: 'eq', path: path('e'), value: str(value), pos: 0 })
      : op === 'sw'
        ? anyOther({ type: 'function', name: 'startswith', path: path('e'), value: str(value), pos: 0 })
        : undefined;
  if (which === 'other') {
    if (!onOther) throw unsupported(`on the other e-mail addresses with '${op}' (use 'eq' or 'sw')`);
    return onOther;
  }
  const onMail = compareProp('mail', 'string', 'emails.value', op, value);
  return which === 'any' && onOther ? or(onMail, onOther) : onMail;
}

/** `emails[type eq "work" and value co "@x"]`: a conjunction of type/primary selection and value tests. */
function emailValuePath(filter: ScimFilter): FilterNode {
  const terms: ScimFilter[] = [];
  const flatten = (f: ScimFilter): void => {
    if (f.type !== 'and') terms.push(f);
    else {
      flatten(f.left);
      flatten(f.right);
    }
  };
  flatten(filter);
  let which: 'work' | 'other' | 'any' = 'any';
  const tests: [CompareOp | 'pr', ScimValue][] = [];
  for (const t of terms) {
    const attr = t.type === 'compare' || t.type === 'pr' ? t.path.attr.toLowerCase() : '';
    if (t.type === 'compare' && attr === 'type' && t.op === 'eq' && typeof t.value === 'string') {
      which = t.value.toLowerCase() === 'work' ? 'work' : t.value.toLowerCase() === 'other' ? 'other' : which;
      if (which === 'any') throw unsupported(`on e-mail addresses of type '${t.value}' (Portico has 'work' and 'other')`);
    } else if (t.type === 'compare' && attr === 'primary' && t.op === 'eq' && t.value === true) which = 'work';
    else if (t.type === 'compare' && attr === 'value') tests.push([t.op, t.value]);
    else if (t.type === 'pr' && attr === 'value') tests.push(['pr', null]);
    else throw unsupported('on e-mail addresses other than by type, primary and value, joined with and');
  }
  const exists = which === 'work' ? present('mail') : which === 'other' ? anyOther(null) : or(present('mail'), anyOther(null));
  const [first, ...rest] = tests.map(([op, v]) => (op === 'pr' ? exists : emailCompare(which, op, v)));
  return rest.reduce<FilterNode>((acc, p) => and(acc, p), first ?? exists);
}

function memberIs(op: CompareOp, value: ScimValue): FilterNode {
  if (op !== 'eq' || typeof value !== 'string') throw unsupported('on members other than \'members.value eq "<id>"\'');
  return { type: 'compare', op: 'eq', path: path('members', 'value'), value: str(value), pos: 0 };
}

function translate(kind: ResourceKind, f: ScimFilter): FilterNode {
  switch (f.type) {
    case 'and':
      return and(translate(kind, f.left), translate(kind, f.right));
    case 'or':
      return or(translate(kind, f.left), translate(kind, f.right));
    case 'not':
      return not(translate(kind, f.filter));
    case 'valuePath': {
      const key = keyOf(kind, f.path);
      if (key === 'emails' && kind === 'User') return emailValuePath(f.filter);
      if (key === 'members' && kind === 'Group' && f.filter.type === 'compare' && f.filter.path.attr.toLowerCase() === 'value') {
        return memberIs(f.filter.op, f.filter.value);
      }
      throw unsupported(`with a value filter on '${f.path.attr}'`);
    }
    default: {
      const key = keyOf(kind, f.path);
      if (kind === 'User' && (key === 'emails' || key === 'emails.value')) {
        return f.type === 'pr' ? or(present('mail'), anyOther(null)) : emailCompare('any', f.op, f.value);
      }
      if (kind === 'User' && key === 'emails.type' && f.type === 'compare' && f.op === 'eq' && typeof f.value === 'string') {
        return emailValuePath({ type: 'compare', op: 'eq', path: { attr: 'type' }, value: f.value });
      }
      if (kind === 'Group' && (key === 'members' || key === 'members.value') && f.type === 'compare')
        return memberIs(f.op, f.value);
      const prop = (kind === 'User' ? USER_PROPS : GROUP_PROPS)[key];
      if (!prop) throw unsupported(`on '${key}'`);
      return f.type === 'pr' ? present(prop[0]) : compareProp(prop[0], prop[1], key, f.op, f.value);
    }
  }
}

/** Parses and translates a `filter` parameter for a resource type. */
export function filterFor(kind: ResourceKind, filter: string): FilterNode {
  return translate(kind, parseScimFilter(filter));
}

/** SCIM's provisioned users are members: guests stay out of every listing. */
export const membersOnly = (filter: FilterNode | undefined): FilterNode => {
  const member: FilterNode = { type: 'compare', op: 'eq', path: path('userType'), value: str('Member'), pos: 0 };
  return filter ? and(member, filter) : member;
};

/** `sortBy` → the Portico property to order by (the services' orderable ones). */
export function sortPropertyFor(kind: ResourceKind, sortBy: string): string {
  const p = sortBy.trim();
  const cut = /^urn:/i.test(p) ? p.lastIndexOf(':') : -1;
  const [attr, sub] = p.slice(cut + 1).split('.') as [string, string | undefined];
  const key = keyOf(kind, { ...(cut > 0 ? { schema: p.slice(0, cut) } : {}), attr, ...(sub ? { sub } : {}) });
  const sortable: Record<string, string> = {
    username: 'userPrincipalName',
    displayname: 'displayName',
    'meta.created': 'createdDateTime',
    externalid: 'externalId',
  };
  const prop = sortable[key];
  if (!prop || (kind === 'Group' && key === 'username'))
    throw invalid(
      'request_invalid',
      `Sorting by '${sortBy}' is not supported; use userName, displayName, externalId or meta.created.`,
    );
  return prop;
}

export interface ListParams {
  filter?: string;
  startIndex: number;
  count: number;
  sortBy?: string;
  descending: boolean;
  attributes?: string[];
  excludedAttributes?: string[];
}

const intParam = (name: string, raw: unknown): number | undefined => {
  if (raw === undefined || raw === '') return undefined;
  const s = String(raw).trim();
  if (!/^-?\d{1,9}$/.test(s)) throw invalid('request_invalid', `Parameter '${name}' must be an integer.`);
  return Number(s);
};

const listParam = (raw: unknown): string[] | undefined =>
  typeof raw === 'string' && raw.trim() !== ''
    ? raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

/** Reads list parameters from a query string (GET) or a SearchRequest body (POST .search), names case-insensitive. */
export function readListParams(query: Record<string, unknown>, from: 'query' | 'body' = 'query'): ListParams {
  const get = (name: string): unknown => {
    const hits = Object.entries(query).filter(([k]) => k.toLowerCase() === name.toLowerCase());
    const v = hits[0]?.[1];
    // A SearchRequest body lists attributes as arrays; a query string repeats a parameter by mistake.
    const list = from === 'body' && name.toLowerCase().endsWith('attributes') && Array.isArray(v);
    if (hits.length > 1 || (Array.isArray(v) && !list))
      throw invalid('request_invalid', `Parameter '${name}' is given more than once.`);
    return list ? (v as unknown[]).join(',') : v;
  };
  const filter = get('filter');
  if (filter !== undefined && typeof filter !== 'string')
    throw invalid('request_invalid', "Parameter 'filter' must be a string.");
  const sortOrder = get('sortOrder');
  if (sortOrder !== undefined && !/^(ascending|descending)$/i.test(String(sortOrder))) {
    throw invalid('request_invalid', "Parameter 'sortOrder' must be 'ascending' or 'descending'.");
  }
  const sortBy = get('sortBy');
  const attributes = listParam(get('attributes'));
  const excludedAttributes = listParam(get('excludedAttributes'));
  return {
    ...(filter === undefined ? {} : { filter }),
    // RFC 7644 §3.4.2.4: below 1 means 1; a negative count means 0; above the maximum, the maximum.
    startIndex: Math.max(1, intParam('startIndex', get('startIndex')) ?? 1),
    count: Math.min(MAX_COUNT, Math.max(0, intParam('count', get('count')) ?? DEFAULT_COUNT)),
    ...(typeof sortBy === 'string' && sortBy.trim() ? { sortBy } : {}),
    descending: String(sortOrder ?? '').toLowerCase() === 'descending',
    ...(attributes ? { attributes } : {}),
    ...(excludedAttributes ? { excludedAttributes } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// attributes / excludedAttributes (RFC 7644 §3.4.2.5)

interface Selector {
  /** Top-level key in the resource (attribute name, or extension URN). */
  key: string;
  /** Attribute inside an extension, or sub-attribute. */
  inner?: string;
  sub?: string;
}

function selectorOf(kind: ResourceKind, raw: string): Selector | undefined {
  const ext = kind === 'User' && raw.toLowerCase() === URN.enterprise.toLowerCase() ? URN.enterprise : undefined;
  if (ext) return { key: ext };
  const cut = /^urn:/i.test(raw) ? raw.lastIndexOf(':') : -1;
  const [attr, sub] = raw.slice(cut + 1).split('.') as [string, string | undefined];
  const r = findAttribute(kind, attr, cut > 0 ? raw.slice(0, cut) : undefined);
  if (!r) return undefined;
  const s = sub ? findSubAttribute(r.def, sub)?.name : undefined;
  if (r.extension) return { key: r.extension, inner: r.def.name };
  return { key: r.def.name, ...(s ? { sub: s } : {}) };
}

const ALWAYS = new Set(['schemas', 'id']);

/** Is the top-level attribute `name` part of the response for these parameters? */
export function returns(kind: ResourceKind, name: string, p: Pick<ListParams, 'attributes' | 'excludedAttributes'>): boolean {
  if (p.attributes) return p.attributes.some((a) => selectorOf(kind, a)?.key === name);
  return !(p.excludedAttributes ?? []).some((a) => {
    const s = selectorOf(kind, a);
    return s?.key === name && !s.inner && !s.sub;
  });
}

const pickSub = (v: unknown, sub: string): unknown => {
  const one = (e: unknown) => (typeof e === 'object' && e !== null && sub in e ? { [sub]: (e as Json)[sub] } : {});
  return Array.isArray(v) ? v.map(one) : one(v);
};
const dropSub = (v: unknown, sub: string): unknown => {
  const one = (e: unknown) =>
    typeof e === 'object' && e !== null ? Object.fromEntries(Object.entries(e).filter(([k]) => k !== sub)) : e;
  return Array.isArray(v) ? v.map(one) : one(v);
};

/** Applies `attributes` or `excludedAttributes` to a resource; `schemas` and `id` are always kept. */
export function project(kind: ResourceKind, resource: Json, p: Pick<ListParams, 'attributes' | 'excludedAttributes'>): Json {
  if (p.attributes) {
    const out: Json = {};
    for (const k of ALWAYS) if (k in resource) out[k] = resource[k];
    for (const raw of p.attributes) {
      const s = selectorOf(kind, raw);
      if (!s || !(s.key in resource)) continue;
      const v = resource[s.key];
      if (s.inner) {
        const ext = (typeof v === 'object' && v !== null ? v : {}) as Json;
        if (s.inner in ext) out[s.key] = { ...((out[s.key] as Json | undefined) ?? {}), [s.inner]: ext[s.inner] };
      } else if (s.sub) {
        const prev = out[s.key];
        const picked = pickSub(v, s.sub);
        out[s.key] =
          prev === undefined
            ? picked
            : Array.isArray(picked)
              ? (picked as Json[]).map((e, i) => ({ ...((prev as Json[])[i] ?? {}), ...e }))
              : { ...(prev as Json), ...(picked as Json) };
      } else out[s.key] = v;
    }
    return out;
  }
  const out: Json = { ...resource };
  for (const raw of p.excludedAttributes ?? []) {
    const s = selectorOf(kind, raw);
    if (!s || ALWAYS.has(s.key) || !(s.key in out)) continue;
    if (s.inner) {
      const ext = { ...(out[s.key] as Json) };
      delete ext[s.inner];
      out[s.key] = ext;
    } else if (s.sub) out[s.key] = dropSub(out[s.key], s.sub);
    else delete out[s.key];
  }
  return out;
}
