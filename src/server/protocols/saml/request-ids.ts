import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import { insertAnsweredRequestId, isRequestIdAnswered } from './saml.repository.js';

/** How long an answered AuthnRequest id is remembered: well past any validity window of a request. */
const REQUEST_ID_MEMORY_MS = 24 * 3600_000;

/** Answered AuthnRequest ids (replay protection), shared by every process on the database. */
export interface RequestIdStore {
  /** True when the application already answered this request id. Read-only. */
  isAnswered(tenantId: string, servicePrincipalId: string, requestId: string): Promise<boolean>;
  /** Records the request id as answered: false when it already was (atomic; the first caller wins). */
  markAnswered(tenantId: string, servicePrincipalId: string, requestId: string): Promise<boolean>;
}

export function createRequestIdStore(db: Executor, clock: Clock): RequestIdStore {
  return {
    isAnswered: (tenantId, servicePrincipalId, requestId) => isRequestIdAnswered(db, tenantId, servicePrincipalId, requestId),
    markAnswered: (tenantId, servicePrincipalId, requestId) => {
      const now = clock.now();
      return insertAnsweredRequestId(db, {
        tenantId,
        servicePrincipalId,
        requestId,
        now,
        keepUntil: new Date(now.getTime() + REQUEST_ID_MEMORY_MS),
      });
    },
  };
}
