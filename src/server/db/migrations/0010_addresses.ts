import { type Kysely, sql } from 'kysely';
import * as ddl from '../migration-helpers.js';

// Migrations import nothing from the app: they describe tables as they were at this version.
//
// A user's other e-mail addresses (Graph `otherMails`), normalised to lower case, one row each, so
// that "who has this address" (invitations, guest sign-in) is an index lookup instead of a LIKE over
// every user's JSON array. `users.other_mails` stays the source of the property's value and order;
// this table is rewritten with it in the same transaction. Not unique per address: Graph lets two
// users list the same other address (the oldest user wins the lookup, as before).

export async function up(db: Kysely<unknown>): Promise<void> {
  await ddl.createTableWithKey(db, 'user_other_mails', ['tenant_id', 'address_lower', 'user_id'], {
    tenant_id: 'text not null',
    address_lower: 'text not null',
    user_id: 'text not null references users.id on delete cascade',
  });
  await ddl.createIndex(db, 'user_other_mails_user_ix', 'user_other_mails', ['user_id']);

  // Backfill in batches by id (a large directory must not be read into memory at once).
  let after = '';
  for (;;) {
    const rows = (
      await sql<{ id: string; tenant_id: string; other_mails: string }>`
        select id, tenant_id, other_mails from users where id > ${after} and other_mails <> '[]' order by id limit 1000
      `.execute(db)
    ).rows;
    if (rows.length === 0) break;
    const values = new Map<string, { tenant_id: string; address_lower: string; user_id: string }>();
    for (const r of rows) {
      let mails: unknown;
      try {
        mails = JSON.parse(r.other_mails);
      } catch {
        mails = [];
      }
      for (const m of Array.isArray(mails) ? mails : []) {
        if (typeof m !== 'string' || !m.trim()) continue;
        const address_lower = m.trim().toLowerCase();
        values.set(`${r.id} ${address_lower}`, { tenant_id: r.tenant_id, address_lower, user_id: r.id });
      }
    }
    if (values.size) {
      await db
        .insertInto('user_other_mails' as never)
        .values([...values.values()] as never)
        .execute();
    }
    after = rows[rows.length - 1]?.id ?? after;
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('user_other_mails').ifExists().execute();
}
