import type { RedemptionContext } from '../../modules/invitations/redemptions.service.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import { escapeHtml as e, safeHref } from '../../platform/html.js';

/**
 * Page bodies of invitation redemption and guest passcode sign-in (escaped HTML; the interaction
 * layer wraps them in a page). Every value that comes from users or invitations is escaped here.
 */

export const REDEMPTION_MESSAGES = {
  invalidTitle: 'Invitation link not valid',
  invalid:
    'This invitation link is not valid. It may have been replaced by a newer invitation or copied incompletely. Ask the person who invited you to send it again.',
  blockedTitle: "You can't accept this invitation",
  incorrect: (remaining: number) =>
    `That code didn't work. Check the code and try again (${remaining} attempt${remaining === 1 ? '' : 's'} left).`,
  burned: 'That code was entered wrongly too many times. Send a new code.',
  expired: 'That code has expired. Send a new code.',
  missing: 'That code is no longer valid. Send a new code.',
  enterCode: 'Enter the code from the e-mail.',
  tooManyCodesTitle: 'Too many codes requested',
  tooManyCodes: (minutes: number) =>
    `Too many codes were sent to this address. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
} as const;

export interface FormParts {
  /** The interaction's form action. */
  action: string;
  /** Hidden fields (csrf, step, …) already rendered. */
  hidden: string;
}

const form = (f: FormParts, step: string, inner: string, button: string) =>
  `<form method="post" action="${e(f.action)}">
${f.hidden}
<input type="hidden" name="step" value="${e(step)}">
${inner}<button type="submit">${e(button)}</button>
</form>`;

/** "Review permissions" (entra-behaviour.md §3.4): who invited whom to what, the message, privacy. */
export function consentBody(r: RedemptionContext, f: FormParts): string {
  const org = r.tenant.displayName;
  const inviter = r.inviterEmail ? `${e(r.inviterName)} (${e(r.inviterEmail)})` : e(r.inviterName);
  const privacy = safeHref(r.tenant.privacyStatementUrl);
  return `<p class="muted">${e(r.invitation.invited_email)}</p>
<h1>Review permissions</h1>
<p><strong>${inviter}</strong> invited you to access applications within <strong>${e(org)}</strong>.</p>
${r.welcomeMessage ? `<p class="muted">Message from ${e(r.inviterName)}:</p><blockquote style="white-space:pre-wrap;border-left:3px solid #ccc;margin:8px 0;padding:4px 12px">${e(r.welcomeMessage)}</blockquote>` : ''}
<p>By accepting, you allow <strong>${e(org)}</strong> to receive your profile data: name, e-mail address and directory identifiers.</p>
<p>${
    privacy
      ? `You should only accept if you trust ${e(org)}. Read <a href="${e(privacy)}" rel="noopener noreferrer" target="_blank">${e(org)}'s privacy statement</a>.`
      : `${e(org)} has not provided a link to its privacy statement for you to review.`
  }</p>
${destinationLine(r.destination)}
${form(f, 'accept', '', 'Accept')}`;
}

/** "After you accept, you will go to <host>": the guest sees where the invitation leads before accepting. */
function destinationLine(destination: string): string {
  let host: string;
  try {
    host = new URL(destination).host;
  } catch {
    return '';
  }
  return `<p data-testid="redeem-destination">After you accept, you will go to <strong>${e(host)}</strong>.</p>`;
}

/** "We'll send a code to j•••@contoso.com" → Send code. */
export function sendCodeBody(tenant: Tenant, masked: string, f: FormParts, error?: string): string {
  return `<p class="muted">${e(tenant.displayName)}</p>
<h1>Send code</h1>
${error ? `<p class="error" role="alert">${e(error)}</p>` : ''}
<p>We'll send a code to <strong>${e(masked)}</strong> to sign you in.</p>
${form(f, 'send', '', 'Send code')}`;
}

/** "Enter code", with a way to ask for a new one. */
export function enterCodeBody(tenant: Tenant, masked: string, ttlMinutes: number, f: FormParts, error?: string): string {
  return `<p class="muted">${e(tenant.displayName)}</p>
<h1>Enter code</h1>
${error ? `<p class="error" role="alert">${e(error)}</p>` : ''}
<p>We just sent a code to <strong>${e(masked)}</strong>. It is valid for ${ttlMinutes} minutes.</p>
${form(
  f,
  'verify',
  '<label for="code">Code</label>\n<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required>\n',
  'Sign in',
)}
${form(f, 'send', '', 'Send a new code')}`;
}

/** The domain of a pending invitation is now blocked by the collaboration restrictions. */
export function blockedBody(reason: string): string {
  return `<h1>${e(REDEMPTION_MESSAGES.blockedTitle)}</h1><p class="error" role="alert">${e(reason)}</p>
<p>Contact the person who invited you or the organization's administrator.</p>`;
}

export function invalidLinkBody(): string {
  return `<h1>${e(REDEMPTION_MESSAGES.invalidTitle)}</h1><p class="error" role="alert">${e(REDEMPTION_MESSAGES.invalid)}</p>`;
}
