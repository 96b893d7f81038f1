import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoleIds } from '../../src/server/domain/roles.js';
import { buildTestApp, dialect, type TestApp } from '../helpers/app.js';

// SCIM 2.0 at /scim/v2, driven as a provisioning client would (application/scim+json bodies,
// application tokens). Everything it writes goes through the Graph use cases: the audit log shows
// the same activities with the provisioning application as initiator.

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

let t: TestApp;
let app: string; // Directory.ReadWrite.All
beforeAll(async () => {
  t = await buildTestApp();
  app = await t.appToken(['Directory.ReadWrite.All']);
});
afterAll(async () => {
  await t?.close();
});

const scim = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, token = app, headers = {}) =>
  t.call(method, url, {
    token,
    ...(body === undefined ? {} : { body }),
    headers: { 'content-type': 'application/scim+json', ...headers },
  });

const q = (filter: string) => encodeURIComponent(filter);
let n = 0;
const alias = (p: string) => `${p}${++n}`;

const newUser = (name: string, extra: Record<string, unknown> = {}) => ({
  schemas: [USER, ENT],
  userName: `${name}@contoso.test`,
  name: { givenName: name, familyName: 'Test' },
  emails: [{ value: `${name}@contoso.test`, type: 'work', primary: true }],
  ...extra,
});

async function createUser(name: string, extra: Record<string, unknown> = {}) {
  const res = await scim('POST', '/scim/v2/Users', newUser(name, extra));
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function createGroup(displayName: string, members: string[] = [], extra: Record<string, unknown> = {}) {
  const res = await scim('POST', '/scim/v2/Groups', {
    schemas: [GROUP],
    displayName,
    members: members.map((value) => ({ value })),
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const patch = (kind: 'Users' | 'Groups', id: string, ops: unknown[], token = app, headers = {}) =>
  scim('PATCH', `/scim/v2/${kind}/${id}`, { schemas: [PATCH], Operations: ops }, token, headers);

async function audits(activity: string, targetId: string) {
  const rows = await t.database.db
    .selectFrom('directory_audits')
    .innerJoin('directory_audit_targets', 'directory_audit_targets.audit_id', 'directory_audits.id')
    .select(['directory_audits.initiated_by', 'directory_audits.target_resources'])
    .where('activity_display_name', '=', activity)
    .where('directory_audit_targets.target_id', '=', targetId)
    .execute();
  return rows.map((r) => ({ initiatedBy: JSON.parse(r.initiated_by), targets: JSON.parse(r.target_resources) }));
}

function expectScimError(
  res: { statusCode: number; headers: Record<string, unknown>; json(): any },
  status: number,
  code: string,
  scimType?: string,
) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/scim\+json/);
  const body = res.json();
  expect(body.schemas).toEqual([ERROR]);
  expect(body.status).toBe(String(status));
  expect(body.detail).toMatch(new RegExp(`^${code}: `));
  if (scimType) expect(body.scimType).toBe(scimType);
  else expect(body.scimType).toBeUndefined();
}

describe(`SCIM discovery (${dialect})`, () => {
  it('serves ServiceProviderConfig, ResourceTypes and Schemas without a token', async () => {
    const spc = await t.call('GET', '/scim/v2/ServiceProviderConfig');
    expect(spc.statusCode).toBe(200);
    expect(spc.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(spc.json()).toMatchObject({
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 100, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 1000 },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [{ type: 'oauthbearertoken' }],
    });
    const types = (await t.call('GET', '/scim/v2/ResourceTypes')).json();
    expect(types.schemas).toEqual([LIST]);
    expect(types.Resources.map((r: { id: string; endpoint: string }) => [r.id, r.endpoint])).toEqual([
      ['User', '/Users'],
      ['Group', '/Groups'],
    ]);
    expect(types.Resources[0].schemaExtensions).toEqual([{ schema: ENT, required: false }]);
    expect((await t.call('GET', '/scim/v2/ResourceTypes/Group')).json().schema).toBe(GROUP);
    const schemas = (await t.call('GET', '/scim/v2/Schemas')).json();
    expect(schemas.Resources.map((s: { id: string }) => s.id)).toEqual([USER, ENT, GROUP]);
    const user = (await t.call('GET', `/scim/v2/Schemas/${USER}`)).json();
    const userName = user.attributes.find((a: { name: string }) => a.name === 'userName');
    expect(userName).toMatchObject({ type: 'string', required: true, uniqueness: 'server', caseExact: false });
    expect(user.attributes.find((a: { name: string }) => a.name === 'password')).toMatchObject({
      mutability: 'writeOnly',
      returned: 'never',
    });
    expectScimError(await t.call('GET', '/scim/v2/Schemas/urn:nope'), 404, 'resource_not_found');
  });
});

describe(`SCIM authentication (${dialect})`, () => {
  it('refuses missing and invalid tokens (401, WWW-Authenticate) and delegated user tokens (403)', async () => {
    const none = await t.call('GET', '/scim/v2/Users');
    expectScimError(none, 401, 'authentication_required');
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expectScimError(await t.call('GET', '/scim/v2/Users', { token: 'not-a-jwt' }), 401, 'authentication_required');
    const delegated = await t.call('GET', '/scim/v2/Users', { token: t.admin.token });
    expectScimError(delegated, 403, 'authorization_denied');
    expect(delegated.json().detail).toMatch(/applications only/);
  });

  it('needs the permissions Graph needs for the same operation', async () => {
    const readOnly = await t.appToken(['User.Read.All']);
    expect((await scim('GET', '/scim/v2/Users', undefined, readOnly)).statusCode).toBe(200);
    expectScimError(await scim('POST', '/scim/v2/Users', newUser(alias('ro')), readOnly), 403, 'authorization_denied');
    expectScimError(await scim('GET', '/scim/v2/Groups', undefined, readOnly), 403, 'authorization_denied');
    const nothing = await t.appToken([]);
    expectScimError(await scim('GET', '/scim/v2/Users', undefined, nothing), 403, 'authorization_denied');
  });

  it("SynchronizationData-User.Upload (Entra's inbound provisioning) creates and updates members, never deletes", async () => {
    const upload = await t.appToken(['SynchronizationData-User.Upload']);
    const created = await scim('POST', '/scim/v2/Users', newUser(alias('hr')), upload);
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect((await patch('Users', id, [{ op: 'replace', path: 'title', value: 'Guide' }], upload)).statusCode).toBe(200);
    expect((await scim('GET', `/scim/v2/Users?filter=${q(`id eq "${id}"`)}`, undefined, upload)).json().totalResults).toBe(1);
    expectScimError(await scim('DELETE', `/scim/v2/Users/${id}`, undefined, upload), 403, 'authorization_denied');
    expectScimError(await scim('GET', '/scim/v2/Groups', undefined, upload), 403, 'authorization_denied');
  });

  it('serves a tenant by id in the path and refuses a token of another tenant there', async () => {
    const tenantId = t.tenant.id;
    const list = await scim('GET', `/${tenantId}/scim/v2/Users?count=1`);
    expect(list.statusCode).toBe(200);
    const created = await scim('POST', `/${tenantId}/scim/v2/Users`, newUser(alias('tp')));
    expect(created.headers.location).toBe(`http://localhost:8080/${tenantId}/scim/v2/Users/${created.json().id}`);
    expectScimError(await scim('GET', '/00000000-0000-4000-8000-000000000001/scim/v2/Users'), 404, 'resource_not_found');
    expectScimError(await t.call('GET', '/not-a-tenant/scim/v2/ServiceProviderConfig'), 404, 'resource_not_found');
    // Another tenant: its own token works on its path (and on /scim/v2); ours does not.
    const other = await t.app.portico.services.tenants.createTenant({ displayName: 'Fabrikam', initialDomain: 'fabrikam.test' });
    const otherApp = await t.appToken(['User.ReadWrite.All'], other);
    expectScimError(await scim('GET', `/${other.id}/scim/v2/Users`), 401, 'authentication_required');
    const inOther = await scim(
      'POST',
      `/${other.id}/scim/v2/Users`,
      newUser('fab', { userName: 'fab@fabrikam.test', emails: [] }),
      otherApp,
    );
    expect(inOther.statusCode, inOther.body).toBe(201);
    expect(
      (await scim('GET', `/scim/v2/Users?filter=${q('userName eq "fab@fabrikam.test"')}`, undefined, otherApp)).json()
        .totalResults,
    ).toBe(1);
    expect((await scim('GET', `/scim/v2/Users?filter=${q('userName eq "fab@fabrikam.test"')}`)).json().totalResults).toBe(0);
    expectScimError(await scim('GET', `/scim/v2/Users/${inOther.json().id}`), 404, 'resource_not_found');
    expect((await t.call('GET', `/${tenantId}/scim/v2/ServiceProviderConfig`)).json().meta.location).toBe(
      `http://localhost:8080/${tenantId}/scim/v2/ServiceProviderConfig`,
    );
  });
});

describe(`SCIM Users (${dialect})`, () => {
  it('creates a member with the mapped attributes, meta, ETag and Location, audited as "Add user" by the application', async () => {
    const name = alias('bjensen');
    const res = await scim(
      'POST',
      '/scim/v2/Users',
      newUser(name, {
        externalId: `HR-${name}`,
        displayName: 'Barbara Jensen',
        title: 'Tour Guide',
        preferredLanguage: 'en-US',
        active: true,
        emails: [
          { value: `${name}@contoso.test`, type: 'work', primary: true },
          { value: `${name}@example.com`, type: 'home' },
        ],
        phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
        [ENT]: { department: 'Tours', organization: 'Contoso', employeeNumber: '701984' },
      }),
    );
    expect(res.statusCode).toBe(201);
    const u = res.json();
    expect(u).toMatchObject({
      schemas: [USER, ENT],
      userName: `${name}@contoso.test`,
      externalId: `HR-${name}`,
      name: { givenName: name, familyName: 'Test', formatted: `${name} Test` },
      displayName: 'Barbara Jensen',
      title: 'Tour Guide',
      userType: 'Member',
      preferredLanguage: 'en-US',
      active: true,
      emails: [
        { value: `${name}@contoso.test`, type: 'work', primary: true },
        { value: `${name}@example.com`, type: 'other' },
      ],
      [ENT]: { department: 'Tours', organization: 'Contoso' },
      meta: { resourceType: 'User', location: `http://localhost:8080/scim/v2/Users/${u.id}` },
    });
    expect(u.password).toBeUndefined();
    expect(u.phoneNumbers).toBeUndefined();
    expect(u.meta.lastModified).toBe(u.meta.created);
    expect(res.headers.etag).toBe(u.meta.version);
    expect(u.meta.version).toMatch(/^W\/".+"$/);
    expect(res.headers.location).toBe(u.meta.location);
    // The same object on Graph.
    const graph = (await t.call('GET', `/v1.0/users/${u.id}`, { token: t.admin.token })).json();
    expect(graph).toMatchObject({
      userPrincipalName: `${name}@contoso.test`,
      mail: `${name}@contoso.test`,
      otherMails: [`${name}@example.com`],
      jobTitle: 'Tour Guide',
      department: 'Tours',
      companyName: 'Contoso',
      givenName: name,
      surname: 'Test',
      accountEnabled: true,
      userType: 'Member',
    });
    expect(graph.externalId).toBeUndefined();
    const [audit] = await audits('Add user', u.id);
    expect(audit?.initiatedBy.app.appId).toEqual(expect.any(String));
    expect(audit?.initiatedBy.user).toBeNull();
  });

  it('sets a random password nobody knows unless one is sent (which must meet the complexity rule)', async () => {
    const u = await createUser(alias('nopw'));
    const row = await t.database.db.selectFrom('users').select('password_hash').where('id', '=', u.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expectScimError(
      await scim('POST', '/scim/v2/Users', newUser(alias('weak'), { password: 'short' })),
      400,
      'user_password_invalid',
      'invalidValue',
    );
    expect((await scim('POST', '/scim/v2/Users', newUser(alias('pw'), { password: 'Correct-Horse-9' }))).statusCode).toBe(201);
  });

  it('answers 409 uniqueness for a taken userName or mail, 400 invalidValue for bad values', async () => {
    const name = alias('dup');
    await createUser(name);
    expectScimError(
      await scim(
        'POST',
        '/scim/v2/Users',
        newUser(name.toUpperCase(), { emails: [{ value: `${alias('fresh')}@contoso.test`, type: 'work' }] }),
      ),
      409,
      'user_upn_conflict',
      'uniqueness',
    );
    expectScimError(
      await scim(
        'POST',
        '/scim/v2/Users',
        newUser(alias('other'), { emails: [{ value: `${name}@contoso.test`, type: 'work' }] }),
      ),
      409,
      'user_mail_conflict',
      'uniqueness',
    );
    const bad: [unknown, string, RegExp][] = [
      [{ schemas: [USER] }, 'property_required', /userName/],
      [{ ...newUser(alias('v')), userName: 'not-a-upn' }, 'request_body_invalid', /^request_body_invalid: userName: /],
      [{ ...newUser(alias('v')), active: 'yes' }, 'request_body_invalid', /active/],
      [{ ...newUser(alias('v')), emails: [{ value: 'nope', type: 'work' }] }, 'request_body_invalid', /emails/],
      [{ ...newUser(alias('v')), name: 'Bob' }, 'request_body_invalid', /name/],
      [{ ...newUser(alias('v')), userType: 'Guest' }, 'property_read_only', /members only/],
      [{ ...newUser(alias('v')), userName: 'x#EXT#@contoso.test' }, 'request_body_invalid', /userName/],
      [{ userName: 'noschemas@contoso.test' }, 'request_body_invalid', /schemas/],
      [[1, 2], 'request_body_invalid', /JSON object/],
    ];
    for (const [body, code, detail] of bad) {
      const res = await scim('POST', '/scim/v2/Users', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().detail, JSON.stringify(body)).toMatch(new RegExp(`^${code}: `));
      expect(res.json().detail).toMatch(detail);
      expect(res.json().scimType).toBe(code === 'property_read_only' ? 'mutability' : 'invalidValue');
    }
  });

  it('answers malformed JSON with 400 invalidSyntax and unsupported bodies with 415, never 500', async () => {
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: { authorization: `Bearer ${app}`, 'content-type': 'application/scim+json' },
      payload: '{"userName":',
    });
    expectScimError(malformed, 400, 'request_body_malformed', 'invalidSyntax');
    const xml = await t.app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: { authorization: `Bearer ${app}`, 'content-type': 'application/xml' },
      payload: '<user/>',
    });
    expectScimError(xml, 415, 'unsupported_media_type');
    for (const body of [
      null,
      'x',
      42,
      { schemas: 'x' },
      { schemas: [USER], userName: 42 },
      { schemas: [USER], emails: 'x' },
      { schemas: [USER], userName: 'a@contoso.test', name: { givenName: 7 } },
    ]) {
      const res = await scim('POST', '/scim/v2/Users', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    for (const id of ['x', '%00', 'a'.repeat(90), '00000000-0000-0000-0000-000000000000']) {
      expectScimError(await scim('GET', `/scim/v2/Users/${encodeURIComponent(id)}`), 404, 'resource_not_found');
      expectScimError(
        await patch('Users', encodeURIComponent(id), [{ op: 'replace', path: 'title', value: 'x' }]),
        404,
        'resource_not_found',
      );
    }
  });

  it('gets by id with attributes and excludedAttributes, groups included', async () => {
    const u = await createUser(alias('get'), { externalId: 'G-1', title: 'T' });
    const g = await createGroup(alias('Get group '), [u.id]);
    const full = (await scim('GET', `/scim/v2/Users/${u.id}`)).json();
    expect(full.groups).toEqual([
      { value: g.id, $ref: `http://localhost:8080/scim/v2/Groups/${g.id}`, display: g.displayName, type: 'direct' },
    ]);
    const some = (await scim('GET', `/scim/v2/Users/${u.id}?attributes=userName,name.familyName,${ENT}:department`)).json();
    expect(some).toEqual({ schemas: [USER], id: u.id, userName: u.userName, name: { familyName: 'Test' } });
    const without = (await scim('GET', `/scim/v2/Users/${u.id}?excludedAttributes=groups,emails.type,meta,name`)).json();
    expect(without.groups).toBeUndefined();
    expect(without.meta).toBeUndefined();
    expect(without.name).toBeUndefined();
    expect(without.emails).toEqual([{ value: u.userName, primary: true }]);
    expect(without.id).toBe(u.id);
  });

  it('filters with every operator, sorts and pages (startIndex/count/totalResults)', async () => {
    const tag = alias('flt');
    const made: { id: string; userName: string }[] = [];
    for (const [i, dept] of ['Sales', 'Tours', 'Sales'].entries()) {
      made.push(
        await createUser(`${tag}u${i}`, {
          externalId: `${tag}-X${i}`,
          title: i === 0 ? undefined : `Title ${i}`,
          active: i !== 1,
          emails: [
            { value: `${tag}u${i}@contoso.test`, type: 'work', primary: true },
            { value: `${tag}u${i}@other.example`, type: 'other' },
          ],
          [ENT]: { department: dept },
        }),
      );
    }
    const ids = (filter: string) =>
      scim('GET', `/scim/v2/Users?filter=${q(`userName sw "${tag}" and (${filter})`)}&sortBy=userName`).then((r) => {
        expect(r.statusCode, `${filter}: ${r.body}`).toBe(200);
        return r.json().Resources.map((x: { id: string }) => made.findIndex((m) => m.id === x.id));
      });
    expect(await ids(`userName eq "${tag.toUpperCase()}U1@CONTOSO.TEST"`)).toEqual([1]);
    expect(await ids(`userName ne "${tag}u1@contoso.test"`)).toEqual([0, 2]);
    expect(await ids('userName co "U2@"')).toEqual([2]);
    expect(await ids('userName ew "u0@contoso.test"')).toEqual([0]);
    expect(await ids(`userName gt "${tag}u0@contoso.test"`)).toEqual([1, 2]);
    expect(await ids(`userName le "${tag}u1@contoso.test"`)).toEqual([0, 1]);
    expect(await ids(`externalId eq "${tag}-X2"`)).toEqual([2]);
    expect(await ids(`externalId eq "${tag}-x2"`)).toEqual([]); // caseExact
    expect(await ids('title pr')).toEqual([1, 2]);
    expect(await ids('not (title pr)')).toEqual([0]);
    expect(await ids('active eq false')).toEqual([1]);
    expect(await ids('active eq "True"')).toEqual([0, 2]);
    expect(await ids(`emails[type eq "work"].value eq "${tag}u2@contoso.test"`)).toEqual([2]);
    expect(await ids(`emails[type eq "other" and value eq "${tag}u0@other.example"]`)).toEqual([0]);
    expect(await ids(`emails.value eq "${tag}u1@other.example"`)).toEqual([1]);
    expect(await ids(`emails co "u1@contoso"`)).toEqual([1]);
    expect(await ids(`${ENT}:department eq "sales"`)).toEqual([0, 2]);
    expect(await ids(`name.givenName sw "${tag}U"`)).toEqual([0, 1, 2]);
    expect(await ids('meta.created gt "2000-01-01T00:00:00Z"')).toEqual([0, 1, 2]);
    expect(await ids(`id eq "${made[1]?.id}" or id eq "not-a-guid"`)).toEqual([1]);
    expect(await ids('userType eq "Member"')).toEqual([0, 1, 2]);
    const page = (
      await scim(
        'GET',
        `/scim/v2/Users?filter=${q(`userName sw "${tag}"`)}&sortBy=userName&sortOrder=descending&startIndex=2&count=1`,
      )
    ).json();
    expect(page).toMatchObject({ schemas: [LIST], totalResults: 3, startIndex: 2, itemsPerPage: 1 });
    expect(page.Resources[0].id).toBe(made[1]?.id);
    const countOnly = (await scim('GET', `/scim/v2/Users?filter=${q(`userName sw "${tag}"`)}&count=0`)).json();
    expect(countOnly).toMatchObject({ totalResults: 3, itemsPerPage: 0, Resources: [] });
    const lenient = (await scim('GET', `/scim/v2/Users?filter=${q(`userName sw "${tag}"`)}&startIndex=-4&count=5000`)).json();
    expect(lenient).toMatchObject({ totalResults: 3, startIndex: 1, itemsPerPage: 3 });
    const search = await scim('POST', '/scim/v2/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: `externalId eq "${tag}-X0"`,
      attributes: ['userName'],
    });
    expect(search.json().Resources).toEqual([{ schemas: [USER, ENT], id: made[0]?.id, userName: made[0]?.userName }]);
  });

  it('refuses bad filters and list parameters with invalidFilter / invalidValue', async () => {
    const cases: [string, string, string][] = [
      ['filter=userName%20eq', 'scim_filter_invalid', 'invalidFilter'],
      [`filter=${q('nickName eq "x"')}`, 'scim_filter_invalid', 'invalidFilter'],
      [`filter=${q('active gt true')}`, 'scim_filter_invalid', 'invalidFilter'],
      [`filter=${q('meta.lastModified gt "2020-01-01T00:00:00Z"')}`, 'scim_filter_invalid', 'invalidFilter'],
      [`filter=${q('meta.created gt "yesterday"')}`, 'odata_query_invalid', 'invalidFilter'],
      [`filter=${q('emails[type eq "home"].value eq "x"')}`, 'scim_filter_invalid', 'invalidFilter'],
      [`filter=${q('userName eq 12')}`, 'scim_filter_invalid', 'invalidFilter'],
      ['count=abc', 'request_invalid', 'invalidValue'],
      ['sortBy=title', 'request_invalid', 'invalidValue'],
      ['sortOrder=up', 'request_invalid', 'invalidValue'],
      ['filter=a&filter=b', 'request_invalid', 'invalidValue'],
    ];
    for (const [query, code, type] of cases) expectScimError(await scim('GET', `/scim/v2/Users?${query}`), 400, code, type);
  });

  it('hides guests: not listed, 404 by id, untouchable; groups keep them as members', async () => {
    const invited = await t.call('POST', '/v1.0/invitations', {
      token: t.admin.token,
      body: { invitedUserEmailAddress: `${alias('guest')}@example.com`, inviteRedirectUrl: 'http://localhost:8080/myapps' },
    });
    expect(invited.statusCode, invited.body).toBe(201);
    const guest = { user: { id: invited.json().invitedUser.id as string } };
    const list = (await scim('GET', `/scim/v2/Users?filter=${q(`id eq "${guest.user.id}"`)}`)).json();
    expect(list.totalResults).toBe(0);
    expect((await scim('GET', `/scim/v2/Users?filter=${q('userType eq "Guest"')}`)).json().totalResults).toBe(0);
    expectScimError(await scim('GET', `/scim/v2/Users/${guest.user.id}`), 404, 'resource_not_found');
    expectScimError(
      await patch('Users', guest.user.id, [{ op: 'replace', path: 'active', value: false }]),
      404,
      'resource_not_found',
    );
    expectScimError(await scim('DELETE', `/scim/v2/Users/${guest.user.id}`), 404, 'resource_not_found');
    // A guest in a group is neither shown nor removed by SCIM's member replacement.
    const member = await createUser(alias('gm'));
    const g = await createGroup(alias('B2B '), [member.id]);
    const add = await t.call('POST', `/v1.0/groups/${g.id}/members/$ref`, {
      token: t.admin.token,
      body: { '@odata.id': `http://localhost:8080/v1.0/directoryObjects/${guest.user.id}` },
    });
    expect(add.statusCode).toBe(204);
    expect((await scim('GET', `/scim/v2/Groups/${g.id}`)).json().members.map((m: { value: string }) => m.value)).toEqual([
      member.id,
    ]);
    expect((await patch('Groups', g.id, [{ op: 'replace', path: 'members', value: [] }])).statusCode).toBe(200);
    const graphMembers = (await t.call('GET', `/v1.0/groups/${g.id}/members`, { token: t.admin.token })).json().value;
    expect(graphMembers.map((m: { id: string }) => m.id)).toEqual([guest.user.id]);
    // Nor can SCIM add a guest.
    expectScimError(
      await patch('Groups', g.id, [{ op: 'add', path: 'members', value: [{ value: guest.user.id }] }]),
      400,
      'object_reference_invalid',
      'invalidValue',
    );
  });

  it("PATCHes with the forms Entra's provisioning sends, audited as Graph's updates", async () => {
    const u = await createUser(alias('entra'));
    const ops = [
      { op: 'Replace', path: 'active', value: 'False' },
      { op: 'Add', path: 'title', value: 'Lead' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: `x.${u.userName}` },
      { op: 'Add', value: { [`${ENT}:department`]: 'Ops', 'name.givenName': 'ignored-flat-core', displayName: 'Entra Name' } },
      { op: 'Replace', path: 'name.familyName', value: 'Changed' },
      { op: 'Add', path: 'phoneNumbers[type eq "work"].value', value: '+1 555 0100' },
      { op: 'Replace', path: `${ENT}:manager`, value: '26118915' },
      { op: 'Add', path: 'externalId', value: 'EXT-1' },
    ];
    const res = await patch('Users', u.id, ops);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      active: false,
      title: 'Lead',
      displayName: 'Entra Name',
      externalId: 'EXT-1',
      emails: [{ value: `x.${u.userName}`, type: 'work', primary: true }],
      name: { familyName: 'Changed' },
      [ENT]: { department: 'Ops' },
    });
    expect(res.json().meta.version).not.toBe(u.meta.version);
    expect(res.json().meta.lastModified >= u.meta.lastModified).toBe(true);
    const [update] = await audits('Update user', u.id);
    expect(update?.initiatedBy.app).toBeTruthy();
    const changed = update?.targets[0].modifiedProperties.map((p: { displayName: string }) => p.displayName).sort();
    // Disabling the account also revokes its sessions (signInSessionsValidFromDateTime, security issue item 2).
    expect(changed).toEqual(
      [
        'accountEnabled',
        'department',
        'displayName',
        'externalId',
        'jobTitle',
        'mail',
        'signInSessionsValidFromDateTime',
        'surname',
      ].sort(),
    );
    expect(await audits('Disable account', u.id)).toHaveLength(1);
    // Removing, and a PATCH that changes nothing writes nothing.
    const removed = await patch('Users', u.id, [
      { op: 'remove', path: 'title' },
      { op: 'remove', path: `${ENT}:department` },
    ]);
    expect(removed.json().title).toBeUndefined();
    expect(removed.json()[ENT]).toBeUndefined();
    const before = (await audits('Update user', u.id)).length;
    expect((await patch('Users', u.id, [{ op: 'replace', path: 'active', value: false }])).statusCode).toBe(200);
    expect(await audits('Update user', u.id)).toHaveLength(before);
    // userName cannot be removed; read-only attributes cannot be changed.
    expectScimError(await patch('Users', u.id, [{ op: 'remove', path: 'userName' }]), 400, 'property_required', 'invalidValue');
    expectScimError(
      await patch('Users', u.id, [{ op: 'replace', path: 'groups', value: [] }]),
      400,
      'property_read_only',
      'mutability',
    );
    expectScimError(
      await patch('Users', u.id, [{ op: 'replace', path: 'favoriteColor', value: 'x' }]),
      400,
      'scim_path_invalid',
      'invalidPath',
    );
    expectScimError(
      await patch('Users', u.id, [{ op: 'replace', path: 'emails[value eq "none@x.test"].type', value: 'work' }]),
      400,
      'scim_no_target',
      'noTarget',
    );
    expectScimError(await patch('Users', u.id, [{ op: 'remove' }]), 400, 'scim_no_target', 'noTarget');
    expectScimError(await patch('Users', u.id, [{ op: 'copy', path: 'title' }]), 400, 'request_body_invalid', 'invalidValue');
  });

  it('replaces with PUT (absent attributes are cleared; active kept) and honours If-Match', async () => {
    const u = await createUser(alias('put'), { title: 'Old', [ENT]: { department: 'D' } });
    const stale = await scim('PUT', `/scim/v2/Users/${u.id}`, { schemas: [USER], userName: u.userName }, app, {
      'if-match': 'W/"stale"',
    });
    expectScimError(stale, 412, 'scim_version_mismatch');
    const res = await scim(
      'PUT',
      `/scim/v2/Users/${u.id}`,
      { schemas: [USER], id: 'ignored', userName: u.userName, displayName: 'Put Name' },
      app,
      {
        'if-match': u.meta.version,
      },
    );
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ id: u.id, displayName: 'Put Name', active: true });
    expect(body.title).toBeUndefined();
    expect(body.emails).toBeUndefined();
    expect(body[ENT]).toBeUndefined();
    expect(res.headers.etag).toBe(body.meta.version);
    expectScimError(
      await patch('Users', u.id, [{ op: 'replace', path: 'title', value: 'x' }], app, { 'if-match': u.meta.version }),
      412,
      'scim_version_mismatch',
    );
    expect(
      (await patch('Users', u.id, [{ op: 'replace', path: 'title', value: 'x' }], app, { 'if-match': '*' })).statusCode,
    ).toBe(200);
    expectScimError(await scim('PUT', `/scim/v2/Users/${u.id}`, { schemas: [USER] }), 400, 'property_required', 'invalidValue');
  });

  it('deletes with "Delete user" audited; keeps the rules of Graph (directory roles, self)', async () => {
    const u = await createUser(alias('del'));
    expectScimError(
      await scim('DELETE', `/scim/v2/Users/${u.id}`, undefined, app, { 'if-match': 'W/"x"' }),
      412,
      'scim_version_mismatch',
    );
    const res = await scim('DELETE', `/scim/v2/Users/${u.id}`);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(await audits('Delete user', u.id)).toHaveLength(1);
    expectScimError(await scim('GET', `/scim/v2/Users/${u.id}`), 404, 'resource_not_found');
    // Applications never touch the account of a user holding a directory role (the last Global
    // Administrator included): the same refusal as on Graph.
    const adminId = t.admin.user.id;
    expectScimError(
      await patch('Users', adminId, [{ op: 'replace', path: 'active', value: 'False' }]),
      403,
      'authorization_denied',
    );
    expectScimError(await scim('DELETE', `/scim/v2/Users/${adminId}`), 403, 'authorization_denied');
    const helpdesk = await t.createUser({ roles: [RoleIds.helpdeskAdministrator] });
    expectScimError(
      await patch('Users', helpdesk.user.id, [{ op: 'replace', path: 'userName', value: `${alias('hd')}@contoso.test` }]),
      403,
      'authorization_denied',
    );
    // Basic properties of such a user stay writable, as on Graph.
    expect((await patch('Users', helpdesk.user.id, [{ op: 'replace', path: 'title', value: 'Helpdesk' }])).statusCode).toBe(200);
  });
});

describe(`SCIM Groups (${dialect})`, () => {
  it('creates a security group with members, audited as Graph does, and reads it back', async () => {
    const a = await createUser(alias('ga'));
    const b = await createUser(alias('gb'));
    const inner = await createGroup(alias('Inner '));
    const res = await scim('POST', '/scim/v2/Groups', {
      schemas: [GROUP],
      displayName: 'Tour Guides (EMEA)',
      externalId: 'HR-G1',
      members: [{ value: a.id }, { value: b.id, type: 'User' }, { value: inner.id }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const g = res.json();
    expect(g).toMatchObject({
      schemas: [GROUP],
      displayName: 'Tour Guides (EMEA)',
      externalId: 'HR-G1',
      meta: { resourceType: 'Group' },
    });
    expect(g.members).toHaveLength(3);
    expect(g.members).toContainEqual({
      value: inner.id,
      type: 'Group',
      display: inner.displayName,
      $ref: `http://localhost:8080/scim/v2/Groups/${inner.id}`,
    });
    expect(g.members).toContainEqual({
      value: a.id,
      type: 'User',
      display: a.displayName,
      $ref: `http://localhost:8080/scim/v2/Users/${a.id}`,
    });
    const graph = (await t.call('GET', `/v1.0/groups/${g.id}`, { token: t.admin.token })).json();
    expect(graph).toMatchObject({ securityEnabled: true, mailEnabled: false, groupTypes: [], mailNickname: 'TourGuidesEMEA' });
    expect(await audits('Add group', g.id)).toHaveLength(1);
    const adds = await audits('Add member to group', g.id);
    expect(adds).toHaveLength(3);
    expect(adds.every((x) => x.initiatedBy.app !== null)).toBe(true);
    expectScimError(await scim('POST', '/scim/v2/Groups', { schemas: [GROUP] }), 400, 'property_required', 'invalidValue');
    expectScimError(
      await scim('POST', '/scim/v2/Groups', {
        schemas: [GROUP],
        displayName: 'x',
        members: [{ value: '00000000-0000-4000-8000-0000000000aa' }],
      }),
      400,
      'object_reference_invalid',
      'invalidValue',
    );
    expectScimError(
      await scim('POST', '/scim/v2/Groups', { schemas: [GROUP], displayName: 'x', members: [{ value: 'bogus' }] }),
      400,
      'object_reference_invalid',
      'invalidValue',
    );
  });

  it('filters groups by displayName, externalId and members.value; excludes members on request', async () => {
    const tag = alias('GF');
    const u = await createUser(alias('gfu'));
    const g1 = await createGroup(`${tag} one`, [u.id], { externalId: `${tag}-1` });
    const g2 = await createGroup(`${tag} two`);
    const names = async (filter: string, extra = '') => {
      const r = await scim('GET', `/scim/v2/Groups?filter=${q(filter)}&sortBy=displayName${extra}`);
      expect(r.statusCode, r.body).toBe(200);
      return r.json().Resources.map((g: { displayName: string }) => g.displayName);
    };
    expect(await names(`displayName eq "${tag.toLowerCase()} ONE"`)).toEqual([`${tag} one`]);
    expect(await names(`displayName sw "${tag}"`)).toEqual([`${tag} one`, `${tag} two`]);
    expect(await names(`displayName sw "${tag}" and displayName ew "two"`)).toEqual([`${tag} two`]);
    expect(await names(`externalId eq "${tag}-1"`)).toEqual([`${tag} one`]);
    expect(await names(`members.value eq "${u.id}"`)).toEqual([`${tag} one`]);
    expect(await names(`members[value eq "${u.id}"] or displayName eq "${tag} two"`)).toEqual([`${tag} one`, `${tag} two`]);
    const lean = (await scim('GET', `/scim/v2/Groups?filter=${q(`id eq "${g1.id}"`)}&excludedAttributes=members`)).json();
    expect(lean.Resources[0].members).toBeUndefined();
    expect(lean.Resources[0].displayName).toBe(`${tag} one`);
    expect((await scim('GET', `/scim/v2/Groups/${g2.id}?attributes=displayName`)).json()).toEqual({
      schemas: [GROUP],
      id: g2.id,
      displayName: `${tag} two`,
    });
    expectScimError(
      await scim('GET', `/scim/v2/Groups?filter=${q('members.display eq "x"')}`),
      400,
      'scim_filter_invalid',
      'invalidFilter',
    );
  });

  it('PATCHes members (add, remove by filter, remove with a value list, replace) in one transaction with Graph audits', async () => {
    const [a, b, c] = [await createUser(alias('pa')), await createUser(alias('pb')), await createUser(alias('pc'))];
    const g = await createGroup(alias('Patch '), [a.id, b.id]);
    const added = await patch('Groups', g.id, [
      { op: 'Add', path: 'members', value: [{ value: c.id }, { value: a.id }] },
      { op: 'Replace', path: 'displayName', value: 'Patched name' },
    ]);
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json().displayName).toBe('Patched name');
    expect(
      added
        .json()
        .members.map((m: { value: string }) => m.value)
        .sort(),
    ).toEqual([a.id, b.id, c.id].sort());
    expect(await audits('Update group', g.id)).toHaveLength(1);
    expect((await audits('Add member to group', g.id)).length).toBe(3);
    const memberIds = async () =>
      ((await scim('GET', `/scim/v2/Groups/${g.id}`)).json().members ?? []).map((m: { value: string }) => m.value).sort();
    // Member-only PATCHes answer 204 with the new ETag (the group's whole membership is not read).
    const removed = await patch('Groups', g.id, [{ op: 'remove', path: `members[value eq "${a.id}"]` }]);
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBe('');
    expect(removed.headers.etag).toBe((await scim('GET', `/scim/v2/Groups/${g.id}`)).json().meta.version);
    expect(await memberIds()).toEqual([b.id, c.id].sort());
    const removedList = await patch('Groups', g.id, [{ op: 'Remove', path: 'members', value: [{ value: b.id }] }]);
    expect(removedList.statusCode).toBe(204);
    expect(await memberIds()).toEqual([c.id]);
    // Adding a present member, removing an absent one: nothing to do, nothing written.
    const quiet = (await audits('Add member to group', g.id)).length;
    expect(
      (
        await patch('Groups', g.id, [
          { op: 'add', path: 'members', value: [{ value: c.id }] },
          { op: 'remove', path: `members[value eq "${a.id}"]` },
        ])
      ).statusCode,
    ).toBe(204);
    expect(await audits('Add member to group', g.id)).toHaveLength(quiet);
    // Last operation wins per member.
    expect(
      (
        await patch('Groups', g.id, [
          { op: 'add', path: 'members', value: [{ value: a.id }] },
          { op: 'remove', path: `members[value eq "${a.id}"]` },
        ])
      ).statusCode,
    ).toBe(204);
    expect(await memberIds()).toEqual([c.id]);
    const rem = await audits('Remove member from group', g.id);
    expect(rem).toHaveLength(2);
    expect(rem[0]?.initiatedBy.app).toBeTruthy();
    // All or nothing: one bad member fails the whole PATCH.
    const bad = await patch('Groups', g.id, [
      { op: 'add', path: 'members', value: [{ value: a.id }] },
      { op: 'add', path: 'members', value: [{ value: '00000000-0000-4000-8000-0000000000ab' }] },
    ]);
    expectScimError(bad, 400, 'object_reference_invalid', 'invalidValue');
    expect((await scim('GET', `/scim/v2/Groups/${g.id}`)).json().members.map((m: { value: string }) => m.value)).toEqual([c.id]);
    // Removing everyone leaves the members attribute out.
    const empty = await patch('Groups', g.id, [{ op: 'remove', path: 'members' }]);
    expect(empty.json().members).toBeUndefined();
    // Nesting cycles are refused by the groups service.
    const parent = await createGroup(alias('Parent '), [g.id]);
    expectScimError(
      await patch('Groups', g.id, [{ op: 'add', path: 'members', value: [{ value: parent.id }] }]),
      400,
      'group_membership_cycle',
      'invalidValue',
    );
  });

  it('replaces with PUT and honours If-Match; GroupMember.ReadWrite.All changes members only', async () => {
    const [a, b] = [await createUser(alias('qa')), await createUser(alias('qb'))];
    const g = await createGroup(alias('Put '), [a.id], { externalId: 'E-old' });
    expectScimError(
      await scim('PUT', `/scim/v2/Groups/${g.id}`, { schemas: [GROUP], displayName: 'x' }, app, { 'if-match': 'W/"nope"' }),
      412,
      'scim_version_mismatch',
    );
    const put = await scim(
      'PUT',
      `/scim/v2/Groups/${g.id}`,
      { schemas: [GROUP], displayName: 'Put renamed', members: [{ value: b.id }] },
      app,
      { 'if-match': g.meta.version },
    );
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ displayName: 'Put renamed', members: [{ value: b.id }] });
    expect(put.json().externalId).toBeUndefined();
    const membersOnly = await t.appToken(['GroupMember.ReadWrite.All']);
    expect(
      (await patch('Groups', g.id, [{ op: 'add', path: 'members', value: [{ value: a.id }] }], membersOnly)).statusCode,
    ).toBe(204);
    expectScimError(
      await patch('Groups', g.id, [{ op: 'replace', path: 'displayName', value: 'no' }], membersOnly),
      403,
      'authorization_denied',
    );
    expectScimError(
      await scim('POST', '/scim/v2/Groups', { schemas: [GROUP], displayName: 'no' }, membersOnly),
      403,
      'authorization_denied',
    );
  });

  it('refuses membership changes of dynamic and synced groups (mutability), as Graph does', async () => {
    const u = await createUser(alias('dyn'));
    const dyn = await t.call('POST', '/v1.0/groups', {
      token: t.admin.token,
      body: {
        displayName: 'Dynamic',
        mailNickname: 'dyn',
        mailEnabled: false,
        securityEnabled: true,
        groupTypes: ['DynamicMembership'],
        membershipRule: 'user.userType -eq "Member"',
      },
    });
    expect(dyn.statusCode).toBe(201);
    expectScimError(
      await patch('Groups', dyn.json().id, [{ op: 'add', path: 'members', value: [{ value: u.id }] }]),
      400,
      'group_dynamic_membership',
      'mutability',
    );
    // Synced groups come only from their sync source (onPremisesSyncEnabled is read-only in Graph).
    const syncedGroup = await t.createSyncedGroup({
      displayName: 'Synced',
      mailNickname: 'synced',
      mailEnabled: false,
      securityEnabled: true,
    });
    const synced = { json: () => syncedGroup };
    expectScimError(
      await patch('Groups', synced.json().id, [{ op: 'replace', path: 'displayName', value: 'x' }]),
      400,
      'group_synced',
      'mutability',
    );
    expectScimError(
      await patch('Groups', synced.json().id, [{ op: 'add', path: 'members', value: [{ value: u.id }] }]),
      400,
      'group_synced',
      'mutability',
    );
    // Reading them is fine.
    expect((await scim('GET', `/scim/v2/Groups/${synced.json().id}`)).statusCode).toBe(200);
  });

  it('deletes a group with "Delete group" audited', async () => {
    const g = await createGroup(alias('Gone '));
    expect((await scim('DELETE', `/scim/v2/Groups/${g.id}`)).statusCode).toBe(204);
    expect(await audits('Delete group', g.id)).toHaveLength(1);
    expectScimError(await scim('DELETE', `/scim/v2/Groups/${g.id}`), 404, 'resource_not_found');
  });
});

describe(`SCIM Bulk (${dialect})`, () => {
  const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

  it('runs operations with bulkId references (forward ones included) and reports each', async () => {
    const name = alias('bulk');
    const res = await scim('POST', '/scim/v2/Bulk', {
      schemas: [BULK],
      Operations: [
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'g',
          data: { schemas: [GROUP], displayName: `${name} group`, members: [{ value: 'bulkId:u' }] },
        },
        { method: 'POST', path: '/Users', bulkId: 'u', data: newUser(name) },
        {
          method: 'PATCH',
          path: '/Users/bulkId:u',
          data: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'Bulk' }] },
        },
        { method: 'POST', path: '/Users', bulkId: 'dup', data: newUser(name) },
        { method: 'DELETE', path: '/Users/00000000-0000-4000-8000-0000000000cc' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:BulkResponse']);
    const ops = body.Operations;
    expect(ops.map((o: { status: string }) => o.status)).toEqual(['201', '201', '200', '409', '404']);
    expect(ops[0].location).toMatch(/\/scim\/v2\/Groups\/[0-9a-f-]{36}$/);
    expect(ops[1]).toMatchObject({ method: 'POST', bulkId: 'u', version: expect.stringMatching(/^W\//) });
    expect(ops[3].response).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' });
    const userId = ops[1].location.split('/').pop();
    const group = (await scim('GET', ops[0].location.replace('http://localhost:8080', ''))).json();
    expect(group.members).toEqual([expect.objectContaining({ value: userId })]);
    expect((await scim('GET', `/scim/v2/Users/${userId}`)).json().title).toBe('Bulk');
  });

  it('stops after failOnErrors errors, refuses circular and unknown bulkIds, and enforces maxOperations', async () => {
    const stopped = await scim('POST', '/scim/v2/Bulk', {
      schemas: [BULK],
      failOnErrors: 1,
      Operations: [
        { method: 'DELETE', path: '/Users/00000000-0000-4000-8000-0000000000dd' },
        { method: 'POST', path: '/Users', bulkId: 'never', data: newUser(alias('never')) },
      ],
    });
    expect(stopped.json().Operations).toHaveLength(1);
    expect((await scim('GET', `/scim/v2/Users?filter=${q('userName sw "never"')}`)).json().totalResults).toBe(0);
    const circular = await scim('POST', '/scim/v2/Bulk', {
      schemas: [BULK],
      Operations: [
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'a',
          data: { schemas: [GROUP], displayName: 'A', members: [{ value: 'bulkId:b' }] },
        },
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'b',
          data: { schemas: [GROUP], displayName: 'B', members: [{ value: 'bulkId:a' }] },
        },
        {
          method: 'PATCH',
          path: '/Users/bulkId:nowhere',
          data: { schemas: [PATCH], Operations: [{ op: 'remove', path: 'title' }] },
        },
      ],
    });
    expect(
      circular
        .json()
        .Operations.map((o: { status: string; response: { detail: string } }) => [o.status, o.response.detail.split(':')[0]]),
    ).toEqual([
      ['409', 'scim_bulk_id_unresolved'],
      ['409', 'scim_bulk_id_unresolved'],
      ['409', 'scim_bulk_id_unresolved'],
    ]);
    const tooMany = await scim('POST', '/scim/v2/Bulk', {
      schemas: [BULK],
      Operations: Array.from({ length: 101 }, (_, i) => ({ method: 'DELETE', path: `/Users/${i}` })),
    });
    expectScimError(tooMany, 413, 'payload_too_large');
    expectScimError(
      await scim('POST', '/scim/v2/Bulk', { schemas: [BULK], Operations: [{ method: 'GET', path: '/Users' }] }),
      400,
      'request_body_invalid',
      'invalidValue',
    );
    expectScimError(await scim('POST', '/scim/v2/Bulk', { Operations: [] }), 400, 'request_body_invalid', 'invalidValue');
    const big = await t.app.inject({
      method: 'POST',
      url: '/scim/v2/Bulk',
      headers: { authorization: `Bearer ${app}`, 'content-type': 'application/scim+json' },
      payload: JSON.stringify({ schemas: [BULK], Operations: [], pad: 'x'.repeat(1024 * 1024) }),
    });
    expectScimError(big, 413, 'payload_too_large');
  });
});

describe(`SCIM robustness (${dialect})`, () => {
  it('answers generated malformed PATCH, PUT and Bulk bodies with 4xx, never 500', async () => {
    const u = await createUser(alias('fuzz'));
    const g = await createGroup(alias('Fuzz '), [u.id]);
    let s = 4242;
    const rand = () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const values = [
      null,
      true,
      'False',
      0,
      -1.5,
      '',
      'x',
      [],
      [1],
      [{}],
      [{ value: u.id }],
      [{ value: 'bulkId:x' }],
      {},
      { value: 7 },
      { a: { b: [] } },
      'a'.repeat(300),
    ];
    const paths = [
      undefined,
      '',
      'title',
      'active',
      'emails',
      'emails.value',
      'emails[type eq "work"].value',
      'emails[',
      'name',
      'name.givenName',
      'members',
      'members[value eq "x"]',
      'members[value eq 1]',
      'groups',
      'meta.version',
      `${ENT}:department`,
      `${ENT}`,
      'userName',
      'displayName',
      'externalId',
      'x.y.z',
      'members[type eq "User"].display',
      '[]',
    ];
    const ops = ['add', 'replace', 'remove', 'Add', 'copy', 7];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 150; i++) {
      const operations = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => ({
        op: pick(ops),
        path: pick(paths),
        value: pick(values),
      }));
      for (const [kind, id] of [
        ['Users', u.id],
        ['Groups', g.id],
      ] as const) {
        const res = await patch(kind, id, operations);
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        expect(res.statusCode, `${kind} ${JSON.stringify(operations)}: ${res.body}`).toBeLessThan(500);
      }
      const put = await scim('PUT', `/scim/v2/Users/${u.id}`, {
        schemas: [USER],
        userName: u.userName,
        [String(pick(paths))]: pick(values),
      });
      expect(put.statusCode, put.body).toBeLessThan(500);
      const bulk = await scim('POST', '/scim/v2/Bulk', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: [
          {
            method: pick(['POST', 'PATCH', 'DELETE', 'PUT']),
            path: pick(['/Users', `/Groups/${g.id}`, '/Users/bulkId:x', '/x']),
            bulkId: pick([undefined, 'x', '']),
            data: pick(values),
          },
        ],
      });
      expect(bulk.statusCode, bulk.body).toBeLessThan(500);
      for (const op of bulk.statusCode === 200 ? bulk.json().Operations : [])
        expect(Number(op.status), JSON.stringify(op)).toBeLessThan(500);
    }
    // The generator reaches both successes and refusals.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
  });
});
