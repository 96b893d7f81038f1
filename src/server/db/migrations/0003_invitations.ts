import type { Kysely } from 'kysely';

// Guest invitations, redemption one-time passcodes, sponsors, invitation unsubscribes and the
// per-tenant sign-in sessions used by redemption. Same portability rules as 0001.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('invitations')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('invited_email', 'text', (c) => c.notNull())
    .addColumn('invited_email_lower', 'text', (c) => c.notNull())
    .addColumn('invited_user_type', 'text', (c) => c.notNull())
    .addColumn('invited_by_user_id', 'text')
    .addColumn('invited_by_app_id', 'text')
    .addColumn('invite_redirect_url', 'text', (c) => c.notNull())
    // SHA-256 of the redeem ticket; the ticket itself is only ever in the redeem URL.
    .addColumn('ticket_hash', 'text', (c) => c.notNull())
    // PendingAcceptance → Completed (redeemed); Revoked when a reset issued a newer ticket.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('send_invitation_message', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('message_body', 'text')
    .addColumn('message_language', 'text')
    .addColumn('cc_recipients', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('target_group_id', 'text')
    .addColumn('reset_redemption', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .addColumn('redeemed_date_time', 'text')
    .execute();
  await db.schema.createIndex('invitations_ticket_uq').on('invitations').column('ticket_hash').unique().execute();
  await db.schema
    .createIndex('invitations_user_ix')
    .on('invitations')
    .columns(['tenant_id', 'user_id', 'created_date_time'])
    .execute();

  await db.schema
    .createTable('user_sponsors')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('sponsor_id', 'text', (c) => c.notNull())
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_sponsors_pk', ['user_id', 'sponsor_id'])
    .execute();
  await db.schema.createIndex('user_sponsors_sponsor_ix').on('user_sponsors').column('sponsor_id').execute();

  // Addresses that asked not to receive invitations from a tenant ("Block future invitations").
  await db.schema
    .createTable('invitation_unsubscribes')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('email_lower', 'text', (c) => c.notNull())
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('invitation_unsubscribes_pk', ['tenant_id', 'email_lower'])
    .execute();

  // E-mail one-time passcodes (redemption and guest sign-in). Codes are stored as HMAC-SHA256.
  await db.schema
    .createTable('otp_codes')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('email_lower', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('invitation_id', 'text')
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('consumed_at', 'text')
    .execute();
  await db.schema
    .createIndex('otp_codes_email_ix')
    .on('otp_codes')
    .columns(['tenant_id', 'email_lower', 'created_date_time'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['otp_codes', 'invitation_unsubscribes', 'user_sponsors', 'invitations']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
