/**
 * Normalises driver errors so services can react to constraint violations without knowing the
 * dialect. Services translate these into DomainErrors; the one driver error the HTTP surfaces
 * classify themselves is text the database refused (`isRefusedText`), wherever it happens.
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

/**
 * True for text PostgreSQL refuses as a query parameter: a NUL character or a byte sequence that is
 * not valid UTF-8 (SQLSTATE 22021 character_not_in_repertoire, 22P05 untranslatable_character).
 * The surfaces refuse such input where it enters (http/input-guard.ts); anything that slips past is
 * still the client's fault, a 400 and not a 500. (SQLite stores such text without complaint.)
 */
export function isRefusedText(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return code === '22021' || code === '22P05';
}
