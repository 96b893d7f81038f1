import type { Kysely } from 'kysely';
import { createIndex, createTable, dropTables } from '../migration-helpers.js';

// Guest invitations, redemption one-time passcodes, sponsors, invitation unsubscribes and the
// per-tenant sign-in sessions used by redemption. Same portability rules as 0001.

export async function up(db: Kysely<unknown>): Promise<void> {
  await createTable(db, 'invitations', {
    id: 'text primary key not null',
    tenant_id: 'text not null references tenants.id',
    user_id: 'text not null',
    invited_email: 'text not null',
    invited_email_lower: 'text not null',
    invited_user_type: 'text not null',
    invited_by_user_id: 'text',
    invited_by_app_id: 'text',
    invite_redirect_url: 'text not null',
    // SHA-256 of the redeem ticket; the ticket itself is only ever in the redeem URL.
    ticket_hash: 'text not null',
    // PendingAcceptance → Completed (redeemed); Revoked when a reset issued a newer ticket.
    status: 'text not null',
    send_invitation_message: 'integer not null default 0',
    message_body: 'text',
    message_language: 'text',
    cc_recipients: "text not null default '[]'",
    target_group_id: 'text',
    reset_redemption: 'integer not null default 0',
    created_date_time: 'text not null',
    redeemed_date_time: 'text',
  });
  await createIndex(db, 'invitations_ticket_uq', 'invitations', ['ticket_hash'], { unique: true });
  await createIndex(db, 'invitations_user_ix', 'invitations', ['tenant_id', 'user_id', 'created_date_time']);

  await createTable(
    db,
    'user_sponsors',
    {
      tenant_id: 'text not null',
      user_id: 'text not null references users.id on delete cascade',
      sponsor_id: 'text not null',
      created_date_time: 'text not null',
    },
    { primaryKey: ['user_id', 'sponsor_id'] },
  );
  await createIndex(db, 'user_sponsors_sponsor_ix', 'user_sponsors', ['sponsor_id']);

  // Addresses that asked not to receive invitations from a tenant ("Block future invitations").
  await createTable(
    db,
    'invitation_unsubscribes',
    {
      tenant_id: 'text not null references tenants.id',
      email_lower: 'text not null',
      created_date_time: 'text not null',
    },
    { primaryKey: ['tenant_id', 'email_lower'] },
  );

  // E-mail one-time passcodes (redemption and guest sign-in). Codes are stored as HMAC-SHA256.
  await createTable(db, 'otp_codes', {
    id: 'text primary key not null',
    tenant_id: 'text not null',
    user_id: 'text not null',
    email_lower: 'text not null',
    purpose: 'text not null',
    invitation_id: 'text',
    code_hash: 'text not null',
    attempts: 'integer not null default 0',
    created_date_time: 'text not null',
    expires_at: 'text not null',
    consumed_at: 'text',
  });
  await createIndex(db, 'otp_codes_email_ix', 'otp_codes', ['tenant_id', 'email_lower', 'created_date_time']);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['otp_codes', 'invitation_unsubscribes', 'user_sponsors', 'invitations']);
}
