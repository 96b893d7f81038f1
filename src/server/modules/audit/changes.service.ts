import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import { listChangedObjects, listMemberChanges, purgeChanges, stampChanges } from './changes.repository.js';

export interface ChangeRange {
  /** Changes after this seq (the delta token)… */
  after: number;
  /** …up to this one (the horizon fixed when the round started). */
  upTo: number;
}

/**
 * The read side of the delta change log (written by AuditService). No authorization: the delta
 * use cases authorize reading the objects themselves.
 */
export class DirectoryChangesService {
  constructor(private readonly deps: { db: Kysely<DB> }) {}

  /** Stamps what has committed since the last call and returns the tenant's current horizon. */
  horizon(tenantId: string): Promise<number> {
    return stampChanges(this.deps.db, tenantId);
  }

  /** Objects changed in the range, one per object ordered by its latest change, after `cursor`. */
  changedObjects(tenantId: string, objectType: 'user' | 'group', range: ChangeRange, cursor: number, limit: number) {
    return listChangedObjects(this.deps.db, tenantId, objectType, { ...range, cursor }, limit);
  }

  /** Membership changes of these groups in the range, oldest first. */
  memberChanges(tenantId: string, groupIds: readonly string[], range: ChangeRange) {
    return listMemberChanges(this.deps.db, tenantId, groupIds, range);
  }

  /** Retention (the purge job): drops changes older than `before`. */
  purgeBefore(before: Date): Promise<number> {
    return purgeChanges(this.deps.db, before.toISOString());
  }
}
