import type { SMTPTransportOptions } from 'nodemailer';
import type { Config } from '../config/index.js';
import type { MailPayload } from './outbox.js';

/** One outbox row handed to a mailer. */
export interface OutgoingMail {
  outboxId: string;
  tenantId: string;
  kind: string;
  /** Stable `Message-ID` (`<uuid@tenant-domain>`): every delivery attempt carries the same one. */
  messageId: string;
  payload: MailPayload;
}

export interface Mailer {
  /** `smtp` when PORTICO_SMTP_URL is set, otherwise the built-in development mailbox. */
  readonly kind: 'smtp' | 'devMailbox';
  /** Where mail goes, for logs (never contains credentials). */
  readonly description: string;
  /** Delivers one message; rejects when it could not be handed over (the worker retries). */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** The part of a pino / Fastify logger the mail code uses. */
export interface MailLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

// Fail fast enough that a batch finishes well inside its 60 s lease even when the server hangs.
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000, dnsTimeout: 10_000 };

const TRUE = new Set(['1', 'true', 'yes', 'on']);

/**
 * Transport options from `smtp://user:pass@host:587` / `smtps://user:pass@host:465`. User and
 * password are percent-decoded. Query flags: `ignoreTLS`, `requireTLS` (plain smtp: STARTTLS),
 * `rejectUnauthorized=false` (self-signed relay), `name` (EHLO host name).
 */
export function smtpTransportOptions(smtpUrl: string): SMTPTransportOptions {
  const u = new URL(smtpUrl);
  const secure = u.protocol === 'smtps:';
  const q = u.searchParams;
  const flag = (k: string) => (q.has(k) ? TRUE.has((q.get(k) ?? '').toLowerCase()) : undefined);
  const opts: SMTPTransportOptions = {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    ...SMTP_TIMEOUTS,
  };
  if (u.username || u.password) {
    opts.auth = { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) };
  }
  const ignoreTLS = flag('ignoreTLS');
  if (ignoreTLS !== undefined) opts.ignoreTLS = ignoreTLS;
  const requireTLS = flag('requireTLS');
  if (requireTLS !== undefined) opts.requireTLS = requireTLS;
  if (flag('rejectUnauthorized') === false) opts.tls = { rejectUnauthorized: false };
  const name = q.get('name');
  if (name) opts.name = name;
  return opts;
}

/** `smtp://host:port` without credentials, for logs and the admin view. */
export function describeSmtpUrl(smtpUrl: string): string {
  const u = new URL(smtpUrl);
  return `${u.protocol}//${u.host}`;
}

/**
 * A short error text for `outbox.last_error` and logs: message, SMTP code and response, with any
 * secret (the SMTP password, user:pass@) removed and the length capped.
 */
export function describeMailError(err: unknown, secrets: readonly string[] = [], max = 1000): string {
  const e = err as { message?: unknown; code?: unknown; responseCode?: unknown; response?: unknown } | null;
  const parts: string[] = [];
  if (e && typeof e.code === 'string') parts.push(e.code);
  if (e && typeof e.responseCode === 'number') parts.push(String(e.responseCode));
  let text = e && typeof e.message === 'string' ? e.message : String(err);
  if (e && typeof e.response === 'string' && !text.includes(e.response)) text += ` (${e.response})`;
  if (parts.length > 0) text = `${parts.join(' ')}: ${text}`;
  text = text.replace(/\/\/[^/\s:@]*:[^/\s@]*@/g, '//[redacted]@');
  for (const s of secrets) if (s.length >= 3) text = text.split(s).join('[redacted]');
  text = text.replace(/[\r\n\t]+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function smtpMailer(smtpUrl: string, logger: MailLogger): Mailer {
  const options = smtpTransportOptions(smtpUrl);
  const secrets = options.auth?.pass ? [options.auth.pass, encodeURIComponent(options.auth.pass)] : [];
  // One connection per message, no pool: nothing stays connected between polls, and a relay that
  // restarts is simply reached again on the next attempt. nodemailer is loaded with the SMTP mailer only.
  const transport = import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(options));
  transport.catch(() => {}); // a failure surfaces on the first send, as a delivery failure
  const description = describeSmtpUrl(smtpUrl);
  return {
    kind: 'smtp',
    description,
    async send(mail) {
      const p = mail.payload;
      try {
        await (await transport).sendMail({
          from: p.from,
          to: p.to,
          ...(p.cc.length > 0 ? { cc: p.cc } : {}),
          ...(p.replyTo === undefined ? {} : { replyTo: p.replyTo }),
          subject: p.subject,
          text: p.text,
          ...(p.html === undefined ? {} : { html: p.html }),
          headers: p.headers,
          messageId: mail.messageId,
        });
      } catch (err) {
        // Re-throw a sanitised error: the raw one may quote the connection URL.
        const safe = new Error(describeMailError(err, secrets));
        logger.warn({ outboxId: mail.outboxId, smtp: description, err: safe.message }, 'mail delivery failed');
        throw safe;
      }
    },
    close() {
      void transport.then((t) => t.close());
    },
  };
}

/**
 * The mailer named by the configuration: SMTP (nodemailer) when `PORTICO_SMTP_URL` is set,
 * otherwise `fallback` (the development mailbox, built by the composition root).
 */
export function createMailer(config: Pick<Config, 'smtpUrl'>, logger: MailLogger, fallback?: () => Mailer): Mailer {
  if (config.smtpUrl) return smtpMailer(config.smtpUrl, logger);
  if (!fallback) throw new Error('createMailer: PORTICO_SMTP_URL is not set and no development mailbox was given');
  return fallback();
}
