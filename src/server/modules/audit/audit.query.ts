import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { DomainError } from '../../domain/errors.js';
import type { FilterNode, Literal, ResourceSpec } from '../../odata/query.js';

const invalid = (message: string) => new DomainError('odata_query_invalid', message);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Object ids are stored lower-case; other identifiers (e.g. `authorizationPolicy`) as written. */
function idValue(path: string, lit: Literal): string {
  if (lit.kind !== 'string' && lit.kind !== 'guid') {
    throw invalid(`Invalid value for '${path}' in $filter for directoryAudits: expected a quoted id.`);
  }
  return GUID.test(lit.value) ? lit.value.toLowerCase() : lit.value;
}

const pathText = (n: { path: { segments: string[] } }) => n.path.segments.join('/');

/** `initiatedBy/user/id eq '…'` and `initiatedBy/app/appId eq '…'` (also `in (…)`) on a denormalised column. */
const initiatorCompiler =
  (column: 'initiator_user_id' | 'initiator_app_id') =>
  (node: FilterNode, eb: ExpressionBuilder<any, any>): Expression<SqlBool> => {
    if (node.type === 'compare' && node.op === 'eq') {
      return eb(sql.ref(`directory_audits.${column}`), '=', idValue(pathText(node), node.value));
    }
    if (node.type === 'in') {
      const p = pathText(node);
      return eb(
        sql.ref(`directory_audits.${column}`),
        'in',
        node.values.map((v) => idValue(p, v)),
      );
    }
    const where = node.type === 'lambda' ? `${pathText(node)}/${node.op}` : 'path' in node ? pathText(node) : 'initiatedBy';
    throw invalid(`Unsupported expression on '${where}' in $filter for directoryAudits: only 'eq' and 'in' are supported.`);
  };

/** `targetResources/any(t: t/id eq '…')`: EXISTS on the target index table. */
function targetResourcesAny(node: FilterNode, _eb: ExpressionBuilder<any, any>): Expression<SqlBool> {
  const usage = "use targetResources/any(t: t/id eq '<id>')";
  if (node.type !== 'lambda' || node.op !== 'any' || node.predicate === null || node.variable === null) {
    throw invalid(`Unsupported expression on 'targetResources' in $filter for directoryAudits: ${usage}.`);
  }
  const variable = node.variable;
  const ids: string[] = [];
  const collect = (n: FilterNode): void => {
    if (n.type === 'or') {
      collect(n.left);
      collect(n.right);
      return;
    }
    const isIdPath = (p: { segments: string[] }) =>
      p.segments.length === 2 && p.segments[0] === variable && p.segments[1]?.toLowerCase() === 'id';
    if (n.type === 'compare' && n.op === 'eq' && isIdPath(n.path)) {
      ids.push(idValue('targetResources/id', n.value));
      return;
    }
    if (n.type === 'in' && isIdPath(n.path)) {
      for (const v of n.values) ids.push(idValue('targetResources/id', v));
      return;
    }
    throw invalid(`Unsupported expression inside 'targetResources/any' in $filter for directoryAudits: ${usage}.`);
  };
  collect(node.predicate);
  return sql<SqlBool>`exists (select 1 from directory_audit_targets dat where dat.audit_id = directory_audits.id and dat.tenant_id = directory_audits.tenant_id and dat.target_id in (${sql.join(ids)}))`;
}

/** OData description of `/auditLogs/directoryAudits` (Graph: directoryAudit). */
export const directoryAuditsResource: ResourceSpec = {
  name: 'directoryAudits',
  idColumn: 'directory_audits.id',
  properties: {
    id: { type: 'guid', column: 'directory_audits.id', filter: ['eq', 'in'] },
    activityDateTime: {
      type: 'datetime',
      column: 'directory_audits.activity_date_time',
      filter: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
      orderable: true,
    },
    activityDisplayName: {
      type: 'string',
      column: 'directory_audits.activity_display_name',
      filter: ['eq', 'in', 'startswith'],
      ci: true,
    },
    category: { type: 'string', column: 'directory_audits.category', filter: ['eq', 'ne', 'in'], ci: true },
    correlationId: { type: 'string', column: 'directory_audits.correlation_id', filter: ['eq', 'in'], ci: true },
    loggedByService: { type: 'string', column: 'directory_audits.logged_by_service', filter: ['eq', 'in'], ci: true },
    operationType: { type: 'string', column: 'directory_audits.operation_type', filter: ['eq', 'in'], ci: true },
    result: {
      type: 'enum',
      column: 'directory_audits.result',
      values: ['success', 'failure', 'timeout', 'unknownFutureValue'],
      filter: ['eq', 'ne', 'in'],
    },
    resultReason: { type: 'string' },
    initiatedBy: { type: 'string' },
    targetResources: { type: 'stringCollection' },
    additionalDetails: { type: 'stringCollection' },
  },
  custom: {
    'initiatedBy/user/id': initiatorCompiler('initiator_user_id'),
    'initiatedBy/app/appId': initiatorCompiler('initiator_app_id'),
    'targetResources/any': targetResourcesAny,
  },
};
