import type { SelectQueryBuilder } from 'kysely';

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
