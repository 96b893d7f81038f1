import type { SignIn } from '../../../contracts/sign-ins.js';
import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import type { OperationContext } from '../../domain/context.js';
import type { IdGenerator } from '../../domain/ids.js';
import type { ODataQuery } from '../../odata/query.js';
import type { Access } from '../access/access.js';
import { findSignIn, insertSignIn, listSignIns } from './signins.repository.js';

/**
 * One sign-in attempt as the sign-in code reports it (the port the OIDC and SAML adapters call).
 * `errorCode` 0 is success; failures carry Entra's AADSTS number and reason (docs/api.md lists them).
 */
export interface SignInEvent {
  tenantId: string;
  userId?: string | null;
  userPrincipalName?: string | null;
  userDisplayName?: string | null;
  appId: string | null;
  appDisplayName: string | null;
  ipAddress: string | null;
  /** Graph's clientAppUsed: 'Browser' for the sign-in pages, 'Other clients' for client credentials. */
  clientAppUsed: 'Browser' | 'Other clients';
  isInteractive: boolean;
  errorCode: number;
  failureReason?: string | null;
  /** 'Password', 'Email OTP', 'Client secret', 'Previously satisfied' (single sign-on). */
  authenticationMethod?: string | null;
  correlationId?: string | null;
}

/** Where sign-in code reports attempts; the composition root adds the metrics counter. */
export interface SignInRecorder {
  record(e: SignInEvent): Promise<void>;
}

/** Entra's codes for the failures Portico's sign-in reports (AADSTS numbers). */
export const SignInErrors = {
  invalidCredentials: { errorCode: 50126, failureReason: 'Error validating credentials due to invalid username or password.' },
  locked: { errorCode: 50053, failureReason: 'Account is locked because the user tried to sign in too many times.' },
  disabled: { errorCode: 50057, failureReason: 'The user account is disabled.' },
  notAssigned: {
    errorCode: 50105,
    failureReason: 'The signed in user is not assigned to a role for the application.',
  },
  invalidCode: { errorCode: 500121, failureReason: 'Authentication failed during strong authentication request.' },
  invalidClient: { errorCode: 7000215, failureReason: 'Invalid client secret is provided.' },
} as const;

export interface SignInLogDeps {
  db: Executor;
  clock: Clock;
  newId: IdGenerator;
  access: Access;
}

/** The sign-in log: written by the sign-in port, read through GET /auditLogs/signIns (`signIn.read`). */
export class SignInLogService implements SignInRecorder {
  constructor(private readonly deps: SignInLogDeps) {}

  /** Writes one attempt (outside any transaction: a sign-in is recorded whatever happens next). */
  async record(e: SignInEvent): Promise<void> {
    await insertSignIn(this.deps.db, {
      id: this.deps.newId(),
      tenant_id: e.tenantId,
      created_date_time: this.deps.clock.now().toISOString(),
      user_id: e.userId ?? null,
      user_principal_name: e.userPrincipalName ?? null,
      user_display_name: e.userDisplayName ?? null,
      app_id: e.appId,
      app_display_name: e.appDisplayName,
      ip_address: e.ipAddress,
      client_app_used: e.clientAppUsed,
      is_interactive: e.isInteractive ? 1 : 0,
      error_code: e.errorCode,
      failure_reason: e.failureReason ?? null,
      authentication_method: e.authenticationMethod ?? null,
      correlation_id: e.correlationId ?? null,
    });
  }

  /** GET /auditLogs/signIns: newest first. Reports Reader, Security Reader, Global Reader, admins; AuditLog.Read.All. */
  async listSignIns(ctx: OperationContext, q: ODataQuery): Promise<{ items: SignIn[]; skiptoken?: string }> {
    await this.deps.access.require(ctx, 'signIn.read');
    return listSignIns(this.deps.db, ctx.caller.tenantId, q);
  }

  getSignIn(ctx: OperationContext, id: string): Promise<SignIn> {
    return this.deps.access.readOne(ctx, 'signIn.read', id, (tenantId) => findSignIn(this.deps.db, tenantId, id));
  }
}
