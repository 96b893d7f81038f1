import { randomBytes } from 'node:crypto';

export type IdGenerator = () => string;

/**
 * RFC 9562 UUIDv7: 48-bit Unix milliseconds, version 7, 74 random bits. Ids of new objects are
 * time-ordered (good B-tree locality) and look like Graph object ids (GUID strings).
 * A per-process counter in the random field keeps ids monotonic within one millisecond.
 */
let lastMs = 0;
let seq = 0;
export const uuidv7: IdGenerator = () => {
  let ms = Date.now();
  if (ms <= lastMs) {
    ms = lastMs;
    seq = (seq + 1) & 0xfff;
    if (seq === 0) ms = ++lastMs;
  } else {
    lastMs = ms;
    seq = randomBytes(2).readUInt16BE(0) & 0x7ff;
  }
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = 0x70 | (seq >> 8);
  b[7] = seq & 0xff;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isGuid = (s: string): boolean => GUID.test(s);

/** High-entropy URL-safe secret (client secrets, redeem tokens). */
export const randomSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');
