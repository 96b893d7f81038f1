import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import type { Config } from '../../config/index.js';
import type { Clock } from '../../domain/clock.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import type { UsersService } from '../../modules/users/users.service.js';
import { verifyPassword } from '../../platform/passwords.js';
import type { RateLimiter } from '../../platform/rate-limit.js';
import { graphResource } from '../../platform/urls.js';
import { esc, page } from './html.js';
import { GRAPH_DELEGATED_SCOPES, issuerPath } from './provider.js';

export const SIGNIN_MESSAGES = {
  incorrect: 'Incorrect user name or password.',
  disabled: 'Your account has been locked. Contact your support person to unlock it, then try again.',
  expired: 'Your sign-in session has expired or is no longer valid. Go back to the application and sign in again.',
  tooMany: (minutes: number) => `Too many failed sign-in attempts, try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
} as const;

export interface SignInDeps {
  config: Config;
  clock: Clock;
  users: UsersService;
  limiter: RateLimiter;
  /** HMAC key for the per-interaction CSRF token (an instance secret). */
  csrfKey: string;
}

const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

const csrfFor = (key: string, tenant: Tenant, uid: string) =>
  createHmac('sha256', key).update(`signin:${tenant.id}:${uid}`).digest('base64url');

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function send(reply: FastifyReply, status: number, title: string, body: string) {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('x-frame-options', 'DENY')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    )
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(page(title, body));
}

function signInForm(
  reply: FastifyReply,
  status: number,
  o: { tenant: Tenant; action: string; csrf: string; login: string; clientName: string; error?: string },
) {
  return send(
    reply,
    status,
    `Sign in to ${o.tenant.displayName}`,
    `<h1>Sign in</h1>
<p class="muted">to continue to ${esc(o.clientName)} · ${esc(o.tenant.displayName)}</p>
${o.error ? `<p class="error" role="alert">${esc(o.error)}</p>` : ''}
<form method="post" action="${esc(o.action)}" autocomplete="on">
<input type="hidden" name="csrf" value="${esc(o.csrf)}">
<label for="login">Email or user name</label>
<input id="login" name="login" type="text" autocomplete="username" required value="${esc(o.login)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
  );
}

const messagePage = (reply: FastifyReply, status: number, title: string, message: string) =>
  send(reply, status, title, `<h1>${esc(title)}</h1><p class="error" role="alert">${esc(message)}</p>`);

/** The interaction behind the cookie, when it is the one named in the URL. */
async function loadInteraction(
  provider: Provider,
  req: FastifyRequest,
  reply: FastifyReply,
  uid: string,
): Promise<Interaction | undefined> {
  try {
    const details = await provider.interactionDetails(req.raw, reply.raw);
    return details.uid === uid ? details : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Grants a first-party client what it asked for (no consent screen: Portico's clients are its own).
 * OIDC scopes from the request, Graph delegated scopes requested by name or via `.default`, plus
 * whatever oidc-provider reports missing when it asks for consent.
 */
async function grantFor(provider: Provider, config: Config, interaction: Interaction, accountId: string): Promise<string> {
  const { params, prompt, grantId } = interaction;
  let grant = grantId ? await provider.Grant.find(grantId) : undefined;
  if (!grant || grant.accountId !== accountId) {
    grant = new provider.Grant({ accountId, clientId: String(params.client_id) });
  }
  const requested = String(params.scope ?? '')
    .split(' ')
    .filter(Boolean);
  const graph = graphResource(config);
  const oidc = requested.filter((s) => OIDC_SCOPES.has(s));
  if (oidc.length) grant.addOIDCScope(oidc.join(' '));
  const wantsDefault = requested.some((s) => s === '.default' || s === `${graph}/.default`);
  const delegated = wantsDefault
    ? [...GRAPH_DELEGATED_SCOPES]
    : requested.filter((s) => (GRAPH_DELEGATED_SCOPES as readonly string[]).includes(s));
  if (delegated.length) grant.addResourceScope(graph, delegated.join(' '));

  const d = prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (d.missingOIDCScope?.length) grant.addOIDCScope(d.missingOIDCScope.join(' '));
  if (d.missingOIDCClaims?.length) grant.addOIDCClaims(d.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) {
    if (scopes.length) grant.addResourceScope(indicator, scopes.join(' '));
  }
  return grant.save();
}

/** GET <issuer>/login/:uid — the sign-in form, or silent consent when the user is already signed in. */
export async function showSignIn(
  deps: SignInDeps,
  provider: Provider,
  tenant: Tenant,
  uid: string,
  req: FastifyRequest,
  reply: FastifyReply,
) {
  const interaction = await loadInteraction(provider, req, reply, uid);
  if (!interaction) return messagePage(reply, 400, 'Sign-in session expired', SIGNIN_MESSAGES.expired);
  if (interaction.prompt.name === 'consent' && interaction.session?.accountId) {
    const grantId = await grantFor(provider, deps.config, interaction, interaction.session.accountId);
    const to = await provider.interactionResult(req.raw, reply.raw, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return reply.header('cache-control', 'no-store').redirect(to, 303);
  }
  const client = await provider.Client.find(String(interaction.params.client_id));
  return signInForm(reply, 200, {
    tenant,
    action: `${issuerPath(deps.config, tenant)}/login/${uid}`,
    csrf: csrfFor(deps.csrfKey, tenant, uid),
    login: typeof interaction.params.login_hint === 'string' ? interaction.params.login_hint : '',
    clientName: String(client?.clientName ?? interaction.params.client_id ?? ''),
  });
}

/**
 * POST <issuer>/login/:uid — checks the password. Failed attempts count per account and per IP in
 * fixed windows shared by all processes; over the limit the password is not even checked. Unknown
 * user and wrong password get the same answer (and similar timing, see verifyPassword).
 */
export async function submitSignIn(
  deps: SignInDeps,
  provider: Provider,
  tenant: Tenant,
  uid: string,
  req: FastifyRequest,
  reply: FastifyReply,
) {
  const interaction = await loadInteraction(provider, req, reply, uid);
  if (!interaction) return messagePage(reply, 400, 'Sign-in session expired', SIGNIN_MESSAGES.expired);
  const body = (req.body ?? {}) as Record<string, unknown>;
  const login = typeof body.login === 'string' ? body.login.trim().slice(0, 256) : '';
  const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
  const csrf = typeof body.csrf === 'string' ? body.csrf : '';
  const expectedCsrf = csrfFor(deps.csrfKey, tenant, uid);
  if (!sameToken(csrf, expectedCsrf)) return messagePage(reply, 400, 'Sign-in session expired', SIGNIN_MESSAGES.expired);

  const client = await provider.Client.find(String(interaction.params.client_id));
  const form = (status: number, error: string) =>
    signInForm(reply, status, {
      tenant,
      action: `${issuerPath(deps.config, tenant)}/login/${uid}`,
      csrf: expectedCsrf,
      login,
      clientName: String(client?.clientName ?? interaction.params.client_id ?? ''),
      error,
    });
  if (!login || !password) return form(400, 'Enter your user name and password.');

  const limits = deps.config.signInMaxFailures;
  const accountKey = `signin:account:${tenant.id}:${login.toLowerCase()}`;
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
    return messagePage(reply, 429, 'Too many attempts', SIGNIN_MESSAGES.tooMany(Math.ceil(seconds / 60)));
  }

  const found = await deps.users.findUserForSignIn(tenant.id, login);
  const ok = await verifyPassword(found?.passwordHash ?? null, password);
  if (!found || !ok) {
    await Promise.all([deps.limiter.hit(accountKey, limits.windowSeconds), deps.limiter.hit(ipKey, limits.windowSeconds)]);
    req.log.info({ tenantId: tenant.id }, 'sign-in failed: incorrect user name or password');
    return form(401, SIGNIN_MESSAGES.incorrect);
  }
  if (!found.user.accountEnabled) return messagePage(reply, 403, 'Account locked', SIGNIN_MESSAGES.disabled);
  await deps.limiter.reset(accountKey);

  const accountId = found.user.id;
  const grantId = await grantFor(provider, deps.config, interaction, accountId);
  const to = await provider.interactionResult(
    req.raw,
    reply.raw,
    { login: { accountId, amr: ['pwd'] }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
  return reply.header('cache-control', 'no-store').redirect(to, 303);
}
