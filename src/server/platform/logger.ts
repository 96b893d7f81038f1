import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from '../config/index.js';

/**
 * The request a piece of code runs for, whoever logs: route handlers log through `req.log` (which
 * carries `reqId`), but adapters and services built once at start (oidc-provider, the SAML IdP) log
 * through the app's logger; the mixin below adds the request id to those lines too.
 */
const requestScope = new AsyncLocalStorage<{ reqId: string }>();

/** Runs the rest of a request's handling (`next`) in its scope: call from the first onRequest hook. */
export function enterRequestScope(reqId: string, next: () => void): void {
  requestScope.run({ reqId }, next);
}

/** JSON logs; secrets are redacted wherever they could appear; every line of a request has its `reqId`. */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    mixin(_merge, _level, logger) {
      const scope = requestScope.getStore();
      // A child logger of the request (req.log) already binds reqId.
      if (!scope || (logger as Logger).bindings().reqId !== undefined) return {};
      return { reqId: scope.reqId };
    },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.passwordProfile',
        '*.clientSecret',
        '*.client_secret',
        '*.secretText',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
