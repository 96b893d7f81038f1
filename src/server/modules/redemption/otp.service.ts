import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Config } from '../../config/index.js';
import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import type { IdGenerator } from '../../domain/ids.js';
import { escapeHtml } from '../../platform/html.js';
import { enqueueMail } from '../../platform/outbox.js';
import type { Tenant } from '../tenants/tenants.service.js';
import {
  consumeOtp,
  countOtpsSince,
  findLatestOtp,
  insertOtp,
  type OtpBinding,
  purgeOtps,
  recordWrongAttempt,
} from './otp.repository.js';

export type { OtpBinding } from './otp.repository.js';

export interface OtpDeps {
  db: Executor;
  config: Config;
  clock: Clock;
  newId: IdGenerator;
  /** HMAC key for stored codes (an instance secret, `otp-key-1`). */
  key: string;
}

export type SendCodeResult = { status: 'sent'; ttlMinutes: number } | { status: 'throttled'; retryAfterSeconds: number };

/**
 * - `ok`: the code was right and is now consumed (exactly one caller gets this per code);
 * - `incorrect`: wrong code, `remaining` attempts left;
 * - `burned`: too many wrong attempts, a new code is needed;
 * - `expired`: past its lifetime;
 * - `missing`: no code was sent for this binding, or it was already used.
 */
export type VerifyCodeResult =
  | { status: 'ok' }
  | { status: 'incorrect'; remaining: number }
  | { status: 'burned' }
  | { status: 'expired' }
  | { status: 'missing' };

const CODE_DIGITS = 8;

/** `john@contoso.com` → `j•••@contoso.com` (pages name the address without spelling it out). */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '•••';
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

/** The verification-code e-mail (text and HTML; every value escaped in the HTML part). */
export function renderOtpEmail(o: { organizationName: string; code: string; ttlMinutes: number; email: string }) {
  const subject = `Your ${o.organizationName} verification code`;
  const minutes = `${o.ttlMinutes} minute${o.ttlMinutes === 1 ? '' : 's'}`;
  const text = [
    'Account verification code',
    '',
    `To access ${o.organizationName}'s apps and resources, use the code below to verify ${o.email}. The code is valid for ${minutes}.`,
    '',
    `Account verification code: ${o.code}`,
    '',
    "If you didn't request a code, you can ignore this e-mail. Never share the code with anyone.",
  ].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html><html><body style="font-family:Segoe UI,system-ui,sans-serif;color:#1b1b1b">
<h1 style="font-size:20px">Account verification code</h1>
<p>To access ${e(o.organizationName)}'s apps and resources, use the code below to verify ${e(o.email)}. The code is valid for ${e(minutes)}.</p>
<p style="font-size:28px;font-weight:600;letter-spacing:4px">${e(o.code)}</p>
<p style="color:#555">If you didn't request a code, you can ignore this e-mail. Never share the code with anyone.</p>
</body></html>`;
  return { subject, text, html };
}

/**
 * E-mail one-time passcodes for guests (redemption and sign-in). Codes are 8 random digits, stored
 * as an HMAC bound to tenant, user, purpose and invitation, valid `config.otp.ttlMinutes`, at most
 * `config.otp.maxAttempts` wrong tries each, at most `config.otp.maxPerHour` per address per hour.
 * No caller authorization here: the sign-in and redemption pages decide who gets a code and the
 * code only ever goes to the address they name (the invited address).
 */
export function createOtpService(deps: OtpDeps) {
  const { ttlMinutes, maxAttempts, maxPerHour } = deps.config.otp;
  let lastPurge = 0;

  const hashOf = (id: string, b: OtpBinding, code: string) =>
    createHmac('sha256', deps.key)
      .update(`${id}|${b.tenantId}|${b.userId}|${b.purpose}|${b.invitationId ?? ''}|${code}`)
      .digest();

  return {
    ttlMinutes,

    /**
     * Issues a new code for `binding` and mails it to `email`: the code row and the outbox row are
     * written in ONE transaction (nothing is sent unless it commits). Refused (`throttled`) when the
     * address already received `maxPerHour` codes in the last hour.
     */
    async sendCode(tenant: Tenant, binding: OtpBinding, email: string): Promise<SendCodeResult> {
      const now = deps.clock.now();
      const emailLower = email.toLowerCase();
      const hourAgo = new Date(now.getTime() - 3600_000).toISOString();
      const result = await deps.db.transaction().execute(async (trx): Promise<SendCodeResult> => {
        const recent = await countOtpsSince(trx, binding.tenantId, emailLower, hourAgo);
        if (recent.count >= maxPerHour) {
          const frees = recent.oldest ? new Date(recent.oldest).getTime() + 3600_000 : now.getTime() + 3600_000;
          return { status: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil((frees - now.getTime()) / 1000)) };
        }
        const code = String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
        const id = deps.newId();
        await insertOtp(trx, {
          id,
          tenant_id: binding.tenantId,
          user_id: binding.userId,
          email_lower: emailLower,
          purpose: binding.purpose,
          invitation_id: binding.invitationId,
          code_hash: hashOf(id, binding, code).toString('hex'),
          attempts: 0,
          created_date_time: now.toISOString(),
          expires_at: new Date(now.getTime() + ttlMinutes * 60_000).toISOString(),
          consumed_at: null,
        });
        const mail = renderOtpEmail({ organizationName: tenant.displayName, code, ttlMinutes, email });
        await enqueueMail(
          trx,
          { clock: deps.clock, newId: deps.newId, mailFrom: deps.config.mailFrom },
          { tenant, kind: 'otp', to: [email], subject: mail.subject, text: mail.text, html: mail.html },
        );
        return { status: 'sent', ttlMinutes };
      });
      if (now.getTime() - lastPurge > 3600_000) {
        lastPurge = now.getTime();
        await purgeOtps(deps.db, new Date(now.getTime() - 24 * 3600_000).toISOString());
      }
      return result;
    },

    /**
     * Checks `code` against the latest code of `binding`, in constant time. A right code is
     * consumed by one guarded UPDATE (used, burned or expired codes never match); a wrong one
     * counts an attempt by another guarded UPDATE.
     */
    async verifyCode(binding: OtpBinding, code: string): Promise<VerifyCodeResult> {
      const nowIso = deps.clock.now().toISOString();
      const row = await findLatestOtp(deps.db, binding);
      if (!row || row.consumed_at !== null) return { status: 'missing' };
      if (row.attempts >= maxAttempts) return { status: 'burned' };
      if (row.expires_at <= nowIso) return { status: 'expired' };
      const typed = code.replace(/[\s-]/g, '').slice(0, 32);
      const expected = Buffer.from(row.code_hash, 'hex');
      const actual = hashOf(row.id, binding, typed);
      const right = /^\d+$/.test(typed) && actual.length === expected.length && timingSafeEqual(actual, expected);
      if (right) {
        if (await consumeOtp(deps.db, row.id, maxAttempts, nowIso)) return { status: 'ok' };
        const again = await findLatestOtp(deps.db, binding);
        if (again && again.id === row.id && again.consumed_at === null && again.attempts >= maxAttempts)
          return { status: 'burned' };
        return { status: 'missing' };
      }
      const attempts = await recordWrongAttempt(deps.db, row.id, maxAttempts);
      if (attempts === undefined) {
        const again = await findLatestOtp(deps.db, binding);
        return again && again.consumed_at === null && again.attempts >= maxAttempts
          ? { status: 'burned' }
          : { status: 'missing' };
      }
      return attempts >= maxAttempts ? { status: 'burned' } : { status: 'incorrect', remaining: maxAttempts - attempts };
    },
  };
}

export type OtpService = ReturnType<typeof createOtpService>;
