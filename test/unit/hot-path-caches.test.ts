import SqliteDatabase from 'better-sqlite3';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from '../../src/server/db/statement-cache.js';
import { recall, remember } from '../../src/server/http/verified-tokens.js';
import { registerSecurityHeaders, securityHeaders } from '../../src/server/http/web.js';

// The work an authenticated request no longer repeats (issue 11): prepared statements, verified
// bearer tokens and helmet's headers are computed once and reused, with the same results.

describe('prepared-statement cache (SQLite)', () => {
  it('prepares each SQL text once, keeps results right and drops the least recently used past the bound', () => {
    const raw = new SqliteDatabase(':memory:');
    let prepared = 0;
    const counting = new Proxy(raw, {
      get(target, prop) {
        if (prop === 'prepare') {
          return (sql: string) => {
            prepared++;
            return target.prepare(sql);
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const db = withStatementCache(counting, 2);
    db.prepare('create table t (x integer)').run([]);
    for (let i = 0; i < 5; i++) db.prepare('insert into t (x) values (?)').run([i]);
    expect(db.prepare('select sum(x) as s from t').all([])).toEqual([{ s: 10 }]);
    expect(prepared).toBe(3);
    // The bound is 2: "create table" was least recently used and is gone; insert is still cached.
    db.prepare('insert into t (x) values (?)').run([5]);
    expect(prepared).toBe(3);
    db.prepare('create table u (y integer)').run([]);
    expect(prepared).toBe(4);
    // A statement cached before a schema change still answers after it (SQLite re-prepares it).
    db.prepare('alter table t add column z text').run([]);
    expect(db.prepare('select sum(x) as s from t').all([])).toEqual([{ s: 15 }]);
    db.close();
    expect(raw.open).toBe(false);
  });
});

describe('verified bearer tokens', () => {
  const owner = {};
  const now = 1_800_000_000_000;

  it('recalls a verified token until its expiry (30 s tolerance), then forgets it', () => {
    remember(owner, 'tok-a', { tenantId: 't1', payload: { exp: now / 1000 + 60 } });
    expect(recall(owner, 'tok-a', now)?.tenantId).toBe('t1');
    expect(recall(owner, 'tok-a', now + 89_000)?.tenantId).toBe('t1');
    expect(recall(owner, 'tok-a', now + 90_000)).toBeUndefined();
    // Forgotten: the next request verifies it again (and gets "expired" from jose).
    expect(recall(owner, 'tok-a', now)).toBeUndefined();
  });

  it('keeps one cache per app and never remembers a token without expiry', () => {
    remember(owner, 'tok-b', { tenantId: 't1', payload: { exp: now / 1000 + 60 } });
    expect(recall({}, 'tok-b', now)).toBeUndefined();
    remember(owner, 'tok-c', { tenantId: 't1', payload: {} });
    expect(recall(owner, 'tok-c', now)).toBeUndefined();
  });
});

describe('security headers', () => {
  const common = {
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'SAMEORIGIN',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  };
  const csp =
    "default-src 'self';script-src 'self';style-src 'self' 'unsafe-inline';connect-src 'self';img-src 'self' data:;" +
    "font-src 'self' data:;object-src 'none';base-uri 'self';form-action 'self';frame-ancestors 'none'";

  it('are the headers helmet computes for Portico (the same as @fastify/helmet set per request)', () => {
    expect(securityHeaders(false)).toEqual({ ...common, 'content-security-policy': csp });
    expect(securityHeaders(true)).toEqual({
      ...common,
      'content-security-policy': `${csp};upgrade-insecure-requests`,
      'strict-transport-security': 'max-age=15552000',
    });
  });

  it('are on every response, and a route can still set a stricter policy of its own', async () => {
    const app = Fastify();
    await registerSecurityHeaders(app, { publicUrl: 'https://id.example.com' });
    app.get('/a', async () => ({ ok: true }));
    app.get('/strict', async (_req, reply) => reply.header('content-security-policy', "default-src 'none'").send('x'));
    const a = await app.inject({ url: '/a' });
    expect(a.headers['strict-transport-security']).toBe('max-age=15552000');
    expect(a.headers['x-frame-options']).toBe('SAMEORIGIN');
    const missing = await app.inject({ url: '/nowhere' });
    expect(missing.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const strict = await app.inject({ url: '/strict' });
    expect(strict.headers['content-security-policy']).toBe("default-src 'none'");
    await app.close();
  });
});
