// Finds the PostgreSQL server for the test leg: DATABASE_URL, else 127.0.0.1:5432 (user postgres).
import net from 'node:net';

export const testDatabaseUrl = () =>
  process.env.DATABASE_URL && /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL)
    ? process.env.DATABASE_URL
    : 'postgres://postgres@127.0.0.1:5432/postgres';

/** Resolves true when something accepts TCP connections at the server's address within 1.5 s. */
export function postgresReachable(url = testDatabaseUrl()) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname || '127.0.0.1', port: Number(u.port || 5432) });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1500, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export const loudSkipNotice = (url) =>
  [
    '',
    '################################################################################',
    `#  POSTGRESQL LEG SKIPPED: no server answers at ${url.replace(/\/\/[^@]*@/, '//')}`,
    '#  Only the SQLite leg ran. Start PostgreSQL (see README) or set DATABASE_URL.',
    '#  Set PORTICO_REQUIRE_POSTGRES=1 to make this a failure (CI does).',
    '################################################################################',
    '',
  ].join('\n');
