import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../domain/clock.js';

/**
 * A signed (HMAC-SHA256), expiring value for a cookie: `base64url(json).signature`. The `purpose`
 * is part of what is signed, so a value made for one flow is refused by another's codec even under
 * the same key. Tampered, foreign, expired, oversized or incomplete values decode to undefined:
 * every property named in `required` must be a non-empty string. `exp` is the expiry in epoch seconds.
 */
export function createSignedCodec<T extends { exp: number }>(o: {
  key: string;
  purpose: string;
  clock: Clock;
  ttlSeconds: number;
  maxLength: number;
  required: readonly (keyof T & string)[];
}) {
  const sign = (body: string) => createHmac('sha256', o.key).update(`${o.purpose}:${body}`).digest('base64url');
  const nowS = () => Math.floor(o.clock.now().getTime() / 1000);
  return {
    encode(v: Omit<T, 'exp'>): string {
      const body = Buffer.from(JSON.stringify({ ...v, exp: nowS() + o.ttlSeconds })).toString('base64url');
      return `${body}.${sign(body)}`;
    },
    decode(raw: string | undefined): T | undefined {
      if (!raw || raw.length > o.maxLength) return undefined;
      const dot = raw.indexOf('.');
      if (dot < 1) return undefined;
      const body = raw.slice(0, dot);
      const sig = Buffer.from(raw.slice(dot + 1));
      const expected = Buffer.from(sign(body));
      if (sig.length !== expected.length || !timingSafeEqual(sig, expected)) return undefined;
      try {
        const v = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
        if (!o.required.every((k) => typeof v[k] === 'string' && (v[k] as string).length > 0)) return undefined;
        if (typeof v.exp !== 'number' || v.exp <= nowS()) return undefined;
        return v as T;
      } catch {
        return undefined;
      }
    },
  };
}
