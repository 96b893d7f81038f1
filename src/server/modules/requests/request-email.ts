import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import type { IdGenerator } from '../../domain/ids.js';
import { escapeHtml } from '../../platform/html.js';
import { enqueueMail } from '../../platform/outbox.js';
import type { Tenant } from '../tenants/tenants.service.js';

/**
 * The mail of self-service requests: to the approvers (apps) or owners (groups) when a request
 * arrives, and to the requester when it is decided. Text and HTML; every value that people typed
 * (names, justification, reason) is escaped in HTML and never interpreted.
 */

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

interface Paragraphs {
  subject: string;
  heading: string;
  /** Label and value pairs (a missing value is left out). */
  details: [string, string | null][];
  action: { label: string; url: string };
  footer: string;
}

const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');

function render(p: Paragraphs): RenderedMail {
  const subject = oneLine(p.subject);
  const details = p.details.filter((d): d is [string, string] => d[1] !== null && d[1] !== '');
  const text = [
    p.heading,
    '',
    ...details.flatMap(([label, value]) => [`${label}:`, value, '']),
    `${p.action.label}: ${p.action.url}`,
    '',
    p.footer,
  ].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#1b1b1b;max-width:640px;margin:0 auto;padding:16px">
<p style="font-size:16px">${e(p.heading)}</p>
${details
  .map(
    ([label, value]) =>
      `<p style="margin:8px 0"><span style="font-weight:600">${e(label)}</span><br><span style="white-space:pre-wrap">${e(value)}</span></p>`,
  )
  .join('\n')}
<p><a href="${e(p.action.url)}" style="display:inline-block;background:#0f6cbd;color:#fff;padding:10px 20px;border-radius:4px;text-decoration:none;font-weight:600">${e(
    p.action.label,
  )}</a></p>
<hr style="border:none;border-top:1px solid #ddd">
<p style="font-size:12px;color:#555">${e(p.footer)}</p>
</body></html>`;
  return { subject, text, html };
}

const requesterLine = (name: string, login: string | null) => (login ? `${name} (${login})` : name);

/** Who asks, where, and where the reader reviews the request. */
export interface AskedOf {
  organizationName: string;
  requesterName: string;
  requesterLogin: string | null;
  reviewUrl: string;
}

/** To those who decide: the requester `asks` (in words), the reader decides as `role`, with the requester's `detail`. */
function renderToDecider(
  m: AskedOf,
  w: { subject: string; asks: string; role: string; detail: [string, string | null]; footer: string },
): RenderedMail {
  return render({
    subject: `${m.requesterName} ${w.subject}`,
    heading: `${requesterLine(m.requesterName, m.requesterLogin)} ${w.asks} in ${m.organizationName}. ${w.role}`,
    details: [w.detail],
    action: { label: 'Review the request', url: m.reviewUrl },
    footer: w.footer,
  });
}

/** To the requester: the decision (`approved` or refused), with the decider's reason and a link. */
function renderDecision(
  m: { approved: boolean; reason: string | null },
  w: { subject: string; approved: string; refused: string; action: { label: string; url: string }; footer: string },
): RenderedMail {
  return render({
    subject: w.subject,
    heading: m.approved ? w.approved : w.refused,
    details: [['Reason', m.reason]],
    action: w.action,
    footer: w.footer,
  });
}

/** To an approver: someone asks for access to an application. */
export function renderAppRequestToApprover(m: AskedOf & { appName: string; justification: string }): RenderedMail {
  return renderToDecider(m, {
    subject: `requests access to ${m.appName}`,
    asks: `requests access to ${m.appName}`,
    role: 'You are an approver of this application.',
    detail: ['Business justification', m.justification],
    footer:
      'Any one approver can approve or deny the request. You receive this e-mail because you approve access to this application.',
  });
}

/** To the requester: their access request was approved or denied. */
export function renderAppRequestDecision(m: {
  approved: boolean;
  appName: string;
  deciderName: string;
  reason: string | null;
  myAppsUrl: string;
}): RenderedMail {
  return renderDecision(m, {
    subject: `Your request for access to ${m.appName} was ${m.approved ? 'approved' : 'denied'}`,
    approved: `${m.deciderName} approved your request for access to ${m.appName}. The application is now in My Apps.`,
    refused: `${m.deciderName} denied your request for access to ${m.appName}.`,
    action: { label: 'Open My Apps', url: m.myAppsUrl },
    footer: 'You receive this e-mail because you requested access to this application.',
  });
}

/** To a group owner: someone asks to join a group. */
export function renderJoinRequestToOwner(m: AskedOf & { groupName: string; justification: string | null }): RenderedMail {
  return renderToDecider(m, {
    subject: `asks to join ${m.groupName}`,
    asks: `asks to join the group ${m.groupName}`,
    role: 'You are an owner of this group.',
    detail: ['Reason for joining', m.justification],
    footer: 'Any one owner can approve or reject the request. You receive this e-mail because you own this group.',
  });
}

/** To the requester: their join request was approved or rejected. */
export function renderJoinRequestDecision(m: {
  approved: boolean;
  groupName: string;
  deciderName: string;
  reason: string | null;
  groupUrl: string;
}): RenderedMail {
  return renderDecision(m, {
    subject: `Your request to join ${m.groupName} was ${m.approved ? 'approved' : 'rejected'}`,
    approved: `${m.deciderName} approved your request: you are now a member of ${m.groupName}.`,
    refused: `${m.deciderName} rejected your request to join ${m.groupName}.`,
    action: { label: 'Open My Groups', url: m.groupUrl },
    footer: 'You receive this e-mail because you asked to join this group.',
  });
}

export interface RequestMailDeps {
  clock: Clock;
  newId: IdGenerator;
  config: { mailFrom: string };
}

/**
 * Queues one message per recipient who has an e-mail address, in the caller's transaction (the
 * outbox delivers after commit). Returns how many were queued.
 */
export async function enqueueRequestMail(
  deps: RequestMailDeps,
  trx: Executor,
  tenant: Pick<Tenant, 'id' | 'initialDomain'>,
  kind: string,
  recipients: readonly { mail: string | null }[],
  mail: RenderedMail,
  headers: Record<string, string>,
): Promise<number> {
  const addresses = [...new Set(recipients.map((r) => r.mail).filter((m): m is string => m !== null && m !== ''))];
  for (const to of addresses) {
    await enqueueMail(
      trx,
      { clock: deps.clock, newId: deps.newId, mailFrom: deps.config.mailFrom },
      { tenant, kind, to: [to], subject: mail.subject, text: mail.text, html: mail.html, headers },
    );
  }
  return addresses.length;
}
