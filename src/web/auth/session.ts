/**
 * The signed-in session, in memory only. A reload starts from nothing and signs in again silently
 * (the provider's own session cookie makes that a pair of redirects without any page).
 */
import { beginSignIn, browserEnv, discover, endSessionUrl, type OidcEnv, type Tokens } from './oidc';

type Listener = () => void;

let current: Tokens | undefined;
let redirecting = false;
const listeners = new Set<Listener>();

export const session = {
  get(): Tokens | undefined {
    return current;
  },
  set(tokens: Tokens | undefined): void {
    current = tokens;
    for (const l of listeners) l();
  },
  subscribe(l: Listener): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
  /** A usable access token, or undefined when there is none or it has (almost) expired. */
  accessToken(now = Date.now()): string | undefined {
    return current && current.expiresAt > now ? current.accessToken : undefined;
  },
  /** True while the page is leaving for the sign-in service (callers should stop and wait). */
  isRedirecting(): boolean {
    return redirecting;
  },
};

/** The current address, to come back to after the sign-in round trip. */
export const currentPath = (): string => `${window.location.pathname}${window.location.search}${window.location.hash}`;

/**
 * Leaves for the sign-in service (silently first). Called when there is no token, when it expired,
 * and on a 401 from the API. Only the first call of a burst navigates.
 */
export async function renewSignIn(returnTo = currentPath(), env: OidcEnv = browserEnv()): Promise<void> {
  if (redirecting) return;
  redirecting = true;
  try {
    await beginSignIn(env, { returnTo, silent: true });
  } catch (err) {
    redirecting = false;
    throw err;
  }
}

/** Forgets the tokens and ends the provider session (the provider may ask for confirmation). */
export async function signOut(env: OidcEnv = browserEnv()): Promise<void> {
  const idToken = current?.idToken;
  redirecting = true;
  session.set(undefined);
  try {
    const url = endSessionUrl(await discover(env), env, idToken);
    env.navigate(url ?? `${env.origin}/`);
  } catch {
    env.navigate(`${env.origin}/`);
  }
}
