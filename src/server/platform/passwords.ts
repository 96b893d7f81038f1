import { createHash, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

// argon2id at the OWASP minimum (m=19 MiB, t=2, p=1): ~15 ms here, so sign-in stays cheap while
// offline guessing stays expensive. Parameters are in the PHC string, so they can be raised later.
// `algorithm: 2` is Algorithm.Argon2id (a const enum, which verbatimModuleSyntax cannot import).
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

export async function verifyPassword(phc: string | null, password: string): Promise<boolean> {
  if (!phc) {
    // Spend comparable time for unknown accounts so timing does not reveal which accounts exist.
    await hash(password, OPTIONS);
    return false;
  }
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}

/** Entra's complexity rule: 8–256 characters and three of lower, upper, digit, symbol. */
export function passwordComplexityProblem(password: string): string | undefined {
  if (password.length < 8) return 'The password must be at least 8 characters long.';
  if (password.length > 256) return 'The password must be at most 256 characters long.';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  if (classes < 3)
    return 'The password must contain characters from three of these groups: lowercase, uppercase, digits, symbols.';
  return undefined;
}

/** SHA-256 of a high-entropy random secret (client secrets, tokens): fast and sufficient. */
export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Constant-time comparison of two strings (tokens, signatures, ticket hashes): no timing tells how much matched. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
