import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { DomainError } from '../../domain/errors.js';
import type { FilterNode, Literal, ResourceSpec } from '../../odata/query.js';

const invalid = (message: string) => new DomainError('odata_query_invalid', message);

const code = (lit: Literal): number => {
  if (lit.kind === 'number' && Number.isInteger(lit.value)) return lit.value;
  throw invalid("Invalid value for 'status/errorCode' in $filter for signIns: expected an integer.");
};

/** `status/errorCode eq 0` (also ne, in): 0 is success, anything else a failure code. */
function errorCodeCompiler(node: FilterNode, eb: ExpressionBuilder<any, any>): Expression<SqlBool> {
  const column = sql.ref('sign_ins.error_code');
  if (node.type === 'compare' && (node.op === 'eq' || node.op === 'ne')) {
    return eb(column, node.op === 'eq' ? '=' : '<>', code(node.value));
  }
  if (node.type === 'in') return eb(column, 'in', node.values.map(code));
  throw invalid("Unsupported expression on 'status/errorCode' in $filter for signIns: use eq, ne or in.");
}

/** The OData description of auditLogs/signIns (Graph supports these filters on the sign-in log). */
export const signInsResource: ResourceSpec = {
  name: 'signIns',
  idColumn: 'id',
  properties: {
    id: { type: 'string', column: 'sign_ins.id', filter: ['eq'] },
    createdDateTime: { type: 'datetime', column: 'sign_ins.created_date_time', filter: ['eq', 'ge', 'gt', 'le', 'lt'] },
    userId: { type: 'string', column: 'sign_ins.user_id', filter: ['eq', 'in'] },
    userPrincipalName: { type: 'string', column: 'sign_ins.user_principal_name', filter: ['eq', 'startswith'], ci: true },
    userDisplayName: { type: 'string', column: 'sign_ins.user_display_name', filter: ['eq', 'startswith'] },
    appId: { type: 'string', column: 'sign_ins.app_id', filter: ['eq', 'in'] },
    appDisplayName: { type: 'string', column: 'sign_ins.app_display_name', filter: ['eq', 'startswith'] },
    ipAddress: { type: 'string', column: 'sign_ins.ip_address', filter: ['eq', 'startswith'] },
    clientAppUsed: { type: 'string', column: 'sign_ins.client_app_used', filter: ['eq'] },
    isInteractive: { type: 'boolean' },
    correlationId: { type: 'string', column: 'sign_ins.correlation_id', filter: ['eq'] },
    conditionalAccessStatus: { type: 'string' },
    riskDetail: { type: 'string' },
    riskLevelAggregated: { type: 'string' },
    riskLevelDuringSignIn: { type: 'string' },
    riskState: { type: 'string' },
    riskEventTypes_v2: { type: 'stringCollection' },
    resourceDisplayName: { type: 'string' },
    resourceId: { type: 'string' },
    status: { type: 'string' },
    deviceDetail: { type: 'string' },
    location: { type: 'string' },
    appliedConditionalAccessPolicies: { type: 'string' },
  },
  custom: { 'status/errorCode': errorCodeCompiler },
};
