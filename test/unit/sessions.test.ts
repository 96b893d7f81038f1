import { describe, expect, it } from 'vitest';
import type { User } from '../../src/contracts/users.js';
import { issuedBeforeRevocation, usableAccount } from '../../src/server/domain/sessions.js';

const at = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const REVOKED = '2026-03-01T10:00:00.600Z';

const user = (over: Partial<User> = {}): User => ({
  id: 'u1',
  displayName: 'U',
  givenName: null,
  surname: null,
  mail: null,
  otherMails: [],
  country: null,
  city: null,
  userPrincipalName: 'u@contoso.test',
  userType: 'Member',
  accountEnabled: true,
  creationType: null,
  externalUserState: null,
  externalUserStateChangeDateTime: null,
  createdDateTime: '2026-01-01T00:00:00Z',
  identities: [],
  department: null,
  jobTitle: null,
  companyName: null,
  preferredLanguage: null,
  signInSessionsValidFromDateTime: null,
  ...over,
});

describe('issuedBeforeRevocation', () => {
  it('nothing is revoked while the sessions were never revoked', () => {
    expect(issuedBeforeRevocation(user(), 0)).toBe(false);
    expect(issuedBeforeRevocation(user(), undefined)).toBe(false);
  });

  it('refuses what was issued in an earlier second, keeps the revocation second and later', () => {
    const u = user({ signInSessionsValidFromDateTime: REVOKED });
    expect(issuedBeforeRevocation(u, at('2026-03-01T09:59:59Z'))).toBe(true);
    // Same second: whatever was issued before the revocation in it was deleted or recorded revoked.
    expect(issuedBeforeRevocation(u, at('2026-03-01T10:00:00Z'))).toBe(false);
    expect(issuedBeforeRevocation(u, at('2026-03-01T10:00:01Z'))).toBe(false);
  });

  it('refuses a token without a usable issue time once the sessions were revoked', () => {
    const u = user({ signInSessionsValidFromDateTime: REVOKED });
    expect(issuedBeforeRevocation(u, undefined)).toBe(true);
    expect(issuedBeforeRevocation(u, '1700000000')).toBe(true);
  });
});

describe('usableAccount', () => {
  const now = at('2026-03-02T00:00:00Z');
  it('an enabled member or accepted guest is usable', () => {
    expect(usableAccount(user(), now)).toBe(true);
    expect(usableAccount(user({ userType: 'Guest', externalUserState: 'Accepted' }), now)).toBe(true);
  });
  it('missing, disabled and pending accounts, and authentications from before a revocation, are not', () => {
    expect(usableAccount(undefined, now)).toBe(false);
    expect(usableAccount(user({ accountEnabled: false }), now)).toBe(false);
    expect(usableAccount(user({ userType: 'Guest', externalUserState: 'PendingAcceptance' }), now)).toBe(false);
    expect(usableAccount(user({ signInSessionsValidFromDateTime: REVOKED }), at('2026-02-28T00:00:00Z'))).toBe(false);
  });
});
