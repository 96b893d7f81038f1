import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configVariables, loadConfig } from '../../src/server/config/index.js';

const cwd = path.resolve('/srv/portico');

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env, cwd);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('loadConfig defaults', () => {
  it('serves the embedded SQLite database on port 8080 with no configuration at all', () => {
    const c = loadConfig({}, cwd);
    expect(c).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:8080',
      dataDir: path.join(cwd, 'data'),
      database: { kind: 'sqlite', file: path.join(cwd, 'data', 'portico.db') },
      tenantName: 'Portico',
      tenantDomain: 'portico.local',
      logLevel: 'info',
      trustProxy: false,
      accessTokenTtl: 3600,
      signInMaxFailures: { perAccount: 5, perIp: 20, windowSeconds: 900 },
      signingAlg: 'ES256',
      smtpUrl: undefined,
      mailFrom: 'Portico <no-reply@portico.local>',
      outboxWorker: true,
      outboxPollMs: 1000,
      demo: false,
      metricsToken: undefined,
    });
    expect(c.warnings).toEqual([]);
  });

  it('is frozen', () => {
    const c = loadConfig({}, cwd);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.database)).toBe(true);
    expect(() => {
      (c as { port: number }).port = 1;
    }).toThrow();
  });

  it('derives the public URL from PORT and strips trailing slashes from an explicit one', () => {
    expect(loadConfig({ PORT: '9090' }, cwd).publicUrl).toBe('http://localhost:9090');
    expect(loadConfig({ PORTICO_PUBLIC_URL: 'https://id.contoso.com/' }, cwd).publicUrl).toBe('https://id.contoso.com');
  });

  it('selects PostgreSQL when DATABASE_URL is a postgres URL', () => {
    const url = 'postgres://portico:secret@db.internal:5432/portico';
    expect(loadConfig({ DATABASE_URL: url }, cwd).database).toEqual({ kind: 'postgres', url });
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/portico' }, cwd).database.kind).toBe('postgres');
  });

  it('resolves a relative data directory against the working directory', () => {
    expect(loadConfig({ PORTICO_DATA_DIR: 'var/portico' }, cwd).dataDir).toBe(path.join(cwd, 'var', 'portico'));
    expect(loadConfig({ PORTICO_DATA_DIR: '/var/lib/portico' }, cwd).dataDir).toBe('/var/lib/portico');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', PORTICO_LOG_LEVEL: '', DATABASE_URL: '' }, cwd)).toMatchObject({
      port: 8080,
      logLevel: 'info',
      database: { kind: 'sqlite' },
    });
  });

  it('reads every documented value', () => {
    const c = loadConfig(
      {
        PORT: '3000',
        PORTICO_HOST: '0.0.0.0',
        PORTICO_TENANT_NAME: 'Contoso',
        PORTICO_TENANT_DOMAIN: 'Contoso.COM',
        PORTICO_LOG_LEVEL: 'debug',
        PORTICO_TRUST_PROXY: 'true',
        PORTICO_ACCESS_TOKEN_TTL: '600',
        PORTICO_SIGNIN_MAX_FAILURES: '3',
        PORTICO_SIGNING_ALG: 'RS256',
        PORTICO_SMTP_URL: 'smtp://mail.contoso.com:587',
        PORTICO_MAIL_FROM: 'Contoso <it@contoso.com>',
      },
      cwd,
    );
    expect(c).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      tenantName: 'Contoso',
      tenantDomain: 'contoso.com',
      logLevel: 'debug',
      trustProxy: true,
      accessTokenTtl: 600,
      signInMaxFailures: { perAccount: 3, perIp: 12 },
      signingAlg: 'RS256',
      smtpUrl: 'smtp://mail.contoso.com:587',
      mailFrom: 'Contoso <it@contoso.com>',
    });
  });
});

describe('loadConfig problems', () => {
  it('lists every problem at once, each naming its variable', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      PORTICO_PUBLIC_URL: 'ftp://files.contoso.com',
      DATABASE_URL: 'mysql://db/portico',
      PORTICO_LOG_LEVEL: 'loud',
      PORTICO_TRUST_PROXY: 'maybe',
      PORTICO_ACCESS_TOKEN_TTL: '5',
      PORTICO_SIGNING_ALG: 'HS256',
      PORTICO_TENANT_DOMAIN: 'not a domain',
      PORTICO_SMTP_URL: 'http://mail',
    });
    const named = problems.map((p) => p.split(':')[0]);
    expect(named.sort()).toEqual(
      [
        'PORT',
        'PORTICO_PUBLIC_URL',
        'DATABASE_URL',
        'PORTICO_LOG_LEVEL',
        'PORTICO_TRUST_PROXY',
        'PORTICO_ACCESS_TOKEN_TTL',
        'PORTICO_SIGNING_ALG',
        'PORTICO_TENANT_DOMAIN',
        'PORTICO_SMTP_URL',
      ].sort(),
    );
    expect(problems.find((p) => p.startsWith('PORT:'))).toMatch(/whole number/);
    expect(problems.find((p) => p.startsWith('DATABASE_URL:'))).toMatch(/postgres/);
  });

  it('puts all problems in the error message, one per line', () => {
    expect(() => loadConfig({ PORT: '70000', PORTICO_SIGNIN_MAX_FAILURES: '0' }, cwd)).toThrow(
      /Invalid configuration:\n {2}- (PORT|PORTICO_SIGNIN_MAX_FAILURES): .*\n {2}- (PORT|PORTICO_SIGNIN_MAX_FAILURES): /,
    );
  });
});

describe('loadConfig warnings', () => {
  it('warns loudly about plain http on a non-loopback public URL', () => {
    const c = loadConfig({ PORTICO_PUBLIC_URL: 'http://portico.contoso.com' }, cwd);
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toMatch(/PORTICO_PUBLIC_URL.*http.*TLS/);
  });

  it('does not warn for https or for loopback development URLs', () => {
    for (const url of ['https://portico.contoso.com', 'http://localhost:8080', 'http://127.0.0.1:3000', 'http://[::1]:8080']) {
      expect(loadConfig({ PORTICO_PUBLIC_URL: url }, cwd).warnings, url).toEqual([]);
    }
  });
});

describe('configVariables', () => {
  it('documents exactly the variables loadConfig reads', () => {
    // Every documented variable is accepted; an invalid value for each is reported under its name.
    for (const name of Object.keys(configVariables)) {
      expect(name).toMatch(/^(PORTICO_[A-Z0-9_]+|DATABASE_URL|PORT)$/);
      expect(configVariables[name]?.length ?? 0).toBeGreaterThan(10);
    }
    const bogus = Object.fromEntries(Object.keys(configVariables).map((k) => [k, '\u0000not valid\u0000']));
    const reported = new Set(problemsOf(bogus).map((p) => p.split(':')[0]));
    // Free-text variables (names, hosts, paths, sender) accept anything non-empty.
    const freeText = ['PORTICO_HOST', 'PORTICO_DATA_DIR', 'PORTICO_TENANT_NAME', 'PORTICO_MAIL_FROM'];
    for (const name of Object.keys(configVariables)) {
      if (!freeText.includes(name)) expect(reported.has(name), `${name} is validated`).toBe(true);
    }
  });
});
