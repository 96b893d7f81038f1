import { describe, expect, it } from 'vitest';
import { isGuid, randomSecret, uuidv7 } from '../../src/server/domain/ids.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7', () => {
  it('is a lowercase GUID string with version 7 and the RFC 9562 variant', () => {
    for (let i = 0; i < 1000; i++) {
      const id = uuidv7();
      expect(id).toMatch(V7);
      expect(isGuid(id)).toBe(true);
    }
  });

  it('carries the creation time in its first 48 bits', () => {
    const before = Date.now();
    const id = uuidv7();
    const after = Date.now();
    const ms = Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    // The per-process counter may push the stamp a few ms ahead when ids are minted in bursts.
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after + 50);
  });

  it('orders 10,000 ids minted in a burst strictly by creation (as strings), with no duplicates', () => {
    const ids = Array.from({ length: 10_000 }, () => uuidv7());
    for (let i = 1; i < ids.length; i++) {
      const prev = ids[i - 1] as string;
      const cur = ids[i] as string;
      if (!(prev < cur)) expect.fail(`id ${i} (${cur}) does not sort after id ${i - 1} (${prev})`);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});

describe('isGuid', () => {
  it('accepts GUIDs in either case and rejects anything else', () => {
    expect(isGuid('62E90394-69F5-4237-9190-012177145E10')).toBe(true);
    expect(isGuid('62e90394-69f5-4237-9190-012177145e10')).toBe(true);
    for (const bad of [
      '',
      'adele@contoso.com',
      '62e9039469f542379190012177145e10',
      '62e90394-69f5-4237-9190-012177145e1g',
      ' 62e90394-69f5-4237-9190-012177145e10',
    ]) {
      expect(isGuid(bad), bad).toBe(false);
    }
  });
});

describe('randomSecret', () => {
  it('is URL-safe, 256 bits by default, and never repeats', () => {
    const a = randomSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomSecret(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const many = new Set(Array.from({ length: 1000 }, () => randomSecret()));
    expect(many.size).toBe(1000);
  });
});
