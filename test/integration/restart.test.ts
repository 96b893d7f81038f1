import * as client from 'openid-client';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { finishAuthorization, freePort, startAuthorization, submitCredentials } from '../helpers/oidc.js';

const PASSWORD = 'Correct-Horse-9';
let current: TestApp | undefined;

afterAll(async () => {
  await current?.close();
});

const status = async (url: string, token: string) => (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status;

describe('restart survival', () => {
  it('keys, issued tokens, sessions and pending sign-ins survive a restart on the same database', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { PORTICO_PUBLIC_URL: base };

    // --- first process lifetime ---
    const first = await buildTestApp({ env });
    current = first;
    await first.app.listen({ port, host: '127.0.0.1' });
    const kidsBefore = ((await (await fetch(`${base}/discovery/v2.0/keys`)).json()) as { keys: { kid: string }[] }).keys.map(
      (k) => k.kid,
    );

    const { client: bot, clientSecret } = await first.app.portico.services.clients.createClient(first.tenant.id, {
      displayName: 'bot',
      permissions: ['User.Read.All'],
    });
    const cc = await client.discovery(new URL(base), bot.clientId, undefined, client.ClientSecretBasic(clientSecret), {
      execute: [client.allowInsecureRequests],
    });
    const appToken = (await client.clientCredentialsGrant(cc)).access_token;

    const { user } = await first.createUser({ upn: 'nestor@contoso.test' });
    const signedIn = await startAuthorization(first);
    const userTokens = await finishAuthorization(signedIn, await submitCredentials(signedIn, user.userPrincipalName, PASSWORD));

    // A sign-in left half-way: the form is shown but not yet submitted.
    const pending = await startAuthorization(first);
    expect(pending.page.status).toBe(200);

    await first.close({ keepStorage: true });
    current = undefined;

    // --- a new process on the same database ---
    const second = await buildTestApp({ env, storage: first.storage });
    current = second;
    await second.app.listen({ port, host: '127.0.0.1' });

    const kidsAfter = ((await (await fetch(`${base}/discovery/v2.0/keys`)).json()) as { keys: { kid: string }[] }).keys.map(
      (k) => k.kid,
    );
    expect(kidsAfter).toEqual(kidsBefore);

    expect(await status(`${base}/v1.0/users`, appToken)).toBe(200);
    expect(await status(`${base}/v1.0/me`, userTokens.access_token)).toBe(200);

    // The pending interaction continues where it stopped.
    const tokens = await finishAuthorization(pending, await submitCredentials(pending, user.userPrincipalName, PASSWORD));
    expect(tokens.claims()?.sub).toBe(user.id);

    // The browser session from before the restart still signs the user in without a form.
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(signedIn.cfg, {
      redirect_uri: `${base}/auth/callback`,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 's',
    });
    let location = url.href;
    let res = await signedIn.b.get(location);
    for (let i = 0; i < 5 && !location.includes('/auth/callback'); i++) {
      location = new URL(res.headers.get('location') ?? '', location).href;
      expect(location).not.toMatch(/\/login\//);
      if (!location.includes('/auth/callback')) res = await signedIn.b.get(location);
    }
    expect(location).toContain('code=');
  });
});
