import type { FastifyReply } from 'fastify';
import type { Interaction } from 'oidc-provider';
import type { Config } from '../../config/index.js';
import type { Clock } from '../../domain/clock.js';
import { sendNoAccessPage } from '../../http/no-access.page.js';
import { esc, messagePage, sendPage } from '../../http/pages.js';
import type { TenantServicePrincipal } from '../../modules/applications/sign-on.js';
import { SignInErrors } from '../../modules/signins/signins.service.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import type { UsersService } from '../../modules/users/users.service.js';
import { safeEqual, verifyPassword } from '../../platform/passwords.js';
import type { RateLimiter } from '../../platform/rate-limit.js';
import { showConsent, submitConsent } from './consent.js';
import { APP_ACCESS_PROMPT, issuerPath } from './constants.js';
import {
  type GuestSignInDeps,
  isRedeemInteraction,
  reportSignIn,
  type Step,
  showRedeem,
  submitCodeStep,
  submitRedeemStep,
} from './guest-signin.js';
import { finishLogin, grantFor, interactionToken, loadInteraction } from './interaction.js';
import { SESSION_ACCOUNT_UNAVAILABLE, SESSION_ENDED_MESSAGE } from './policy.js';

/** A request to the sign-in page of one interaction (`uid`) of a tenant's provider. */
interface SignInRequest extends Omit<Step, 'deps' | 'interaction' | 'login'> {
  deps: SignInDeps;
}

export const SIGNIN_MESSAGES = {
  incorrect: 'Incorrect user name or password.',
  disabled: 'Your account has been locked. Contact your support person to unlock it, then try again.',
  expired: 'Your sign-in session has expired or is no longer valid. Go back to the application and sign in again.',
  tooMany: (minutes: number) => `Too many failed sign-in attempts, try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
} as const;

export interface SignInDeps extends GuestSignInDeps {
  config: Config;
  /** Enterprise applications (the no-access page names the application). */
  applications: { findByAppId(appId: string): Promise<TenantServicePrincipal | undefined> };
  clock: Clock;
  users: Pick<UsersService, 'findUserForSignIn' | 'findUserByEmail' | 'findUser'>;
  /** Failed password attempts per account and per IP, codes per address (shared by all processes). */
  limiter: Pick<RateLimiter, 'peek' | 'hit' | 'reset'>;
  /** HMAC key for the per-interaction CSRF token (an instance secret). */
  csrfKey: string;
}

interface FormOptions {
  tenant: Tenant;
  action: string;
  csrf: string;
  login: string;
  clientName: string;
  error?: string;
}

const header = (o: FormOptions) => `<p class="muted">to continue to ${esc(o.clientName)} · ${esc(o.tenant.displayName)}</p>
${o.error ? `<p class="error" role="alert">${esc(o.error)}</p>` : ''}`;

/**
 * A sign-in page: its first form posts the interaction's CSRF token, `step` and the address typed,
 * then `fields`; `after` follows that form.
 */
function signInForm(reply: FastifyReply, status: number, o: FormOptions, step: string, fields: string, after = '') {
  return sendPage(
    reply,
    status,
    `Sign in to ${o.tenant.displayName}`,
    `<h1>Sign in</h1>
${header(o)}
<form method="post" action="${esc(o.action)}" autocomplete="on">
${csrfField(o)}
<input type="hidden" name="step" value="${step}">
<label for="login">Email or user name</label>
<input id="login" name="login" type="text" autocomplete="username" required value="${esc(o.login)}">
${fields}
</form>${after}`,
  );
}

const csrfField = (o: FormOptions) => `<input type="hidden" name="csrf" value="${esc(o.csrf)}">`;

/** Step 1: the e-mail address or user name. */
function identifyForm(reply: FastifyReply, status: number, o: FormOptions) {
  return signInForm(reply, status, o, 'identify', '<button type="submit">Next</button>');
}

/**
 * Step 2, the same for every address — member, guest, guest with a pending invitation or no
 * account at all, so the first step reveals nothing: the password, or a one-time code by e-mail
 * (sent only when the address can sign in with one; guest-signin.ts).
 */
function credentialsForm(reply: FastifyReply, status: number, o: FormOptions) {
  return signInForm(
    reply,
    status,
    o,
    'password',
    `<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>`,
    `
<p class="muted">Invited as a guest? Sign in with a one-time code sent to your e-mail address instead.</p>
<form method="post" action="${esc(o.action)}">
${csrfField(o)}
<input type="hidden" name="login" value="${esc(o.login)}">
<input type="hidden" name="step" value="send">
<button type="submit">Email me a code</button>
</form>`,
  );
}

/** The failure counter a password attempt counts against: the account's, else the typed name's. */
const failureKey = (tenant: Tenant, login: string, userId: string | undefined) =>
  userId ? `signin:account:${tenant.id}:${userId}` : `signin:name:${tenant.id}:${login.normalize('NFKC').toLowerCase()}`;

/**
 * GET <issuer>/login/:uid — silent consent when the user is already signed in; the redemption
 * pages for an interaction started by a redeem link; otherwise the sign-in form (step 1).
 */
export async function showSignIn({ deps, provider, tenant, uid, req, reply }: SignInRequest) {
  const interaction = await loadInteraction(provider, req, reply, uid);
  if (!interaction) return messagePage(reply, 400, 'Sign-in session expired', SIGNIN_MESSAGES.expired);
  if (isRedeemInteraction(interaction)) {
    return showRedeem({ deps, provider, tenant, uid, interaction, req, reply, login: '' });
  }
  if (interaction.prompt.name === APP_ACCESS_PROMPT) return noAccess(deps, tenant, interaction, reply);
  if (interaction.prompt.name === 'consent' && interaction.session?.accountId) {
    const consentPage = await showConsent(deps, provider, tenant, interaction, reply);
    if (consentPage) return consentPage;
    const grantId = await grantFor(provider, deps, interaction, interaction.session.accountId);
    const to = await provider.interactionResult(req.raw, reply.raw, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return reply.header('cache-control', 'no-store').redirect(to, 303);
  }
  const client = await provider.Client.find(String(interaction.params.client_id));
  return identifyForm(reply, 200, {
    tenant,
    action: `${issuerPath(deps.config, tenant)}/login/${uid}`,
    csrf: interactionToken(deps.csrfKey, tenant, uid),
    login: typeof interaction.params.login_hint === 'string' ? interaction.params.login_hint : '',
    clientName: String(client?.clientName ?? interaction.params.client_id ?? ''),
    ...(interaction.prompt.reasons.includes(SESSION_ACCOUNT_UNAVAILABLE) ? { error: SESSION_ENDED_MESSAGE } : {}),
  });
}

const CODE_STEPS: ReadonlySet<string> = new Set(['send', 'verify', 'accept']);

/**
 * POST <issuer>/login/:uid. A redeem-link interaction is the redemption pages only. Otherwise:
 * step 1 (the address) always continues to the same page — password, or a code by e-mail — whatever
 * the address is; the code steps are guest-signin.ts's, with pages that are the same for every
 * address too; a password is checked here.
 */
export async function submitSignIn({ deps, provider, tenant, uid, req, reply }: SignInRequest) {
  const interaction = await loadInteraction(provider, req, reply, uid);
  if (!interaction) return messagePage(reply, 400, 'Sign-in session expired', SIGNIN_MESSAGES.expired);
  if (interaction.prompt.name === APP_ACCESS_PROMPT) return noAccess(deps, tenant, interaction, reply);
  const body = (req.body ?? {}) as Record<string, unknown>;
  const login = typeof body.login === 'string' ? body.login.trim().slice(0, 256) : '';
  const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
  const step = typeof body.step === 'string' ? body.step : '';
  const csrf = typeof body.csrf === 'string' ? body.csrf : '';
  const expectedCsrf = interactionToken(deps.csrfKey, tenant, uid);
  if (!safeEqual(csrf, expectedCsrf)) return messagePage(reply, 400, 'Sign-in session expired', SIGNIN_MESSAGES.expired);

  if (step === 'consent') {
    return submitConsent(deps, provider, tenant, interaction, typeof body.decision === 'string' ? body.decision : '', req, reply);
  }
  const s: Step = { deps, provider, tenant, uid, interaction, req, reply, login };
  // Redeem-link interactions are the redemption pages only; the password form never applies.
  if (isRedeemInteraction(interaction)) return submitRedeemStep(s, step, body);

  const client = await provider.Client.find(String(interaction.params.client_id));
  const options = (error?: string): FormOptions => ({
    tenant,
    action: `${issuerPath(deps.config, tenant)}/login/${uid}`,
    csrf: expectedCsrf,
    login,
    clientName: String(client?.clientName ?? interaction.params.client_id ?? ''),
    ...(error ? { error } : {}),
  });
  if (!login) {
    return step === 'password' || password
      ? credentialsForm(reply, 400, options('Enter your user name and password.'))
      : identifyForm(reply, 400, options('Enter your e-mail address or user name.'));
  }
  if (CODE_STEPS.has(step)) return submitCodeStep(s, step as 'send' | 'verify' | 'accept', body);
  if (step !== 'password' && !password) return credentialsForm(reply, 200, options());
  if (!password) return credentialsForm(reply, 400, options('Enter your user name and password.'));
  const appName = client?.clientName ? String(client.clientName) : null;
  return checkPassword(deps, s, { login, password, appName }, (status, error) => credentialsForm(reply, status, options(error)));
}

/**
 * The password step: failed attempts count per account (whatever spelling of it was typed) and per
 * IP, in fixed windows shared by all processes; over the limit the password is not even checked;
 * an unknown user and a wrong password get the same answer and similar timing.
 */
async function checkPassword(
  deps: SignInDeps,
  s: Step,
  attempt: { login: string; password: string; appName: string | null },
  form: (status: number, error: string) => ReturnType<typeof credentialsForm>,
) {
  const { login, password, appName } = attempt;
  const { tenant, req, reply } = s;
  const limits = deps.config.signInMaxFailures;
  // Failures count against the account, whatever spelling of it was typed (UPN or mail, any case);
  // names that are no account count per normalised name, so they are limited alike.
  const found = await deps.users.findUserForSignIn(tenant.id, login);
  const accountKey = failureKey(tenant, login, found?.user.id);
  const ipKey = `signin:ip:${req.ip}`;
  const [acct, ip] = await Promise.all([deps.limiter.peek(accountKey), deps.limiter.peek(ipKey)]);
  const blockedUntil = [
    acct && acct.count >= limits.perAccount ? acct.windowEndsAt : undefined,
    ip && ip.count >= limits.perIp ? ip.windowEndsAt : undefined,
  ]
    .filter((d): d is Date => d !== undefined)
    .sort((a, b) => b.getTime() - a.getTime())[0];
  if (blockedUntil) {
    const seconds = Math.max(1, Math.ceil((blockedUntil.getTime() - deps.clock.now().getTime()) / 1000));
    reply.header('retry-after', String(seconds));
    await reportSignIn(s, found?.user, SignInErrors.locked, 'Password', appName);
    return messagePage(reply, 429, 'Too many attempts', SIGNIN_MESSAGES.tooMany(Math.ceil(seconds / 60)));
  }

  const ok = await verifyPassword(found?.passwordHash ?? null, password);
  if (!found || !ok) {
    await Promise.all([deps.limiter.hit(accountKey, limits.windowSeconds), deps.limiter.hit(ipKey, limits.windowSeconds)]);
    req.log.info({ tenantId: tenant.id }, 'sign-in failed: incorrect user name or password');
    await reportSignIn(s, found?.user, SignInErrors.invalidCredentials, 'Password', appName);
    return form(401, SIGNIN_MESSAGES.incorrect);
  }
  if (!found.user.accountEnabled) {
    await reportSignIn(s, found.user, SignInErrors.disabled, 'Password', appName);
    return messagePage(reply, 403, 'Account locked', SIGNIN_MESSAGES.disabled);
  }
  await deps.limiter.reset(accountKey);
  await reportSignIn(s, found.user, { errorCode: 0 }, 'Password', appName);
  return finishLogin(s.provider, deps, s.interaction, req, reply, found.user.id, ['pwd']);
}

/** The signed-in user may not use the application the interaction is for: 403, never a code. */
async function noAccess(deps: SignInDeps, tenant: Tenant, interaction: Interaction, reply: FastifyReply) {
  const found = await deps.applications.findByAppId(String(interaction.params.client_id ?? ''));
  return sendNoAccessPage(reply, deps.config, found && found.tenantId === tenant.id ? found : undefined);
}
