import { interactionPolicy } from 'oidc-provider';
import type { AuthorizeSignOn } from '../../modules/applications/sign-on.js';
import { isAppClient } from './app-clients.js';
import { APP_ACCESS_PROMPT } from './constants.js';

/**
 * The default login and consent prompts — login also when the session's account was refused —
 * plus, between them, the application access check: after sign-in (fresh or from an existing
 * session, `prompt=none` included) a user who may not use the
 * application (`authorizeSignOn`) never gets a code. With `prompt=none` the client receives
 * `error=access_denied`; otherwise the interaction page shows "You don't have access".
 */
export function signOnPolicy(authorizeSignOn: AuthorizeSignOn, tenantId: string) {
  const { Prompt, Check, base } = interactionPolicy;
  const policy = base();
  // A browser session whose account may no longer be used (disabled, deleted, pending again, or
  // signed in before its sessions were revoked: findAccount refused it) is no sign-in at all.
  policy
    .get('login')
    ?.checks.add(
      new Check('account_unusable', 'the signed-in account can no longer be used', 'login_required', (ctx) =>
        ctx.oidc.session?.accountId && !ctx.oidc.account ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT,
      ),
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
