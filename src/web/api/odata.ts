/** Small helpers to write OData query options the way the API expects them. */

/** An OData string literal: single quotes, with embedded quotes doubled. */
export const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * `$search` value matching `term` in any of `properties` (word-prefix match on the server), e.g.
 * `"displayName:ali" OR "mail:ali"`. Double quotes cannot appear inside a clause, so they are dropped.
 * Returns undefined for a blank term.
 */
export function searchExpression(properties: readonly string[], term: string): string | undefined {
  const t = term.replace(/["\\]/g, ' ').replace(/\s+/g, ' ').trim();
  if (!t) return undefined;
  return properties.map((p) => `"${p}:${t}"`).join(' OR ');
}

/** `a and b and …` of the non-empty clauses, or undefined. */
export function and(...clauses: (string | undefined | false)[]): string | undefined {
  const parts = clauses.filter((c): c is string => typeof c === 'string' && c.length > 0);
  return parts.length ? parts.join(' and ') : undefined;
}
