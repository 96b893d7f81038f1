import { type ErrorCode, errorCatalogue } from '../../contracts/errors.js';

/** The only error type services throw for expected failures. Surfaces render it. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly graphCode: string;
  /** Optional property or parameter the error is about (Graph `error.target`). */
  readonly target: string | undefined;
  /** Extra response headers (e.g. Retry-After for throttling). */
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message?: string, opts: { target?: string; headers?: Record<string, string> } = {}) {
    const spec = errorCatalogue[code];
    super(message ?? spec.message);
    this.name = 'DomainError';
    this.code = code;
    this.status = spec.status;
    this.graphCode = spec.graphCode;
    this.target = opts.target;
    this.headers = opts.headers;
  }
}

export const notFound = (id?: string): DomainError =>
  new DomainError(
    'resource_not_found',
    id === undefined
      ? undefined
      : `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );

export const denied = (message?: string): DomainError => new DomainError('authorization_denied', message);

/** A refusal of the request as sent: `code` names the rule (one catalogue entry per rule). */
export const invalid = (code: ErrorCode, message?: string, target?: string): DomainError =>
  new DomainError(code, message, target === undefined ? {} : { target });
