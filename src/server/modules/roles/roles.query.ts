import type { UnifiedRoleDefinition } from '../../../contracts/roles.js';
import { DomainError } from '../../domain/errors.js';

const invalidQuery = (message: string) => new DomainError('odata_query_invalid', message);

import { equalityProperty, STRING_FILTERS } from '../../odata/properties.js';
import {
  encodeSkipToken,
  type FilterNode,
  type Literal,
  normaliseDateTime,
  type ODataQuery,
  type ResourceSpec,
} from '../../odata/query.js';

/**
 * OData descriptions of the role-management collections. Role definitions are built in (not
 * rows), so their `$filter` is validated by the shared parser against this description and then
 * evaluated in memory by `matchesFilter`; role assignments are rows and use the SQL compiler.
 */
export const roleDefinitionsResource: ResourceSpec = {
  name: 'roleDefinitions',
  idColumn: 'id',
  properties: {
    id: equalityProperty('guid', 'id'),
    templateId: equalityProperty('guid', 'templateId'),
    displayName: {
      type: 'string',
      column: 'displayName',
      filter: STRING_FILTERS,
      ci: true,
      orderable: true,
    },
    description: { type: 'string' },
    isBuiltIn: { type: 'boolean', column: 'isBuiltIn', filter: ['eq', 'ne', 'not'] },
    isEnabled: { type: 'boolean', column: 'isEnabled', filter: ['eq', 'ne', 'not'] },
    resourceScopes: { type: 'stringCollection' },
    rolePermissions: { type: 'stringCollection' },
    version: { type: 'string' },
  },
};

export const roleAssignmentsResource: ResourceSpec = {
  name: 'roleAssignments',
  idColumn: 'id',
  properties: {
    id: equalityProperty('guid', 'id'),
    principalId: equalityProperty('guid', 'principal_id'),
    roleDefinitionId: equalityProperty('guid', 'role_definition_id'),
    directoryScopeId: equalityProperty('string', 'directory_scope_id'),
    appScopeId: { type: 'string' },
    condition: { type: 'string' },
  },
};

type Scalar = string | boolean | null;

const literalValue = (lit: Literal): Scalar => {
  switch (lit.kind) {
    case 'null':
      return null;
    case 'boolean':
      return lit.value;
    case 'number':
      return String(lit.value);
    case 'datetime':
      return normaliseDateTime(lit.value);
    default:
      return lit.value;
  }
};

const norm = (v: Scalar): Scalar => (typeof v === 'string' ? v.toLowerCase() : v);

function propertyValue(obj: Record<string, unknown>, node: { path: { segments: string[] } }): Scalar {
  const name = node.path.segments[0] ?? '';
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key === undefined ? undefined : obj[key];
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}

/**
 * Evaluates a filter already validated by `parseODataQuery` against `roleDefinitionsResource`
 * (so only eq/ne/in/startswith on its string, GUID and boolean properties can occur). String and
 * GUID comparisons are case-insensitive, as in the SQL compiler for those properties.
 */
export function matchesFilter(obj: Record<string, unknown>, node: FilterNode): boolean {
  switch (node.type) {
    case 'and':
      return matchesFilter(obj, node.left) && matchesFilter(obj, node.right);
    case 'or':
      return matchesFilter(obj, node.left) || matchesFilter(obj, node.right);
    case 'not':
      return !matchesFilter(obj, node.operand);
    case 'compare': {
      const a = norm(propertyValue(obj, node));
      const b = norm(literalValue(node.value));
      if (node.op === 'eq') return a === b;
      if (node.op === 'ne') return a !== b;
      throw invalidQuery(`Unsupported operator '${node.op}' in $filter for roleDefinitions.`);
    }
    case 'in': {
      const a = norm(propertyValue(obj, node));
      return node.values.some((v) => norm(literalValue(v)) === a);
    }
    case 'function': {
      const a = norm(propertyValue(obj, node));
      const b = norm(literalValue(node.value));
      return node.name === 'startswith' && typeof a === 'string' && typeof b === 'string' && a.startsWith(b);
    }
    case 'lambda':
      throw invalidQuery('Lambda expressions are not supported in $filter for roleDefinitions.');
  }
}

/** Filters, orders (displayName, then id), pages and counts the built-in role definitions. */
export function queryRoleDefinitions(
  all: readonly UnifiedRoleDefinition[],
  q: ODataQuery,
): { items: UnifiedRoleDefinition[]; skiptoken?: string; count?: number } {
  const filter = q.filter;
  const matching =
    filter === undefined ? [...all] : all.filter((d) => matchesFilter(d as unknown as Record<string, unknown>, filter));
  const desc = q.orderBy?.direction === 'desc';
  const cmp = (a: { displayName: string; id: string }, b: { displayName: string; id: string }): number => {
    const c = a.displayName.localeCompare(b.displayName, 'en') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    return desc ? -c : c;
  };
  matching.sort(cmp);
  const after = q.after;
  const rest = after === undefined ? matching : matching.filter((d) => cmp(d, { displayName: after.v ?? '', id: after.id }) > 0);
  const items = rest.slice(0, q.top);
  const result: { items: UnifiedRoleDefinition[]; skiptoken?: string; count?: number } = { items };
  const last = items[items.length - 1];
  if (rest.length > q.top && last) result.skiptoken = encodeSkipToken(last.displayName, last.id, q.orderBy);
  if (q.count) result.count = matching.length;
  return result;
}
