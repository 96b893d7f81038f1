import { randomBytes } from 'node:crypto';
import type { Executor } from '../db/index.js';
import type { Clock } from '../domain/clock.js';

/**
 * Instance-wide secrets (cookie signing keys, CSRF keys) stored in `instance_secrets`, so every
 * process on one database signs and verifies with the same values and restarts keep sessions.
 * Created on first use; when several processes race, the first insert wins and all read it back.
 */
export async function getOrCreateSecret(
  db: Executor,
  name: string,
  clock: Clock,
  create: () => string = () => randomBytes(32).toString('base64url'),
): Promise<string> {
  const read = () => db.selectFrom('instance_secrets').select('value').where('name', '=', name).executeTakeFirst();
  const existing = await read();
  if (existing) return existing.value;
  await db
    .insertInto('instance_secrets')
    .values({ name, value: create(), created_date_time: clock.now().toISOString() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await read();
  if (!row) throw new Error(`instance secret ${name} could not be created`);
  return row.value;
}
