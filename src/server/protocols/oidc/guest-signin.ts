import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import type { User } from '../../../contracts/users.js';
import type { Config } from '../../config/index.js';
import type { Clock } from '../../domain/clock.js';
import { messagePage, sendPage } from '../../http/pages.js';
import type { RedemptionContext, RedemptionsService } from '../../modules/invitations/redemptions.service.js';
import { maskEmail, type OtpBinding, type OtpService } from '../../modules/redemption/otp.service.js';
import { REDEEM_COOKIE, type RedeemCookieCodec } from '../../modules/redemption/redeem-cookie.js';
import { SignInErrors, type SignInRecorder } from '../../modules/signins/signins.service.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import type { UsersService } from '../../modules/users/users.service.js';
import { safeEqual } from '../../platform/passwords.js';
import type { RateLimiter } from '../../platform/rate-limit.js';
import type { ConsentPermissions } from './consent.js';
import { issuerPath, REDEEM_CLIENT_ID } from './constants.js';
import { finishLogin, hiddenFields, interactionToken } from './interaction.js';
import {
  blockedBody,
  codeSentBody,
  consentBody,
  enterCodeBody,
  type FormParts,
  invalidLinkBody,
  REDEMPTION_MESSAGES,
  sendCodeBody,
} from './redemption.pages.js';

/**
 * Guests inside the sign-in interaction: e-mail one-time passcodes for invitation redemption and
 * for later sign-ins. Everything happens in an oidc-provider interaction, so success leaves a real
 * provider session that apps then use silently.
 *
 * Two ways in:
 * - a redeem link (interactions of the `portico-redeem` client, started by /redeem/:id): the redeem
 *   cookie names the invitation, and the pages name the (masked) invited address and explain every
 *   failure — whoever holds the link already knows the invitation exists;
 * - an address typed on the sign-in page: there the pages are the same for every address, whether it
 *   belongs to a guest, a guest whose invitation is pending, a member or nobody ("if this address can
 *   sign in with a code, we have sent one"), so the sign-in page tells nobody who has an account. A
 *   code is only ever sent to a guest's own address.
 *
 * Either way the mailbox comes first: a code proves control of the invited address, and only then
 * does a pending invitation show who invited whom, the organization and the welcome message, and
 * ask for consent (Accept). A forwarded link or a typed address is useless to anyone else.
 */

export interface GuestSignInDeps {
  config: Config;
  /** Delegated Graph permissions: what applications hold, what users may consent to. */
  permissions: ConsentPermissions;
  users: Pick<UsersService, 'findUserForSignIn' | 'findUserByEmail' | 'findUser'>;
  redemptions: Pick<
    RedemptionsService,
    'findRedemption' | 'pendingRedemptionOfUser' | 'redemptionDomainDecision' | 'completeRedemption'
  >;
  otp: Pick<OtpService, 'sendCode' | 'verifyCode' | 'ttlMinutes'>;
  redeemCookie: RedeemCookieCodec;
  /** Counters shared by all processes: codes asked for per typed address (and failed passwords). */
  limiter: Pick<RateLimiter, 'peek' | 'hit' | 'reset'>;
  clock: Clock;
  /** The sign-in CSRF key (also signs the "code verified" proof). */
  csrfKey: string;
  /** The sign-in log (auditLogs/signIns): every password and passcode attempt is reported. */
  signIns?: SignInRecorder;
}

/**
 * Reports an interactive sign-in attempt of this interaction to the sign-in log: the application
 * is the interaction's client, `outcome` Entra's error code (0 = success).
 */
export async function reportSignIn(
  s: Step,
  user: User | undefined,
  outcome: { errorCode: number; failureReason?: string },
  method: 'Password' | 'Email OTP',
  appDisplayName: string | null = null,
): Promise<void> {
  const clientId = s.interaction.params.client_id;
  await s.deps.signIns?.record({
    tenantId: s.tenant.id,
    userId: user?.id ?? null,
    userPrincipalName: user?.userPrincipalName ?? (s.login || null),
    userDisplayName: user?.displayName ?? null,
    appId: typeof clientId === 'string' ? clientId : null,
    appDisplayName,
    ipAddress: s.req.ip,
    clientAppUsed: 'Browser',
    isInteractive: true,
    authenticationMethod: method,
    correlationId: String(s.req.id),
    ...outcome,
  });
}

/** The guest an interaction is about, and what the code is for. */
type Subject =
  | { kind: 'redeem'; user: User; r: RedemptionContext; email: string; binding: OtpBinding }
  | { kind: 'signin'; user: User; email: string; binding: OtpBinding };

export const SIGNIN_DISABLED = 'Your account has been locked. Contact your support person to unlock it, then try again.';

const guestEmail = (u: User): string | undefined =>
  u.mail ?? u.identities.find((i) => i.signInType === 'emailAddress')?.issuerAssignedId ?? undefined;

function subjectOf(tenant: Tenant, user: User, pending: RedemptionContext | undefined): Subject | undefined {
  if (user.externalUserState === 'PendingAcceptance') {
    if (!pending) return undefined;
    return {
      kind: 'redeem',
      user,
      r: pending,
      email: pending.invitation.invited_email,
      binding: { tenantId: tenant.id, userId: user.id, purpose: 'redeem', invitationId: pending.invitation.id },
    };
  }
  const email = guestEmail(user);
  if (!email) return undefined;
  return {
    kind: 'signin',
    user,
    email,
    binding: { tenantId: tenant.id, userId: user.id, purpose: 'signin', invitationId: null },
  };
}

export const isRedeemInteraction = (interaction: Interaction) => interaction.params.client_id === REDEEM_CLIENT_ID;

/** The redemption started by /redeem/:id (cookie), re-validated: unknown, revoked or foreign → undefined. */
async function subjectFromCookie(deps: GuestSignInDeps, tenant: Tenant, req: FastifyRequest): Promise<Subject | undefined> {
  const c = deps.redeemCookie.decode(req.cookies[REDEEM_COOKIE]);
  if (!c || c.tid !== tenant.id) return undefined;
  const r = await deps.redemptions.findRedemption(c.iid, c.ticket);
  if (!r || r.tenant.id !== tenant.id) return undefined;
  return subjectOf(tenant, r.user, r.user.externalUserState === 'PendingAcceptance' ? r : undefined);
}

/**
 * A guest (invited, no password) by the typed e-mail address or user name; undefined for members,
 * unknown addresses and anyone with a password — a code is never sent to them.
 */
async function subjectFromLogin(deps: GuestSignInDeps, tenant: Tenant, login: string): Promise<Subject | undefined> {
  if (!login) return undefined;
  const found = await deps.users.findUserForSignIn(tenant.id, login);
  if (found?.passwordHash) return undefined;
  const user = found?.user ?? (login.includes('@') ? await deps.users.findUserByEmail(tenant.id, login) : undefined);
  if (!user || user.creationType !== 'Invitation') return undefined;
  const pending =
    user.externalUserState === 'PendingAcceptance'
      ? await deps.redemptions.pendingRedemptionOfUser(tenant.id, user.id)
      : undefined;
  return subjectOf(tenant, user, pending);
}

export interface Step {
  deps: GuestSignInDeps;
  provider: Provider;
  tenant: Tenant;
  uid: string;
  interaction: Interaction;
  req: FastifyRequest;
  reply: FastifyReply;
  /** What the sign-in form typed (not for redeem-link interactions). */
  login: string;
}

/** Proof, carried by the consent page, that this interaction's visitor entered the right code for the invitation. */
const verifiedProof = (s: Step, subject: Subject) =>
  interactionToken(
    s.deps.csrfKey,
    s.tenant,
    s.uid,
    `verified:${subject.user.id}:${subject.kind === 'redeem' ? subject.r.invitation.id : ''}`,
  );

function formParts(s: Step, extra: Record<string, string> = {}): FormParts {
  return {
    action: `${issuerPath(s.deps.config, s.tenant)}/login/${s.uid}`,
    hidden: hiddenFields({
      csrf: interactionToken(s.deps.csrfKey, s.tenant, s.uid),
      ...(isRedeemInteraction(s.interaction) ? {} : { login: s.login }),
      ...extra,
    }),
  };
}

const invalidLink = (reply: FastifyReply) => sendPage(reply, 400, REDEMPTION_MESSAGES.invalidTitle, invalidLinkBody());

/**
 * Collaboration restrictions are re-checked while an invitation is still pending (§3.5): the
 * reason it may not be redeemed, else undefined. (A reason, not a page: an awaited Fastify reply
 * is a thenable that resolves to nothing.)
 */
async function blockedReason(s: Step, subject: Subject): Promise<string | undefined> {
  if (subject.kind !== 'redeem') return undefined;
  const d = await s.deps.redemptions.redemptionDomainDecision(s.tenant.id, subject.email);
  return d.allowed ? undefined : d.reason;
}

const blockedPage = (s: Step, reason: string) => sendPage(s.reply, 403, REDEMPTION_MESSAGES.blockedTitle, blockedBody(reason));

const tooManyCodes = (s: Step, retryAfterSeconds: number) => {
  s.reply.header('retry-after', String(retryAfterSeconds));
  return messagePage(
    s.reply,
    429,
    REDEMPTION_MESSAGES.tooManyCodesTitle,
    REDEMPTION_MESSAGES.tooManyCodes(Math.ceil(retryAfterSeconds / 60)),
  );
};

// ------------------------------------------------------------------------------------------------
// What happens once the code was right (both ways in).

/** The code proved the mailbox: a pending invitation asks for consent; an accepted guest is signed in. */
async function afterCode(s: Step, subject: Subject) {
  // A disabled account still stays out (as after a right password).
  if (!subject.user.accountEnabled) {
    await reportSignIn(s, subject.user, SignInErrors.disabled, 'Email OTP');
    return messagePage(s.reply, 403, 'Account locked', SIGNIN_DISABLED);
  }
  await reportSignIn(s, subject.user, { errorCode: 0 }, 'Email OTP');
  if (subject.kind === 'signin') {
    return finishLogin(s.provider, s.deps, s.interaction, s.req, s.reply, subject.user.id, ['otp']);
  }
  const reason = await blockedReason(s, subject);
  if (reason) return blockedPage(s, reason);
  return sendPage(
    s.reply,
    200,
    'Review permissions',
    consentBody(subject.r, formParts(s, { verified: verifiedProof(s, subject) })),
  );
}

/**
 * Accept on the consent page: with the proof that the code was verified in this interaction, the
 * redemption completes (PendingAcceptance → Accepted, audited) and the interaction signs the guest
 * in. Without the proof, `otherwise` (the first step again).
 */
async function acceptInvitation(
  s: Step,
  subject: Subject | undefined,
  body: Record<string, unknown>,
  otherwise: () => FastifyReply | Promise<FastifyReply>,
) {
  const proof = typeof body.verified === 'string' ? body.verified : '';
  if (!subject || subject.kind !== 'redeem' || !safeEqual(proof, verifiedProof(s, subject))) return otherwise();
  const reason = await blockedReason(s, subject);
  if (reason) return blockedPage(s, reason);
  if (!subject.user.accountEnabled) return messagePage(s.reply, 403, 'Account locked', SIGNIN_DISABLED);
  const done = await s.deps.redemptions.completeRedemption(subject.r);
  if (!done) {
    // A concurrent redemption won (fine: the user is Accepted), unless a reset made the user
    // pending again under a newer invitation: then this one no longer counts.
    const now = await s.deps.users.findUser(s.tenant.id, subject.user.id);
    if (!now || now.externalUserState !== 'Accepted') return invalidLink(s.reply);
  }
  s.req.log.info({ tenantId: s.tenant.id, invitationId: subject.r.invitation.id, completed: done }, 'invitation redeemed');
  return finishLogin(s.provider, s.deps, s.interaction, s.req, s.reply, subject.user.id, ['otp']);
}

// ------------------------------------------------------------------------------------------------
// The redeem link: the invitation is known, the pages say what happens.

function sendCodePage(s: Step, subject: Subject, status: number, error?: string) {
  return sendPage(s.reply, status, 'Send code', sendCodeBody(s.tenant, maskEmail(subject.email), formParts(s), error));
}

function enterCodePage(s: Step, subject: Subject, status: number, error?: string) {
  return sendPage(
    s.reply,
    status,
    'Enter code',
    enterCodeBody(s.tenant, maskEmail(subject.email), s.deps.otp.ttlMinutes, formParts(s), error),
  );
}

/** First page of a redeem link: Send code (after the domain check while the invitation is pending). */
async function startPage(s: Step, subject: Subject) {
  const reason = await blockedReason(s, subject);
  return reason ? blockedPage(s, reason) : sendCodePage(s, subject, 200);
}

/**
 * GET of a `portico-redeem` interaction: the redemption for the invitation in the redeem cookie.
 * A guest already signed in here as that user goes straight through; everyone else proves the
 * address with a code first (then a pending invitation asks for consent).
 */
export async function showRedeem(s: Step) {
  const subject = await subjectFromCookie(s.deps, s.tenant, s.req);
  if (!subject) return invalidLink(s.reply);
  if (subject.kind === 'signin' && s.interaction.session?.accountId === subject.user.id && subject.user.accountEnabled) {
    return finishLogin(s.provider, s.deps, s.interaction, s.req, s.reply, subject.user.id, ['otp']);
  }
  return startPage(s, subject);
}

/** POST steps of a redeem link: `send` (a code to the invited address) → `verify` → `accept` (pending only). */
export async function submitRedeemStep(s: Step, step: string, body: Record<string, unknown>) {
  const subject = await subjectFromCookie(s.deps, s.tenant, s.req);
  if (!subject) return invalidLink(s.reply);
  if (step === 'send') {
    const reason = await blockedReason(s, subject);
    if (reason) return blockedPage(s, reason);
    const sent = await s.deps.otp.sendCode(s.tenant, subject.binding, subject.email);
    if (sent.status === 'throttled') return tooManyCodes(s, sent.retryAfterSeconds);
    s.req.log.info({ tenantId: s.tenant.id, purpose: subject.binding.purpose }, 'one-time passcode sent');
    return enterCodePage(s, subject, 200);
  }
  if (step === 'verify') {
    const code = typeof body.code === 'string' ? body.code : '';
    if (!code.trim()) return enterCodePage(s, subject, 400, REDEMPTION_MESSAGES.enterCode);
    const reason = await blockedReason(s, subject);
    if (reason) return blockedPage(s, reason);
    const v = await s.deps.otp.verifyCode(subject.binding, code);
    if (v.status !== 'ok') await reportSignIn(s, subject.user, SignInErrors.invalidCode, 'Email OTP');
    switch (v.status) {
      case 'incorrect':
        return enterCodePage(s, subject, 401, REDEMPTION_MESSAGES.incorrect(v.remaining));
      case 'burned':
        return sendCodePage(s, subject, 401, REDEMPTION_MESSAGES.burned);
      case 'expired':
        return sendCodePage(s, subject, 401, REDEMPTION_MESSAGES.expired);
      case 'missing':
        return sendCodePage(s, subject, 401, REDEMPTION_MESSAGES.missing);
      case 'ok':
        return afterCode(s, subject);
    }
  }
  if (step === 'accept') return acceptInvitation(s, subject, body, () => startPage(s, subject));
  return startPage(s, subject);
}

// ------------------------------------------------------------------------------------------------
// A typed address: one set of pages for every address.

/** The "Enter code" page after a typed address, the same whether or not a code was sent. */
function codeSentPage(s: Step, status: number, error?: string) {
  return sendPage(s.reply, status, 'Enter code', codeSentBody(s.tenant, s.login, s.deps.otp.ttlMinutes, formParts(s), error));
}

/**
 * "Email me a code" for a typed address. Limited per address (a guest's account, else the
 * normalised typed name) by the same count as codes per address, so the limit answers alike for
 * every address; the code itself only goes to a guest, at their own address. When the per-address
 * limit of codes (which also counts codes asked for through the invitation link) stops it, the
 * page stays the same.
 */
async function sendTypedCode(s: Step, subject: Subject | undefined) {
  const { maxPerHour } = s.deps.config.otp;
  const key = `signin:code:${s.tenant.id}:${subject ? subject.user.id : `name:${s.login.normalize('NFKC').toLowerCase()}`}`;
  const state = await s.deps.limiter.peek(key);
  if (state && state.count >= maxPerHour) {
    const seconds = Math.max(1, Math.ceil((state.windowEndsAt.getTime() - s.deps.clock.now().getTime()) / 1000));
    return tooManyCodes(s, seconds);
  }
  await s.deps.limiter.hit(key, 3600);
  if (subject) {
    const sent = await s.deps.otp.sendCode(s.tenant, subject.binding, subject.email);
    s.req.log.info(
      { tenantId: s.tenant.id, purpose: subject.binding.purpose, status: sent.status },
      'one-time passcode requested',
    );
  }
  return codeSentPage(s, 200);
}

/** A code for a typed address: every failure, and an address that was sent no code, get the same answer. */
async function verifyTypedCode(s: Step, subject: Subject | undefined, body: Record<string, unknown>) {
  const code = typeof body.code === 'string' ? body.code : '';
  if (!code.trim()) return codeSentPage(s, 400, REDEMPTION_MESSAGES.enterCode);
  const v = subject ? await s.deps.otp.verifyCode(subject.binding, code) : undefined;
  if (!subject || v?.status !== 'ok') {
    await reportSignIn(s, subject?.user, SignInErrors.invalidCode, 'Email OTP');
    return codeSentPage(s, 401, REDEMPTION_MESSAGES.codeFailed);
  }
  return afterCode(s, subject);
}

/**
 * POST steps of the code path of the sign-in page for a typed address: `send` → `verify` →
 * `accept` (a pending invitation, once the code was right).
 */
export async function submitCodeStep(s: Step, step: 'send' | 'verify' | 'accept', body: Record<string, unknown>) {
  const subject = await subjectFromLogin(s.deps, s.tenant, s.login);
  if (step === 'send') return sendTypedCode(s, subject);
  if (step === 'verify') return verifyTypedCode(s, subject, body);
  return acceptInvitation(s, subject, body, () => codeSentPage(s, 200));
}
