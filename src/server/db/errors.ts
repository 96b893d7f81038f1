/**
 * Normalises driver errors so services can react to constraint violations without knowing the
 * dialect. Services translate these into DomainErrors; HTTP code never sees driver errors.
 */
export interface UniqueViolation {
  kind: 'unique';
  /** Constraint or index name when the driver reports it, else the column list (SQLite). */
  detail: string;
}

export function asUniqueViolation(err: unknown): UniqueViolation | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown };
  if (e.code === '23505') return { kind: 'unique', detail: String(e.constraint ?? '') };
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return { kind: 'unique', detail: String(e.message ?? '') };
  }
  return undefined;
}

/** True for errors worth retrying a whole transaction for (serialization failure, deadlock, busy). */
export function isTransient(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return code === '40001' || code === '40P01' || code === 'SQLITE_BUSY';
}
