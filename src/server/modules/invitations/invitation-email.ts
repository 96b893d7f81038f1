import { escapeHtml, safeHref } from '../../platform/html.js';

export interface InvitationEmailInput {
  language: string | null | undefined;
  inviterName: string;
  inviterEmail: string | null;
  organizationName: string;
  organizationDomain: string;
  invitedEmail: string;
  /** Plain text; never interpreted as HTML. */
  welcomeMessage: string | null;
  acceptUrl: string;
  destinationUrl: string;
  privacyStatementUrl: string | null;
  unsubscribeUrl: string;
}

type Strings = {
  subject: (inviter: string, org: string) => string;
  caution: string;
  invitedYou: (inviter: string, org: string) => string;
  messageFrom: (inviter: string) => string;
  accept: string;
  destination: string;
  returnNote: string;
  privacy: string;
  noPrivacy: (org: string) => string;
  block: string;
  blockNote: (org: string) => string;
  sentTo: (email: string) => string;
};

const en: Strings = {
  subject: (i, o) => `${i} invited you to access applications within ${o}`,
  caution:
    'Please only act on this email if you trust the individual and organization represented below. In rare cases, individuals may receive fraudulent invitations from bad actors posing as legitimate companies. If you were not expecting this invitation, proceed with caution.',
  invitedYou: (i, o) => `${i} invited you to access applications within ${o}.`,
  messageFrom: (i) => `Message from ${i}:`,
  accept: 'Accept invitation',
  destination: 'Accepting this invitation will take you to:',
  returnNote: 'You can always use this link to return to the resources you were invited to.',
  privacy: "Organization's privacy statement",
  noPrivacy: (o) => `${o} has not provided a privacy statement.`,
  block: 'Block future invitations from this organization',
  blockNote: (o) => `If you don't want invitations from ${o} any more, you can block them:`,
  sentTo: (e) => `This invitation was sent to ${e}.`,
};

const de: Strings = {
  subject: (i, o) => `${i} hat Sie eingeladen, auf Anwendungen in ${o} zuzugreifen`,
  caution:
    'Bitte reagieren Sie nur auf diese E-Mail, wenn Sie der unten genannten Person und Organisation vertrauen. In seltenen Fällen versenden Betrüger gefälschte Einladungen im Namen echter Unternehmen. Wenn Sie diese Einladung nicht erwartet haben, seien Sie vorsichtig.',
  invitedYou: (i, o) => `${i} hat Sie eingeladen, auf Anwendungen in ${o} zuzugreifen.`,
  messageFrom: (i) => `Nachricht von ${i}:`,
  accept: 'Einladung annehmen',
  destination: 'Nach dem Annehmen gelangen Sie zu:',
  returnNote: 'Mit diesem Link können Sie jederzeit zu den Ressourcen zurückkehren, zu denen Sie eingeladen wurden.',
  privacy: 'Datenschutzerklärung der Organisation',
  noPrivacy: (o) => `${o} hat keine Datenschutzerklärung angegeben.`,
  block: 'Künftige Einladungen dieser Organisation blockieren',
  blockNote: (o) => `Wenn Sie keine Einladungen von ${o} mehr erhalten möchten, können Sie sie blockieren:`,
  sentTo: (e) => `Diese Einladung wurde an ${e} gesendet.`,
};

const catalogues: Record<string, Strings> = { en, de };

/** Picks the template language from an ISO 639 tag (`de-DE` → de); English otherwise. */
export const templateLanguage = (tag: string | null | undefined): 'en' | 'de' => {
  const l = (tag ?? '').toLowerCase().split('-')[0];
  return l === 'de' ? 'de' : 'en';
};

/** Renders the invitation e-mail (text and HTML). Every user-supplied value is escaped in HTML. */
export function renderInvitationEmail(m: InvitationEmailInput): { subject: string; text: string; html: string } {
  const lang = templateLanguage(m.language);
  const s = catalogues[lang] ?? en;
  const inviter = m.inviterEmail ? `${m.inviterName} (${m.inviterEmail})` : m.inviterName;
  const privacyHref = safeHref(m.privacyStatementUrl);
  const subject = s.subject(m.inviterName, m.organizationName).replace(/[\r\n]+/g, ' ');

  const text = [
    s.caution,
    '',
    s.invitedYou(inviter, `${m.organizationName} (${m.organizationDomain})`),
    ...(m.welcomeMessage ? ['', s.messageFrom(m.inviterName), m.welcomeMessage] : []),
    '',
    `${s.accept}: ${m.acceptUrl}`,
    '',
    s.destination,
    m.destinationUrl,
    s.returnNote,
    '',
    privacyHref ? `${s.privacy}: ${privacyHref}` : s.noPrivacy(m.organizationName),
    '',
    s.blockNote(m.organizationName),
    m.unsubscribeUrl,
    '',
    s.sentTo(m.invitedEmail),
  ].join('\n');

  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#1b1b1b;max-width:640px;margin:0 auto;padding:16px">
<p style="background:#fff4ce;border-left:4px solid #c19c00;padding:8px 12px;font-size:13px">${e(s.caution)}</p>
<p style="font-size:16px">${e(s.invitedYou(inviter, `${m.organizationName} (${m.organizationDomain})`))}</p>
${
  m.welcomeMessage
    ? `<div style="border-left:4px solid #0f6cbd;background:#f3f8fd;padding:8px 12px;margin:12px 0"><p style="margin:0 0 4px;font-weight:600">${e(
        s.messageFrom(m.inviterName),
      )}</p><p style="margin:0;white-space:pre-wrap">${e(m.welcomeMessage)}</p></div>`
    : ''
}
<p><a href="${e(m.acceptUrl)}" style="display:inline-block;background:#0f6cbd;color:#fff;padding:10px 20px;border-radius:4px;text-decoration:none;font-weight:600">${e(
    s.accept,
  )}</a></p>
<p style="font-size:13px">${e(s.destination)}<br><span>${e(m.destinationUrl)}</span><br>${e(s.returnNote)}</p>
<hr style="border:none;border-top:1px solid #ddd">
<p style="font-size:12px;color:#555">${
    privacyHref ? `<a href="${e(privacyHref)}">${e(s.privacy)}</a>` : e(s.noPrivacy(m.organizationName))
  }</p>
<p style="font-size:12px;color:#555">${e(s.blockNote(m.organizationName))} <a href="${e(m.unsubscribeUrl)}">${e(s.block)}</a></p>
<p style="font-size:12px;color:#555">${e(s.sentTo(m.invitedEmail))}</p>
</body></html>`;
  return { subject, text, html };
}
