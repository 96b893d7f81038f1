import type { User } from '../../contracts/users.js';

/**
 * When a user's sessions and tokens stop counting (pure; no I/O). Times of tokens and sessions are
 * whole seconds since the epoch, as in JWTs and oidc-provider.
 */

/**
 * True when something issued (or authenticated) at `issuedAt` predates the revocation of the
 * user's sign-in sessions (`signInSessionsValidFromDateTime`): it was issued in an earlier second.
 * Whatever was issued in that same second before the revocation was deleted or recorded as revoked
 * by the revocation itself (protocols/oidc/revocations.ts), so comparing whole seconds loses nothing
 * and a sign-in right after the revocation is not refused.
 */
export function issuedBeforeRevocation(user: Pick<User, 'signInSessionsValidFromDateTime'>, issuedAt: unknown): boolean {
  const validFrom = user.signInSessionsValidFromDateTime;
  if (!validFrom) return false;
  return typeof issuedAt !== 'number' || issuedAt < Math.floor(Date.parse(validFrom) / 1000);
}

/**
 * Whether an authentication of `user` at `authTime` may still be used — at every token issuance
 * (authorization code, refresh token), for userinfo and for a browser session: the account exists,
 * is enabled, is not a guest whose invitation is pending, and the authentication does not predate
 * the revocation of its sign-in sessions.
 */
export function usableAccount(user: User | undefined, authTime: unknown): user is User {
  if (!user || !user.accountEnabled || user.externalUserState === 'PendingAcceptance') return false;
  return !issuedBeforeRevocation(user, authTime);
}
