/**
 * Entra ID's shape for OAuth errors (token, device code, authorization endpoints answering JSON):
 * RFC 6749's `error` plus `error_description` that starts with an AADSTS code and ends with the
 * trace and correlation ids, `error_codes`, `timestamp`, `trace_id` and `correlation_id`. MSAL and `@azure/identity` read `error_codes` / `suberror` / `correlation_id`;
 * scripts match on the AADSTS number. The numbers are Entra's own for the same failure.
 */

/** An AADSTS number for an RFC 6749 `error` (refined by the description where Entra distinguishes). */
export function aadstsCode(error: string, description = ''): number {
  const d = description.toLowerCase();
  switch (error) {
    case 'invalid_client':
      // AADSTS7000215 invalid secret; AADSTS700016 application not found in the directory.
      return d.includes('not found') || d.includes('unknown') ? 700016 : 7000215;
    case 'invalid_tenant':
      return 90002;
    case 'unauthorized_client':
      return 700016;
    case 'invalid_grant':
      // AADSTS70008 expired or revoked grant; AADSTS50126 bad credentials; AADSTS70000 otherwise.
      if (d.includes('expired') || d.includes('revoked')) return 70008;
      if (d.includes('code verifier') || d.includes('pkce')) return 501481;
      return 70000;
    case 'invalid_scope':
      return 70011;
    case 'invalid_target':
    case 'invalid_resource':
      return 500011;
    case 'unsupported_grant_type':
      return 70003;
    case 'unsupported_response_type':
      return 700054;
    case 'access_denied':
      return d.includes('consent') ? 65004 : 50105;
    case 'consent_required':
      return 65001;
    case 'login_required':
      return 50058;
    case 'interaction_required':
      return 50076;
    case 'invalid_redirect_uri':
      return 50011;
    case 'temporarily_unavailable':
      return 90033;
    case 'server_error':
      return 90000;
    case 'authorization_pending':
      return 70016;
    case 'expired_token':
      return 70019;
    case 'slow_down':
      return 70020;
    default:
      // invalid_request and anything else: AADSTS900144 names a missing parameter; 90014 a bad one.
      return d.includes('missing') ? 900144 : 90014;
  }
}

export interface EntraErrorIds {
  /** The request id Portico logs (Entra's trace id). */
  traceId: string;
  /** The client's `client-request-id` when it sent one (MSAL does), else the trace id. */
  correlationId: string;
  now: Date;
}

/** Entra's JSON error body for an RFC 6749 error. */
export function entraErrorBody(
  e: { error: string; error_description?: string; [k: string]: unknown },
  ids: EntraErrorIds,
): Record<string, unknown> {
  const raw = e.error_description ?? e.error;
  // A body shaped once already (an error rendered twice) keeps its code.
  const already = /^AADSTS(\d+): /.exec(raw);
  const code = already ? Number(already[1]) : aadstsCode(e.error, raw);
  const text = already ? raw.split('\r\n')[0] : `AADSTS${code}: ${raw}`;
  // Entra writes "2026-01-31 12:00:00Z".
  const timestamp = ids.now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace('T', ' ');
  return {
    ...e,
    error: e.error,
    error_description: `${text}\r\nTrace ID: ${ids.traceId}\r\nCorrelation ID: ${ids.correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: ids.traceId,
    correlation_id: ids.correlationId,
  };
}

/** The `correlation_id` of a request: its `client-request-id` when it is a sensible value. */
export function correlationIdOf(clientRequestId: unknown, traceId: string): string {
  return typeof clientRequestId === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(clientRequestId) ? clientRequestId : traceId;
}
