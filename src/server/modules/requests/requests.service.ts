import type { PendingApprovals } from '../../../contracts/requests.js';
import type { Executor } from '../../db/index.js';
import type { OperationContext } from '../../domain/context.js';
import type { AppAccessRequestsService } from './app-access-requests.service.js';
import type { GroupJoinRequestsService } from './group-join-requests.service.js';
import { deleteRequestsOf } from './requests.repository.js';

export interface RequestsDeps {
  appAccessRequests: Pick<AppAccessRequestsService, 'pendingFor'>;
  groupJoinRequests: Pick<GroupJoinRequestsService, 'pendingFor'>;
}

/** What spans both kinds of request: the signed-in user's approvals summary, and cleanup on deletion. */
export class RequestsService {
  constructor(private readonly deps: RequestsDeps) {}

  /**
   * GET /me/pendingApprovals: the requests waiting for the signed-in user's decision (their own
   * requests never count) — the applications they approve for or own, the groups they own.
   */
  async pendingApprovals(ctx: OperationContext, userId: string): Promise<PendingApprovals> {
    const [applications, groups] = await Promise.all([
      this.deps.appAccessRequests.pendingFor(ctx, userId),
      this.deps.groupJoinRequests.pendingFor(ctx, userId),
    ]);
    const total = (xs: { pendingCount: number }[]) => xs.reduce((n, x) => n + x.pendingCount, 0);
    return { appAccessRequests: total(applications), groupJoinRequests: total(groups), applications, groups };
  }

  /** Internal, inside a deletion transaction (directory): a deleted user's requests, a deleted group's join requests. */
  removePrincipalReferences(trx: Executor, tenantId: string, principalId: string): Promise<void> {
    return deleteRequestsOf(trx, tenantId, principalId);
  }
}
