import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import samlify from 'samlify';
import { esc, messagePage, sendPage } from '../http/pages.js';

/**
 * "Expenses", the demo application of `portico demo`: a real SAML 2.0 service provider (samlify)
 * served by Portico itself under /demo/expenses, so the seed's scenario can be walked without a
 * second program. It knows nothing of Portico's internals: it reads the IdP metadata document
 * Portico publishes for it, sends an AuthnRequest (HTTP-Redirect), checks the signed Response at
 * its ACS (HTTP-POST) and shows who signed in. Its own session is a signed cookie.
 */

export const DEMO_SP_PATH = '/demo/expenses';
const COOKIE = 'demo_expenses';
const SESSION_SECONDS = 3600;

export interface DemoSpDeps {
  publicUrl: string;
  /** Portico's IdP metadata for the demo application; undefined until `portico demo` created it. */
  idpMetadata(): Promise<string | undefined>;
  /** Key of the demo's session cookie (an instance secret). */
  cookieKey: string;
}

interface DemoSession {
  nameId: string;
  attributes: Record<string, string | string[]>;
  exp: number;
}

/** The demo application's identifiers, as registered in Portico by `portico demo`. */
export const demoSpIdentifiers = (publicUrl: string) => ({
  entityId: `${publicUrl}${DEMO_SP_PATH}`,
  acs: `${publicUrl}${DEMO_SP_PATH}/acs`,
  home: `${publicUrl}${DEMO_SP_PATH}`,
});

const sign = (key: string, data: string) => createHmac('sha256', key).update(data).digest('base64url');

function readSession(req: FastifyRequest, key: string): DemoSession | undefined {
  const raw = req.cookies?.[COOKIE];
  if (!raw) return undefined;
  const [data, mac] = raw.split('.');
  if (!data || !mac) return undefined;
  const expected = Buffer.from(sign(key, data));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const s = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as DemoSession;
    return s.exp > Date.now() / 1000 ? s : undefined;
  } catch {
    return undefined;
  }
}

const FRIENDLY: Record<string, string> = {
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name': 'User name',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': 'E-mail',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname': 'Given name',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname': 'Surname',
  'http://schemas.microsoft.com/identity/claims/displayname': 'Display name',
  'http://schemas.microsoft.com/identity/claims/objectidentifier': 'Object id',
  'http://schemas.microsoft.com/identity/claims/tenantid': 'Tenant id',
};

const displayNameOf = (s: DemoSession) => {
  const a = s.attributes['http://schemas.microsoft.com/identity/claims/displayname'];
  return (Array.isArray(a) ? a[0] : a) || s.nameId;
};

export async function demoSpRoutes(app: FastifyInstance, deps: DemoSpDeps): Promise<void> {
  const ids = demoSpIdentifiers(deps.publicUrl);
  const sp = samlify.ServiceProvider({
    entityID: ids.entityId,
    assertionConsumerService: [{ Binding: samlify.Constants.namespace.binding.post, Location: ids.acs }],
    wantAssertionsSigned: true,
    authnRequestsSigned: false,
  });
  const idp = async () => {
    const metadata = await deps.idpMetadata();
    return metadata ? samlify.IdentityProvider({ metadata }) : undefined;
  };
  const notSetUp = (reply: FastifyReply) =>
    messagePage(
      reply,
      404,
      'Expenses is not set up',
      'The demo application does not exist in this directory yet. Run `npx portico demo` (or `npm start -- --demo`) and try again.',
    );

  app.get(DEMO_SP_PATH, async (req, reply) => {
    const session = readSession(req, deps.cookieKey);
    if (!session) {
      return sendPage(
        reply,
        200,
        'Expenses',
        `<h1>Expenses</h1><p>The demo partner application of Portico. Sign in with your organization's account (SAML single sign-on).</p>
<p><a href="${esc(`${DEMO_SP_PATH}/login`)}"><button type="button">Sign in</button></a></p>`,
      );
    }
    const rows = Object.entries(session.attributes)
      .map(
        ([k, v]) => `<tr><th scope="row">${esc(FRIENDLY[k] ?? k)}</th><td>${esc(Array.isArray(v) ? v.join(', ') : v)}</td></tr>`,
      )
      .join('');
    return sendPage(
      reply,
      200,
      'Expenses',
      `<h1>Expenses</h1><p>Signed in as <strong data-testid="signed-in-as">${esc(displayNameOf(session))}</strong></p>
<p class="muted">NameID: <code>${esc(session.nameId)}</code></p>
<table class="muted">${rows}</table>
<p><a href="${esc(`${DEMO_SP_PATH}/logout`)}">Sign out of Expenses</a></p>`,
    );
  });

  app.get(`${DEMO_SP_PATH}/login`, async (_req, reply) => {
    const provider = await idp();
    if (!provider) return notSetUp(reply);
    const { context } = sp.createLoginRequest(provider, 'redirect');
    return reply.redirect(context, 302);
  });

  app.post(`${DEMO_SP_PATH}/acs`, async (req, reply) => {
    const provider = await idp();
    if (!provider) return notSetUp(reply);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body.SAMLResponse !== 'string') {
      return messagePage(reply, 400, 'Expenses could not sign you in', 'The request carried no SAMLResponse.');
    }
    let extract: { nameID?: string; attributes?: Record<string, string | string[]> };
    try {
      ({ extract } = (await sp.parseLoginResponse(provider, 'post', { body: { SAMLResponse: body.SAMLResponse } })) as {
        extract: typeof extract;
      });
    } catch (err) {
      req.log.info({ err: String(err).slice(0, 300) }, 'demo SP: SAML response refused');
      return messagePage(
        reply,
        400,
        'Expenses could not sign you in',
        'The SAML response was refused (bad signature, wrong audience or expired). Start again from Expenses.',
      );
    }
    if (!extract.nameID) return messagePage(reply, 400, 'Expenses could not sign you in', 'The SAML response named no user.');
    const session: DemoSession = {
      nameId: extract.nameID,
      attributes: extract.attributes ?? {},
      exp: Math.floor(Date.now() / 1000) + SESSION_SECONDS,
    };
    const data = Buffer.from(JSON.stringify(session)).toString('base64url');
    return reply
      .setCookie(COOKIE, `${data}.${sign(deps.cookieKey, data)}`, {
        path: DEMO_SP_PATH,
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.publicUrl.startsWith('https://'),
        maxAge: SESSION_SECONDS,
      })
      .redirect(DEMO_SP_PATH, 303);
  });

  app.get(`${DEMO_SP_PATH}/logout`, async (_req, reply) =>
    reply.clearCookie(COOKIE, { path: DEMO_SP_PATH }).redirect(DEMO_SP_PATH, 303),
  );
}
