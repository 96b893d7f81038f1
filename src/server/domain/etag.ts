import { createHash } from 'node:crypto';

/**
 * Object versions for optimistic concurrency (SCIM `meta.version`, Graph `@odata.etag`): one
 * mechanism for every surface. Every write of a user or group is audited in its own transaction,
 * so the audit log's change stamp of the object (number of records, latest change) moves with
 * each write; the digest of the object's attributes catches what a write left unaudited.
 */

/** Audit-derived change stamp of an object (AuditLogService.changeStampsOf). */
export interface Stamp {
  /** Latest change after the creation; null when unchanged since. */
  lastModified: string | null;
  changes: number;
}

/** The weak entity tag (`W/"…"`) of an object's attributes at its change stamp. */
export function entityTag(attributes: unknown, stamp: Stamp | undefined): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(attributes))
    .update(`|${stamp?.changes ?? 0}|${stamp?.lastModified ?? ''}`)
    .digest('base64url');
  return `W/"${digest.slice(0, 22)}"`;
}

/**
 * RFC 9110 §13.1.1 If-Match with weak comparison (the tags are weak): true when the header is
 * absent, `*` (the object exists), or lists the current tag.
 */
export function ifMatchHolds(ifMatch: string | undefined, current: string): boolean {
  if (ifMatch === undefined) return true;
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifMatch.split(',').some((t) => t.trim() === '*' || strip(t) === strip(current));
}
