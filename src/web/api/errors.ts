import { ApiError, RedirectingError } from './client';

const GENERIC_DENIED = 'Insufficient privileges to complete the operation.';

/** True when the error only means "the page is leaving to sign in again": show nothing alarming. */
export const isRedirecting = (err: unknown): boolean => err instanceof RedirectingError;

/**
 * Turns any failure into a sentence for people. The API writes its messages for people, so they
 * are shown as they are where they explain something; statuses whose messages are generic get a
 * plain wording of their own. Raw JSON is never shown.
 */
export function friendlyError(err: unknown): string {
  if (err instanceof RedirectingError) return 'Signing you in again…';
  if (!(err instanceof ApiError)) {
    return 'Something unexpected went wrong in this page. Reload it and try again.';
  }
  const msg = cleanMessage(err.message);
  const ref = err.requestId ? ` (reference ${err.requestId})` : '';
  switch (true) {
    case err.status === 0:
      return "Portico can't be reached right now. Check your connection and try again.";
    case err.status === 401:
      return 'Your sign-in is no longer valid. Reload the page to sign in again.';
    case err.status === 403:
      return msg && msg !== GENERIC_DENIED
        ? msg
        : "You don't have permission to do this. Ask an administrator if you need access.";
    case err.status === 404:
      return "We couldn't find this item. It may have been deleted, or you may not have access to it.";
    case err.status === 429: {
      const wait = err.retryAfterSeconds
        ? ` Try again in ${err.retryAfterSeconds} second${err.retryAfterSeconds === 1 ? '' : 's'}.`
        : ' Wait a moment and try again.';
      // A specific reason ("Too many invitations: at most 150 every 5 seconds…") is kept.
      const reason = msg && !/^Too many requests\./i.test(msg) ? msg.replace(/\.?$/, '.') : 'Too many requests right now.';
      return `${reason}${wait}`;
    }
    case err.status >= 500:
      return `Something went wrong on the server. Try again in a moment${ref}.`;
    default:
      return msg || 'The request was not accepted. Check the values and try again.';
  }
}

/** A server message, unless it is empty or looks like machine output. */
function cleanMessage(message: string): string {
  const m = message.trim();
  if (!m || /^[[{]/.test(m)) return '';
  return m;
}
