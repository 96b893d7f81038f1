import type { FastifyInstance, FastifyRequest } from 'fastify';
import { appRoleAssignmentBody, createServicePrincipalBody, updateServicePrincipalBody } from '../../contracts/applications.js';
import { createGroupBody, updateGroupBody } from '../../contracts/groups.js';
import { invitationBody } from '../../contracts/invitations.js';
import { updateOrganizationBody } from '../../contracts/organization.js';
import { createRoleAssignmentBody } from '../../contracts/roles.js';
import { createUserBody, updateUserBody } from '../../contracts/users.js';
import { DomainError } from '../domain/errors.js';

/**
 * `@odata.type` in /v1.0 request bodies, for every route at once. Graph SDKs (Kiota's `odataType`,
 * graph-client users copying Graph's samples) send the entity type with creates and updates:
 * `{"@odata.type": "#microsoft.graph.user", …}`. A hook checks it against the type the route's body
 * schema describes (the table below, keyed by schema), as Graph's OData reader does — the type or
 * one derived from it, with OData's wording on failure — and removes the annotation before the
 * body schema validates, so no schema has to declare it. Nested objects may carry one too (complex
 * types such as passwordProfile): it must be a Graph type name and is removed likewise.
 */

/** Graph entity types Portico serves, with their base type (derivation is what `@odata.type` may name). */
const ENTITY_BASE: Record<string, string | undefined> = {
  entity: undefined,
  directoryObject: 'entity',
  user: 'directoryObject',
  group: 'directoryObject',
  servicePrincipal: 'directoryObject',
  application: 'directoryObject',
  organization: 'directoryObject',
  policyBase: 'directoryObject',
  authorizationPolicy: 'policyBase',
  invitation: 'entity',
  appRoleAssignment: 'directoryObject',
  unifiedRoleAssignment: 'entity',
};

/** The entity type each body schema describes. A schema not listed accepts any Graph entity type name. */
const BODY_TYPES = new Map<unknown, string>([
  [createUserBody, 'user'],
  [updateUserBody, 'user'],
  [createGroupBody, 'group'],
  [updateGroupBody, 'group'],
  [invitationBody, 'invitation'],
  [createServicePrincipalBody, 'servicePrincipal'],
  [updateServicePrincipalBody, 'servicePrincipal'],
  [appRoleAssignmentBody, 'appRoleAssignment'],
  [createRoleAssignmentBody, 'unifiedRoleAssignment'],
  [updateOrganizationBody, 'organization'],
]);

/** Registers the entity type of a body schema (features whose schemas live outside contracts). */
export function declareBodyType(schema: unknown, type: keyof typeof ENTITY_BASE): void {
  BODY_TYPES.set(schema, type);
}

/** The entity type a route's body schema describes, if declared. */
export const bodyTypeOf = (schema: unknown): string | undefined => BODY_TYPES.get(schema);

const TYPE_NAME = /^#?microsoft\.graph\.([A-Za-z][A-Za-z0-9_]*)$/;
const ENTITY_BY_LOWER = new Map(Object.keys(ENTITY_BASE).map((k) => [k.toLowerCase(), k]));

const unresolved = (value: string) =>
  new DomainError(
    'odata_type_invalid',
    `A type named '${value.replace(/^#/, '')}' could not be resolved by the model. When a model is available, each type name must resolve to a valid type.`,
    { target: '@odata.type' },
  );

/** The canonical entity type name `value` names, or throws OData's "could not be resolved". */
function resolveType(value: unknown, entity: boolean): string {
  if (typeof value !== 'string') {
    throw new DomainError(
      'odata_type_invalid',
      "The '@odata.type' annotation must be a string such as '#microsoft.graph.user'.",
      {
        target: '@odata.type',
      },
    );
  }
  const m = TYPE_NAME.exec(value.trim());
  if (m === null) throw unresolved(value);
  const name = m[1] as string;
  if (!entity) return name;
  const known = ENTITY_BY_LOWER.get(name.toLowerCase());
  if (known === undefined) throw unresolved(value);
  return known;
}

function derivesFrom(type: string, expected: string): boolean {
  for (let t: string | undefined = type; t !== undefined; t = ENTITY_BASE[t]) if (t === expected) return true;
  return false;
}

/** Removes (after checking) `@odata.type` from nested objects of a body. */
function stripNested(value: unknown, depth: number): void {
  if (depth > 32 || typeof value !== 'object' || value === null) return;
  const items = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  for (const child of items) {
    if (typeof child === 'object' && child !== null && !Array.isArray(child) && '@odata.type' in child) {
      resolveType((child as Record<string, unknown>)['@odata.type'], false);
      delete (child as Record<string, unknown>)['@odata.type'];
    }
    stripNested(child, depth + 1);
  }
}

/** Checks and removes `@odata.type` from a parsed body for a route whose body schema is `schema`. */
export function checkBodyODataType(body: unknown, schema: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  const record = body as Record<string, unknown>;
  if ('@odata.type' in record) {
    const type = resolveType(record['@odata.type'], true);
    const expected = bodyTypeOf(schema);
    if (expected !== undefined && !derivesFrom(type, expected)) {
      throw new DomainError(
        'odata_type_invalid',
        `A resource with type 'microsoft.graph.${type}' was found, but it is not assignable to the expected type 'microsoft.graph.${expected}'. The type specified in the resource must be equal to either the expected type or a derived type.`,
        { target: '@odata.type' },
      );
    }
    delete record['@odata.type'];
  }
  stripNested(record, 0);
}

async function checkRequest(req: FastifyRequest): Promise<void> {
  checkBodyODataType(req.body, req.routeOptions.schema?.body);
}

/** Registers the check on a scope (the /v1.0 API); it runs before the body schema validates. */
export function acceptODataTypes(scope: FastifyInstance): void {
  scope.addHook('preValidation', checkRequest);
}
