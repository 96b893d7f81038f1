import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from '../config/index.js';

/**
 * JSON logs without secrets. Credentials travel in URLs and forms (redeem tickets, authorization
 * codes, OAuth state, passcodes, SAML messages, client secrets), so at every level:
 * - URLs of requests are logged with the values of credential parameters replaced (`req` serializer);
 * - the same parameters are masked in every message text and top-level string field (a URL inside
 *   an error message, Fastify's "Route … not found");
 * - properties named like a credential, and `Authorization`/`Cookie`/`Set-Cookie` headers, are
 *   censored wherever an object is logged (pino `redact`); request bodies are never logged.
 * The one deliberate exception is the development mailbox (used only while PORTICO_SMTP_URL is
 * unset): it logs the links of each message it stores, invitation tickets included, because the
 * console is its inbox (README, "Without SMTP settings"). Those lines carry `devMailbox: true`.
 */

/** Query and form parameters that carry credentials or bind a session (compared case-insensitively). */
const SECRET_PARAMETERS = [
  'ticket',
  'code',
  'state',
  'nonce',
  'id_token_hint',
  'client_secret',
  'password',
  'otp',
  'code_verifier',
  'refresh_token',
  'access_token',
  'id_token',
  'token',
  'client_assertion',
  'assertion',
  'samlrequest',
  'samlresponse',
  'relaystate',
  'sig',
  'csrf',
];
const SECRET_SET: ReadonlySet<string> = new Set(SECRET_PARAMETERS);

export const REDACTED = '[redacted]';

/** `name=value` pairs of secret parameters inside any text (a URL, a form body, a message). */
const SECRET_IN_TEXT = new RegExp(`(^|[?&;\\s"'(])(${SECRET_PARAMETERS.join('|')})=[^&\\s"'<>)#]*`, 'gi');

/** Text with the values of secret parameters replaced. */
export function redactText(text: string): string {
  return text.replace(SECRET_IN_TEXT, `$1$2=${REDACTED}`);
}

const decodeName = (name: string): string => {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return name.toLowerCase();
  }
};

/**
 * A request URL (path and query) with the values of secret parameters replaced; parameter names are
 * compared after decoding, so `%74icket=` is caught too.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq >= 0 && SECRET_SET.has(decodeName(pair.slice(0, eq))) ? `${pair.slice(0, eq + 1)}${REDACTED}` : pair;
    })
    .join('&');
  return redactText(`${url.slice(0, q)}?${query}`);
}

type LoggedRequest = {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
  raw?: IncomingMessage;
};

/** Fastify's request serializer, with the URL redacted (and never headers or body). */
function serializeRequest(req: LoggedRequest) {
  return {
    method: req.method,
    url: redactUrl(String(req.url ?? req.raw?.url ?? '')),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/** pino's error serializer, with secrets in the message and stack masked. */
function serializeError(err: Error) {
  const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) if (typeof v === 'string') out[k] = redactText(v);
  return out;
}

/** Top-level string fields (and string lists) of a log line, masked; the dev mailbox keeps its links. */
function redactFields(obj: Record<string, unknown>): Record<string, unknown> {
  if (obj.devMailbox === true) return obj;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'string') out[k] = redactText(v);
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v.map(redactText);
    else out[k] = v;
  }
  return out;
}

const secretKeys = ['password', 'passwordProfile', 'clientSecret', 'client_secret', 'secretText', 'ticket', 'otp'];

/**
 * The request a piece of code runs for, whoever logs: route handlers log through `req.log` (which
 * carries `reqId`), but adapters and services built once at start (oidc-provider, the SAML IdP) log
 * through the app's logger; the mixin in createLogger adds the request id to those lines too.
 */
const requestScope = new AsyncLocalStorage<{ reqId: string; memo?: Map<string, Promise<unknown>> }>();

/** Runs the rest of a request's handling (`next`) in its scope: call from the first onRequest hook. */
export function enterRequestScope(reqId: string, next: () => void): void {
  requestScope.run({ reqId }, next);
}

/**
 * `load()` once per request: later calls with the same key in the same request share its result
 * (outside a request, every call loads). For lookups that several independent steps of one request
 * repeat — oidc-provider asks for the same client three times per token — where a longer-lived
 * cache would need invalidation across instances.
 */
export function oncePerRequest<T>(key: string, load: () => Promise<T>): Promise<T> {
  const scope = requestScope.getStore();
  if (!scope) return load();
  scope.memo ??= new Map();
  let loaded = scope.memo.get(key) as Promise<T> | undefined;
  if (!loaded) {
    loaded = load();
    scope.memo.set(key, loaded);
  }
  return loaded;
}

/**
 * The server's logger. `destination` (tests) receives the JSON lines instead of standard output.
 */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    // Every line written while a request is served carries its id (req.log already binds it).
    mixin(_merge, _level, logger) {
      const scope = requestScope.getStore();
      if (!scope || (logger as Logger).bindings().reqId !== undefined) return {};
      return { reqId: scope.reqId };
    },
    serializers: { req: serializeRequest, err: serializeError },
    formatters: { log: redactFields },
    hooks: {
      // Message texts (and printf-style arguments) are masked too.
      logMethod(args, method) {
        // The development mailbox's lines are its inbox (see above): links and passcodes stay readable.
        if ((args[0] as { devMailbox?: unknown } | undefined)?.devMailbox === true) return method.apply(this, args);
        const masked = args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as typeof args;
        // Without a message pino would take the error's own message, unmasked.
        const [first] = args;
        const err = first instanceof Error ? first : (first as { err?: unknown } | undefined)?.err;
        if (err instanceof Error && typeof args[1] !== 'string') masked.splice(1, 0, redactText(err.message));
        return method.apply(this, masked);
      },
    },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        'headers.authorization',
        'headers.cookie',
        ...secretKeys,
        ...secretKeys.map((k) => `*.${k}`),
        'SAMLRequest',
        'SAMLResponse',
        '*.SAMLRequest',
        '*.SAMLResponse',
      ],
      censor: REDACTED,
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
