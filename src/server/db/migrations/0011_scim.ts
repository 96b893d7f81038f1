import type { Kysely } from 'kysely';
import * as ddl from '../migration-helpers.js';

// SCIM 2.0 provisioning (protocols/scim): the client's own identifier of a user or group
// (`externalId`, RFC 7643 §3.1), kept as sent (case-exact) and looked up per tenant. Nothing else
// of SCIM is stored: lastModified and version are read from the audit log.

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['users', 'groups']) {
    await db.schema.alterTable(table).addColumn('external_id', 'text').execute();
    await ddl.createIndex(db, `${table}_external_id_ix`, table, ['tenant_id', 'external_id']);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['users', 'groups']) {
    await db.schema.dropIndex(`${table}_external_id_ix`).ifExists().execute();
    await db.schema.alterTable(table).dropColumn('external_id').execute();
  }
}
