import { randomUUID } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { ValidateInResponseTo } from '@node-saml/node-saml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSamlXml } from '../../src/server/protocols/saml/xml.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { freePort } from '../helpers/oidc.js';
import {
  type Browser,
  browser,
  follow,
  invite,
  latestCode,
  latestRedeemLink,
  open,
  type Page,
  submit,
  submitAndFollow,
  textOf,
} from '../helpers/redeem.js';
import {
  assign,
  createSamlApp,
  decodeResponse,
  encodeResponse,
  formFields,
  idpMetadata,
  serviceProvider,
} from '../helpers/saml-sp.js';

const PASSWORD = 'Correct-Horse-9';
const CLAIM = {
  email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
  displayName: 'http://schemas.microsoft.com/identity/claims/displayname',
  givenName: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
  groups: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
  role: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
  userType: 'http://schemas.microsoft.com/identity/claims/usertype',
  tenantId: 'http://schemas.microsoft.com/identity/claims/tenantid',
};

let t: TestApp;
let base: string;
let tid: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await buildTestApp({ env: { PORTICO_PUBLIC_URL: base, PORTICO_OUTBOX_WORKER: 'off' } });
  await t.app.listen({ port, host: '127.0.0.1' });
  tid = t.tenant.id;
});

afterAll(async () => {
  await t?.close();
});

const admin = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
  t.call(method, `/v1.0${url}`, { token: t.admin.token, ...(body === undefined ? {} : { body }) });

let counter = 0;
const n = () => `${Date.now().toString(36)}${counter++}`;

async function createGroup(): Promise<string> {
  const res = await admin('POST', '/groups', {
    displayName: `Group ${n()}`,
    mailNickname: `g${n()}`,
    mailEnabled: false,
    securityEnabled: true,
  });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
}

async function addMember(groupId: string, memberId: string) {
  const res = await admin('POST', `/groups/${groupId}/members/$ref`, {
    '@odata.id': `${base}/v1.0/directoryObjects/${memberId}`,
  });
  expect(res.statusCode, res.body).toBe(204);
}

/** Follows an SP's AuthnRequest through the sign-in page (when one is shown) to the auto-post page. */
async function signInThrough(b: Browser, url: string, login?: string): Promise<Page> {
  let page: Page = await open(b, base, url);
  // The sign-in page asks for the login, then the password.
  for (let i = 0; i < 3 && login !== undefined && page.status === 200 && page.html.includes('name="login"'); i++) {
    const extra: Record<string, string> = page.html.includes('name="password"') ? { login, password: PASSWORD } : { login };
    page = await submitAndFollow(b, base, page, extra);
  }
  return page;
}

/** The SAMLResponse and RelayState on an auto-post page (asserting it posts to `acs`). */
function postedResponse(page: Page, acs: string): { SAMLResponse: string; RelayState?: string } {
  expect(page.status, page.html).toBe(200);
  const form = formFields(page.html);
  expect(form.action).toBe(acs);
  const SAMLResponse = form.fields.SAMLResponse;
  if (!SAMLResponse) throw new Error(`no SAMLResponse on page:\n${page.html}`);
  return { SAMLResponse, ...(form.fields.RelayState ? { RelayState: form.fields.RelayState } : {}) };
}

/** A hand-made AuthnRequest (for the refusal cases), deflated and encoded for HTTP-Redirect. */
function authnRequest(opts: { issuer: string; acs?: string; id?: string; prolog?: string; extra?: string }) {
  const id = opts.id ?? `_${randomUUID().replace(/-/g, '')}`;
  const xml = `${opts.prolog ?? ''}<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${base}/${tid}/saml2"${opts.acs ? ` AssertionConsumerServiceURL="${opts.acs}"` : ''} ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"><saml:Issuer>${opts.issuer}</saml:Issuer>${opts.extra ?? ''}</samlp:AuthnRequest>`;
  return {
    id,
    xml,
    redirectUrl: `${base}/${tid}/saml2?SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'))}`,
  };
}

describe('SAML 2.0 IdP', () => {
  let app: Awaited<ReturnType<typeof createSamlApp>>;
  let member: Awaited<ReturnType<TestApp['createUser']>>;
  const EDITOR = randomUUID();
  let groupA: string;
  let groupB: string;
  let unassignedGroup: string;
  /** A browser signed in as the member (after the first flow). */
  let memberBrowser: Browser;

  beforeAll(async () => {
    app = await createSamlApp(t, {
      appRoles: [{ allowedMemberTypes: ['User'], description: 'Editors', displayName: 'Editor', id: EDITOR, value: 'Editor' }],
    });
    member = await t.createUser({ displayName: 'Mia Member & Co <x>' });
    groupA = await createGroup();
    groupB = await createGroup();
    unassignedGroup = await createGroup();
    for (const g of [groupA, groupB, unassignedGroup]) await addMember(g, member.user.id);
    await assign(t, app.id, groupA);
    await assign(t, app.id, groupB);
    const res = await admin('POST', `/servicePrincipals/${app.id}/appRoleAssignedTo`, {
      principalId: member.user.id,
      resourceId: app.id,
      appRoleId: EDITOR,
    });
    expect(res.statusCode, res.body).toBe(201);
  });

  it('publishes IdP metadata per application (entity id, both SSO bindings, signing certificate) and the PEM', async () => {
    const md = await idpMetadata(base, tid, app.appId);
    expect(md.entityId).toBe(`${base}/${tid}/saml2`);
    expect(md.sso).toBe(`${base}/${tid}/saml2`);
    expect(md.xml).toContain('urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST');
    expect(md.xml).toContain('urn:oasis:names:tc:SAML:2.0:nameid-format:persistent');
    const pem = await fetch(`${base}/${tid}/saml2/certificate?appid=${app.appId}`);
    expect(pem.status).toBe(200);
    const text = await pem.text();
    expect(text).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(text.replace(/-----[^-]+-----|\s/g, '')).toBe(md.cert);
    expect((await fetch(`${base}/${tid}/federationmetadata/2007-06/federationmetadata.xml?appid=${randomUUID()}`)).status).toBe(
      404,
    );
  });

  it('SP-initiated (HTTP-Redirect): an assigned member signs in and node-saml validates the signed Response', async () => {
    const { saml } = await serviceProvider(base, tid, app);
    const url = await saml.getAuthorizeUrlAsync('relay-1', undefined, {});
    memberBrowser = browser();
    const page = await signInThrough(memberBrowser, url, member.user.userPrincipalName);
    const posted = postedResponse(page, app.acs);
    expect(posted.RelayState).toBe('relay-1');
    // Same-origin script submits the form; no inline script.
    expect(page.html).toContain('<script src="/saml2/post.js"></script>');
    expect(page.res.headers.get('content-security-policy')).toContain("script-src 'self'");

    const xml = decodeResponse(posted.SAMLResponse);
    expect(xml.match(/<ds:Signature[\s>]/g)?.length).toBe(2);
    expect(xml).toContain('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    await expect(validateSamlXml(xml)).resolves.toBe('SUCCESS_VALIDATE_XML');

    const { profile } = await saml.validatePostResponseAsync(posted);
    expect(profile?.nameID).toBe(member.user.mail);
    expect(profile?.nameIDFormat).toBe('urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
    expect(profile?.inResponseTo).toBeTruthy();
    expect(profile?.sessionIndex).toBeTruthy();
    expect(profile?.issuer).toBe(`${base}/${tid}/saml2`);
    expect(profile?.[CLAIM.email]).toBe(member.user.mail);
    expect(profile?.[CLAIM.name]).toBe(member.user.userPrincipalName);
    expect(profile?.[CLAIM.displayName]).toBe('Mia Member & Co <x>');
    expect(profile?.[CLAIM.userType]).toBe('Member');
    expect(profile?.[CLAIM.tenantId]).toBe(tid);
    // Groups: the assigned groups the user is a direct member of (not every group), multi-valued.
    expect([...(profile?.[CLAIM.groups] as string[])].sort()).toEqual([groupA, groupB].sort());
    expect(profile?.[CLAIM.role]).toBe('Editor');

    // A replayed Response is rejected by the SP (InResponseTo already used).
    await expect(saml.validatePostResponseAsync(posted)).rejects.toThrow(/InResponseTo/);

    // The same AuthnRequest is answered once: replaying it at the IdP is refused.
    const again = await open(memberBrowser, base, url);
    expect(again.status).toBe(400);
    expect(textOf(again.html)).toContain('already answered');
    expect(again.html).not.toContain('SAMLResponse');
  });

  it('SP-initiated (HTTP-POST): the form-posted AuthnRequest is answered silently for a signed-in user', async () => {
    const { saml } = await serviceProvider(base, tid, app, { binding: 'post' });
    const html = await saml.getAuthorizeFormAsync('relay-post', undefined, {});
    const form = formFields(html);
    expect(form.action).toBe(`${base}/${tid}/saml2`);
    const res = await memberBrowser.postForm(form.action, form.fields);
    const page = await follow(memberBrowser, base, res, form.action);
    const posted = postedResponse(page, app.acs);
    expect(posted.RelayState).toBe('relay-post');
    const { profile } = await saml.validatePostResponseAsync(posted);
    expect(profile?.nameID).toBe(member.user.mail);
  });

  it('a tampered assertion is rejected by node-saml', async () => {
    const { saml } = await serviceProvider(base, tid, app);
    const page = await signInThrough(memberBrowser, await saml.getAuthorizeUrlAsync('', undefined, {}));
    const posted = postedResponse(page, app.acs);
    const xml = decodeResponse(posted.SAMLResponse);
    const mail = member.user.mail ?? '';
    const tampered = xml.replaceAll(mail, 'attacker@evil.example');
    expect(tampered).not.toBe(xml);
    await expect(saml.validatePostResponseAsync({ SAMLResponse: encodeResponse(tampered) })).rejects.toThrow(/signature/i);
  });

  it('an unassigned user gets the no-access page, never a SAMLResponse', async () => {
    const outsider = await t.createUser({ displayName: 'Olga Outsider' });
    const { saml } = await serviceProvider(base, tid, app);
    const page = await signInThrough(
      browser(),
      await saml.getAuthorizeUrlAsync('', undefined, {}),
      outsider.user.userPrincipalName,
    );
    expect(page.status).toBe(403);
    expect(textOf(page.html)).toContain(`You don't have access to ${app.sp.displayName as string}`);
    expect(page.html).not.toContain('SAMLResponse');
  });

  it('assigned guest who redeemed signs in with the session of the redemption', async () => {
    const email = `guest.${n()}@fabrikam.example`;
    const inv = await invite(t, email);
    await assign(t, app.id, inv.invitedUser.id);
    const b = browser();
    const consent = await open(b, base, await latestRedeemLink(t, email));
    const send = await submit(b, consent);
    const enter = await submit(b, send);
    const done = await submitAndFollow(b, base, enter, { code: await latestCode(t, email) });
    expect(done.location).toBe('https://apps.contoso.example/welcome');

    const { saml } = await serviceProvider(base, tid, app);
    const page = await signInThrough(b, await saml.getAuthorizeUrlAsync('', undefined, {}));
    const { profile } = await saml.validatePostResponseAsync(postedResponse(page, app.acs));
    expect(profile?.nameID).toBe(email);
    expect(profile?.[CLAIM.userType]).toBe('Guest');
    expect(profile?.[CLAIM.email]).toBe(email);
  });

  it('a pending guest is taken through redemption (passcode) before the assertion', async () => {
    const email = `pending.${n()}@fabrikam.example`;
    const inv = await invite(t, email, { send: false });
    await assign(t, app.id, inv.invitedUser.id);
    const b = browser();
    const { saml } = await serviceProvider(base, tid, app);
    // The sign-in page: the guest types their e-mail, consents, receives and enters a passcode.
    let page = await open(b, base, await saml.getAuthorizeUrlAsync('', undefined, {}));
    for (let i = 0; i < 6 && !page.html.includes('SAMLResponse'); i++) {
      expect(page.status, page.html).toBe(200);
      const needsCode = page.html.includes('name="code"');
      const extra: Record<string, string> = needsCode
        ? { code: await latestCode(t, email) }
        : page.html.includes('name="login"')
          ? { login: email }
          : {};
      page = await submitAndFollow(b, base, page, extra);
    }
    const { profile } = await saml.validatePostResponseAsync(postedResponse(page, app.acs));
    expect(profile?.nameID).toBe(email);
    const guest = await admin('GET', `/users/${inv.invitedUser.id}`);
    expect(guest.json().externalUserState).toBe('Accepted');
  });

  it('IdP-initiated from the direct sign-on link: a Response without InResponseTo, with the configured relay state', async () => {
    const idpApp = await createSamlApp(t, { samlSingleSignOnSettings: { relayState: '/dashboard' } });
    await assign(t, idpApp.id, member.user.id);
    const page = await signInThrough(memberBrowser, `${base}/myapps/signin/${idpApp.appId}`);
    const posted = postedResponse(page, idpApp.acs);
    expect(posted.RelayState).toBe('/dashboard');
    expect(decodeResponse(posted.SAMLResponse)).not.toContain('InResponseTo');
    const { saml } = await serviceProvider(base, tid, idpApp);
    saml.options.validateInResponseTo = ValidateInResponseTo.ifPresent;
    const { profile } = await saml.validatePostResponseAsync(posted);
    expect(profile?.nameID).toBe(member.user.mail);

    // Without a session the link goes through the sign-in page first.
    const fresh = await signInThrough(browser(), `${base}/myapps/signin/${idpApp.appId}`, member.user.userPrincipalName);
    const second = postedResponse(fresh, idpApp.acs);
    expect(second.RelayState).toBe('/dashboard');
    expect((await saml.validatePostResponseAsync(second)).profile?.nameID).toBe(member.user.mail);
  });

  it('IdP-initiated with a sign-on URL redirects to the application (SP-initiated)', async () => {
    const withLogin = await createSamlApp(t, { loginUrl: 'https://sp.example.test/login' });
    await assign(t, withLogin.id, member.user.id);
    const res = await memberBrowser.get(`${base}/myapps/signin/${withLogin.appId}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://sp.example.test/login');

    // Without a session the link signs in first: an anonymous browser never reaches the sign-on URL.
    const anonymous = await open(browser(), base, `${base}/myapps/signin/${withLogin.appId}`);
    expect(anonymous.location).toBeUndefined();
    expect(anonymous.html).toContain('name="login"');
    const fresh = await signInThrough(browser(), `${base}/myapps/signin/${withLogin.appId}`, member.user.userPrincipalName);
    expect((fresh as Page & { location?: string }).location).toBe('https://sp.example.test/login');
  });

  it('refuses an unknown issuer, an unregistered ACS URL, DOCTYPE/ENTITY payloads and schema-invalid requests', async () => {
    const b = browser();
    const unknown = await open(b, base, authnRequest({ issuer: 'https://unknown.example/sp' }).redirectUrl);
    expect(unknown.status).toBe(400);
    expect(textOf(unknown.html)).toContain("Application with identifier 'https://unknown.example/sp' was not found");

    const badAcs = await open(b, base, authnRequest({ issuer: app.entityId, acs: 'https://evil.example/acs' }).redirectUrl);
    expect(badAcs.status).toBe(400);
    expect(textOf(badAcs.html)).toContain('reply URL specified in the request does not match');

    const xxe = authnRequest({
      issuer: app.entityId,
      prolog: '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    });
    const doctype = await open(b, base, xxe.redirectUrl);
    expect(doctype.status).toBe(400);
    expect(textOf(doctype.html)).toContain('document type or entity declaration');
    // The same over HTTP-POST.
    const posted = await b.postForm(`${base}/${tid}/saml2`, { SAMLRequest: Buffer.from(xxe.xml).toString('base64') });
    expect(posted.status).toBe(400);
    expect(await posted.text()).toContain('document type or entity declaration');

    const invalid = await open(b, base, authnRequest({ issuer: app.entityId, extra: '<samlp:Bogus/>' }).redirectUrl);
    expect(invalid.status).toBe(400);
    expect(textOf(invalid.html)).toContain('not a valid SAML 2.0 message');

    const none = await b.get(`${base}/${tid}/saml2`);
    expect(none.status).toBe(400);
  });

  it('a valid hand-made request with a registered ACS goes to sign-in (then the same id is refused after it is answered)', async () => {
    const req = authnRequest({ issuer: app.entityId, acs: app.acs });
    const page = await signInThrough(memberBrowser, req.redirectUrl);
    const xml = decodeResponse(postedResponse(page, app.acs).SAMLResponse);
    expect(xml).toContain(`InResponseTo="${req.id}"`);
    expect(xml).toContain(`<saml:Audience>${app.entityId}</saml:Audience>`);
    expect(xml).toContain(`Recipient="${app.acs}"`);
    const again = await open(memberBrowser, base, req.redirectUrl);
    expect(again.status).toBe(400);
  });

  it('per-app settings: persistent NameID (stable, opaque) and custom attribute names', async () => {
    const custom = await createSamlApp(t);
    await assign(t, custom.id, member.user.id);
    const patch = await admin('PATCH', `/servicePrincipals/${custom.id}`, {
      samlSettings: {
        nameIdFormat: 'persistent',
        signResponse: false,
        attributes: [
          { name: 'email', source: 'user.mail' },
          { name: 'name', source: 'user.displayName' },
          { name: 'groups', source: 'user.groups' },
        ],
      },
    });
    expect(patch.statusCode, patch.body).toBe(204);
    const got = (await admin('GET', `/servicePrincipals/${custom.id}`)).json();
    expect(got.samlSettings).toEqual({
      nameIdFormat: 'persistent',
      signResponse: false,
      signAssertion: true,
      attributes: [
        { name: 'email', source: 'user.mail' },
        { name: 'name', source: 'user.displayName' },
        { name: 'groups', source: 'user.groups' },
      ],
      requireSignedRequests: false,
      verificationCertificates: [],
    });
    const bad = await admin('PATCH', `/servicePrincipals/${custom.id}`, { samlSettings: { signAssertion: false } });
    expect(bad.statusCode).toBe(400);

    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { saml } = await serviceProvider(base, tid, custom);
      saml.options.wantAuthnResponseSigned = false;
      const page = await signInThrough(memberBrowser, await saml.getAuthorizeUrlAsync('', undefined, {}));
      const posted = postedResponse(page, custom.acs);
      expect(decodeResponse(posted.SAMLResponse).match(/<ds:Signature[\s>]/g)?.length).toBe(1);
      const { profile } = await saml.validatePostResponseAsync(posted);
      expect(profile?.nameIDFormat).toBe('urn:oasis:names:tc:SAML:2.0:nameid-format:persistent');
      expect(profile?.email).toBe(member.user.mail);
      expect(profile?.name).toBe('Mia Member & Co <x>');
      expect(profile?.[CLAIM.email]).toBeUndefined();
      ids.push(String(profile?.nameID));
    }
    expect(ids[0]).toBe(ids[1]);
    expect(ids[0]).not.toContain(member.user.id);
  });

  it('a disabled application: a valid AuthnRequest is answered at its ACS with a Responder/RequestDenied status', async () => {
    const off = await createSamlApp(t);
    await assign(t, off.id, member.user.id);
    const { saml } = await serviceProvider(base, tid, off);
    const patch = await admin('PATCH', `/servicePrincipals/${off.id}`, { accountEnabled: false });
    expect(patch.statusCode, patch.body).toBe(204);

    const page = await open(memberBrowser, base, await saml.getAuthorizeUrlAsync('relay-off', undefined, {}));
    const posted = postedResponse(page, off.acs);
    expect(posted.RelayState).toBe('relay-off');
    const xml = decodeResponse(posted.SAMLResponse);
    expect(xml).toContain(
      '<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:RequestDenied"/></samlp:StatusCode>',
    );
    expect(xml).toMatch(/InResponseTo="_[0-9a-f]+"/);
    expect(xml).not.toContain('Assertion');
    expect(xml.match(/<ds:Signature[\s>]/g)?.length).toBe(1);
    await expect(validateSamlXml(xml)).resolves.toBe('SUCCESS_VALIDATE_XML');
    // node-saml checks the signature and the InResponseTo, then reports the status.
    await expect(saml.validatePostResponseAsync(posted)).rejects.toThrow(/Responder error: .*is disabled/);
  });

  it('a passive request (IsPassive) without a session is answered with a NoPassive status', async () => {
    const { saml } = await serviceProvider(base, tid, app);
    saml.options.passive = true;
    const url = await saml.getAuthorizeUrlAsync('relay-passive', undefined, {});
    const page = await open(browser(), base, url);
    const posted = postedResponse(page, app.acs);
    const xml = decodeResponse(posted.SAMLResponse);
    expect(xml).toContain('urn:oasis:names:tc:SAML:2.0:status:NoPassive');
    expect(xml).not.toContain('Assertion');
    // A signed NoPassive answer is what node-saml accepts as "nobody signed in".
    await expect(saml.validatePostResponseAsync(posted)).resolves.toMatchObject({ profile: null, loggedOut: false });

    // With a session the same kind of request is answered silently with an assertion.
    const silent = await serviceProvider(base, tid, app);
    silent.saml.options.passive = true;
    const ok = await open(memberBrowser, base, await silent.saml.getAuthorizeUrlAsync('', undefined, {}));
    const { profile } = await silent.saml.validatePostResponseAsync(postedResponse(ok, app.acs));
    expect(profile?.nameID).toBe(member.user.mail);
  });

  it('requests that cannot be trusted are answered with an HTML page carrying the request id, never a SAML status', async () => {
    const res = await fetch(authnRequest({ issuer: app.entityId, acs: 'https://evil.example/acs' }).redirectUrl);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).not.toContain('SAMLResponse');
    expect(html).toContain(String(res.headers.get('request-id')));
  });

  it('certificate rotation: addTokenSigningCertificate makes a new certificate active for metadata and responses', async () => {
    const before = await idpMetadata(base, tid, app.appId);
    const res = await admin('POST', `/servicePrincipals/${app.id}/addTokenSigningCertificate`, {
      displayName: 'CN=Rotated',
    });
    expect(res.statusCode, res.body).toBe(200);
    const cert = res.json();
    expect(cert).toMatchObject({ displayName: 'CN=Rotated', type: 'AsymmetricX509Cert', usage: 'Verify' });
    expect(cert.thumbprint).toMatch(/^[0-9A-F]{40}$/);
    const yearsValid = (Date.parse(cert.endDateTime) - Date.parse(cert.startDateTime)) / (365.25 * 24 * 3600_000);
    expect(Math.round(yearsValid)).toBe(3);

    const after = await idpMetadata(base, tid, app.appId);
    expect(after.cert).toBe(cert.key);
    expect(after.cert).not.toBe(before.cert);
    const sp = (await admin('GET', `/servicePrincipals/${app.id}`)).json();
    expect(sp.keyCredentials).toEqual([
      expect.objectContaining({
        keyId: cert.keyId,
        customKeyIdentifier: cert.thumbprint,
        type: 'AsymmetricX509Cert',
        usage: 'Verify',
        key: null,
      }),
    ]);

    // Responses are signed with the new certificate: an SP that still trusts the old one refuses them.
    const { saml } = await serviceProvider(base, tid, app);
    const page = await signInThrough(memberBrowser, await saml.getAuthorizeUrlAsync('', undefined, {}));
    const posted = postedResponse(page, app.acs);
    const stale = await serviceProvider(base, tid, app);
    stale.saml.options.idpCert = before.cert;
    stale.saml.options.validateInResponseTo = ValidateInResponseTo.never;
    await expect(stale.saml.validatePostResponseAsync(posted)).rejects.toThrow(/signature/i);
    const { profile } = await saml.validatePostResponseAsync(posted);
    expect(profile?.nameID).toBe(member.user.mail);

    // Other applications keep the tenant certificate.
    const other = await createSamlApp(t);
    expect((await idpMetadata(base, tid, other.appId)).cert).toBe(before.cert);

    const audit = await admin('GET', `/auditLogs/directoryAudits?$filter=activityDisplayName eq 'Update service principal'`);
    expect(JSON.stringify(audit.json().value)).toContain('Add token signing certificate');

    const badEnd = await admin('POST', `/servicePrincipals/${app.id}/addTokenSigningCertificate`, {
      endDateTime: '2000-01-01T00:00:00Z',
    });
    expect(badEnd.statusCode).toBe(400);
  });
});
