import type { Executor } from '../../db/index.js';
import { tenantRow } from '../../db/tenant-rows.js';

/** Policy documents are JSON values stored per tenant under a name (authorizationPolicy, …). */
export async function findPolicyDocument<T>(db: Executor, tenantId: string, name: string): Promise<T | undefined> {
  const row = await tenantRow(db.selectFrom('policies').select('value'), tenantId, { name });
  return row ? (JSON.parse(row.value) as T) : undefined;
}

export async function savePolicyDocument(
  db: Executor,
  tenantId: string,
  name: string,
  value: unknown,
  now: string,
): Promise<void> {
  const json = JSON.stringify(value);
  await db
    .insertInto('policies')
    .values({ tenant_id: tenantId, name, value: json, updated_date_time: now })
    .onConflict((oc) => oc.columns(['tenant_id', 'name']).doUpdateSet({ value: json, updated_date_time: now }))
    .execute();
}

/**
 * Takes the row lock of each named policy document (creating the row when missing) so that a
 * read-modify-write inside the transaction cannot lose a concurrent update. Callers lock in one
 * fixed order (authorization policy first) to stay deadlock-free.
 */
export async function lockPolicyDocuments(trx: Executor, tenantId: string, names: readonly string[], now: string): Promise<void> {
  for (const name of names) {
    await trx
      .insertInto('policies')
      .values({ tenant_id: tenantId, name, value: '{}', updated_date_time: now })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'name']).doUpdateSet((eb) => ({ updated_date_time: eb.ref('policies.updated_date_time') })),
      )
      .execute();
  }
}
