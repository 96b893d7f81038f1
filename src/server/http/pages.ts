import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClassifiedError } from './errors.js';

/**
 * Server-rendered pages (sign-in, redemption, SAML, direct sign-on links, protocol errors): one
 * look, no inline script, every value escaped by the caller with `esc`.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes text for element content and quoted attribute values. */
export const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

const STYLE = `body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0}
main{max-width:380px;margin:8vh auto;background:#fff;padding:36px 44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:1.5rem;font-weight:600;margin:0 0 16px}p{margin:8px 0}
label{display:block;margin:14px 0 4px}input[type=text],input[type=email],input[type=password]{width:100%;box-sizing:border-box;padding:6px 0;border:0;border-bottom:1px solid #666;font-size:1rem}
button{margin-top:24px;background:#0067b8;color:#fff;border:0;padding:8px 28px;font-size:1rem;cursor:pointer}
.error{color:#e81123}.muted{color:#555;font-size:.9rem}`;

/** A complete page; `body` must already be escaped HTML. */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

/**
 * CSP of server-rendered pages: nothing but inline styles. No `form-action` directive: browsers
 * apply it to the redirects that follow a form post too, and a successful sign-in redirects to the
 * client's (or the invitation's) own origin.
 */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

/** Sends a complete HTML page with the headers every server-rendered page carries. */
export function sendPage(reply: FastifyReply, status: number, title: string, body: string) {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('x-frame-options', 'DENY')
    .header('content-security-policy', PAGE_CSP)
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(page(title, body));
}

/**
 * A page with a heading and one message (an expected refusal inside a flow). Error statuses show
 * the request id, so a user can quote it to support.
 */
export const messagePage = (reply: FastifyReply, status: number, title: string, message: string) =>
  sendPage(
    reply,
    status,
    title,
    `<h1>${esc(title)}</h1><p class="error" role="alert">${esc(message)}</p>${
      status >= 400 ? supportDetails(String(reply.request.id)) : ''
    }`,
  );

/** Sentences for people where the catalogue's message is written for API clients. */
const PAGE_MESSAGES: Partial<Record<string, string>> = {
  unsupported_media_type: 'This page accepts form submissions only.',
  request_body_malformed: 'The form could not be read. Go back and try again.',
  request_body_invalid: 'The form could not be read. Go back and try again.',
  payload_too_large: 'The form you sent is too large.',
  request_text_invalid:
    'What you entered or the link you opened contains characters that are not allowed, such as a NUL character. Go back, check it and try again.',
  internal_error: 'Something went wrong on our side. Try again later; if it keeps happening, quote the request id below.',
};

/** Heading of the error page of a catalogue code. */
function errorHeading(code: string, status: number): string {
  if (/^(sign_on|sign_in|saml)_/.test(code)) return "Sorry, but we're having trouble signing you in.";
  if (status === 404) return "This page doesn't exist";
  if (status >= 500) return 'Sorry, something went wrong';
  return "Sorry, we can't show this page";
}

/** The request id and time (UTC) as shown on error pages, for the user to quote to support. */
export const supportDetails = (requestId: string, date = new Date()) =>
  `<p class="muted">Request id: <code>${esc(requestId)}</code><br>Time (UTC): ${esc(date.toISOString().replace(/\.\d{3}Z$/, 'Z'))}</p>`;

/**
 * The error page of the browser surfaces: the catalogue entry's status, a heading, the message (a
 * sentence for people, never a stack trace) and the request id that finds the log lines.
 */
export function sendErrorPage(req: FastifyRequest, reply: FastifyReply, c: ClassifiedError) {
  if (c.headers) reply.headers(c.headers);
  const heading = errorHeading(c.code, c.status);
  return sendPage(
    reply,
    c.status,
    heading,
    `<h1>${esc(heading)}</h1><p class="error" role="alert">${esc(PAGE_MESSAGES[c.code] ?? c.message)}</p>${supportDetails(String(req.id))}`,
  );
}
