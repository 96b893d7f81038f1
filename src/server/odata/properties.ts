import type { PropSpec } from './query.js';

/*
 * The operator sets Graph's collections give their properties, named once for the `*.query.ts`
 * descriptions.
 */

/** A fully filterable string: eq, ne, in, startswith, not. */
export const STRING_FILTERS = ['eq', 'ne', 'in', 'startswith', 'not'] as const;

/** A date and time: equality and the orderings. */
export const DATE_FILTERS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;

/** An id, key or code: equality only (eq, ne, in, not). */
export const EQUALITY_FILTERS = ['eq', 'ne', 'in', 'not'] as const;

/** A property on `column` filtered by equality only (ids, keys, codes). */
export const equalityProperty = (type: 'guid' | 'string', column: string): PropSpec => ({
  type,
  column,
  filter: EQUALITY_FILTERS,
});
