import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.js';
import { isStorableText, printable } from '../domain/text.js';

/**
 * The input guard of every surface: a NUL character or an unpaired surrogate (domain/text.ts) in
 * the URL (path and query) or in a parsed body (JSON, form) is refused with `request_text_invalid`
 * before any route runs. It is thrown from hooks of the root scope, so the scope that serves the
 * request renders it in its own form: the Graph envelope under /v1.0, RFC 6749 JSON around
 * oidc-provider, an HTML page (with a sentence) for the sign-in, redemption and SAML pages.
 * oidc-provider reads its own request bodies; the OAuth mount checks them (protocols/oidc/mount.ts).
 */

/** A value met while walking a parsed request, with how it was reached (for the error's target). */
interface Visit {
  value: unknown;
  key?: string;
  parent?: Visit;
}

const pathOf = (v: Visit): string => {
  const keys: string[] = [];
  for (let at: Visit | undefined = v; at?.key !== undefined; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.');
};

/** Where in a parsed value the first unstorable text is (a property path, '' for the value itself). */
export function unstorableTextAt(value: unknown): string | undefined {
  // Iterative, and the path is only built for the culprit: a deeply nested JSON body costs no more
  // than its size.
  const pending: Visit[] = [{ value }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const v = next.value;
    if (typeof v === 'string') {
      if (!isStorableText(v)) return pathOf(next);
    } else if (typeof v === 'object' && v !== null) {
      for (const [key, child] of Object.entries(v)) {
        const visit: Visit = { value: child, key, parent: next };
        if (!isStorableText(key)) return pathOf(visit);
        pending.push(visit);
      }
    }
  }
  return undefined;
}

const refused = (where: string, target: string) =>
  new DomainError(
    'request_text_invalid',
    `The ${where} contains a NUL character or text that is not valid Unicode${target ? ` (${printable(target)})` : ''}.`,
    target ? { target: printable(target) } : {},
  );

/** A percent-encoded NUL anywhere in the request line (the HTTP parser already refuses raw ones). */
const ENCODED_NUL = /%00/;

async function guardUrl(req: FastifyRequest): Promise<void> {
  const inQuery = unstorableTextAt(req.query);
  if (inQuery !== undefined) throw refused('query', inQuery);
  if (ENCODED_NUL.test(req.url) || unstorableTextAt(req.params) !== undefined) throw refused('request URL', '');
}

async function guardBody(req: FastifyRequest): Promise<void> {
  const at = unstorableTextAt(req.body);
  if (at !== undefined) throw refused('request body', at);
}

/** Registers the guard on the root scope (before the surfaces, so every scope inherits it). */
export function guardInput(app: FastifyInstance): void {
  app.addHook('onRequest', guardUrl);
  app.addHook('preValidation', guardBody);
}
