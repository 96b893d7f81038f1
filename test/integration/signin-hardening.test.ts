import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { finishAuthorization, freePort, startAuthorization, submitCredentials } from '../helpers/oidc.js';

// The first sign-in step and the password step under attack: failed passwords count against the
// account whatever spelling of it is typed.

const PASSWORD = 'Correct-Horse-9';

let t: TestApp;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await buildTestApp({
    env: { PORTICO_PUBLIC_URL: base, PORTICO_OUTBOX_WORKER: 'off', PORTICO_SIGNIN_MAX_FAILURES: '3' },
  });
  await t.app.listen({ port, host: '127.0.0.1' });
});

afterAll(async () => {
  await t?.close();
});

/** Posts a password for `login` on a fresh sign-in page; returns the status. */
async function attempt(login: string, password: string): Promise<number> {
  const flow = await startAuthorization(t);
  return (await submitCredentials(flow, login, password)).status;
}

describe('lockout per account, not per typed name', () => {
  it('failures under the UPN, its other case and the mail alias lock the one account', async () => {
    const { user } = await t.createUser({ upn: 'alice@contoso.test', mail: 'alice.liddell@contoso.test' });
    expect(await attempt('alice@contoso.test', 'Wrong-Password-1')).toBe(401);
    expect(await attempt('ALICE@CONTOSO.TEST', 'Wrong-Password-2')).toBe(401);
    expect(await attempt('Alice.Liddell@contoso.test', 'Wrong-Password-3')).toBe(401);
    // Three failures reached the limit: the right password is no longer even checked, under any spelling.
    for (const login of ['alice@contoso.test', ' alice.liddell@CONTOSO.test ']) {
      const flow = await startAuthorization(t);
      const res = await submitCredentials(flow, login, PASSWORD);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    // Someone else is not affected.
    const { user: bob } = await t.createUser({ upn: 'bob@contoso.test' });
    const flow = await startAuthorization(t);
    const tokens = await finishAuthorization(flow, await submitCredentials(flow, bob.userPrincipalName, PASSWORD));
    expect(tokens.claims()?.sub).toBe(bob.id);
    expect(user.id).not.toBe(bob.id);
  });

  it('a name that is no account is limited too (per normalised name)', async () => {
    for (const login of ['ghost@contoso.test', 'GHOST@contoso.test', 'Ghost@Contoso.Test']) {
      expect(await attempt(login, 'Wrong-Password-1')).toBe(401);
    }
    expect(await attempt('ghost@contoso.test', 'Wrong-Password-1')).toBe(429);
  });
});
