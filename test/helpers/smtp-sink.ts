import type { AddressInfo } from 'node:net';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message as the sink received it: SMTP envelope plus the parsed MIME message. */
export interface SinkMessage {
  envelopeFrom: string;
  envelopeTo: string[];
  /** The Message-ID header, with angle brackets. */
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  replyTo: string[];
  subject: string;
  text: string;
  html: string;
  /** Lower-case header name → value (structured values as mailparser gives them). */
  headers: Map<string, unknown>;
  /** The authenticated SMTP user, when the client logged in. */
  user: string | undefined;
}

export interface SmtpSink {
  /** The port stays the same across stop() / start(). */
  readonly port: number;
  /** `smtp://user:pass@127.0.0.1:<port>?ignoreTLS=true` (credentials only when the sink requires them). */
  readonly url: string;
  readonly messages: SinkMessage[];
  readonly running: boolean;
  /** Stops listening (clients get connection refused), keeping received messages. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /** Resolves when at least `n` messages arrived (polling; fails after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<SinkMessage[]>;
  /** Message-ID → how many times it was received. */
  countByMessageId(): Map<string, number>;
  clear(): void;
}

const addresses = (a: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value.map((v) => v.address ?? ''));

function toSinkMessage(mail: ParsedMail, envelopeFrom: string, envelopeTo: string[], user: string | undefined): SinkMessage {
  return {
    envelopeFrom,
    envelopeTo,
    messageId: mail.messageId ?? '',
    from: mail.from?.text ?? '',
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    replyTo: mail.replyTo ? mail.replyTo.value.map((v) => v.address ?? '') : [],
    subject: mail.subject ?? '',
    text: mail.text ?? '',
    html: typeof mail.html === 'string' ? mail.html : '',
    headers: mail.headers as Map<string, unknown>,
    user,
  };
}

/**
 * A real SMTP server (smtp-server) on 127.0.0.1 that parses what it receives (mailparser).
 * With `auth`, it requires that user and password (plain AUTH allowed without TLS, on loopback).
 */
export async function startSmtpSink(opts: { auth?: { user: string; pass: string } } = {}): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  let server: SMTPServer | undefined;
  let port = 0;

  const create = () =>
    new SMTPServer({
      authOptional: opts.auth === undefined,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 500,
      onAuth(auth, _session, callback) {
        if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) {
          callback(null, { user: auth.username });
          return;
        }
        callback(new Error('Authentication failed'));
      },
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((mail) => {
            const envelopeFrom = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
            const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
            const user = typeof session.user === 'string' ? session.user : undefined;
            messages.push(toSinkMessage(mail, envelopeFrom, envelopeTo, user));
            callback();
          })
          .catch((err: Error) => callback(err));
      },
    });

  const start = async () => {
    if (server) return;
    const s = create();
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        s.server.off('error', reject);
        resolve();
      });
    });
    s.on('error', () => {
      // Client-side hang-ups are routine here (refused auth, tests stopping the sink).
    });
    port = (s.server.address() as AddressInfo).port;
    server = s;
  };

  await start();
  const creds = opts.auth ? `${encodeURIComponent(opts.auth.user)}:${encodeURIComponent(opts.auth.pass)}@` : '';

  return {
    get port() {
      return port;
    },
    get url() {
      return `smtp://${creds}127.0.0.1:${port}?ignoreTLS=true`;
    },
    messages,
    get running() {
      return server !== undefined;
    },
    async stop() {
      const s = server;
      server = undefined;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    start,
    async waitFor(n, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (messages.length < n) {
        if (Date.now() > until) throw new Error(`smtp sink: expected ${n} messages, got ${messages.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return messages;
    },
    countByMessageId() {
      const m = new Map<string, number>();
      for (const msg of messages) m.set(msg.messageId, (m.get(msg.messageId) ?? 0) + 1);
      return m;
    },
    clear() {
      messages.length = 0;
    },
  };
}
