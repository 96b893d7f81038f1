import type { Kysely } from 'kysely';
import * as ddl from '../migration-helpers.js';

// Guest invitations, redemption one-time passcodes, sponsors, invitation unsubscribes and the
// per-tenant sign-in sessions used by redemption. Same portability rules as 0001.

export async function up(db: Kysely<unknown>): Promise<void> {
  await ddl.createTable(db, 'invitations', {
    ...ddl.TENANT_OBJECT,
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
  await ddl.createIndex(db, 'invitations_ticket_uq', 'invitations', ['ticket_hash'], { unique: true });
  await ddl.createIndex(db, 'invitations_user_ix', 'invitations', ['tenant_id', 'user_id', 'created_date_time']);

  await ddl.createLinkTable(db, 'user_sponsors', ['user_id', 'users.id'], 'sponsor_id');
  await ddl.createIndex(db, 'user_sponsors_sponsor_ix', 'user_sponsors', ['sponsor_id']);

  // Addresses that asked not to receive invitations from a tenant ("Block future invitations").
  await ddl.createTableWithKey(db, 'invitation_unsubscribes', ['tenant_id', 'email_lower'], {
    tenant_id: 'text not null references tenants.id',
    email_lower: 'text not null',
    created_date_time: 'text not null',
  });

  // E-mail one-time passcodes (redemption and guest sign-in). Codes are stored as HMAC-SHA256.
  await ddl.createTable(db, 'otp_codes', {
    ...ddl.TENANT_RECORD,
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
  await ddl.createIndex(db, 'otp_codes_email_ix', 'otp_codes', ['tenant_id', 'email_lower', 'created_date_time']);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await ddl.dropTables(db, ['otp_codes', 'invitation_unsubscribes', 'user_sponsors', 'invitations']);
}
