import { describe, expect, it } from 'vitest';
import { isRefusedText } from '../../src/server/db/errors.js';
import { isStorableText } from '../../src/server/domain/text.js';
import { classifyError } from '../../src/server/http/errors.js';
import { unstorableTextAt } from '../../src/server/http/input-guard.js';

// Text PostgreSQL refuses (NUL) and no UTF-8 can carry (unpaired surrogates) is found wherever it is
// in a parsed request, and the database's own refusal is the client's 400, not a 500.

describe('isStorableText', () => {
  it('refuses NUL and unpaired surrogates, accepts everything else', () => {
    for (const ok of ['', 'plain', 'tab\tand\nnewline', '\u0001\u007f', 'é😀\u202e\ufeff\uffff', '\ud83d\ude00']) {
      expect(isStorableText(ok), JSON.stringify(ok)).toBe(true);
    }
    for (const bad of ['\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\ude00\ud83d', 'end\ud83d']) {
      expect(isStorableText(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('unstorableTextAt', () => {
  it('names the path of the first bad string or key, in objects and arrays', () => {
    expect(unstorableTextAt({ a: 'ok', b: [1, true, null, 'ok'] })).toBeUndefined();
    expect(unstorableTextAt({ a: { b: ['x', 'y\u0000'] } })).toBe('a.b.1');
    expect(unstorableTextAt({ ['k\ud800']: 1 })).toBe('k\ud800');
    expect(unstorableTextAt('\u0000')).toBe('');
    expect(unstorableTextAt(undefined)).toBeUndefined();
  });

  it('walks a deeply nested body without exhausting the stack', () => {
    let deep: unknown = 'bottom\u0000';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(unstorableTextAt(deep)).toMatch(/^0(\.0)+$/);
  });
});

describe("the database's refusal", () => {
  it('SQLSTATE 22021 / 22P05 are request_text_invalid (400); other driver errors stay 500', () => {
    for (const code of ['22021', '22P05']) {
      const err = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code });
      expect(isRefusedText(err)).toBe(true);
      expect(classifyError(err)).toMatchObject({ status: 400, code: 'request_text_invalid', expected: true });
    }
    expect(classifyError(Object.assign(new Error('deadlock'), { code: '40P01' }))).toMatchObject({ status: 500 });
  });
});
