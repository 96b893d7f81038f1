import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { type Profile, SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { signSamlPost } from '@node-saml/node-saml/lib/saml-post-signing.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCertificate } from '../../src/server/protocols/saml/certificates.js';
import { validateSamlXml } from '../../src/server/protocols/saml/xml.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { freePort } from '../helpers/oidc.js';
import { type Browser, browser, follow, open, type Page, submitAndFollow, textOf } from '../helpers/redeem.js';
import { assign, createSamlApp, decodeResponse, formFields, idpMetadata, serviceProvider } from '../helpers/saml-sp.js';

// SAML single logout with node-saml as the service providers: SP-initiated (HTTP-Redirect and
// HTTP-POST), propagated to the other applications of the browser session, IdP-initiated from
// Portico's own sign-out, and the refusals (unsigned, tampered, replayed, unknown issuer).

const PASSWORD = 'Correct-Horse-9';
const DAY = 24 * 3600_000;
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

let t: TestApp;
let base: string;
let tid: string;
let member: Awaited<ReturnType<TestApp['createUser']>>;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await buildTestApp({ env: { PORTICO_PUBLIC_URL: base, PORTICO_OUTBOX_WORKER: 'off' } });
  await t.app.listen({ port, host: '127.0.0.1' });
  tid = t.tenant.id;
  member = await t.createUser();
});

afterAll(async () => {
  await t?.close();
});

type App = Awaited<ReturnType<typeof createSamlApp>> & { logoutUrl: string };

/** A SAML application with a logout URL, the member assigned. */
async function logoutApp(props: Record<string, unknown> = {}): Promise<App> {
  const n = Math.random().toString(36).slice(2, 10);
  const logoutUrl = `https://slo-${n}.example.test/saml/slo`;
  const app = await createSamlApp(t, { logoutUrl, ...props });
  await assign(t, app.id, member.user.id);
  return { ...app, logoutUrl };
}

/** Follows a request through the sign-in page (when shown) to the page that posts the Response. */
async function signInThrough(b: Browser, url: string): Promise<Page> {
  let p: Page = await open(b, base, url);
  for (let i = 0; i < 3 && p.status === 200 && p.html.includes('name="login"'); i++) {
    const login = member.user.userPrincipalName;
    p = await submitAndFollow(b, base, p, p.html.includes('name="password"') ? { login, password: PASSWORD } : { login });
  }
  return p;
}

/** SP-initiated sign-in; node-saml validates the Response and returns the profile (NameID, SessionIndex). */
async function signIn(b: Browser, saml: SAML): Promise<Profile> {
  const page = await signInThrough(b, await saml.getAuthorizeUrlAsync('', undefined, {}));
  expect(page.status, page.html).toBe(200);
  const { fields } = formFields(page.html);
  const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: fields.SAMLResponse ?? '' });
  if (!profile) throw new Error('no profile');
  expect(profile.sessionIndex).toBeTruthy();
  return profile;
}

/** True when a new SSO of `saml` in browser `b` asks for sign-in (no Portico session). */
async function asksForSignIn(b: Browser, saml: SAML): Promise<boolean> {
  const page = await open(b, base, await saml.getAuthorizeUrlAsync('', undefined, {}));
  return page.status === 200 && page.html.includes('name="login"') && !page.html.includes('SAMLResponse');
}

/** A redirect to an application's logout URL: its query as node-saml's validateRedirectAsync wants it. */
function redirectTo(page: { location?: string; status: number; html: string }, logoutUrl: string) {
  expect(page.location, page.html).toBeDefined();
  const url = new URL(page.location ?? '');
  expect(`${url.origin}${url.pathname}`).toBe(logoutUrl);
  return { url: url.href, query: Object.fromEntries(url.searchParams), rawQuery: url.search.slice(1) };
}

const inflate = (b64: string) => inflateRawSync(Buffer.from(b64, 'base64')).toString('utf8');
const statusOf = (xml: string) => [...xml.matchAll(/<samlp:StatusCode Value="([^"]+)"/g)].map((m) => m[1]);

describe('SAML single logout', () => {
  it('publishes SingleLogoutService (HTTP-Redirect and HTTP-POST) in the application metadata', async () => {
    const app = await logoutApp();
    const md = await idpMetadata(base, tid, app.appId);
    expect(md.slo).toBe(`${base}/${tid}/saml2`);
    expect(md.xml).toContain(
      `<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${base}/${tid}/saml2"/>`,
    );
    // Schema order: SingleLogoutService before NameIDFormat and SingleSignOnService.
    expect(md.xml.indexOf('<SingleLogoutService')).toBeLessThan(md.xml.indexOf('<NameIDFormat'));
  });

  it('SP-initiated (HTTP-Redirect): logs out the other application of the browser session, answers Success, ends the Portico session', async () => {
    const a = await logoutApp();
    const bApp = await logoutApp();
    const spA = (await serviceProvider(base, tid, a)).saml;
    const spB = (await serviceProvider(base, tid, bApp)).saml;
    const b = browser();
    const profileA = await signIn(b, spA);
    const profileB = await signIn(b, spB); // silent: same browser session
    expect(profileB.sessionIndex).not.toBe(profileA.sessionIndex);

    // A asks to log out; Portico sends B a signed LogoutRequest (HTTP-Redirect) first.
    const toB = redirectTo(await open(b, base, await spA.getLogoutUrlAsync(profileA, 'relay-a', {})), bApp.logoutUrl);
    expect(toB.query.Signature).toBeTruthy();
    expect(toB.query.SigAlg).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    await expect(validateSamlXml(inflate(toB.query.SAMLRequest ?? ''))).resolves.toBe('SUCCESS_VALIDATE_XML');
    const atB = await spB.validateRedirectAsync(toB.query, toB.rawQuery);
    expect(atB.loggedOut).toBe(true);
    expect(atB.profile?.nameID).toBe(profileB.nameID);
    expect(atB.profile?.sessionIndex).toBe(profileB.sessionIndex);
    expect(atB.profile?.issuer).toBe(`${base}/${tid}/saml2`);

    // B answers; Portico answers A's request: LogoutResponse Success, signed, InResponseTo A's request.
    const backFromB = await spB.getLogoutResponseUrlAsync(atB.profile as Profile, toB.query.RelayState ?? '', {}, true);
    const toA = redirectTo(await open(b, base, backFromB), a.logoutUrl);
    expect(toA.query.RelayState).toBe('relay-a');
    expect(toA.query.Signature).toBeTruthy();
    const responseXml = inflate(toA.query.SAMLResponse ?? '');
    expect(statusOf(responseXml)).toEqual([SUCCESS]);
    await expect(validateSamlXml(responseXml)).resolves.toBe('SUCCESS_VALIDATE_XML');
    const atA = await spA.validateRedirectAsync(toA.query, toA.rawQuery);
    expect(atA.loggedOut).toBe(true);
    // node-saml checked the signature with the IdP certificate: a changed RelayState breaks it.
    const tampered = toA.rawQuery.replace('RelayState=relay-a', 'RelayState=relay-b');
    await expect(spA.validateRedirectAsync({ ...toA.query, RelayState: 'relay-b' }, tampered)).rejects.toThrow(/signature/i);

    // The Portico session is gone: a new SSO asks the user to sign in.
    expect(await asksForSignIn(b, spA)).toBe(true);
    // B's LogoutResponse counts once.
    const replayed = await open(b, base, backFromB);
    expect(replayed.status).toBe(400);
    expect(textOf(replayed.html)).toContain('answers no logout request');
  });

  it('SP-initiated (HTTP-POST): a signed LogoutRequest is answered with a signed LogoutResponse form', async () => {
    const now = Date.now();
    const key = await generateCertificate('CN=slo-post.example.test', new Date(now - DAY), new Date(now + 365 * DAY));
    const app = await logoutApp({
      samlSettings: { requireSignedRequests: true, verificationCertificates: [key.certificatePem] },
    });
    const { saml } = await serviceProvider(base, tid, app, { privateKey: key.privateKeyPem });
    const b = browser();
    const profile = await signIn(b, saml);
    const requestXml = signSamlPost(
      await saml._generateLogoutRequest(profile),
      '/*[local-name(.)="LogoutRequest" and namespace-uri(.)="urn:oasis:names:tc:SAML:2.0:protocol"]',
      { privateKey: key.privateKeyPem, signatureAlgorithm: 'sha256', digestAlgorithm: 'sha256' },
    );
    const requestId = /ID="([^"]+)"/.exec(requestXml)?.[1];
    const res = await b.postForm(`${base}/${tid}/saml2`, {
      SAMLRequest: Buffer.from(requestXml).toString('base64'),
      RelayState: 'post-relay',
    });
    expect(res.status).toBe(200);
    const form = formFields(await res.text());
    expect(form.action).toBe(app.logoutUrl);
    expect(form.fields.RelayState).toBe('post-relay');
    const xml = decodeResponse(form.fields.SAMLResponse ?? '');
    expect(xml).toContain(`InResponseTo="${requestId}"`);
    expect(statusOf(xml)).toEqual([SUCCESS]);
    // node-saml reads InResponseTo of POSTed Responses only (checked above); it verifies the signature.
    const sp = new SAML({ ...saml.options, validateInResponseTo: ValidateInResponseTo.ifPresent });
    const validated = await sp.validatePostResponseAsync({ SAMLResponse: form.fields.SAMLResponse ?? '' });
    expect(validated.loggedOut).toBe(true);
    expect(await asksForSignIn(b, saml)).toBe(true);
  });

  it("IdP-initiated: Portico's sign-out sends the SAML application a LogoutRequest, then finishes the sign-out", async () => {
    const app = await logoutApp();
    const { saml } = await serviceProvider(base, tid, app);
    const b = browser();
    const profile = await signIn(b, saml);

    const confirm = await open(b, base, `${base}/oauth2/v2.0/logout`);
    expect(confirm.status).toBe(200);
    const action = /<form[^>]*action="([^"]+)"/.exec(confirm.html)?.[1] ?? '';
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.html)?.[1] ?? '';
    const done = await b.postForm(new URL(action, base).href, { xsrf, logout: 'yes' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toMatch(new RegExp(`^${base}/saml2/logout\\?id=`));

    const toApp = redirectTo(await follow(b, base, done, new URL(action, base).href), app.logoutUrl);
    const atApp = await saml.validateRedirectAsync(toApp.query, toApp.rawQuery);
    expect(atApp.loggedOut).toBe(true);
    expect(atApp.profile?.nameID).toBe(profile.nameID);
    expect(atApp.profile?.sessionIndex).toBe(profile.sessionIndex);

    // The application confirms; the sign-out finishes where oidc-provider would have sent the browser.
    const back = await saml.getLogoutResponseUrlAsync(atApp.profile as Profile, toApp.query.RelayState ?? '', {}, true);
    const end = await open(b, base, back);
    expect(end.status).toBe(200);
    expect(end.url).toBe(`${base}/oauth2/v2.0/logout/success`);
    expect(textOf(end.html)).toContain('You signed out');
    expect(await asksForSignIn(b, saml)).toBe(true);
  });

  describe('refusals', () => {
    let app: App;
    let key: Awaited<ReturnType<typeof generateCertificate>>;
    let signedSp: SAML;
    let unsignedSp: SAML;
    let b: Browser;
    let profile: Profile;

    beforeAll(async () => {
      const now = Date.now();
      key = await generateCertificate('CN=slo.example.test', new Date(now - DAY), new Date(now + 365 * DAY));
      app = await logoutApp({ samlSettings: { requireSignedRequests: true, verificationCertificates: [key.certificatePem] } });
      signedSp = (await serviceProvider(base, tid, app, { privateKey: key.privateKeyPem })).saml;
      unsignedSp = (await serviceProvider(base, tid, app)).saml;
      b = browser();
      profile = await signIn(b, signedSp);
    });

    /** The LogoutResponse status codes Portico sent back to the application's logout URL. */
    async function answerTo(url: string) {
      const to = redirectTo(await open(b, base, url), app.logoutUrl);
      return statusOf(inflate(to.query.SAMLResponse ?? ''));
    }

    it('refuses an unsigned LogoutRequest when the application requires signed requests (Requester/RequestDenied)', async () => {
      expect(await answerTo(await unsignedSp.getLogoutUrlAsync(profile, '', {}))).toEqual([
        'urn:oasis:names:tc:SAML:2.0:status:Requester',
        'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
      ]);
    });

    it('refuses a tampered signed LogoutRequest', async () => {
      const url = new URL(await signedSp.getLogoutUrlAsync(profile, '', {}));
      const xml = inflate(url.searchParams.get('SAMLRequest') ?? '').replace(profile.nameID, 'someone-else@example.test');
      url.searchParams.set('SAMLRequest', deflateRawSync(Buffer.from(xml)).toString('base64'));
      expect((await answerTo(url.href))[0]).toBe('urn:oasis:names:tc:SAML:2.0:status:Requester');
      // The session survived: the user is still signed in.
      expect(await asksForSignIn(b, signedSp)).toBe(false);
    });

    it('accepts the signed LogoutRequest once and refuses its replay', async () => {
      const url = await signedSp.getLogoutUrlAsync(profile, '', {});
      expect(await answerTo(url)).toEqual([SUCCESS]);
      expect(await answerTo(url)).toEqual([
        'urn:oasis:names:tc:SAML:2.0:status:Requester',
        'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
      ]);
      expect(await asksForSignIn(b, signedSp)).toBe(true);
    });

    it('refuses a LogoutRequest of an unknown issuer with a page, and an unknown principal with UnknownPrincipal', async () => {
      const other = await createSamlApp(t, {});
      const stranger = (await serviceProvider(base, tid, { ...other, entityId: 'https://unknown.example.test/sp' })).saml;
      const page = await open(b, base, await stranger.getLogoutUrlAsync(profile, '', {}));
      expect(page.status).toBe(400);
      expect(textOf(page.html)).toContain("Application with identifier 'https://unknown.example.test/sp' was not found");

      const ghost = { ...profile, nameID: 'ghost@example.test', sessionIndex: '_none' };
      expect(await answerTo(await signedSp.getLogoutUrlAsync(ghost, '', {}))).toEqual([
        'urn:oasis:names:tc:SAML:2.0:status:Requester',
        'urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal',
      ]);
    });
  });
});
