import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { AuthorizeSignOn } from '../../modules/applications/sign-on.js';
import { isAppClient } from './app-clients.js';
import { APP_ACCESS_PROMPT } from './constants.js';

/**
 * Reason of the login prompt when the browser's session belongs to an account that was disabled
 * or deleted since: the sign-in page says so (SESSION_ENDED_MESSAGE).
 */
export const SESSION_ACCOUNT_UNAVAILABLE = 'session_account_unavailable';

export const SESSION_ENDED_MESSAGE =
  'You were signed out because your account is disabled or no longer exists, or its sessions were ended. Sign in again, or contact your support person.';

type Session = KoaContextWithOIDC['oidc']['session'];

/**
 * Ends the sign-in of a session: the account and its per-client state go, the session gets a new
 * id (the old record is deleted when it is saved) but keeps its uid, so the interaction that
 * follows still belongs to this browser.
 */
function endSignIn(session: NonNullable<Session>): void {
  const s = session as unknown as Record<string, unknown>;
  for (const key of ['accountId', 'loginTs', 'amr', 'acr', 'transient', 'authorizations']) delete s[key];
  session.resetIdentifier();
}

/**
 * The default login and consent prompts plus:
 * - in the login prompt, a session whose account may no longer be used (disabled, deleted, pending
 *   again, or signed in before its sessions were revoked: findAccount refused it): oidc-provider
 *   would treat it as signed in and fail later (no account, no grant); instead the stale sign-in
 *   ends and the user signs in again (`prompt=none` gets `login_required`);
 * - between login and consent, the application access check: after sign-in (fresh or from an
 *   existing session, `prompt=none` included) a user who may not use the application
 *   (`authorizeSignOn`) never gets a code. With `prompt=none` the client receives
 *   `error=access_denied`; otherwise the interaction page shows "You don't have access".
 */
export function signOnPolicy(authorizeSignOn: AuthorizeSignOn, tenantId: string) {
  const { Prompt, Check, base } = interactionPolicy;
  const policy = base();
  policy.get('login')?.checks.add(
    new Check(SESSION_ACCOUNT_UNAVAILABLE, 'the account of the session is disabled or was deleted', 'login_required', (ctx) => {
      const session = ctx.oidc.session;
      // loadAccount ran before the checks: a session with an account id but no account is stale.
      if (!session?.accountId || ctx.oidc.account) return Check.NO_NEED_TO_PROMPT;
      endSignIn(session);
      return Check.REQUEST_PROMPT;
    }),
    0,
  );
  policy.add(
    new Prompt(
      { name: APP_ACCESS_PROMPT, requestable: false },
      new Check('app_not_assigned', 'the signed-in user is not assigned to this application', 'access_denied', async (ctx) => {
        const accountId = ctx.oidc.session?.accountId;
        const client = ctx.oidc.client;
        if (!accountId || !client || !isAppClient(client)) return Check.NO_NEED_TO_PROMPT;
        const decision = await authorizeSignOn(tenantId, { appId: client.clientId }, accountId);
        return decision.allowed ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
      }),
    ),
    1,
  );
  return policy;
}
