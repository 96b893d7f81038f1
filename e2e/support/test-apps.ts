/**
 * Two tiny applications for the single sign-on tests, on 127.0.0.1 and free ports: an OpenID Connect
 * relying party (openid-client, authorization code + PKCE) and a SAML service provider
 * (@node-saml/node-saml, SP-initiated over HTTP-Redirect, Response posted to its ACS). Each shows
 * "Signed in as <name> (<email>)" once it has validated what Portico sent.
 *
 * They are started before their application exists in Portico (its settings need their addresses)
 * and `configure`d afterwards with what the admin center shows (client id + secret, metadata URL).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import * as oidc from 'openid-client';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function page(res: http.ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head>
<body><h1>${esc(title)}</h1>${body}</body></html>`);
}

const signedIn = (res: http.ServerResponse, app: string, name: string, email: string) =>
  page(res, 200, app, `<p data-testid="signed-in-as">Signed in as ${esc(name)} (${esc(email)})</p>`);

function redirect(res: http.ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

interface Running {
  server: http.Server;
  origin: string;
  stop: () => Promise<void>;
}

async function listen(
  handler: (req: http.IncomingMessage, res: http.ServerResponse, origin: string) => Promise<void>,
): Promise<Running> {
  let origin = '';
  const server = http.createServer((req, res) => {
    handler(req, res, origin).catch((e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      if (!res.headersSent) page(res, 500, 'Sign-in failed', `<p role="alert">${esc(message)}</p>`);
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { server, origin, stop };
}

export interface OidcRelyingParty {
  origin: string;
  loginUrl: string;
  redirectUri: string;
  /** The client id and secret of its application; the issuer's discovery document is read now. */
  configure(v: { issuer: string; clientId: string; clientSecret: string }): Promise<void>;
  stop(): Promise<void>;
}

/** An OIDC relying party: `/login` → authorize (code + PKCE, state), `/callback` → token, ID-token claims. */
export async function startOidcRelyingParty(name = 'Test RP'): Promise<OidcRelyingParty> {
  let config: oidc.Configuration | undefined;
  const pending = new Map<string, string>(); // state → PKCE code verifier
  const running = await listen(async (req, res, origin) => {
    const url = new URL(req.url ?? '/', origin);
    if (!config) return page(res, 503, name, '<p>Not configured yet.</p>');
    if (url.pathname === '/login') {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      pending.set(state, verifier);
      const authorize = oidc.buildAuthorizationUrl(config, {
        redirect_uri: `${origin}/callback`,
        scope: 'openid profile email',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      });
      return redirect(res, authorize.href);
    }
    if (url.pathname === '/callback') {
      const state = url.searchParams.get('state') ?? '';
      const verifier = pending.get(state);
      if (!verifier) return page(res, 400, name, `<p role="alert">Unknown state (${esc(url.search)}).</p>`);
      pending.delete(state);
      const tokens = await oidc.authorizationCodeGrant(config, url, { pkceCodeVerifier: verifier, expectedState: state });
      const claims = tokens.claims();
      if (!claims) throw new Error('no ID token');
      return signedIn(res, name, String(claims.name ?? ''), String(claims.email ?? ''));
    }
    return page(res, 404, name, '<p>Not found.</p>');
  });
  return {
    origin: running.origin,
    loginUrl: `${running.origin}/login`,
    redirectUri: `${running.origin}/callback`,
    async configure({ issuer, clientId, clientSecret }) {
      // Plain http (the e2e Portico and this RP): openid-client refuses it unless told otherwise.
      // The application's registered method is client_secret_basic.
      config = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.ClientSecretBasic(clientSecret), {
        execute: [oidc.allowInsecureRequests],
      });
    },
    stop: running.stop,
  };
}

export interface SamlServiceProvider {
  origin: string;
  entityId: string;
  acsUrl: string;
  loginUrl: string;
  /** The IdP metadata URL of its application (from the Single sign-on page); read now. */
  configure(metadataUrl: string): Promise<void>;
  stop(): Promise<void>;
}

const CLAIM = {
  email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  displayName: 'http://schemas.microsoft.com/identity/claims/displayname',
} as const;

/**
 * A SAML SP, configured like test/helpers/saml-sp.ts: wants the Response and the Assertion signed,
 * checks InResponseTo, audience and IdP issuer. `/login` starts SP-initiated sign-on; `/acs` takes
 * the POSTed Response and shows the (default, Entra-named) display name and e-mail claims.
 */
export async function startSamlServiceProvider(name = 'Test SP'): Promise<SamlServiceProvider> {
  let saml: SAML | undefined;
  const running = await listen(async (req, res, origin) => {
    const url = new URL(req.url ?? '/', origin);
    if (!saml) return page(res, 503, name, '<p>Not configured yet.</p>');
    if (url.pathname === '/login') {
      return redirect(res, await saml.getAuthorizeUrlAsync('', undefined, {}));
    }
    if (url.pathname === '/acs' && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: form.get('SAMLResponse') ?? '' });
      if (!profile) throw new Error('no profile in the SAML Response');
      const attr = (k: string) => {
        const v = profile[k];
        return typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '';
      };
      return signedIn(res, name, attr(CLAIM.displayName), attr(CLAIM.email) || profile.nameID);
    }
    return page(res, 404, name, '<p>Not found.</p>');
  });
  const entityId = `${running.origin}/saml/metadata`;
  const acsUrl = `${running.origin}/acs`;
  return {
    origin: running.origin,
    entityId,
    acsUrl,
    loginUrl: `${running.origin}/login`,
    async configure(metadataUrl) {
      const res = await fetch(metadataUrl);
      if (!res.ok) throw new Error(`IdP metadata: ${res.status}`);
      const xml = await res.text();
      const cert = /<(?:ds:)?X509Certificate>([^<]+)<\/(?:ds:)?X509Certificate>/.exec(xml)?.[1];
      const idpIssuer = /entityID="([^"]+)"/.exec(xml)?.[1];
      const entryPoint = /Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="([^"]+)"/.exec(xml)?.[1];
      if (!cert || !idpIssuer || !entryPoint) throw new Error(`incomplete IdP metadata:\n${xml}`);
      saml = new SAML({
        entryPoint,
        issuer: entityId,
        callbackUrl: acsUrl,
        audience: entityId,
        idpCert: cert,
        idpIssuer,
        wantAssertionsSigned: true,
        wantAuthnResponseSigned: true,
        validateInResponseTo: ValidateInResponseTo.always,
        identifierFormat: null,
        disableRequestedAuthnContext: true,
      });
    },
    stop: running.stop,
  };
}
