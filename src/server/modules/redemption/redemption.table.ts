export interface OtpCodesTable {
  id: string;
  tenant_id: string;
  user_id: string;
  email_lower: string;
  purpose: 'redeem' | 'signin';
  invitation_id: string | null;
  code_hash: string;
  attempts: number;
  created_date_time: string;
  expires_at: string;
  consumed_at: string | null;
}

/** Tables owned by this unit; only its repository queries them (db/types.ts assembles the database type). */
export interface RedemptionTables {
  otp_codes: OtpCodesTable;
}
