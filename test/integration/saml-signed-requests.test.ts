import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCertificate } from '../../src/server/protocols/saml/certificates.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { freePort } from '../helpers/oidc.js';
import { type Browser, browser, follow, open, type Page, submitAndFollow, textOf } from '../helpers/redeem.js';
import { assign, createSamlApp, formFields, idpMetadata, metadataUrl, serviceProvider } from '../helpers/saml-sp.js';

// Entra's "Require verification certificates" (samlSettings.requireSignedRequests): node-saml as
// the SP signs its AuthnRequests with its private key; Portico verifies them with the application's
// verification certificates, on both bindings, and refuses anything else with a page.

const PASSWORD = 'Correct-Horse-9';
const DAY = 24 * 3600_000;

let t: TestApp;
let base: string;
let tid: string;
let member: Awaited<ReturnType<TestApp['createUser']>>;
/** The SP's signing key and certificate, another key pair, and an expired certificate. */
let spKey: Awaited<ReturnType<typeof generateCertificate>>;
let otherKey: Awaited<ReturnType<typeof generateCertificate>>;
let expired: Awaited<ReturnType<typeof generateCertificate>>;
let app: Awaited<ReturnType<typeof createSamlApp>>;
let memberBrowser: Browser;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await buildTestApp({ env: { PORTICO_PUBLIC_URL: base, PORTICO_OUTBOX_WORKER: 'off' } });
  await t.app.listen({ port, host: '127.0.0.1' });
  tid = t.tenant.id;
  const now = Date.now();
  [spKey, otherKey, expired] = await Promise.all([
    generateCertificate('CN=sp.example.test', new Date(now - DAY), new Date(now + 365 * DAY)),
    generateCertificate('CN=other.example.test', new Date(now - DAY), new Date(now + 365 * DAY)),
    generateCertificate('CN=old.example.test', new Date(now - 400 * DAY), new Date(now - DAY)),
  ]);
  member = await t.createUser();
  app = await createSamlApp(t, {
    samlSettings: { requireSignedRequests: true, verificationCertificates: [spKey.certificatePem] },
  });
  await assign(t, app.id, member.user.id);
});

afterAll(async () => {
  await t?.close();
});

const patchSp = (id: string, body: unknown) => t.call('PATCH', `/v1.0/servicePrincipals/${id}`, { token: t.admin.token, body });
const getSp = async (id: string) =>
  (await t.call('GET', `/v1.0/servicePrincipals/${id}`, { token: t.admin.token })).json() as {
    samlSettings: {
      requireSignedRequests: boolean;
      verificationCertificates: { certificate: string; thumbprint: string; subject: string; endDateTime: string }[];
    };
  };
const derOf = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, '');
/** The XML of an HTTP-POST SAMLRequest (node-saml deflates it, as the IdP accepts). */
const postedXml = (b64: string) => {
  const raw = Buffer.from(b64, 'base64');
  return raw.toString('utf8').startsWith('<') ? raw.toString('utf8') : inflateRawSync(raw).toString('utf8');
};

/** Follows a request through the sign-in page (when shown) to the page that posts the Response. */
async function signInThrough(b: Browser, page: Page & { location?: string }): Promise<Page> {
  let p: Page = page;
  for (let i = 0; i < 3 && p.status === 200 && p.html.includes('name="login"'); i++) {
    const login = member.user.userPrincipalName;
    p = await submitAndFollow(b, base, p, p.html.includes('name="password"') ? { login, password: PASSWORD } : { login });
  }
  return p;
}

/** True when the page posts a SAML Response to the application's ACS. */
const postsResponse = (page: Page) => page.status === 200 && page.html.includes('SAMLResponse') && page.html.includes(app.acs);

/** Posts an HTTP-POST AuthnRequest form (its fields possibly changed) and follows the answer. */
async function postForm(b: Browser, html: string, change: (fields: Record<string, string>) => void = () => {}) {
  const form = formFields(html);
  change(form.fields);
  const res = await b.postForm(form.action, form.fields);
  return follow(b, base, res, form.action);
}

describe('signed AuthnRequests (samlSettings.requireSignedRequests)', () => {
  it('the metadata of an application that requires them says WantAuthnRequestsSigned="true"; others say "false"', async () => {
    expect((await idpMetadata(base, tid, app.appId)).xml).toContain('WantAuthnRequestsSigned="true"');
    const plain = await createSamlApp(t);
    expect((await idpMetadata(base, tid, plain.appId)).xml).toContain('WantAuthnRequestsSigned="false"');
    const tenantWide = await (await fetch(metadataUrl(base, tid, app.appId).replace(/\?appid=.*$/, ''))).text();
    expect(tenantWide).toContain('WantAuthnRequestsSigned="false"');
  });

  it('accepts requests signed with the verification certificate over HTTP-Redirect and HTTP-POST', async () => {
    const { saml } = await serviceProvider(base, tid, app, { privateKey: spKey.privateKeyPem });
    const url = await saml.getAuthorizeUrlAsync('relay-signed', undefined, {});
    const q = new URL(url).searchParams;
    expect(q.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(q.get('Signature')).toBeTruthy();
    memberBrowser = browser();
    const page = await signInThrough(memberBrowser, await open(memberBrowser, base, url));
    expect(postsResponse(page), page.html).toBe(true);
    const fields = formFields(page.html).fields;
    expect(fields.RelayState).toBe('relay-signed');
    const { profile } = await saml.validatePostResponseAsync({
      SAMLResponse: fields.SAMLResponse ?? '',
      RelayState: 'relay-signed',
    });
    expect(profile?.nameID).toBe(member.user.mail);

    const post = await serviceProvider(base, tid, app, { binding: 'post', privateKey: spKey.privateKeyPem });
    const html = await post.saml.getAuthorizeFormAsync('relay-post', undefined, {});
    expect(postedXml(formFields(html).fields.SAMLRequest ?? '')).toContain('<Signature');
    const posted = await postForm(memberBrowser, html);
    expect(postsResponse(posted), posted.html).toBe(true);
  });

  it('refuses an unsigned request on either binding with a page, never a Response', async () => {
    const { saml } = await serviceProvider(base, tid, app);
    const redirect = await open(memberBrowser, base, await saml.getAuthorizeUrlAsync('', undefined, {}));
    expect(redirect.status).toBe(400);
    expect(textOf(redirect.html)).toContain('requires signed sign-in requests');
    expect(redirect.html).not.toContain('SAMLResponse');

    const post = await serviceProvider(base, tid, app, { binding: 'post' });
    const posted = await postForm(memberBrowser, await post.saml.getAuthorizeFormAsync('', undefined, {}));
    expect(posted.status).toBe(400);
    expect(textOf(posted.html)).toContain('requires signed sign-in requests');
    expect(posted.html).not.toContain('SAMLResponse');
  });

  it('refuses tampered requests: a changed RelayState or request (Redirect), a changed signed attribute (POST)', async () => {
    const { saml } = await serviceProvider(base, tid, app, { privateKey: spKey.privateKeyPem });
    const url = new URL(await saml.getAuthorizeUrlAsync('relay-orig', undefined, {}));
    const relay = new URL(url);
    relay.searchParams.set('RelayState', 'relay-evil');
    const changedRelay = await open(memberBrowser, base, relay.href);
    expect(changedRelay.status).toBe(400);
    expect(textOf(changedRelay.html)).toContain('could not be verified');

    // The same signature over another request (ForceAuthn switched on).
    const xml = inflateRawSync(Buffer.from(url.searchParams.get('SAMLRequest') ?? '', 'base64')).toString('utf8');
    const forged = new URL(url);
    forged.searchParams.set(
      'SAMLRequest',
      deflateRawSync(Buffer.from(xml.replace('<samlp:AuthnRequest ', '<samlp:AuthnRequest ForceAuthn="true" '))).toString(
        'base64',
      ),
    );
    const changedRequest = await open(memberBrowser, base, forged.href);
    expect(changedRequest.status).toBe(400);
    expect(textOf(changedRequest.html)).toContain('could not be verified');
    expect(changedRequest.html).not.toContain('SAMLResponse');

    // A missing Signature with a SigAlg, and a SigAlg changed after signing.
    const noSig = new URL(url);
    noSig.searchParams.delete('Signature');
    const otherAlg = new URL(url);
    otherAlg.searchParams.set('SigAlg', 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512');
    for (const bad of [noSig, otherAlg]) {
      const page = await open(memberBrowser, base, bad.href);
      expect(page.status).toBe(400);
      expect(textOf(page.html)).toContain('could not be verified');
    }

    const post = await serviceProvider(base, tid, app, { binding: 'post', privateKey: spKey.privateKeyPem });
    const html = await post.saml.getAuthorizeFormAsync('', undefined, {});
    const tampered = await postForm(memberBrowser, html, (f) => {
      const signed = postedXml(f.SAMLRequest ?? '');
      const changed = signed.replace(/IssueInstant="[^"]+"/, `IssueInstant="${new Date(Date.now() + 1000).toISOString()}"`);
      expect(changed).not.toBe(signed);
      f.SAMLRequest = Buffer.from(changed, 'utf8').toString('base64');
    });
    expect(tampered.status).toBe(400);
    expect(textOf(tampered.html)).toContain('could not be verified');
    expect(tampered.html).not.toContain('SAMLResponse');
  });

  it('refuses requests signed with another key, and SHA-1 signatures even with the right key', async () => {
    for (const opts of [
      { privateKey: otherKey.privateKeyPem },
      { privateKey: spKey.privateKeyPem, signatureAlgorithm: 'sha1' as const },
    ]) {
      const { saml } = await serviceProvider(base, tid, app, opts);
      const redirect = await open(memberBrowser, base, await saml.getAuthorizeUrlAsync('', undefined, {}));
      expect(redirect.status, JSON.stringify(opts.signatureAlgorithm)).toBe(400);
      expect(textOf(redirect.html)).toContain('could not be verified');
      expect(redirect.html).not.toContain('SAMLResponse');
      const post = await serviceProvider(base, tid, app, { ...opts, binding: 'post' });
      const posted = await postForm(memberBrowser, await post.saml.getAuthorizeFormAsync('', undefined, {}));
      expect(posted.status).toBe(400);
      expect(textOf(posted.html)).toContain('could not be verified');
    }
  });

  it('a second certificate (rollover) verifies too; the setting off accepts unsigned requests again', async () => {
    const second = await createSamlApp(t, {
      samlSettings: {
        requireSignedRequests: true,
        verificationCertificates: [otherKey.certificatePem, derOf(spKey.certificatePem)],
      },
    });
    await assign(t, second.id, member.user.id);
    const signed = await serviceProvider(base, tid, second, { privateKey: spKey.privateKeyPem });
    const ok = await open(memberBrowser, base, await signed.saml.getAuthorizeUrlAsync('', undefined, {}));
    expect(ok.status).toBe(200);
    expect(ok.html).toContain('SAMLResponse');

    expect((await patchSp(second.id, { samlSettings: { requireSignedRequests: false } })).statusCode).toBe(204);
    const unsigned = await serviceProvider(base, tid, second);
    const page = await open(memberBrowser, base, await unsigned.saml.getAuthorizeUrlAsync('', undefined, {}));
    expect(page.status).toBe(200);
    expect(page.html).toContain('SAMLResponse');
    expect((await idpMetadata(base, tid, second.appId)).xml).toContain('WantAuthnRequestsSigned="false"');
  });

  it('IdP-initiated sign-on from My Apps is not a request and still works', async () => {
    const page = await open(memberBrowser, base, `${base}/myapps/signin/${app.appId}`);
    expect(postsResponse(page), page.html).toBe(true);
  });
});

describe('verification certificates (samlSettings.verificationCertificates)', () => {
  it('are read back with thumbprint, subject and dates, and the read form can be sent back unchanged', async () => {
    const sp = await getSp(app.id);
    expect(sp.samlSettings.requireSignedRequests).toBe(true);
    expect(sp.samlSettings.verificationCertificates).toEqual([
      expect.objectContaining({
        certificate: derOf(spKey.certificatePem),
        thumbprint: spKey.thumbprint,
        subject: 'CN=sp.example.test',
      }),
    ]);
    const roundTrip = await patchSp(app.id, { samlSettings: sp.samlSettings });
    expect(roundTrip.statusCode, roundTrip.body).toBe(204);
    expect((await getSp(app.id)).samlSettings).toEqual(sp.samlSettings);
  });

  it('refuses unreadable and expired certificates, and requiring signatures without one', async () => {
    const plain = await createSamlApp(t);
    const code = async (body: unknown) => {
      const res = await patchSp(plain.id, body);
      expect(res.statusCode, res.body).toBe(400);
      return (res.json() as { error: { details: { code: string }[]; message: string } }).error;
    };
    const required = await code({ samlSettings: { requireSignedRequests: true } });
    expect(required.details[0]?.code).toBe('saml_verification_certificate_required');
    const garbage = await code({ samlSettings: { verificationCertificates: ['not a certificate'] } });
    expect(garbage.details[0]?.code).toBe('saml_verification_certificate_invalid');
    const truncated = await code({ samlSettings: { verificationCertificates: [derOf(spKey.certificatePem).slice(0, 200)] } });
    expect(truncated.details[0]?.code).toBe('saml_verification_certificate_invalid');
    const old = await code({ samlSettings: { requireSignedRequests: true, verificationCertificates: [expired.certificatePem] } });
    expect(old.details[0]?.code).toBe('saml_verification_certificate_invalid');
    expect(old.message).toContain('expired');
    // Nothing was stored.
    expect((await getSp(plain.id)).samlSettings).toMatchObject({ requireSignedRequests: false, verificationCertificates: [] });

    // Duplicates collapse; the change is audited.
    const ok = await patchSp(plain.id, {
      samlSettings: { verificationCertificates: [spKey.certificatePem, derOf(spKey.certificatePem)] },
    });
    expect(ok.statusCode, ok.body).toBe(204);
    expect((await getSp(plain.id)).samlSettings.verificationCertificates).toHaveLength(1);
    const audits = await t.database.db
      .selectFrom('directory_audits')
      .select('target_resources')
      .where('activity_display_name', '=', 'Update service principal')
      .execute();
    expect(
      audits.some((a) => a.target_resources.includes(plain.id) && a.target_resources.includes('verificationCertificates')),
    ).toBe(true);
  });
});
