import type { SelectQueryBuilder } from 'kysely';
import { type ODataQuery, pageNewestFirst, queryPage, type ResourceSpec } from './query.js';

/**
 * One page of `base`'s rows (every column) under `q`, each turned into its wire form by `map`: the
 * list of a collection whose description names the columns of one table (or view) as they are.
 */
export async function mappedPage<Row extends { id: string }, T>(
  base: SelectQueryBuilder<any, any, any>,
  spec: ResourceSpec,
  q: ODataQuery,
  map: (row: Row) => T,
): Promise<{ items: T[]; skiptoken?: string; count?: number }> {
  const { rows, ...page } = await queryPage<Row>(base, (b) => b.selectAll(), spec, q);
  return { ...page, items: rows.map(map) };
}

/** {@link pageNewestFirst} on a timestamp column the rows carry under the same name. */
export function newestFirstPage<T extends { id: string }, R>(
  qb: SelectQueryBuilder<any, any, any>,
  spec: ResourceSpec,
  timeColumn: keyof T & string,
  q: ODataQuery,
  map: (row: T) => R,
): Promise<{ items: R[]; skiptoken?: string }> {
  return pageNewestFirst<T, R>(qb, spec, timeColumn, q, (r) => r[timeColumn] as string, map);
}
