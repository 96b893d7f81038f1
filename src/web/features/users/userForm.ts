/** Client-side checks of the user forms. The server has the last word; these catch typos early. */
import type { CreateUserBody } from '../../../contracts/users';

export interface NewUserValues {
  displayName: string;
  alias: string;
  domain: string;
  password: string;
  givenName: string;
  surname: string;
  jobTitle: string;
  department: string;
  accountEnabled: boolean;
}

export type Errors<T> = Partial<Record<keyof T, string>>;

const ALIAS = /^[A-Za-z0-9!$%&'*+/=?^_`{|}~.-]+$/;
const DOMAIN = /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** Entra's password rule: 8–256 characters from three of lower, upper, digits, symbols. */
export function passwordProblem(p: string): string | undefined {
  if (p.length < 8) return 'Use at least 8 characters.';
  if (p.length > 256) return 'Use at most 256 characters.';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(p)).length;
  if (classes < 3) return 'Use three of these: lowercase letters, uppercase letters, digits, symbols.';
  return undefined;
}

export function aliasProblem(alias: string): string | undefined {
  const a = alias.trim();
  if (!a) return 'Enter the part before the @.';
  if (a.length > 64) return 'Use at most 64 characters.';
  if (!ALIAS.test(a)) return "Use letters, digits and . _ - ' only.";
  if (a.startsWith('.') || a.endsWith('.')) return 'It cannot start or end with a dot.';
  return undefined;
}

export function validateNewUser(v: NewUserValues): Errors<NewUserValues> {
  const e: Errors<NewUserValues> = {};
  if (!v.displayName.trim()) e.displayName = 'Enter a display name.';
  else if (v.displayName.trim().length > 256) e.displayName = 'Use at most 256 characters.';
  const alias = aliasProblem(v.alias);
  if (alias) e.alias = alias;
  if (!DOMAIN.test(v.domain.trim())) e.domain = 'Enter a domain such as contoso.com.';
  const pw = passwordProblem(v.password);
  if (pw) e.password = pw;
  for (const k of ['givenName', 'surname', 'department'] as const) if (v[k].length > 64) e[k] = 'Use at most 64 characters.';
  if (v.jobTitle.length > 128) e.jobTitle = 'Use at most 128 characters.';
  return e;
}

/** Suggests an alias from a display name: "Ana María López" → "ana.maria.lopez". */
export function suggestAlias(displayName: string): string {
  return displayName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.+|\.+$/g, '')
    .slice(0, 64);
}

/** A random password that satisfies the rule (16 characters from all four groups). */
export function generatePassword(
  random: (n: number) => number = (n) => crypto.getRandomValues(new Uint32Array(1))[0]! % n,
): string {
  const sets = ['abcdefghijkmnopqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '!#$%&*+-=?@'];
  const all = sets.join('');
  const chars = sets.map((s) => s[random(s.length)]!);
  while (chars.length < 16) chars.push(all[random(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

/** Body of POST /users: empty optional fields are left out rather than sent as "". */
export function newUserBody(v: NewUserValues): CreateUserBody {
  const opt = (s: string) => (s.trim() ? s.trim() : undefined);
  return {
    displayName: v.displayName.trim(),
    userPrincipalName: `${v.alias.trim()}@${v.domain.trim()}`,
    mailNickname: v.alias.trim(),
    accountEnabled: v.accountEnabled,
    passwordProfile: { password: v.password, forceChangePasswordNextSignIn: false },
    givenName: opt(v.givenName),
    surname: opt(v.surname),
    jobTitle: opt(v.jobTitle),
    department: opt(v.department),
  };
}
