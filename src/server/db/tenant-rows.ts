import type { DeleteQueryBuilder, Selectable, SelectQueryBuilder, UpdateQueryBuilder } from 'kysely';

/*
 * Every tenant's table keys its rows by (tenant_id, id), ids stored in lower case. These finish a
 * repository's `selectFrom(<its table>)…` with that lookup, so the rule is written once.
 */

/** The row with `id` (a GUID in any case finds it) of the tenant, or undefined. */
export async function rowById<O>(query: SelectQueryBuilder<any, any, O>, tenantId: string, id: string): Promise<O | undefined> {
  return (await query.where('tenant_id', '=', tenantId).where('id', '=', id.toLowerCase()).executeTakeFirst()) as O | undefined;
}

/** The tenant's rows among `ids`, in the query's order (none for no ids, without asking the database). */
export async function rowsByIds<O>(
  query: SelectQueryBuilder<any, any, O>,
  tenantId: string,
  ids: readonly string[],
): Promise<O[]> {
  if (ids.length === 0) return [];
  return (await query
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', [...ids])
    .execute()) as O[];
}

/**
 * Column values a lookup matches, each compared with `=` (after `tenant_id`). Columns of the
 * query's table, so a misspelt column is a compile error.
 */
export type Match<DB, TB extends keyof DB> = Partial<Selectable<DB[TB]>>;

// The builder's `where` is typed per table; the column names were checked by `Match`.
type Narrowable = { where(column: any, op: '=', value: any): any };

// A column given as undefined would compare with NULL (no row) or, dropped, widen the match: both
// are programming errors, refused here rather than run.
function whereAll<Q extends Narrowable>(query: Q, match: object): Q {
  let q = query;
  for (const [column, value] of Object.entries(match)) {
    if (value === undefined) throw new Error(`tenant-rows: no value for column '${column}'`);
    q = q.where(column, '=', value) as Q;
  }
  return q;
}

const matching = <Q extends Narrowable>(query: Q, tenantId: string, match: object): Q =>
  whereAll(query.where('tenant_id', '=', tenantId) as Q, match);

/** Writes name the rows they change: an empty match would change every row of the tenant. */
function writeMatching<Q extends Narrowable>(query: Q, tenantId: string, match: object): Q {
  if (Object.keys(match).length === 0) throw new Error('tenant-rows: a write must match at least one column');
  return matching(query, tenantId, match);
}

/**
 * The first row whose columns equal `match`, without the tenant: for the tables keyed by an object
 * that is itself the tenant's (an application's assignments and secrets).
 */
export async function rowWhere<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  match: Match<DB, TB>,
): Promise<O | undefined> {
  return (await whereAll(query, match).executeTakeFirst()) as O | undefined;
}

/** Whether a row's columns equal `match` (see {@link rowWhere}). */
export async function rowExists<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  match: Match<DB, TB>,
): Promise<boolean> {
  return (await rowWhere(query, match)) !== undefined;
}

/** The first of the tenant's rows whose columns equal `match`, or undefined. */
export async function tenantRow<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  tenantId: string,
  match: Match<DB, TB>,
): Promise<O | undefined> {
  return (await matching(query, tenantId, match).executeTakeFirst()) as O | undefined;
}

/** The tenant's rows whose columns equal `match`, in the query's order. */
export async function tenantRows<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  tenantId: string,
  match: Match<DB, TB>,
): Promise<O[]> {
  return (await matching(query, tenantId, match).execute()) as O[];
}

/** Whether the tenant has a row whose columns equal `match`. */
export async function tenantRowExists<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  tenantId: string,
  match: Match<DB, TB>,
): Promise<boolean> {
  return (await tenantRow(query, tenantId, match)) !== undefined;
}

/** One selected column of the tenant's rows whose columns equal `match`, in the query's order. */
export async function tenantColumn<DB, TB extends keyof DB, O, K extends keyof O>(
  query: SelectQueryBuilder<DB, TB, O>,
  tenantId: string,
  match: Match<DB, TB>,
  column: K,
): Promise<O[K][]> {
  return (await tenantRows(query, tenantId, match)).map((r) => r[column]);
}

/** Deletes the tenant's rows whose columns equal `match`; whether there was any. */
export async function deleteTenantRows<DB, TB extends keyof DB, O>(
  query: DeleteQueryBuilder<DB, TB, O>,
  tenantId: string,
  match: Match<DB, TB>,
): Promise<boolean> {
  const r = await writeMatching(query, tenantId, match).executeTakeFirst();
  return Number((r as { numDeletedRows: bigint }).numDeletedRows) > 0;
}

/** Updates the tenant's rows whose columns equal `match` (the query's `set`); whether there was any. */
export async function updateTenantRows<DB, UT extends keyof DB, TB extends keyof DB, O>(
  query: UpdateQueryBuilder<DB, UT, TB, O>,
  tenantId: string,
  match: Match<DB, UT>,
): Promise<boolean> {
  const r = await writeMatching(query, tenantId, match).executeTakeFirst();
  return Number((r as { numUpdatedRows: bigint }).numUpdatedRows) > 0;
}
