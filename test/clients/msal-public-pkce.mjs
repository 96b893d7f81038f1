// MSAL Node PublicClientApplication, unmodified: authorization code + PKCE for a third-party
// application asking for Microsoft Graph's User.Read, then /v1.0/me with the token. The browser
// part (sign-in, consent) is done by whoever runs this: the script prints the sign-in URL, reads the
// URL the browser was redirected to from stdin, and prints what it got. NODE_EXTRA_CA_CERTS trusts
// Portico's dev CA.
import readline from 'node:readline';
import { CryptoProvider, PublicClientApplication } from '@azure/msal-node';

const { PORTICO_URL, AUTHORITY, CLIENT_ID, REDIRECT_URI, SCOPES } = process.env;
const scopes = (SCOPES ?? 'User.Read').split(' ');

const pca = new PublicClientApplication({
  auth: { clientId: CLIENT_ID, authority: AUTHORITY, knownAuthorities: [new URL(PORTICO_URL).host] },
});
const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
const authUrl = await pca.getAuthCodeUrl({
  scopes,
  redirectUri: REDIRECT_URI,
  codeChallenge: challenge,
  codeChallengeMethod: 'S256',
});
process.stdout.write(`${JSON.stringify({ authUrl })}\n`);

const rl = readline.createInterface({ input: process.stdin });
const redirected = await new Promise((resolve) => rl.once('line', resolve));
rl.close();
const out = {};
try {
  const code = new URL(redirected).searchParams.get('code');
  const result = await pca.acquireTokenByCode({ code, scopes, redirectUri: REDIRECT_URI, codeVerifier: verifier });
  out.token = result.accessToken;
  out.scopes = result.scopes;
  out.account = result.account?.username;
  const call = async (method, path, body) => {
    const res = await fetch(`${PORTICO_URL}/v1.0${path}`, {
      method,
      headers: { authorization: `Bearer ${result.accessToken}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  out.me = await call('GET', '/me');
  out.users = await call('GET', '/users');
  const silent = await pca.acquireTokenSilent({ account: result.account, scopes, forceRefresh: true });
  out.refreshedScp = JSON.parse(Buffer.from(silent.accessToken.split('.')[1], 'base64url').toString()).scp;
} catch (err) {
  out.error = { name: err.name, errorCode: err.errorCode, message: err.errorMessage ?? err.message };
}
process.stdout.write(`${JSON.stringify(out)}\n`);
