import type { Caller } from './authorization.js';

/** Who is acting and on behalf of which request; passed to every service use case. */
export interface OperationContext {
  caller: Caller;
  /** Request id, recorded as the audit correlation id. */
  correlationId: string;
  ipAddress?: string;
}

export const systemContext = (tenantId: string, correlationId: string): OperationContext => ({
  caller: { kind: 'system', tenantId, displayName: 'Portico command line' },
  correlationId,
});
