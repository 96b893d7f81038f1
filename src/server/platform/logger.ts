import pino, { type Logger } from 'pino';
import type { Config } from '../config/index.js';

/** JSON logs; secrets are redacted wherever they could appear. */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
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
  });
}
