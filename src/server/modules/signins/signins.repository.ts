import type { SignIn } from '../../../contracts/sign-ins.js';
import type { Executor } from '../../db/index.js';
import { type ODataQuery, pageNewestFirst } from '../../odata/query.js';
import { signInsResource } from './signins.query.js';
import type { SignInsTable } from './signins.table.js';

const toSignIn = (r: SignInsTable): SignIn => ({
  id: r.id,
  createdDateTime: r.created_date_time,
  userDisplayName: r.user_display_name,
  userPrincipalName: r.user_principal_name,
  userId: r.user_id,
  appId: r.app_id,
  appDisplayName: r.app_display_name,
  ipAddress: r.ip_address,
  clientAppUsed: r.client_app_used,
  correlationId: r.correlation_id,
  isInteractive: Number(r.is_interactive) === 1,
  conditionalAccessStatus: 'notApplied',
  riskDetail: 'none',
  riskLevelAggregated: 'none',
  riskLevelDuringSignIn: 'none',
  riskState: 'none',
  riskEventTypes_v2: [],
  resourceDisplayName: r.is_interactive ? null : 'Microsoft Graph',
  resourceId: null,
  status: {
    errorCode: Number(r.error_code),
    failureReason: r.failure_reason,
    additionalDetails: r.authentication_method ? `Authentication method: ${r.authentication_method}` : null,
  },
  deviceDetail: { browser: null, operatingSystem: null, deviceId: '', displayName: null },
  location: { city: null, state: null, countryOrRegion: null },
  appliedConditionalAccessPolicies: [],
});

export async function insertSignIn(db: Executor, row: SignInsTable): Promise<void> {
  await db.insertInto('sign_ins').values(row).execute();
}

export async function findSignIn(db: Executor, tenantId: string, id: string): Promise<SignIn | undefined> {
  const r = await db.selectFrom('sign_ins').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return r && toSignIn(r);
}

/** Newest first, keyset-paged on (createdDateTime, id), `$filter` per signInsResource. */
export function listSignIns(db: Executor, tenantId: string, q: ODataQuery): Promise<{ items: SignIn[]; skiptoken?: string }> {
  return pageNewestFirst<SignInsTable, SignIn>(
    db.selectFrom('sign_ins').selectAll().where('sign_ins.tenant_id', '=', tenantId),
    signInsResource,
    'sign_ins.created_date_time',
    q,
    (r) => r.created_date_time,
    toSignIn,
  );
}
