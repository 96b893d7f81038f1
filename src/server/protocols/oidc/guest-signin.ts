import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import type { User } from '../../../contracts/users.js';
import type { Config } from '../../config/index.js';
import { messagePage, sendPage } from '../../http/pages.js';
import type { RedemptionContext, RedemptionsService } from '../../modules/invitations/redemptions.service.js';
import { maskEmail, type OtpBinding, type OtpService } from '../../modules/redemption/otp.service.js';
import { REDEEM_COOKIE, type RedeemCookieCodec } from '../../modules/redemption/redeem-cookie.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import type { UsersService } from '../../modules/users/users.service.js';
import { issuerPath, REDEEM_CLIENT_ID } from './constants.js';
import { finishLogin, hiddenFields, interactionToken, sameToken } from './interaction.js';
import {
  blockedBody,
  consentBody,
  enterCodeBody,
  type FormParts,
  invalidLinkBody,
  REDEMPTION_MESSAGES,
  sendCodeBody,
} from './redemption.pages.js';

/**
 * Guests inside the sign-in interaction: invitation redemption (consent → e-mail one-time
 * passcode → Accepted) and later passcode sign-in. Everything happens in an oidc-provider
 * interaction, so success leaves a real provider session that apps then use silently.
 *
 * Who the guest is comes either from the redeem cookie (interactions of the `portico-redeem`
 * client, started by /redeem/:id) or from the address typed on the sign-in form. Codes only ever
 * go to the invited address, so a forwarded link or a typed address is useless to anyone else.
 */

export interface GuestSignInDeps {
  config: Config;
  users: Pick<UsersService, 'findUserForSignIn' | 'findUserByEmail' | 'findUser'>;
  redemptions: Pick<
    RedemptionsService,
    'findRedemption' | 'pendingRedemptionOfUser' | 'redemptionDomainDecision' | 'completeRedemption'
  >;
  otp: Pick<OtpService, 'sendCode' | 'verifyCode' | 'ttlMinutes'>;
  redeemCookie: RedeemCookieCodec;
  /** The sign-in CSRF key (also signs the "consent given" proof). */
  csrfKey: string;
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
 * unknown addresses and anyone with a password — they continue with the password step.
 */
export async function subjectFromLogin(deps: GuestSignInDeps, tenant: Tenant, login: string): Promise<Subject | undefined> {
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

interface Step {
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

const consentProof = (s: Step, subject: Subject) =>
  interactionToken(s.deps.csrfKey, s.tenant, s.uid, `consent:${subject.kind === 'redeem' ? subject.r.invitation.id : ''}`);

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

/** Collaboration restrictions are re-checked while an invitation is still pending (§3.5). */
async function blocked(s: Step, subject: Subject) {
  if (subject.kind !== 'redeem') return undefined;
  const d = await s.deps.redemptions.redemptionDomainDecision(s.tenant.id, subject.email);
  return d.allowed ? undefined : sendPage(s.reply, 403, REDEMPTION_MESSAGES.blockedTitle, blockedBody(d.reason));
}

/** First page for a guest: consent while pending, else the Send code page. */
async function startPage(s: Step, subject: Subject) {
  if (subject.kind === 'redeem') {
    const b = await blocked(s, subject);
    if (b) return b;
    return sendPage(s.reply, 200, 'Review permissions', consentBody(subject.r, formParts(s)));
  }
  return sendCodePage(s, subject, 200);
}

function sendCodePage(s: Step, subject: Subject, status: number, error?: string) {
  const proof: Record<string, string> = subject.kind === 'redeem' ? { consent: consentProof(s, subject) } : {};
  return sendPage(s.reply, status, 'Send code', sendCodeBody(s.tenant, maskEmail(subject.email), formParts(s, proof), error));
}

function enterCodePage(s: Step, subject: Subject, status: number, error?: string) {
  const proof: Record<string, string> = subject.kind === 'redeem' ? { consent: consentProof(s, subject) } : {};
  return sendPage(
    s.reply,
    status,
    'Enter code',
    enterCodeBody(s.tenant, maskEmail(subject.email), s.deps.otp.ttlMinutes, formParts(s, proof), error),
  );
}

/**
 * GET of a `portico-redeem` interaction: the redemption for the invitation in the redeem cookie.
 * A guest already signed in here as that user goes straight through; an accepted guest signs in
 * with a passcode (the link signs in); a pending one sees consent first.
 */
export async function showRedeem(s: Step) {
  const subject = await subjectFromCookie(s.deps, s.tenant, s.req);
  if (!subject) return invalidLink(s.reply);
  if (subject.kind === 'signin' && s.interaction.session?.accountId === subject.user.id && subject.user.accountEnabled) {
    return finishLogin(s.provider, s.deps.config, s.interaction, s.req, s.reply, subject.user.id, ['otp']);
  }
  return startPage(s, subject);
}

/** First step of the sign-in form for a typed address that belongs to a guest. */
function _startGuest(s: Step, subject: Subject) {
  return startPage(s, subject);
}

/**
 * POST steps of the guest pages: `accept` (consent) → `send` (a code to the invited address) →
 * `verify` (the code; on success the redemption completes and the interaction signs the guest in).
 * Returns undefined when the request is not about a guest (the caller continues with passwords).
 */
export async function submitGuestStep(s: Step, step: string, body: Record<string, unknown>) {
  const redeemLink = isRedeemInteraction(s.interaction);
  const subject = redeemLink
    ? await subjectFromCookie(s.deps, s.tenant, s.req)
    : await subjectFromLogin(s.deps, s.tenant, s.login);
  if (!subject) return redeemLink ? invalidLink(s.reply) : undefined;
  if (step === 'identify') return startPage(s, subject);

  const proof = typeof body.consent === 'string' ? body.consent : '';
  const consented = subject.kind === 'signin' || sameToken(proof, consentProof(s, subject));
  if (step === 'accept') {
    const b = await blocked(s, subject);
    return b ?? sendCodePage(s, subject, 200);
  }
  // Without the consent proof a pending guest goes back to the consent page.
  if (!consented) return startPage(s, subject);

  if (step === 'send') {
    const b = await blocked(s, subject);
    if (b) return b;
    const sent = await s.deps.otp.sendCode(s.tenant, subject.binding, subject.email);
    if (sent.status === 'throttled') {
      s.reply.header('retry-after', String(sent.retryAfterSeconds));
      return messagePage(
        s.reply,
        429,
        REDEMPTION_MESSAGES.tooManyCodesTitle,
        REDEMPTION_MESSAGES.tooManyCodes(Math.ceil(sent.retryAfterSeconds / 60)),
      );
    }
    s.req.log.info({ tenantId: s.tenant.id, purpose: subject.binding.purpose }, 'one-time passcode sent');
    return enterCodePage(s, subject, 200);
  }

  if (step === 'verify') {
    const code = typeof body.code === 'string' ? body.code : '';
    if (!code.trim()) return enterCodePage(s, subject, 400, REDEMPTION_MESSAGES.enterCode);
    const b = await blocked(s, subject);
    if (b) return b;
    const v = await s.deps.otp.verifyCode(subject.binding, code);
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
        break;
    }
    // The code proves the address; a disabled account still stays out (as after a right password).
    if (!subject.user.accountEnabled) return messagePage(s.reply, 403, 'Account locked', SIGNIN_DISABLED);
    if (subject.kind === 'redeem') {
      const done = await s.deps.redemptions.completeRedemption(subject.r);
      if (!done) {
        // A concurrent redemption won (fine: the user is Accepted), unless a reset made the user
        // pending again under a newer invitation: then this one no longer counts.
        const now = await s.deps.users.findUser(s.tenant.id, subject.user.id);
        if (!now || now.externalUserState !== 'Accepted') return invalidLink(s.reply);
      }
      s.req.log.info({ tenantId: s.tenant.id, invitationId: subject.r.invitation.id, completed: done }, 'invitation redeemed');
    }
    return finishLogin(s.provider, s.deps.config, s.interaction, s.req, s.reply, subject.user.id, ['otp']);
  }
  return startPage(s, subject);
}
