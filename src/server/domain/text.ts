/**
 * Text Portico accepts anywhere: no NUL character and no unpaired UTF-16 surrogate (a JSON `\ud800`
 * escape decodes to one; no UTF-8 byte sequence does). PostgreSQL refuses to store or even compare
 * NUL in text (SQLSTATE 22021), SQLite would keep both silently, and no client has a legitimate use
 * for either — so they are refused where input enters, the same on both databases.
 */
const UNSTORABLE = /[\u0000\p{Cs}]/u;

export const isStorableText = (s: string): boolean => !UNSTORABLE.test(s);

/** `s` with every unstorable character replaced by U+FFFD, for echoing a value in an error. */
export const printable = (s: string): string => s.replace(/[\u0000\p{Cs}]/gu, '\ufffd');
