import { DomainError, invalid } from '../../domain/errors.js';
import { type ClassifiedError, classifyError } from '../../http/errors.js';
import { BULK_MAX_OPERATIONS } from './discovery.js';
import { scimError } from './errors.js';
import type { Json } from './patch.js';
import type { ScimProvisioning, ScimRequest, ScimResult } from './provisioning.js';
import { URN } from './schema.js';

/**
 * POST /Bulk (RFC 7644 §3.7): operations run one by one, each as its own use case (its own
 * transaction, as the same request made alone). `bulkId:x` references (in a path or anywhere in
 * `data`) resolve to the id created by the POST with that bulkId; an operation whose reference is
 * not created yet waits for it, so forward references work; a reference to no POST, to a failed
 * one, or a cycle answers 409. `failOnErrors` stops after that many errors.
 */

interface BulkOperation {
  index: number;
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  bulkId?: string;
  version?: string;
  path: string;
  data?: unknown;
}

const field = (o: Json, name: string): unknown => Object.entries(o).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const REF = /^bulkId:(.+)$/;

function readOperation(o: unknown, index: number): BulkOperation {
  const bad = (m: string) => invalid('request_body_invalid', `Operations[${index}]: ${m}`);
  if (!isObject(o)) throw bad('must be an object.');
  const method = String(field(o, 'method') ?? '').toUpperCase();
  if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) throw bad('method must be POST, PUT, PATCH or DELETE.');
  const path = field(o, 'path');
  if (typeof path !== 'string' || !path.startsWith('/'))
    throw bad('path must be a resource path such as /Users or /Groups/{id}.');
  const bulkId = field(o, 'bulkId');
  if (bulkId !== undefined && (typeof bulkId !== 'string' || bulkId === '')) throw bad('bulkId must be a non-empty string.');
  if (method === 'POST' && bulkId === undefined) throw bad('a POST needs a bulkId.');
  const version = field(o, 'version');
  const data = field(o, 'data');
  if (method !== 'DELETE' && data === undefined) throw bad(`a ${method} needs data.`);
  return {
    index,
    method: method as BulkOperation['method'],
    path,
    ...(typeof bulkId === 'string' ? { bulkId } : {}),
    ...(typeof version === 'string' ? { version } : {}),
    ...(data === undefined ? {} : { data }),
  };
}

/** Validates the envelope: schemas, Operations (at most BULK_MAX_OPERATIONS), failOnErrors. */
function readBulkRequest(body: unknown): { ops: BulkOperation[]; failOnErrors: number } {
  if (!isObject(body)) throw invalid('request_body_invalid', 'The body must be a BulkRequest object.');
  const schemas = field(body, 'schemas');
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === URN.bulkRequest.toLowerCase())
  ) {
    throw invalid('request_body_invalid', `schemas must contain "${URN.bulkRequest}".`);
  }
  const list = field(body, 'Operations');
  if (!Array.isArray(list)) throw invalid('request_body_invalid', 'Operations must be an array.');
  if (list.length > BULK_MAX_OPERATIONS) {
    throw new DomainError(
      'payload_too_large',
      `A bulk request may hold at most ${BULK_MAX_OPERATIONS} operations (maxOperations); this one has ${list.length}.`,
    );
  }
  const ops = list.map(readOperation);
  const ids = ops.flatMap((o) => (o.bulkId ? [o.bulkId] : []));
  if (new Set(ids).size !== ids.length) throw invalid('request_body_invalid', 'Each bulkId must be unique in the request.');
  const f = field(body, 'failOnErrors');
  if (f !== undefined && (!Number.isInteger(f) || (f as number) < 1))
    throw invalid('request_body_invalid', 'failOnErrors must be a positive integer.');
  return { ops, failOnErrors: (f as number | undefined) ?? Number.POSITIVE_INFINITY };
}

/** bulkIds an operation refers to (path and data). */
function referencesOf(op: BulkOperation): Set<string> {
  const refs = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      const m = REF.exec(v);
      if (m) refs.add(m[1] as string);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (isObject(v)) Object.values(v).forEach(walk);
  };
  for (const seg of op.path.split('/')) walk(seg);
  walk(op.data);
  return refs;
}

function substitute<T>(v: T, ids: Map<string, string>): T {
  const swap = (x: unknown): unknown => {
    if (typeof x === 'string') {
      const m = REF.exec(x);
      return m ? (ids.get(m[1] as string) ?? x) : x;
    }
    if (Array.isArray(x)) return x.map(swap);
    if (isObject(x)) return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, swap(y)]));
    return x;
  };
  return swap(v) as T;
}

/** Runs one operation against the provisioning adapter. */
function dispatch(p: ScimProvisioning, r: ScimRequest, op: BulkOperation): Promise<ScimResult> {
  const m = /^\/(Users|Groups)(?:\/([^/]+))?$/i.exec(op.path);
  const kind = m?.[1]?.toLowerCase() === 'users' ? 'User' : m ? 'Group' : undefined;
  const id = m?.[2];
  if (!kind || (op.method === 'POST') !== (id === undefined)) {
    throw invalid('request_body_invalid', `Operations[${op.index}]: path '${op.path}' does not fit ${op.method}.`);
  }
  switch (op.method) {
    case 'POST':
      return kind === 'User' ? p.createUser(r, op.data) : p.createGroup(r, op.data);
    case 'PUT':
      return kind === 'User'
        ? p.replaceUser(r, id as string, op.data, op.version)
        : p.replaceGroup(r, id as string, op.data, op.version);
    case 'PATCH':
      return kind === 'User'
        ? p.patchUser(r, id as string, op.data, op.version)
        : p.patchGroup(r, id as string, op.data, op.version);
    default:
      return kind === 'User' ? p.deleteUser(r, id as string, op.version) : p.deleteGroup(r, id as string, op.version);
  }
}

/** Runs a BulkRequest and returns the BulkResponse; `onError` sees each failure (for logging). */
export async function runBulk(
  p: ScimProvisioning,
  r: ScimRequest,
  body: unknown,
  onError: (err: unknown, c: ClassifiedError) => void,
): Promise<Json> {
  const { ops, failOnErrors } = readBulkRequest(body);
  const declared = new Set(ops.flatMap((o) => (o.bulkId ? [o.bulkId] : [])));
  const created = new Map<string, string>();
  const failed = new Set<string>();
  const results = new Map<number, Json>();
  let errors = 0;
  const record = (op: BulkOperation, result: Json, error: boolean) => {
    results.set(op.index, { method: op.method, ...(op.bulkId ? { bulkId: op.bulkId } : {}), ...result });
    if (error) {
      errors++;
      if (op.bulkId) failed.add(op.bulkId);
    }
  };
  const fail = (op: BulkOperation, err: unknown) => {
    const c = classifyError(err);
    onError(err, c);
    const { status, body: response } = scimError(c);
    record(op, { status: String(status), response }, true);
  };

  let pending = ops;
  while (pending.length > 0 && errors < failOnErrors) {
    const waiting: BulkOperation[] = [];
    for (const op of pending) {
      if (errors >= failOnErrors) break;
      const refs = [...referencesOf(op)];
      const broken = refs.find((b) => !declared.has(b) || failed.has(b));
      if (broken !== undefined) {
        fail(
          op,
          new DomainError('scim_bulk_id_unresolved', `bulkId '${broken}' names no operation of this request that succeeded.`),
        );
        continue;
      }
      if (refs.some((b) => !created.has(b))) {
        waiting.push(op);
        continue;
      }
      try {
        const resolved = {
          ...op,
          path: op.path
            .split('/')
            .map((seg) => substitute(seg, created))
            .join('/'),
          data: substitute(op.data, created),
        };
        const res = await dispatch(p, r, resolved);
        const id = res.resource?.id;
        if (op.bulkId && typeof id === 'string') created.set(op.bulkId, id);
        record(
          op,
          {
            status: String(res.status),
            ...(res.location ? { location: res.location } : {}),
            ...(res.version ? { version: res.version } : {}),
          },
          false,
        );
      } catch (err) {
        fail(op, err);
      }
    }
    if (waiting.length === pending.length) {
      // No progress: the references are circular.
      for (const op of waiting) if (errors < failOnErrors) fail(op, new DomainError('scim_bulk_id_unresolved'));
      break;
    }
    pending = waiting;
  }
  return {
    schemas: [URN.bulkResponse],
    Operations: [...results.entries()].sort(([a], [b]) => a - b).map(([, v]) => v),
  };
}
