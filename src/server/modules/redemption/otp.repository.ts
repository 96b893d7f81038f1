import { sql } from 'kysely';
import type { Executor } from '../../db/index.js';
import type { OtpCodesTable } from './redemption.table.js';

export type OtpRow = OtpCodesTable;

/** What a code is bound to: it only ever works for this tenant, user, purpose and invitation. */
export interface OtpBinding {
  tenantId: string;
  userId: string;
  purpose: 'redeem' | 'signin';
  invitationId: string | null;
}

export async function insertOtp(db: Executor, row: OtpRow): Promise<void> {
  await db.insertInto('otp_codes').values(row).execute();
}

/** Codes sent to an address since `sinceIso` (the per-address hourly limit). */
export async function countOtpsSince(
  db: Executor,
  tenantId: string,
  emailLower: string,
  sinceIso: string,
): Promise<{ count: number; oldest: string | null }> {
  const r = await db
    .selectFrom('otp_codes')
    .select((eb) => [eb.fn.countAll<string | number>().as('n'), eb.fn.min('created_date_time').as('oldest')])
    .where('tenant_id', '=', tenantId)
    .where('email_lower', '=', emailLower)
    .where('created_date_time', '>', sinceIso)
    .executeTakeFirst();
  return { count: Number(r?.n ?? 0), oldest: (r?.oldest as string | null | undefined) ?? null };
}

/** The most recent code of a binding (older ones are superseded by sending a new one). */
export async function findLatestOtp(db: Executor, b: OtpBinding): Promise<OtpRow | undefined> {
  return db
    .selectFrom('otp_codes')
    .selectAll()
    .where('tenant_id', '=', b.tenantId)
    .where('user_id', '=', b.userId)
    .where('purpose', '=', b.purpose)
    .where((eb) => (b.invitationId === null ? eb('invitation_id', 'is', null) : eb('invitation_id', '=', b.invitationId)))
    .orderBy('created_date_time', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/**
 * Consumes a code: one guarded statement, so of any number of concurrent correct submissions
 * exactly one updates the row. False when it was used, burned or expired meanwhile.
 */
export async function consumeOtp(db: Executor, id: string, maxAttempts: number, nowIso: string): Promise<boolean> {
  const r = await db
    .updateTable('otp_codes')
    .set({ consumed_at: nowIso })
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .where('attempts', '<', maxAttempts)
    .where('expires_at', '>', nowIso)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Counts a wrong attempt (guarded: a used or burned code stays as it is); the new count, or undefined. */
export async function recordWrongAttempt(db: Executor, id: string, maxAttempts: number): Promise<number | undefined> {
  const r = await db
    .updateTable('otp_codes')
    .set({ attempts: sql<number>`attempts + 1` })
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .where('attempts', '<', maxAttempts)
    .returning('attempts')
    .executeTakeFirst();
  return r === undefined ? undefined : Number(r.attempts);
}

/** Housekeeping: codes are worthless a day after they expired. */
export async function purgeOtps(db: Executor, beforeIso: string): Promise<void> {
  await db.deleteFrom('otp_codes').where('expires_at', '<', beforeIso).execute();
}
