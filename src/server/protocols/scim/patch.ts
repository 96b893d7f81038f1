/**
 * SCIM resources as canonical JSON, and PATCH (RFC 7644 §3.5.2) applied to them. Pure: no I/O.
 *
 * `canonical()` turns a request body into the form the rest of the adapter works on: attribute
 * names as the schema spells them (clients may use any case), extension attributes inside their
 * extension object (also when sent flat, as `urn:…:enterprise:2.0:User:department`), attributes
 * Portico does not have dropped. `applyPatch()` applies PatchOp operations to such a resource,
 * including the forms SCIM clients such as Entra's provisioning send: capitalised op names
 * ("Replace"), no path with an object value, `emails[type eq "work"].value` creating the element
 * when none matches, and `remove` of `members` with a value listing the members to remove.
 */
import { idFromODataRef } from '../../../contracts/common.js';
import { DomainError, invalid } from '../../domain/errors.js';
import { type AttrPath, parsePatchPath, type ScimFilter, type ScimValue } from './filter.js';
import {
  type AttributeDef,
  extensionsOf,
  findAttribute,
  findSubAttribute,
  notKept,
  type ResolvedAttribute,
  type ResourceKind,
  URN,
} from './schema.js';

export type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------
// Canonical form

function canonicalValue(def: AttributeDef, value: unknown): unknown {
  if (def.type !== 'complex' || value === null) return value;
  const one = (v: unknown): unknown => {
    if (!isObject(v)) return v;
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) {
      const sub = findSubAttribute(def, k);
      if (sub) out[sub.name] = x;
    }
    return out;
  };
  return def.multiValued && Array.isArray(value) ? value.map(one) : one(value);
}

/** Sets a canonical attribute (core, common or extension) on `out`. */
function put(out: Json, resolved: ResolvedAttribute, value: unknown): void {
  const v = canonicalValue(resolved.def, value);
  if (resolved.extension === undefined) out[resolved.def.name] = v;
  else {
    const ext = isObject(out[resolved.extension]) ? (out[resolved.extension] as Json) : {};
    ext[resolved.def.name] = v;
    out[resolved.extension] = ext;
  }
}

/**
 * A body (POST, PUT, or a PATCH value) in canonical form. `schemas`, `id` and `meta` are not
 * attributes a client sets and are dropped.
 */
export function canonical(kind: ResourceKind, body: Json): Json {
  const out: Json = {};
  const extensions = extensionsOf(kind);
  for (const [key, value] of Object.entries(body)) {
    const lower = key.toLowerCase();
    if (lower === 'schemas' || lower === 'id' || lower === 'meta') continue;
    const ext = extensions.find((e) => e.toLowerCase() === lower);
    if (ext) {
      if (isObject(value)) {
        for (const [k, v] of Object.entries(value)) {
          const r = findAttribute(kind, k, ext);
          if (r) put(out, r, v);
        }
      }
      continue;
    }
    if (/^urn:/i.test(key)) {
      const cut = key.lastIndexOf(':');
      const r = findAttribute(kind, key.slice(cut + 1), key.slice(0, cut));
      if (r) put(out, r, value);
      continue;
    }
    const r = findAttribute(kind, key);
    if (r) put(out, r, value);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Value filters on the elements of a multi-valued attribute

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function compareValues(op: string, actual: unknown, expected: ScimValue, caseExact: boolean): boolean {
  if (expected === null) return op === 'eq' ? actual == null : op === 'ne' ? actual != null : false;
  if (typeof expected === 'boolean') {
    const a = typeof actual === 'string' ? actual.toLowerCase() === 'true' : actual;
    return op === 'eq' ? a === expected : op === 'ne' ? a !== expected : false;
  }
  if (typeof expected === 'number') {
    const a = Number(actual);
    const table: Record<string, boolean> = { eq: a === expected, ne: a !== expected, gt: a > expected, ge: a >= expected };
    return table[op] ?? (op === 'lt' ? a < expected : op === 'le' ? a <= expected : false);
  }
  const raw = text(actual);
  if (raw === undefined) return op === 'ne';
  const a = caseExact ? raw : raw.toLowerCase();
  const e = caseExact ? expected : expected.toLowerCase();
  switch (op) {
    case 'eq':
      return a === e;
    case 'ne':
      return a !== e;
    case 'co':
      return a.includes(e);
    case 'sw':
      return a.startsWith(e);
    case 'ew':
      return a.endsWith(e);
    case 'gt':
      return a > e;
    case 'ge':
      return a >= e;
    case 'lt':
      return a < e;
    default:
      return a <= e;
  }
}

/** Does one element of the multi-valued attribute `def` match `filter` (paths relative to the element)? */
export function matchesElement(def: AttributeDef, element: unknown, filter: ScimFilter): boolean {
  const sub = (p: AttrPath): [unknown, boolean] => {
    const name = p.sub ? undefined : p.attr;
    // A simple multi-valued attribute (no sub-attributes): its values are matched as `value`.
    if (!isObject(element)) return [name?.toLowerCase() === 'value' ? element : undefined, def.caseExact];
    const s = name === undefined ? undefined : findSubAttribute(def, name);
    if (!s) throw invalid('scim_path_invalid', `'${p.attr}' is not a sub-attribute of '${def.name}'.`);
    return [element[s.name], s.caseExact];
  };
  switch (filter.type) {
    case 'and':
      return matchesElement(def, element, filter.left) && matchesElement(def, element, filter.right);
    case 'or':
      return matchesElement(def, element, filter.left) || matchesElement(def, element, filter.right);
    case 'not':
      return !matchesElement(def, element, filter.filter);
    case 'pr': {
      const [v] = sub(filter.path);
      return v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
    }
    case 'compare': {
      const [v, caseExact] = sub(filter.path);
      return compareValues(filter.op, v, filter.value, caseExact);
    }
    case 'valuePath':
      throw invalid('scim_path_invalid', 'Value filters cannot be nested.');
  }
}

// ---------------------------------------------------------------------------------------------
// PATCH

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path?: string;
  value?: unknown;
}

/** Validates a PatchOp body: schemas, Operations, op names (any case), path and value presence. */
export function readPatchRequest(body: unknown): PatchOperation[] {
  const bad = (message: string) => invalid('request_body_invalid', message);
  if (!isObject(body)) throw bad('The body must be a PatchOp object.');
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === URN.patchOp.toLowerCase())) {
    throw bad(`schemas must contain "${URN.patchOp}".`);
  }
  const ops = Object.entries(body).find(([k]) => k.toLowerCase() === 'operations')?.[1];
  if (!Array.isArray(ops) || ops.length === 0) throw bad('Operations must be a non-empty array.');
  return ops.map((o, i) => {
    if (!isObject(o)) throw bad(`Operations[${i}] must be an object.`);
    const get = (name: string) => Object.entries(o).find(([k]) => k.toLowerCase() === name)?.[1];
    const op = get('op');
    const kind = typeof op === 'string' ? op.toLowerCase() : '';
    if (kind !== 'add' && kind !== 'replace' && kind !== 'remove') {
      throw bad(`Operations[${i}].op must be "add", "replace" or "remove".`);
    }
    const path = get('path');
    if (path !== undefined && (typeof path !== 'string' || path.trim() === ''))
      throw bad(`Operations[${i}].path must be a string.`);
    const value = get('value');
    if (kind !== 'remove' && value === undefined) throw bad(`Operations[${i}] (${kind}) needs a value.`);
    if (kind === 'remove' && path === undefined) {
      throw new DomainError('scim_no_target', `Operations[${i}]: remove needs a path.`);
    }
    return { op: kind, ...(path === undefined ? {} : { path: path.trim() }), ...(value === undefined ? {} : { value }) };
  });
}

/** The container object an attribute lives in (the resource, or its extension object). */
function container(resource: Json, r: ResolvedAttribute, create: boolean): Json | undefined {
  if (r.extension === undefined) return resource;
  const ext = resource[r.extension];
  if (isObject(ext)) return ext;
  if (!create) return undefined;
  const made: Json = {};
  resource[r.extension] = made;
  return made;
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** Identity of an element of a multi-valued attribute: its `value` (case-insensitive unless caseExact). */
function elementKey(def: AttributeDef, e: unknown): string {
  const v = isObject(e) ? e.value : e;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return findSubAttribute(def, 'value')?.caseExact || def.caseExact ? s : s.toLowerCase();
}

function mergeMulti(def: AttributeDef, existing: unknown, added: unknown[]): unknown[] {
  const out = [...asList(existing)];
  for (const e of added) {
    const i = out.findIndex((x) => elementKey(def, x) === elementKey(def, e));
    if (i < 0) out.push(e);
    else if (isObject(out[i]) && isObject(e)) out[i] = { ...(out[i] as Json), ...e };
  }
  return out;
}

function resolveTarget(kind: ResourceKind, path: AttrPath): ResolvedAttribute {
  const r = findAttribute(kind, path.attr, path.schema);
  if (!r)
    throw invalid('scim_path_invalid', `'${path.schema ? `${path.schema}:` : ''}${path.attr}' is not an attribute of a ${kind}.`);
  if (path.sub && !findSubAttribute(r.def, path.sub)) {
    throw invalid('scim_path_invalid', `'${path.sub}' is not a sub-attribute of '${r.def.name}'.`);
  }
  return r;
}

function refuseReadOnly(def: AttributeDef, sub?: AttributeDef): void {
  if (def.mutability === 'readOnly' || sub?.mutability === 'readOnly') {
    throw invalid('property_read_only', `Attribute '${def.name}${sub ? `.${sub.name}` : ''}' is read-only.`, def.name);
  }
}

/** add / replace without a path: the value is an object of attributes. */
function applyWithoutPath(kind: ResourceKind, resource: Json, op: 'add' | 'replace', value: unknown): void {
  if (!isObject(value)) throw invalid('request_body_invalid', `${op} without a path needs an object value.`);
  const attrs = canonical(kind, value);
  const apply = (target: Json, name: string, v: unknown, ext?: string) => {
    const r = findAttribute(kind, name, ext) as ResolvedAttribute;
    // Clients echo read-only attributes back unchanged (userType, groups): only a change is refused.
    if (r.def.mutability === 'readOnly' && JSON.stringify(target[name]) === JSON.stringify(v)) return;
    refuseReadOnly(r.def);
    if (r.def.multiValued && op === 'add') target[name] = mergeMulti(r.def, target[name], asList(v));
    else if (r.def.type === 'complex' && !r.def.multiValued && isObject(v) && isObject(target[name])) {
      target[name] = { ...(target[name] as Json), ...v };
    } else target[name] = v;
  };
  for (const [name, v] of Object.entries(attrs)) {
    if (extensionsOf(kind).includes(name) && isObject(v)) {
      const ext = isObject(resource[name]) ? (resource[name] as Json) : {};
      for (const [k, x] of Object.entries(v)) apply(ext, k, x, name);
      resource[name] = ext;
    } else apply(resource, name, v);
  }
}

/** The simple `type eq "x"` filter an Entra-style `emails[type eq "work"].value` add/replace uses. */
function simpleTypeFilter(filter: ScimFilter): string | undefined {
  return filter.type === 'compare' &&
    filter.op === 'eq' &&
    filter.path.attr.toLowerCase() === 'type' &&
    typeof filter.value === 'string'
    ? filter.value
    : undefined;
}

function applyFiltered(op: PatchOperation, target: Json, r: ResolvedAttribute, filter: ScimFilter, sub?: AttributeDef): void {
  const { def } = r;
  if (!def.multiValued)
    throw invalid('scim_path_invalid', `A value filter needs a multi-valued attribute; '${def.name}' is not.`);
  const list = asList(target[def.name]);
  const hits = list.map((e) => matchesElement(def, e, filter));
  if (op.op === 'remove') {
    if (!hits.some(Boolean)) return; // Removing what is not there leaves the resource as it is.
    target[def.name] = sub
      ? list.map((e, i) => (hits[i] && isObject(e) ? Object.fromEntries(Object.entries(e).filter(([k]) => k !== sub.name)) : e))
      : list.filter((_, i) => !hits[i]);
    return;
  }
  if (!hits.some(Boolean)) {
    const type = simpleTypeFilter(filter);
    if (type === undefined || def.type !== 'complex') {
      throw new DomainError('scim_no_target', `No value of '${def.name}' matches the filter of the path.`);
    }
    // Entra: `emails[type eq "work"].value` with no work address yet adds one.
    target[def.name] = [...list, sub ? { type, [sub.name]: op.value } : { type, ...(isObject(op.value) ? op.value : {}) }];
    return;
  }
  target[def.name] = list.map((e, i) => {
    if (!hits[i]) return e;
    if (sub) return { ...(isObject(e) ? e : {}), [sub.name]: op.value };
    const v = canonicalValue(def, isObject(op.value) ? op.value : { value: op.value }) as Json;
    return op.op === 'add' && isObject(e) ? { ...e, ...v } : v;
  });
}

function applyWithPath(kind: ResourceKind, resource: Json, op: PatchOperation & { path: string }): void {
  const parsed = parsePatchPath(op.path);
  if (notKept(kind, parsed.path.attr, parsed.path.sub, parsed.path.schema)) return;
  const r = resolveTarget(kind, parsed.path);
  const sub = parsed.path.sub ? findSubAttribute(r.def, parsed.path.sub) : undefined;
  refuseReadOnly(r.def, sub);
  const target = container(resource, r, op.op !== 'remove');
  if (!target) return;
  const { def } = r;
  if (parsed.filter) {
    applyFiltered(op, target, r, parsed.filter, sub);
    return;
  }
  if (sub) {
    if (def.multiValued) {
      if (op.op !== 'remove')
        throw invalid('scim_path_invalid', `Select the values of '${def.name}' with a filter: ${def.name}[…].${sub.name}.`);
      target[def.name] = asList(target[def.name]).map((e) =>
        isObject(e) ? Object.fromEntries(Object.entries(e).filter(([k]) => k !== sub.name)) : e,
      );
      return;
    }
    const obj = isObject(target[def.name]) ? { ...(target[def.name] as Json) } : {};
    if (op.op === 'remove') delete obj[sub.name];
    else obj[sub.name] = op.value;
    target[def.name] = obj;
    return;
  }
  const value = canonicalValue(def, op.value);
  if (op.op === 'remove') {
    // Entra and others: `remove members` with a value lists the members to remove.
    if (def.multiValued && op.value !== undefined && op.value !== null) {
      const gone = new Set(asList(value).map((e) => elementKey(def, e)));
      target[def.name] = asList(target[def.name]).filter((e) => !gone.has(elementKey(def, e)));
    } else delete target[def.name];
    return;
  }
  if (def.multiValued) {
    target[def.name] = op.op === 'add' ? mergeMulti(def, target[def.name], asList(value)) : asList(value);
  } else if (def.type === 'complex' && isObject(value) && isObject(target[def.name])) {
    target[def.name] = { ...(target[def.name] as Json), ...value };
  } else target[def.name] = value;
}

/**
 * Applies the operations in order to a copy of `resource` (canonical form) and returns it. Throws
 * `scim_path_invalid`, `scim_no_target`, `property_read_only` or `request_body_invalid`; the caller
 * validates the resulting attribute values.
 */
export function applyPatch(kind: ResourceKind, resource: Json, ops: readonly PatchOperation[]): Json {
  const out = structuredClone(resource);
  for (const op of ops) {
    if (op.path === undefined) applyWithoutPath(kind, out, op.op as 'add' | 'replace', op.value);
    else applyWithPath(kind, out, op as PatchOperation & { path: string });
  }
  return out;
}

/**
 * When every operation only adds members (`add members`) or removes given ones (`remove
 * members[value eq "…"]`, `remove members` with a value list) — what provisioning clients send to
 * keep a group in step — the net change per member id, last operation winning. The group's whole
 * membership need not be read then. Undefined for anything else (the general path handles it,
 * errors included).
 */
export function membershipDelta(ops: readonly PatchOperation[]): Map<string, 'add' | 'remove'> | undefined {
  const delta = new Map<string, 'add' | 'remove'>();
  const ids = (value: unknown): string[] | undefined => {
    const out: string[] = [];
    for (const e of asList(value)) {
      const v = isObject(e) ? Object.entries(e).find(([k]) => k.toLowerCase() === 'value')?.[1] : undefined;
      const id = typeof v === 'string' ? idFromODataRef(v) : undefined;
      if (id === undefined) return undefined;
      out.push(id);
    }
    return out;
  };
  for (const op of ops) {
    if (op.path === undefined) return undefined;
    const { path, filter } = parsePatchPath(op.path);
    if (
      path.attr.toLowerCase() !== 'members' ||
      path.sub ||
      (path.schema && path.schema.toLowerCase() !== URN.group.toLowerCase())
    ) {
      return undefined;
    }
    let list: string[] | undefined;
    if (op.op === 'add' && !filter) list = ids(op.value);
    else if (op.op === 'remove' && filter) {
      const byValue =
        filter.type === 'compare' && filter.op === 'eq' && filter.path.attr.toLowerCase() === 'value' && !filter.path.sub;
      const id = byValue && typeof filter.value === 'string' ? idFromODataRef(filter.value) : undefined;
      list = id === undefined ? undefined : [id];
    } else if (op.op === 'remove' && op.value !== undefined && op.value !== null) list = ids(op.value);
    if (list === undefined) return undefined;
    for (const id of list) delta.set(id, op.op === 'add' ? 'add' : 'remove');
  }
  return delta;
}
