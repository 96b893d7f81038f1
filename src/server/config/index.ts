import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The only reader of process.env. Every variable is documented in `docs/configuration.md` and the
 * README's table (a test keeps them in step with `configVariables`).
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** Externally visible base URL, no trailing slash. Used for the issuer, links and e-mails. */
  readonly publicUrl: string;
  readonly dataDir: string;
  /** `sqlite` file under dataDir, or PostgreSQL when DATABASE_URL is a postgres URL. */
  readonly database: { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'postgres'; readonly url: string };
  readonly tenantName: string;
  readonly tenantDomain: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly trustProxy: boolean;
  /** PEM files to serve https with (both or neither); undefined: plain http (or TLS at a proxy). */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  /** Access-token lifetime in seconds. */
  readonly accessTokenTtl: number;
  /** Failed sign-in attempts allowed per account / per IP in the window before refusal. */
  readonly signInMaxFailures: { readonly perAccount: number; readonly perIp: number; readonly windowSeconds: number };
  readonly signingAlg: 'ES256' | 'RS256';
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  /** Deliver the outbox from this process (`PORTICO_OUTBOX_WORKER=on`, the default). */
  readonly outboxWorker: boolean;
  /** Outbox polling interval in milliseconds. */
  readonly outboxPollMs: number;
  /** Serve the demo application of `portico demo` under /demo/expenses. */
  readonly demo: boolean;
  /** Bearer token that `GET /metrics` requires; undefined: the endpoint is open (block it at the proxy). */
  readonly metricsToken: string | undefined;
  /** Invitations allowed per tenant per window (Graph: 150 per 5 seconds). */
  readonly invitationRateLimit: { readonly max: number; readonly windowSeconds: number };
  /** E-mail one-time passcodes: lifetime and how many may be sent to one address per hour. */
  readonly otp: { readonly ttlMinutes: number; readonly maxPerHour: number; readonly maxAttempts: number };
  readonly warnings: readonly string[];
}

/** Name → description (and default), the single source for the README table and docs. */
export const configVariables: Record<string, string> = {
  PORT: 'TCP port to listen on. Default `8080`.',
  PORTICO_HOST: 'Interface to bind. Default `127.0.0.1`; use `0.0.0.0` in a container or behind a load balancer.',
  PORTICO_PUBLIC_URL: 'Externally visible base URL (issuer, links in e-mails, redirects). Default `http://localhost:<PORT>`.',
  PORTICO_DATA_DIR: 'Directory for the embedded SQLite database (`portico.db`). Default `./data`.',
  DATABASE_URL: 'When set to `postgres://…`, PostgreSQL is used instead of the embedded SQLite file.',
  PORTICO_TENANT_NAME: 'Display name of the default tenant created on first start. Default `Portico`.',
  PORTICO_TENANT_DOMAIN:
    'Initial domain of the default tenant (user principal names, guest UPNs `…#EXT#@<domain>`). Default `portico.local`.',
  PORTICO_LOG_LEVEL: 'pino log level: fatal, error, warn, info, debug, trace, silent. Default `info`.',
  PORTICO_TRUST_PROXY: 'Trust `X-Forwarded-*` headers from a reverse proxy (`true`/`false`). Default `false`.',
  PORTICO_TLS_CERT:
    'PEM certificate (chain) to serve https with; set together with `PORTICO_TLS_KEY`. `npx portico dev-cert` makes a local one. Unset: plain http.',
  PORTICO_TLS_KEY: 'PEM private key of `PORTICO_TLS_CERT`.',
  PORTICO_ACCESS_TOKEN_TTL: 'Access-token lifetime in seconds (60–86400). Default `3600`.',
  PORTICO_SIGNIN_MAX_FAILURES:
    'Failed password sign-ins allowed per account within 15 minutes before further attempts are refused (per IP: 4×). Default `5`.',
  PORTICO_SIGNING_ALG: 'Algorithm of newly generated token-signing keys: `ES256` (default) or `RS256`.',
  PORTICO_INVITATION_RATE_LIMIT:
    "Invitations per organization per time window, as `<count>/<seconds>` (429 with Retry-After beyond it). Default `150/5` (Graph's limit).",
  PORTICO_OTP_TTL_MINUTES: 'Lifetime of e-mail one-time passcodes in minutes (1–60). Default `10` (Entra uses 30).',
  PORTICO_OTP_MAX_PER_HOUR: 'One-time passcodes that may be sent to one address per hour (1–100). Default `5`.',
  PORTICO_SMTP_URL: 'SMTP server for outgoing mail, e.g. `smtp://user:pass@host:587` or `smtps://…`. Unset: the dev mailbox.',
  PORTICO_MAIL_FROM: 'Sender address of outgoing mail. Default `Portico <no-reply@<tenant domain>>`.',
  PORTICO_OUTBOX_WORKER:
    'Deliver queued mail from this process: `on` (default) or `off` (e.g. web-only replicas while other processes deliver; several workers may run at once on PostgreSQL).',
  PORTICO_OUTBOX_POLL_MS: 'How often the mail outbox is polled for due messages, in milliseconds (50–60000). Default `1000`.',
  PORTICO_DEMO:
    'Serve the demo SAML application "Expenses" under `/demo/expenses`: `on` or `off` (default). `portico demo` and `serve --demo` turn it on and set up its scenario.',
  PORTICO_METRICS_TOKEN:
    'When set (16+ characters), `GET /metrics` requires `Authorization: Bearer <token>`. Unset: open to anyone who reaches it; block it at the proxy.',
};

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const intIn = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));

const schema = z.object({
  PORT: intIn(0, 65535).optional(),
  PORTICO_HOST: z.string().min(1).optional(),
  PORTICO_PUBLIC_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  PORTICO_DATA_DIR: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  PORTICO_TENANT_NAME: z.string().min(1).max(256).optional(),
  PORTICO_TENANT_DOMAIN: z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'must be a domain name such as contoso.com')
    .optional(),
  PORTICO_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  PORTICO_TRUST_PROXY: bool.optional(),
  PORTICO_TLS_CERT: z.string().min(1).optional(),
  PORTICO_TLS_KEY: z.string().min(1).optional(),
  PORTICO_ACCESS_TOKEN_TTL: intIn(60, 86400).optional(),
  PORTICO_SIGNIN_MAX_FAILURES: intIn(1, 1000).optional(),
  PORTICO_SIGNING_ALG: z.enum(['ES256', 'RS256']).optional(),
  PORTICO_INVITATION_RATE_LIMIT: z
    .string()
    .regex(/^\d{1,6}\/\d{1,5}$/, 'must look like 150/5 (count/seconds)')
    .transform((v) => {
      const [max, seconds] = v.split('/').map(Number);
      return { max: max ?? 150, windowSeconds: seconds ?? 5 };
    })
    .refine((v) => v.max >= 1 && v.windowSeconds >= 1, 'count and seconds must be at least 1')
    .optional(),
  PORTICO_OTP_TTL_MINUTES: intIn(1, 60).optional(),
  PORTICO_OTP_MAX_PER_HOUR: intIn(1, 100).optional(),
  PORTICO_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  PORTICO_MAIL_FROM: z.string().min(3).optional(),
  PORTICO_OUTBOX_WORKER: z.enum(['on', 'off']).optional(),
  PORTICO_OUTBOX_POLL_MS: intIn(50, 60000).optional(),
  PORTICO_DEMO: z.enum(['on', 'off']).optional(),
  PORTICO_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').max(256).optional(),
});

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Both TLS files or neither, existing (checked at start, not at the first connection). */
function tlsProblems(cert: string | undefined, key: string | undefined, cwd: string): string[] {
  if (cert === undefined && key === undefined) return [];
  const problems: string[] = [];
  if (cert === undefined) problems.push('PORTICO_TLS_CERT: must be set together with PORTICO_TLS_KEY');
  if (key === undefined) problems.push('PORTICO_TLS_KEY: must be set together with PORTICO_TLS_CERT');
  for (const [name, file] of [
    ['PORTICO_TLS_CERT', cert],
    ['PORTICO_TLS_KEY', key],
  ] as const) {
    if (file !== undefined && !fs.existsSync(path.resolve(cwd, file))) problems.push(`${name}: no such file ${file}`);
  }
  return problems;
}

/** Reads and validates configuration, listing every problem at once. Returns a frozen object. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  const parsed = schema.safeParse(raw);
  const tlsIssues = tlsProblems(raw.PORTICO_TLS_CERT, raw.PORTICO_TLS_KEY, cwd);
  if (!parsed.success || tlsIssues.length) {
    throw new ConfigError([...(parsed.error?.issues.map((i) => `${String(i.path[0])}: ${i.message}`) ?? []), ...tlsIssues]);
  }
  const e = parsed.data;
  const port = e.PORT ?? 8080;
  const warnings: string[] = [];
  const tls =
    e.PORTICO_TLS_CERT && e.PORTICO_TLS_KEY
      ? Object.freeze({ certFile: path.resolve(cwd, e.PORTICO_TLS_CERT), keyFile: path.resolve(cwd, e.PORTICO_TLS_KEY) })
      : undefined;
  const publicUrl = (e.PORTICO_PUBLIC_URL ?? `${tls ? 'https' : 'http'}://localhost:${port}`).replace(/\/+$/, '');
  if (publicUrl.startsWith('http://') && !/^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(publicUrl)) {
    warnings.push(
      `PORTICO_PUBLIC_URL ${publicUrl} is plain http on a non-loopback host: sessions and tokens travel unencrypted. Put Portico behind TLS.`,
    );
  }
  const dataDir = path.resolve(cwd, e.PORTICO_DATA_DIR ?? './data');
  const tenantDomain = (e.PORTICO_TENANT_DOMAIN ?? 'portico.local').toLowerCase();
  return Object.freeze({
    port,
    host: e.PORTICO_HOST ?? '127.0.0.1',
    publicUrl,
    dataDir,
    database: e.DATABASE_URL
      ? Object.freeze({ kind: 'postgres' as const, url: e.DATABASE_URL })
      : Object.freeze({ kind: 'sqlite' as const, file: path.join(dataDir, 'portico.db') }),
    tenantName: e.PORTICO_TENANT_NAME ?? 'Portico',
    tenantDomain,
    logLevel: e.PORTICO_LOG_LEVEL ?? 'info',
    trustProxy: e.PORTICO_TRUST_PROXY ?? false,
    tls,
    accessTokenTtl: e.PORTICO_ACCESS_TOKEN_TTL ?? 3600,
    signInMaxFailures: Object.freeze({
      perAccount: e.PORTICO_SIGNIN_MAX_FAILURES ?? 5,
      perIp: (e.PORTICO_SIGNIN_MAX_FAILURES ?? 5) * 4,
      windowSeconds: 900,
    }),
    signingAlg: e.PORTICO_SIGNING_ALG ?? 'ES256',
    smtpUrl: e.PORTICO_SMTP_URL,
    mailFrom: e.PORTICO_MAIL_FROM ?? `Portico <no-reply@${tenantDomain}>`,
    outboxWorker: (e.PORTICO_OUTBOX_WORKER ?? 'on') === 'on',
    outboxPollMs: e.PORTICO_OUTBOX_POLL_MS ?? 1000,
    demo: e.PORTICO_DEMO === 'on',
    metricsToken: e.PORTICO_METRICS_TOKEN,
    invitationRateLimit: Object.freeze(e.PORTICO_INVITATION_RATE_LIMIT ?? { max: 150, windowSeconds: 5 }),
    otp: Object.freeze({
      ttlMinutes: e.PORTICO_OTP_TTL_MINUTES ?? 10,
      maxPerHour: e.PORTICO_OTP_MAX_PER_HOUR ?? 5,
      maxAttempts: 5,
    }),
    warnings: Object.freeze(warnings),
  });
}
