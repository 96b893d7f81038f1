import type { TestApp } from './app.js';
import { browser } from './oidc.js';

/** Drives invitation redemption and guest passcode sign-in over HTTP with a cookie jar. */

export type Browser = ReturnType<typeof browser>;

export interface Page {
  res: Response;
  status: number;
  url: string;
  html: string;
}

const decodeEntities = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The page's HTML with entities decoded (for assertions on visible text). */
export const textOf = (html: string) => decodeEntities(html);

/** The n-th form of a page: its absolute action and its hidden fields. */
export function formOf(page: Page, n = 0): { action: string; fields: Record<string, string> } {
  const forms = [...page.html.matchAll(/<form\b[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)];
  const f = forms[n];
  if (!f) throw new Error(`no form #${n} on page (${page.status}):\n${page.html}`);
  const fields: Record<string, string> = {};
  for (const m of (f[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    if (m[1]) fields[m[1]] = decodeEntities(m[2] ?? '');
  }
  return { action: new URL(decodeEntities(f[1] ?? ''), page.url).href, fields };
}

/** GETs `url`, following same-origin redirects; stops at a page or at a redirect leaving `base`. */
export async function open(b: Browser, base: string, url: string): Promise<Page & { location?: string }> {
  return follow(b, base, await b.get(url), url);
}

/** Follows redirects of `res` (obtained at `url`) while they stay on `base`. */
export async function follow(b: Browser, base: string, res: Response, url: string): Promise<Page & { location?: string }> {
  let current = res;
  let at = url;
  for (let i = 0; i < 10; i++) {
    if (current.status !== 302 && current.status !== 303) {
      return { res: current, status: current.status, url: at, html: await current.text() };
    }
    const location = new URL(current.headers.get('location') ?? '', at).href;
    if (!location.startsWith(`${base}/`) || location.includes('/auth/callback')) {
      return { res: current, status: current.status, url: at, html: '', location };
    }
    at = location;
    current = await b.get(location);
  }
  throw new Error(`too many redirects (last ${at})`);
}

/** Submits form `n` of a page with extra fields, without following redirects. */
export async function submit(b: Browser, page: Page, extra: Record<string, string> = {}, n = 0): Promise<Page> {
  const f = formOf(page, n);
  const res = await b.postForm(f.action, { ...f.fields, ...extra });
  return { res, status: res.status, url: f.action, html: res.status === 200 || res.status >= 400 ? await res.text() : '' };
}

/** Submits and follows the redirects that a successful sign-in produces. */
export async function submitAndFollow(b: Browser, base: string, page: Page, extra: Record<string, string> = {}, n = 0) {
  const f = formOf(page, n);
  const res = await b.postForm(f.action, { ...f.fields, ...extra });
  return follow(b, base, res, f.action);
}

export interface StoredMail {
  id: string;
  kind: string;
  to: string[];
  subject: string;
  text: string;
  html?: string;
}

/** Mail in the outbox addressed to `address` (oldest first), optionally of one kind. */
export async function mailTo(t: TestApp, address: string, kind?: string): Promise<StoredMail[]> {
  let q = t.database.db.selectFrom('outbox').select(['id', 'kind', 'payload']).orderBy('id');
  if (kind) q = q.where('kind', '=', kind);
  const rows = await q.execute();
  return rows
    .map((r) => ({ id: r.id, kind: r.kind, ...(JSON.parse(r.payload) as Omit<StoredMail, 'id' | 'kind'>) }))
    .filter((m) => m.to.some((a) => a.toLowerCase().includes(address.toLowerCase())));
}

/** Every passcode mail in the outbox (any recipient). */
export async function allCodeMails(t: TestApp): Promise<StoredMail[]> {
  const rows = await t.database.db
    .selectFrom('outbox')
    .select(['id', 'kind', 'payload'])
    .where('kind', '=', 'otp')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, kind: r.kind, ...(JSON.parse(r.payload) as Omit<StoredMail, 'id' | 'kind'>) }));
}

/** The latest passcode sent to `address`. */
export async function latestCode(t: TestApp, address: string): Promise<string> {
  const mails = await mailTo(t, address, 'otp');
  const last = mails.at(-1);
  const code = last && /\b(\d{8})\b/.exec(last.text)?.[1];
  if (!code) throw new Error(`no passcode sent to ${address}`);
  return code;
}

/** The redeem link of the latest invitation e-mail to `address`. */
export async function latestRedeemLink(t: TestApp, address: string): Promise<string> {
  const mails = await mailTo(t, address, 'invitation');
  const link = mails.at(-1)?.text.match(/https?:\/\/\S+\/redeem\/[^\s)]+/)?.[0];
  if (!link) throw new Error(`no invitation sent to ${address}`);
  return link;
}

/** POST /v1.0/invitations as the test admin. */
export async function invite(
  t: TestApp,
  email: string,
  opts: { redirect?: string; message?: string; send?: boolean; token?: string; extra?: Record<string, unknown> } = {},
) {
  const res = await t.call('POST', '/v1.0/invitations', {
    token: opts.token ?? t.admin.token,
    body: {
      invitedUserEmailAddress: email,
      inviteRedirectUrl: opts.redirect ?? 'https://apps.contoso.example/welcome',
      sendInvitationMessage: opts.send ?? true,
      ...(opts.message ? { invitedUserMessageInfo: { customizedMessageBody: opts.message } } : {}),
      ...opts.extra,
    },
  });
  if (res.statusCode !== 201) throw new Error(`invite ${email}: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; inviteRedeemUrl: string; invitedUser: { id: string }; status: string };
}

export { browser };

/**
 * After a code was sent: enters the latest code to `email` on the Enter code page and, when the
 * invitation is still pending (Review permissions, shown only after the code), accepts it. Follows
 * the redirects that stay on `base`; returns where the browser ends (or the page it stopped at).
 */
export async function enterCodeAndAccept(t: TestApp, b: Browser, base: string, enter: Page, email: string) {
  const verified = await submitAndFollow(b, base, enter, { code: await latestCode(t, email) });
  if (verified.status === 200 && verified.html.includes('Review permissions')) return submitAndFollow(b, base, verified);
  return verified;
}

/**
 * The one-time-passcode path of the sign-in page: types `email` on the page that asks for the
 * address, chooses "Email me a code" on the next page (the same for every address) and enters the
 * code (accepting a pending invitation after it).
 */
export async function signInWithCode(t: TestApp, b: Browser, base: string, signInPage: Page, email: string) {
  const credentials = await submit(b, signInPage, { login: email });
  const enter = await submit(b, credentials, {}, 1);
  return enterCodeAndAccept(t, b, base, enter, email);
}
