import type { Kysely } from 'kysely';
import * as ddl from '../migration-helpers.js';

// Dynamic membership groups: the user properties membership rules read that users lacked (Graph's
// `country` and `city`), and an index to find a tenant's dynamic groups whose rule is processed
// (membership_rule_processing_state = 'On'), which every user change re-evaluates.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('country', 'text').execute();
  await db.schema.alterTable('users').addColumn('city', 'text').execute();
  await ddl.createIndex(db, 'groups_rule_processing_ix', 'groups', ['tenant_id', 'membership_rule_processing_state']);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('groups_rule_processing_ix').execute();
  await db.schema.alterTable('users').dropColumn('city').execute();
  await db.schema.alterTable('users').dropColumn('country').execute();
}
