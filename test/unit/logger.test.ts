import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED, redactText, redactUrl } from '../../src/server/platform/logger.js';

// Secrets never reach the log: URL parameters that carry credentials are masked in request URLs,
// message texts, string fields and error messages; credential-named properties and headers are
// censored. Only the development mailbox keeps its links (its lines say devMailbox: true).

function capture(level = 'trace') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, log: createLogger({ logLevel: level as 'trace' }, stream) };
}

describe('redactUrl', () => {
  it('masks the values of credential parameters and keeps everything else', () => {
    expect(redactUrl('/redeem/123?ticket=abc.def')).toBe(`/redeem/123?ticket=${REDACTED}`);
    expect(redactUrl('/auth/callback?code=c0de&state=s7at3&iss=http%3A%2F%2Fx')).toBe(
      `/auth/callback?code=${REDACTED}&state=${REDACTED}&iss=http%3A%2F%2Fx`,
    );
    expect(redactUrl('/t/saml2?SAMLRequest=fZJ%2B&RelayState=r&SigAlg=rsa')).toBe(
      `/t/saml2?SAMLRequest=${REDACTED}&RelayState=${REDACTED}&SigAlg=rsa`,
    );
    expect(redactUrl('/oauth2/v2.0/logout?id_token_hint=eyJ.x.y&client_id=app')).toBe(
      `/oauth2/v2.0/logout?id_token_hint=${REDACTED}&client_id=app`,
    );
    expect(redactUrl('/v1.0/users?$filter=displayName%20eq%20%27code%27&$top=5')).toBe(
      '/v1.0/users?$filter=displayName%20eq%20%27code%27&$top=5',
    );
    expect(redactUrl('/healthz')).toBe('/healthz');
  });

  it('compares names case-insensitively and after decoding', () => {
    expect(redactUrl('/x?CODE=1&%74icket=2&Client_Secret=3&password=4&otp=5&sig=6&nonce=7')).toBe(
      `/x?CODE=${REDACTED}&%74icket=${REDACTED}&Client_Secret=${REDACTED}&password=${REDACTED}&otp=${REDACTED}&sig=${REDACTED}&nonce=${REDACTED}`,
    );
    expect(redactUrl('/x?error_code=AADSTS50011&codes=1')).toBe('/x?error_code=AADSTS50011&codes=1');
  });
});

describe('redactText', () => {
  it('masks credential parameters inside free text (URLs in messages, form bodies)', () => {
    expect(redactText('Route GET:/redeem/1?ticket=t1ck3t not found')).toBe(`Route GET:/redeem/1?ticket=${REDACTED} not found`);
    expect(redactText('grant_type=authorization_code&code=abc&code_verifier=v')).toBe(
      `grant_type=authorization_code&code=${REDACTED}&code_verifier=${REDACTED}`,
    );
    expect(redactText('password=hunter2')).toBe(`password=${REDACTED}`);
    expect(redactText('no secrets here: statuscode=200')).toBe('no secrets here: statuscode=200');
  });
});

describe('createLogger', () => {
  it("masks Fastify's request URL, messages, string fields and errors; censors headers and credential properties", () => {
    const { lines, log } = capture();
    const req = { method: 'GET', url: '/redeem/1?ticket=SECRET1', host: 'x', ip: '1.2.3.4', headers: { cookie: 'a=b' } };
    log.info({ req }, 'incoming request');
    log.info('Route GET:/auth/callback?code=SECRET2&state=SECRET3 not found');
    log.warn({ location: 'https://app.example/cb?code=SECRET4', links: ['https://x/?state=SECRET5'] }, 'redirect');
    log.error({ err: new Error('failed at /saml2/complete?code=SECRET6') }, 'boom');
    log.error(new Error('failed at /x?otp=SECRET7'));
    log.info({ headers: { authorization: 'Bearer SECRET8', cookie: 'sid=SECRET9' } }, 'headers');
    log.info({ body: { password: 'SECRET10', client_secret: 'SECRET11', ticket: 'SECRET12' } }, 'body');
    log.debug({ password: 'SECRET13', SAMLResponse: 'SECRET14' }, 'top level');
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/SECRET\d/);
    expect(lines[0]).toMatchObject({ req: { method: 'GET', url: `/redeem/1?ticket=${REDACTED}`, remoteAddress: '1.2.3.4' } });
    expect(JSON.stringify(lines[0])).not.toContain('cookie');
    expect(lines[4]?.msg).toBe(`failed at /x?otp=${REDACTED}`);
  });

  it('leaves the development mailbox its links (README: follow the invitation link from the console)', () => {
    const { lines, log } = capture('info');
    log.info({ devMailbox: true, links: ['http://localhost/redeem/1?ticket=KEEP'] }, 'Dev mailbox: message stored');
    expect(lines[0]?.links).toEqual(['http://localhost/redeem/1?ticket=KEEP']);
  });
});
