import type { ZodError } from 'zod';
import { invalid } from '../../domain/errors.js';
import { entityTag, type Stamp } from '../../domain/etag.js';
import type { Json } from './patch.js';

/**
 * Reading attribute values of a canonical SCIM resource with the coercions clients rely on
 * (Entra sends booleans as "True"/"False"), and the version stamp of a resource.
 */

const bad = (label: string, expected: string) =>
  invalid('request_body_invalid', `Attribute '${label}' must be ${expected}.`, label);

/** A string attribute: undefined when absent, null when sent as null or empty. */
export function readString(obj: Json | undefined, name: string, label = name): string | null | undefined {
  const v = obj?.[name];
  if (v === undefined) return undefined;
  if (v === null || v === '') return null;
  if (typeof v !== 'string') throw bad(label, 'a string');
  return v;
}

/** A boolean attribute: true/false, or the strings "true"/"false" in any case. */
export function readBoolean(obj: Json | undefined, name: string, label = name): boolean | undefined {
  const v = obj?.[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  throw bad(label, 'true or false');
}

/** A sub-object (complex attribute or extension): undefined when absent. */
export function readObject(obj: Json | undefined, name: string, label = name): Json | undefined {
  const v = obj?.[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw bad(label, 'an object');
  return v as Json;
}

/** A multi-valued attribute of objects: [] when absent. */
export function readList(obj: Json | undefined, name: string, label = name): Json[] {
  const v = obj?.[name];
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  if (!list.every((e) => typeof e === 'object' && e !== null && !Array.isArray(e))) throw bad(label, 'a list of objects');
  return list as Json[];
}

/**
 * A Graph body validation failure (zod) as a SCIM invalidValue, with Graph's property names
 * replaced by SCIM's so that the client recognises the attribute.
 */
export function graphValidationError(err: ZodError, names: Record<string, string>) {
  const message = err.issues
    .slice(0, 5)
    .map((i) => {
      const path = i.path.map(String);
      const head = path[0] ?? '';
      return `${[names[head] ?? head, ...path.slice(1)].filter(Boolean).join('.')}: ${i.message}`;
    })
    .join('; ');
  const first = err.issues[0]?.path[0];
  return invalid('request_body_invalid', message, first === undefined ? undefined : (names[String(first)] ?? String(first)));
}

/**
 * The weak ETag of a resource: the shared object version (domain/etag.ts) of its attributes
 * (without members/groups, whose changes are audited on the resource too).
 */
export function versionOf(attributes: Json, stamp: Stamp | undefined): string {
  return entityTag(attributes, stamp);
}
