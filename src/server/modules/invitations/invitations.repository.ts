import type { Executor } from '../../db/index.js';
import { tenantColumn, tenantRowExists, updateTenantRows } from '../../db/tenant-rows.js';
import type { InvitationsTable } from './invitations.table.js';

export type InvitationRow = InvitationsTable;

export async function insertInvitation(db: Executor, row: InvitationRow): Promise<void> {
  await db.insertInto('invitations').values(row).execute();
}

export async function findInvitation(db: Executor, id: string): Promise<InvitationRow | undefined> {
  return db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The most recent invitation of a user (for resend and the admin's Guests view). */
export async function findLatestInvitationOfUser(
  db: Executor,
  tenantId: string,
  userId: string,
): Promise<InvitationRow | undefined> {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('status', '!=', 'Revoked')
    .orderBy('created_date_time', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/** Reset redemption: every earlier ticket of the user stops working. */
export async function revokeInvitationsOfUser(db: Executor, tenantId: string, userId: string): Promise<void> {
  await updateTenantRows(db.updateTable('invitations').set({ status: 'Revoked' }), tenantId, { user_id: userId });
}

/** Marks the user's pending invitations redeemed (all of them: any of its links now signs in). */
export async function completeInvitationsOfUser(db: Executor, tenantId: string, userId: string, now: string): Promise<void> {
  const complete = db.updateTable('invitations').set({ status: 'Completed', redeemed_date_time: now });
  await updateTenantRows(complete, tenantId, { user_id: userId, status: 'PendingAcceptance' });
}

export async function addSponsor(db: Executor, tenantId: string, userId: string, sponsorId: string, now: string): Promise<void> {
  await db
    .insertInto('user_sponsors')
    .values({ tenant_id: tenantId, user_id: userId, sponsor_id: sponsorId, created_date_time: now })
    .onConflict((oc) => oc.columns(['user_id', 'sponsor_id']).doNothing())
    .execute();
}

export function listSponsorIds(db: Executor, tenantId: string, userId: string): Promise<string[]> {
  const sponsors = db.selectFrom('user_sponsors').select('sponsor_id').orderBy('created_date_time');
  return tenantColumn(sponsors, tenantId, { user_id: userId }, 'sponsor_id');
}

export function isUnsubscribed(db: Executor, tenantId: string, emailLower: string): Promise<boolean> {
  const unsubscribed = db.selectFrom('invitation_unsubscribes').select('email_lower');
  return tenantRowExists(unsubscribed, tenantId, { email_lower: emailLower });
}

export async function setUnsubscribed(
  db: Executor,
  tenantId: string,
  emailLower: string,
  on: boolean,
  now: string,
): Promise<void> {
  if (on) {
    await db
      .insertInto('invitation_unsubscribes')
      .values({ tenant_id: tenantId, email_lower: emailLower, created_date_time: now })
      .onConflict((oc) => oc.columns(['tenant_id', 'email_lower']).doNothing())
      .execute();
  } else {
    await db
      .deleteFrom('invitation_unsubscribes')
      .where('tenant_id', '=', tenantId)
      .where('email_lower', '=', emailLower)
      .execute();
  }
}
