import { describe, expect, it } from 'vitest';
import { createSignedCodec } from '../../src/server/platform/signed-value.js';

interface Flow {
  tid: string;
  state: string;
  note?: string;
  exp: number;
}

const at = (ms: number) => ({ now: () => new Date(ms) });
const codec = (clock = at(1_700_000_000_000), purpose = 'flow-a', key = 'k'.repeat(32)) =>
  createSignedCodec<Flow>({ key, purpose, clock, ttlSeconds: 60, maxLength: 512, required: ['tid', 'state'] });

describe('createSignedCodec', () => {
  it('round-trips a value with its expiry', () => {
    const v = codec().decode(codec().encode({ tid: 't', state: 's', note: 'n' }));
    expect(v).toEqual({ tid: 't', state: 's', note: 'n', exp: 1_700_000_060 });
  });

  it('refuses tampered bodies and signatures, another purpose, another key', () => {
    const raw = codec().encode({ tid: 't', state: 's' });
    const [body, sig] = raw.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ tid: 'other', state: 's', exp: 1_800_000_000 })).toString('base64url');
    expect(codec().decode(`${forged}.${sig}`)).toBeUndefined();
    expect(codec().decode(`${body}.${sig.slice(0, -2)}AA`)).toBeUndefined();
    expect(codec(undefined, 'flow-b').decode(raw)).toBeUndefined();
    expect(codec(undefined, undefined, 'x'.repeat(32)).decode(raw)).toBeUndefined();
  });

  it('refuses expired, oversized, malformed and incomplete values', () => {
    const raw = codec().encode({ tid: 't', state: 's' });
    expect(codec(at(1_700_000_059_000)).decode(raw)).toBeDefined();
    expect(codec(at(1_700_000_060_000)).decode(raw)).toBeUndefined();
    expect(codec().decode(`${'a'.repeat(600)}.${'b'.repeat(10)}`)).toBeUndefined();
    for (const bad of [undefined, '', '.', 'nodot', '.sig']) expect(codec().decode(bad)).toBeUndefined();
    expect(codec().decode(codec().encode({ tid: '', state: 's' }))).toBeUndefined();
  });
});
