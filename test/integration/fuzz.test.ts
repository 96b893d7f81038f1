import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCatalogue } from '../../src/contracts/errors.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { freePort, parseSignInForm, SPA_CALLBACK, startAuthorization } from '../helpers/oidc.js';
import { invite } from '../helpers/redeem.js';

// Property-based fuzzing of every surface that takes input: /v1.0 bodies, OData query options and
// path segments, the sign-in form, redeem links, the SAML endpoint and the OAuth endpoints, with
// arbitrary text (NUL and other control characters, unpaired surrogates, invalid UTF-8, very long
// values, odd Unicode) and JSON of the wrong types. The property: never a 5xx, and every error is in
// the surface's own form. The seed is fixed (PORTICO_FUZZ_SEED overrides it, PORTICO_FUZZ_RUNS the
// number of runs per property); on failure fast-check prints the seed, the path and the shrunk
// counterexample, which reproduce it.

const SEED = Number(process.env.PORTICO_FUZZ_SEED ?? 20261207);
const RUNS = Number(process.env.PORTICO_FUZZ_RUNS ?? 50);
const params = { seed: SEED, numRuns: RUNS, verbose: 1 } as const;

// ---------------------------------------------------------------------------------------------------
// Arbitraries

/** One character, biased towards the ones that break things. */
const nastyChar = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  // What databases refuse: NUL, and unpaired surrogates.
  { weight: 2, arbitrary: fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '\u0001',
      '\u001b',
      '\u007f',
      '\u0085',
      '\u00a0',
      '\u200b',
      '\u202e',
      '\u2028',
      '\ufeff',
      '\uffff',
      '😀',
      'e\u0301',
      "'",
      '"',
      '\\',
      '%',
      '#',
      '/',
      '?',
      '&',
      '=',
      '+',
      '@',
      '$',
      '(',
      ')',
      ',',
      ';',
      ':',
      '*',
      '<',
      '>',
      ' ',
      '\t',
      '\n',
      '\r',
    ),
  },
  { weight: 3, arbitrary: fc.constantFrom('a', 'Z', '0', '9', '.', '_', '-', 'é', 'ß') },
);

/** Arbitrary text: short, very long, or one of the classic troublemakers. */
const nastyString = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: nastyChar, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: nastyChar, minLength: 300, maxLength: 3000 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'null',
      'true',
      '-1',
      '1e309',
      'NaN',
      "''",
      "'",
      '%00',
      '%',
      'a\u0000b',
      '\ud800',
      '9'.repeat(400),
      'x'.repeat(70_000),
      '00000000-0000-0000-0000-000000000000',
      'admin@contoso.test',
      "O'Brien@contoso.test",
    ),
  },
);

/** Any JSON value, its strings nasty. */
const jsonValue = fc.jsonValue({ stringUnit: nastyChar, maxDepth: 3 });
/** A property value: text, JSON of any type, or the edge numbers. */
const anyValue = fc.oneof(
  nastyString,
  jsonValue,
  fc.constantFrom(null, true, false, 0, -1, 1.5, Number.MAX_SAFE_INTEGER, 1e308),
  fc.array(nastyString, { maxLength: 4 }),
);

/** A JSON body with the resource's own property names (and others), or no object at all. */
const bodyOf = (keys: string[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...keys), nastyString), anyValue, { maxKeys: 8 }) },
    { weight: 1, arbitrary: jsonValue },
  );

/** Percent-encodes every byte that is not unreserved (lone surrogates become U+FFFD, as in any UTF-8). */
const pct = (s: string | Uint8Array) =>
  [...(typeof s === 'string' ? Buffer.from(s, 'utf8') : Buffer.from(s))]
    .map((b) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`,
    )
    .join('');

/** A URL component: mostly short nasty text (so that it reaches the database), sometimes long, or invalid UTF-8. */
const urlComponent = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: nastyChar, maxLength: 16 }).map(pct) },
  { weight: 2, arbitrary: nastyString.map(pct) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 24 }).map(pct) },
  { weight: 1, arbitrary: fc.constantFrom('%', '%0', '%zz', '%c0%80', '%ed%a0%80', '%ff', 'a%00b', '%00', '+', '%2F..%2F') },
);

/** Mostly a well-formed value (so that the request gets far), sometimes anything. */
const mostly = (valid: fc.Arbitrary<string>) => fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: nastyString });

const quoted = (s: string) => `'${s.replace(/'/g, "''")}'`;
const PROPS = ['displayName', 'mail', 'userPrincipalName', 'id', 'accountEnabled', 'createdDateTime', 'userType', 'otherMails'];
const filterExpr = fc.oneof(
  { weight: 1, arbitrary: nastyString },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        mostly(fc.constantFrom(...PROPS)),
        fc.constantFrom('eq', 'ne', 'ge', 'lt', 'in', 'startswith', 'any'),
        fc.string({ unit: nastyChar, maxLength: 16 }),
      )
      .map(([p, op, v]) => {
        if (op === 'startswith') return `startswith(${p},${quoted(v)})`;
        if (op === 'in') return `${p} in (${quoted(v)},'x')`;
        if (op === 'any') return `${p}/any(m:m eq ${quoted(v)})`;
        return `${p} ${op} ${quoted(v)}`;
      }),
  },
);

/** Present with probability `p` (else left out of the request). */
const sometimes = <T>(arb: fc.Arbitrary<T>, p: number) =>
  fc.oneof(
    { weight: Math.round(p * 20), arbitrary: arb },
    { weight: 20 - Math.round(p * 20), arbitrary: fc.constant(undefined) },
  );

/**
 * OData query options of a collection request: a few options (so that the request is not refused
 * for the option least likely to be valid), mostly well-formed around a nasty value.
 */
const queryOptions = fc
  .record({
    $filter: sometimes(filterExpr, 0.7),
    $select: sometimes(mostly(fc.constantFrom('id,displayName', 'displayName', 'id')), 0.25),
    $top: sometimes(mostly(fc.integer({ min: 1, max: 999 }).map(String)), 0.25),
    $orderby: sometimes(mostly(fc.constantFrom('displayName', 'displayName desc')), 0.2),
    $search: sometimes(
      fc.oneof(
        fc.string({ unit: nastyChar, maxLength: 16 }).map((s) => `"displayName:${s}"`),
        nastyString,
      ),
      0.25,
    ),
    $skiptoken: sometimes(fc.oneof(nastyString, fc.base64String({ maxLength: 80 })), 0.1),
    $count: sometimes(mostly(fc.constantFrom('true', 'false')), 0.2),
    $expand: sometimes(nastyString, 0.05),
  })
  .map((q) => Object.fromEntries(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined)));

// ---------------------------------------------------------------------------------------------------
// The surfaces' error forms

function expectGraphForm(res: LightMyRequestResponse, what: string) {
  expect(res.statusCode, `${what} → ${res.statusCode}\n${res.body.slice(0, 500)}`).toBeLessThan(500);
  if (res.statusCode < 400) return;
  expect(res.headers['content-type'], what).toMatch(/^application\/json/);
  const e = (res.json() as { error?: { code?: unknown; details?: { code?: string }[]; innerError?: Record<string, unknown> } })
    .error;
  expect(typeof e?.code, what).toBe('string');
  expect(Object.hasOwn(errorCatalogue, e?.details?.[0]?.code ?? ''), `${what}: ${res.body}`).toBe(true);
  expect(e?.innerError?.['request-id'], what).toBe(res.headers['request-id']);
}

/**
 * Refused before any route matched (a path that cannot be decoded, a segment over the router's
 * limit): the short Graph envelope whatever the path (docs/errors.md, "Requests refused before any
 * route").
 */
function refusedBeforeAnyRoute(res: LightMyRequestResponse): boolean {
  if (!/^application\/json/.test(String(res.headers['content-type']))) return false;
  const code = (res.json() as { error?: { details?: { code?: string }[] } }).error?.details?.[0]?.code;
  return code === 'request_url_invalid' || code === 'request_uri_too_long';
}

function expectPageForm(res: LightMyRequestResponse, what: string) {
  expect(res.statusCode, `${what} → ${res.statusCode}\n${res.body.slice(0, 500)}`).toBeLessThan(500);
  if (res.statusCode >= 300 && res.statusCode < 400) return;
  if (res.statusCode >= 400 && refusedBeforeAnyRoute(res)) return;
  // An HTML page: an error page (with the request id) or a form shown again with its sentence.
  expect(res.headers['content-type'], what).toMatch(/^text\/html/);
  expect(res.body, what).toMatch(/^<!DOCTYPE html>/i);
  expect(res.body, what).not.toMatch(/"statusCode"\s*:|\bat \S+ \(|node:internal/);
}

/** RFC 6749 JSON, or (authorization endpoint, errors it cannot redirect) oidc-provider's HTML page. */
function expectOAuthForm(res: LightMyRequestResponse, what: string, htmlAllowed = false) {
  expect(res.statusCode, `${what} → ${res.statusCode}\n${res.body.slice(0, 500)}`).toBeLessThan(500);
  if (res.statusCode < 400 || refusedBeforeAnyRoute(res)) return;
  if (htmlAllowed && /^text\/html/.test(String(res.headers['content-type']))) {
    expect(res.body, what).toMatch(/^<!DOCTYPE html>/i);
    return;
  }
  expect(res.headers['content-type'], what).toMatch(/^application\/json/);
  expect(typeof (res.json() as { error?: unknown }).error, `${what}: ${res.body}`).toBe('string');
}

// ---------------------------------------------------------------------------------------------------

let t: TestApp;
let base: string;
let target: { userId: string; groupId: string; spId: string; appId: string; appSecret: string; clientId: string };

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await buildTestApp({
    env: {
      PORTICO_PUBLIC_URL: base,
      PORTICO_OUTBOX_WORKER: 'off',
      PORTICO_INVITATION_RATE_LIMIT: '100000/60',
      // The password path must stay reachable for every run (the limit itself is tested elsewhere).
      PORTICO_SIGNIN_MAX_FAILURES: '1000',
    },
  });
  await t.app.listen({ port, host: '127.0.0.1' });
  const token = t.admin.token;
  const user = await t.createUser({ displayName: 'Fuzz Target' });
  const group = await t.call('POST', '/v1.0/groups', {
    token,
    body: { displayName: 'Fuzz group', mailNickname: 'fuzz', mailEnabled: false, securityEnabled: true },
  });
  const sp = await t.call('POST', '/v1.0/servicePrincipals', {
    token,
    body: { displayName: 'Fuzz app', preferredSingleSignOnMode: 'oidc', replyUrls: ['https://fuzz.example/cb'] },
  });
  const spBody = sp.json() as { id: string; appId: string };
  const secret = await t.call('POST', `/v1.0/servicePrincipals/${spBody.id}/addPassword`, { token, body: {} });
  const { client } = await t.app.portico.services.clients.createClient(t.tenant.id, {
    displayName: 'Fuzz client',
    permissions: ['User.Read.All'],
  });
  await invite(t, 'fuzz.guest@fabrikam.example', { send: false });
  target = {
    userId: user.user.id,
    groupId: (group.json() as { id: string }).id,
    spId: spBody.id,
    appId: spBody.appId,
    appSecret: (secret.json() as { secretText: string }).secretText,
    clientId: client.clientId,
  };
});

afterAll(async () => {
  await t?.close();
});

const json = (method: 'POST' | 'PATCH', url: string, body: unknown) =>
  t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${t.admin.token}`, 'content-type': 'application/json' },
    payload: JSON.stringify(body) ?? 'null',
  });

describe('fuzz: /v1.0 bodies', () => {
  const resources: { name: string; keys: string[]; requests: () => [method: 'POST' | 'PATCH', url: string][] }[] = [
    {
      name: 'users',
      keys: [
        'displayName',
        'userPrincipalName',
        'passwordProfile',
        'mailNickname',
        'givenName',
        'surname',
        'mail',
        'otherMails',
        'department',
        'jobTitle',
        'companyName',
        'preferredLanguage',
        'accountEnabled',
        'userType',
      ],
      requests: () => [
        ['POST', '/v1.0/users'],
        ['PATCH', `/v1.0/users/${target.userId}`],
      ],
    },
    {
      name: 'groups',
      keys: [
        'displayName',
        'description',
        'mailNickname',
        'mailEnabled',
        'securityEnabled',
        'groupTypes',
        'membershipRule',
        'membershipRuleProcessingState',
        'visibility',
        'isAssignableToRole',
        'members@odata.bind',
        'owners@odata.bind',
      ],
      requests: () => [
        ['POST', '/v1.0/groups'],
        ['PATCH', `/v1.0/groups/${target.groupId}`],
      ],
    },
    {
      name: 'invitations',
      keys: [
        'invitedUserEmailAddress',
        'inviteRedirectUrl',
        'invitedUserDisplayName',
        'invitedUserType',
        'sendInvitationMessage',
        'invitedUserMessageInfo',
        'invitedUser',
        'resetRedemption',
      ],
      requests: () => [['POST', '/v1.0/invitations']],
    },
    {
      name: 'servicePrincipals',
      keys: [
        'displayName',
        'preferredSingleSignOnMode',
        'servicePrincipalNames',
        'replyUrls',
        'appRoleAssignmentRequired',
        'appRoles',
        'samlSingleSignOnSettings',
        'selfServiceAccess',
        'notes',
        'tags',
        'homepage',
        'loginUrl',
        'logoutUrl',
        'info',
        'accountEnabled',
      ],
      requests: () => [
        ['POST', '/v1.0/servicePrincipals'],
        ['PATCH', `/v1.0/servicePrincipals/${target.spId}`],
      ],
    },
  ];
  for (const r of resources) {
    it(`${r.name}: POST/PATCH with arbitrary bodies never answer 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...r.requests()), bodyOf(r.keys), async ([method, url], body) => {
          expectGraphForm(await json(method, url, body), `${method} ${url} ${JSON.stringify(body)?.slice(0, 300)}`);
        }),
        params,
      );
    });
  }
});

describe('fuzz: OData query options and path segments', () => {
  it('query options on collections', async () => {
    const collections = [
      '/v1.0/users',
      '/v1.0/groups',
      '/v1.0/servicePrincipals',
      '/v1.0/auditLogs/directoryAudits',
      '/v1.0/applicationTemplates',
      '/v1.0/roleManagement/directory/roleAssignments',
      '/v1.0/servicePrincipals/{sp}/appRoleAssignedTo',
      '/v1.0/devMailbox/messages',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...collections, `/v1.0/groups/${'{group}'}/members`, `/v1.0/users/${'{user}'}/memberOf`),
        queryOptions,
        // ConsistencyLevel: eventual ($search and $count need it), mostly sent.
        fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
        async (path, options, eventual) => {
          const url = `${path.replace('{group}', target.groupId).replace('{user}', target.userId).replace('{sp}', target.spId)}?${Object.entries(
            options,
          )
            .map(([k, v]) => `${k}=${pct(v)}`)
            .join('&')}`;
          const res = await t.app.inject({
            method: 'GET',
            url,
            headers: { authorization: `Bearer ${t.admin.token}`, ...(eventual ? { consistencylevel: 'eventual' } : {}) },
          });
          expectGraphForm(res, `GET ${url.slice(0, 400)}`);
        },
      ),
      params,
    );
  });

  it('ids and user principal names in path segments', async () => {
    const shapes = [
      '/v1.0/users/{}',
      '/v1.0/users/{}/memberOf',
      '/v1.0/users/{}/appRoleAssignments',
      '/v1.0/users/{}/sponsors',
      '/v1.0/groups/{}',
      '/v1.0/groups/{}/members',
      '/v1.0/groups/{}/owners',
      '/v1.0/servicePrincipals/{}',
      "/v1.0/servicePrincipals(appId='{}')",
      '/v1.0/servicePrincipals/{}/appRoleAssignedTo',
      '/v1.0/invitations/{}',
      '/v1.0/roleManagement/directory/roleAssignments/{}',
      '/v1.0/applicationTemplates/{}',
      '/v1.0/devMailbox/messages/{}',
      '/v1.0/auditLogs/directoryAudits/{}',
      '/v1.0/{}',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...shapes),
        urlComponent.filter((s) => s.length > 0),
        fc.constantFrom('GET', 'DELETE', 'PATCH'),
        async (shape, segment, method) => {
          const url = shape.replace('{}', segment);
          const res = await t.app.inject({
            method,
            url,
            headers: { authorization: `Bearer ${t.admin.token}`, 'content-type': 'application/json' },
            ...(method === 'PATCH' ? { payload: '{}' } : {}),
          });
          expectGraphForm(res, `${method} ${url.slice(0, 400)}`);
        },
      ),
      params,
    );
  });
});

describe('fuzz: browser pages', () => {
  it('the sign-in form (login name, password, passcode, step) of a live interaction', async () => {
    const flow = await startAuthorization(t);
    const form = parseSignInForm(flow.html, flow.loginUrl);
    const path = new URL(form.action).pathname;
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            login: fc.oneof(nastyString, fc.constantFrom('fuzz.guest@fabrikam.example', t.admin.user.userPrincipalName)),
            password: nastyString,
            otp: nastyString,
            code: nastyString,
            step: fc.oneof(fc.constantFrom('identify', 'password', 'accept', 'send', 'verify'), nastyString),
            csrf: fc.oneof(fc.constant(form.fields.csrf ?? ''), nastyString),
            consent: nastyString,
          },
          { requiredKeys: ['csrf'] },
        ),
        fc.dictionary(nastyString, nastyString, { maxKeys: 3 }),
        async (fields, extra) => {
          const payload = new URLSearchParams({ ...extra, ...fields }).toString();
          const res = await t.app.inject({
            method: 'POST',
            url: path,
            headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: flow.b.jar.header(form.action) },
            payload,
          });
          expectPageForm(res, `POST ${path} ${payload.slice(0, 400)}`);
        },
      ),
      params,
    );
  });

  it('redeem links, the SAML endpoint and the unsubscribe page', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/redeem/{a}?ticket={b}',
          '/redeem/complete?code={a}&state={b}',
          `/${'{tenant}'}/saml2?SAMLRequest={a}&RelayState={b}`,
          `/${'{tenant}'}/saml2?SAMLRequest={a}&SigAlg={b}&Signature={b}`,
          '/saml2/complete?code={a}&state={b}',
          '/login/{a}',
          '/invitations/unsubscribe?tenant={tenant}&email={a}&sig={b}',
        ),
        urlComponent,
        urlComponent,
        async (shape, a, b) => {
          const url = shape
            .replace(/\{tenant\}/g, t.tenant.id)
            .replace('{a}', a)
            .replace(/\{b\}/g, b);
          expectPageForm(await t.app.inject({ method: 'GET', url }), `GET ${url.slice(0, 400)}`);
        },
      ),
      params,
    );
  });

  it('SAML and unsubscribe form posts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(`/${'{tenant}'}/saml2`, '/invitations/unsubscribe'),
        fc.record(
          {
            SAMLRequest: fc.oneof(nastyString, fc.base64String()),
            RelayState: nastyString,
            tenant: nastyString,
            email: nastyString,
            sig: nastyString,
          },
          { requiredKeys: [] },
        ),
        async (shape, fields) => {
          const url = shape.replace('{tenant}', t.tenant.id);
          const payload = new URLSearchParams(fields).toString();
          const res = await t.app.inject({
            method: 'POST',
            url,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload,
          });
          expectPageForm(res, `POST ${url} ${payload.slice(0, 400)}`);
        },
      ),
      params,
    );
  });
});

describe('fuzz: OAuth endpoints', () => {
  const clientId = () => fc.oneof(fc.constantFrom('portico-spa', target.appId, target.clientId), nastyString);

  it('the authorization endpoint (client_id, redirect_uri, response_type, scope, state, PKCE, prompt)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            client_id: clientId(),
            redirect_uri: fc.oneof(fc.constantFrom(SPA_CALLBACK(t), 'https://fuzz.example/cb'), nastyString),
            response_type: fc.oneof(fc.constant('code'), nastyString),
            scope: fc.oneof(fc.constantFrom('openid', 'openid profile offline_access', '.default'), nastyString),
            state: nastyString,
            nonce: nastyString,
            code_challenge: fc.oneof(fc.constant('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'), nastyString),
            code_challenge_method: fc.oneof(fc.constant('S256'), nastyString),
            prompt: fc.oneof(fc.constantFrom('none', 'login', 'consent'), nastyString),
            login_hint: nastyString,
            id_token_hint: nastyString,
          },
          { requiredKeys: ['client_id'] },
        ),
        async (query) => {
          const url = `/oauth2/v2.0/authorize?${Object.entries(query)
            .map(([k, v]) => `${k}=${pct(v)}`)
            .join('&')}`;
          expectOAuthForm(await t.app.inject({ method: 'GET', url }), `GET ${url.slice(0, 400)}`, true);
        },
      ),
      params,
    );
  });

  it('the token endpoint (grant type, client id and secret in the form or Basic, code, redirect URI, verifier)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            grant_type: fc.oneof(fc.constantFrom('authorization_code', 'refresh_token', 'client_credentials'), nastyString),
            client_id: clientId(),
            client_secret: fc.oneof(fc.constant(target.appSecret), nastyString),
            code: nastyString,
            redirect_uri: fc.oneof(fc.constantFrom(SPA_CALLBACK(t), 'https://fuzz.example/cb'), nastyString),
            code_verifier: nastyString,
            refresh_token: nastyString,
            scope: nastyString,
          },
          { requiredKeys: ['grant_type'] },
        ),
        fc.option(fc.tuple(nastyString, nastyString)),
        fc.constantFrom('/oauth2/v2.0/token', '/oauth2/v2.0/revoke', '/oauth2/v2.0/logout'),
        async (form, basic, path) => {
          const payload = new URLSearchParams(form).toString();
          const authorization = basic
            ? `Basic ${Buffer.from(`${pct(basic[0])}:${pct(basic[1])}`).toString('base64')}`
            : undefined;
          const res = await t.app.inject({
            method: 'POST',
            url: path,
            headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
            payload,
          });
          expectOAuthForm(res, `POST ${path} ${payload.slice(0, 400)} ${authorization ?? ''}`, path.endsWith('/logout'));
        },
      ),
      params,
    );
  });
});
