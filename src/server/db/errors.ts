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

/** SQLSTATEs of a lost or refused connection: class 08, server shutting down or starting, no slots. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** Socket errors of a database that cannot be reached. */
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** What `pg` throws, without a code, when a connection dies or cannot be made in time. */
const UNAVAILABLE_PG_MESSAGES =
  /^(?:Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Query read timeout)/;

/**
 * True when the database cannot be reached right now (PostgreSQL restarting, a dropped connection,
 * a network cut, no free connection slot; SQLite locked by another process past the busy timeout).
 * The surfaces answer 503 with Retry-After (`database_unavailable`): the request may simply be
 * repeated, and the pool reconnects by itself once the database is back.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; message?: unknown; errors?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code !== undefined) {
    if (code.startsWith('08') && code.length === 5) return true;
    if (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code)) return true;
    if (code === 'SQLITE_BUSY') return true;
  }
  if (typeof e.message === 'string' && UNAVAILABLE_PG_MESSAGES.test(e.message)) return true;
  // Node reports a failed connection to several addresses as an AggregateError of socket errors.
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((x) => isDatabaseUnavailable(x));
}
