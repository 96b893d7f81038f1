import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, dialect, type TestApp } from '../helpers/app.js';

// RFC 7643/7644 conformance checks, as a table: there is no SCIM client or conformance checker on
// npm that runs offline (the SCIM packages there are servers, filter parsers and PATCH helpers), so
// these are the checks such tools run (the create / read / filter / update / disable / delete round
// of a provisioning client, and the protocol's invariants), written from the RFCs. Steps run in
// order and share state: a later step uses the ids an earlier one created.

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

let t: TestApp;
let token: string;
const state: Record<string, any> = {};

beforeAll(async () => {
  t = await buildTestApp();
  token = await t.appToken(['User.ReadWrite.All', 'Group.ReadWrite.All']);
});
afterAll(async () => {
  await t?.close();
});

interface Step {
  /** What the RFC requires, with its section. */
  rule: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: () => string;
  body?: () => unknown;
  headers?: () => Record<string, string>;
  status: number;
  check?: (body: any, res: LightMyRequestResponse) => void;
}

const f = (filter: string) => encodeURIComponent(filter);
const isList = (b: any) => {
  expect(b.schemas).toEqual([LIST]);
  expect(Number.isInteger(b.totalResults)).toBe(true);
  expect(Array.isArray(b.Resources)).toBe(true);
  expect(b.startIndex).toBeGreaterThanOrEqual(1);
  expect(b.itemsPerPage).toBe(b.Resources.length);
};
const isError = (status: number, scimType?: string) => (b: any) => {
  expect(b.schemas).toEqual([ERROR]);
  expect(b.status).toBe(String(status));
  if (scimType) expect(b.scimType).toBe(scimType);
  expect(typeof b.detail).toBe('string');
};

const steps: Step[] = [
  {
    rule: '§4 ServiceProviderConfig names the features, auth schemes and limits',
    method: 'GET',
    url: () => '/scim/v2/ServiceProviderConfig',
    status: 200,
    check: (b) => {
      for (const k of ['patch', 'bulk', 'filter', 'changePassword', 'sort', 'etag'])
        expect(typeof b[k].supported).toBe('boolean');
      expect(b.authenticationSchemes.length).toBeGreaterThan(0);
    },
  },
  {
    rule: '§3.3 POST creates: 201, the resource with id and meta, Location = meta.location',
    method: 'POST',
    url: () => '/scim/v2/Users',
    body: () => ({
      schemas: [USER],
      userName: 'conformance.user@contoso.test',
      externalId: 'conf-1',
      name: { givenName: 'Conf', familyName: 'User' },
      emails: [{ value: 'conformance.user@contoso.test', type: 'work', primary: true }],
      active: true,
    }),
    status: 201,
    check: (b, res) => {
      expect(b.schemas).toContain(USER);
      expect(typeof b.id).toBe('string');
      expect(b.meta).toMatchObject({ resourceType: 'User' });
      expect(res.headers.location).toBe(b.meta.location);
      expect(b.meta.created).toMatch(/^\d{4}-\d\d-\d\dT/);
      state.userId = b.id;
      state.userVersion = b.meta.version;
    },
  },
  {
    rule: '§3.4.1 GET by id returns the resource; ETag equals meta.version (§3.14)',
    method: 'GET',
    url: () => `/scim/v2/Users/${state.userId}`,
    status: 200,
    check: (b, res) => {
      expect(b.id).toBe(state.userId);
      expect(res.headers.etag).toBe(b.meta.version);
    },
  },
  {
    rule: '§3.4.2.2 filter userName eq is case-insensitive (caseExact false)',
    method: 'GET',
    url: () => `/scim/v2/Users?filter=${f('userName eq "CONFORMANCE.USER@contoso.test"')}`,
    status: 200,
    check: (b) => {
      isList(b);
      expect(b.totalResults).toBe(1);
      expect(b.Resources[0].id).toBe(state.userId);
    },
  },
  {
    rule: '§3.4.2.2 filter externalId eq is case-exact',
    method: 'GET',
    url: () => `/scim/v2/Users?filter=${f('externalId eq "CONF-1"')}`,
    status: 200,
    check: (b) => expect(b.totalResults).toBe(0),
  },
  {
    rule: '§3.4.2 a filter that matches nothing is 200 with an empty list, not 404',
    method: 'GET',
    url: () => `/scim/v2/Users?filter=${f('userName eq "nobody@contoso.test"')}`,
    status: 200,
    check: (b) => {
      isList(b);
      expect(b.totalResults).toBe(0);
      expect(b.Resources).toEqual([]);
    },
  },
  {
    rule: '§3.4.2.2 an unparseable filter is 400 invalidFilter',
    method: 'GET',
    url: () => `/scim/v2/Users?filter=${f('userName eq "x" and')}`,
    status: 400,
    check: isError(400, 'invalidFilter'),
  },
  {
    rule: '§3.3 a duplicate userName is 409 uniqueness',
    method: 'POST',
    url: () => '/scim/v2/Users',
    body: () => ({ schemas: [USER], userName: 'Conformance.User@contoso.test' }),
    status: 409,
    check: isError(409, 'uniqueness'),
  },
  {
    rule: '§3.5.2 PATCH replace of several attributes answers 200 with the resource',
    method: 'PATCH',
    url: () => `/scim/v2/Users/${state.userId}`,
    body: () => ({
      schemas: [PATCH],
      Operations: [
        { op: 'replace', path: 'name.familyName', value: 'Changed' },
        { op: 'replace', value: { displayName: 'Conf Changed', title: 'Tester' } },
      ],
    }),
    status: 200,
    check: (b) => {
      expect(b).toMatchObject({ name: { familyName: 'Changed' }, displayName: 'Conf Changed', title: 'Tester' });
      expect(b.meta.version).not.toBe(state.userVersion);
      state.userVersion = b.meta.version;
    },
  },
  {
    rule: '§3.5.2.1 PATCH add to a multi-valued attribute appends',
    method: 'PATCH',
    url: () => `/scim/v2/Users/${state.userId}`,
    body: () => ({
      schemas: [PATCH],
      Operations: [{ op: 'add', path: 'emails', value: [{ value: 'conf@example.com', type: 'other' }] }],
    }),
    status: 200,
    check: (b) =>
      expect(b.emails.map((e: { value: string }) => e.value)).toEqual(['conformance.user@contoso.test', 'conf@example.com']),
  },
  {
    rule: '§3.5.2.2 PATCH remove with a value filter removes the matching values',
    method: 'PATCH',
    url: () => `/scim/v2/Users/${state.userId}`,
    body: () => ({ schemas: [PATCH], Operations: [{ op: 'remove', path: 'emails[value eq "conf@example.com"]' }] }),
    status: 200,
    check: (b) => {
      expect(b.emails).toHaveLength(1);
      state.userVersion = b.meta.version;
    },
  },
  {
    rule: '§3.5.2 PATCH deactivates (active false) — the provisioning "disable"',
    method: 'PATCH',
    url: () => `/scim/v2/Users/${state.userId}`,
    body: () => ({ schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] }),
    headers: () => ({ 'if-match': state.userVersion }),
    status: 200,
    check: (b) => {
      expect(b.active).toBe(false);
      state.userVersion = b.meta.version;
    },
  },
  {
    rule: '§3.5.2 PATCH of a read-only attribute is 400 mutability',
    method: 'PATCH',
    url: () => `/scim/v2/Users/${state.userId}`,
    body: () => ({ schemas: [PATCH], Operations: [{ op: 'replace', path: 'meta.created', value: '2000-01-01T00:00:00Z' }] }),
    status: 400,
    check: isError(400, 'mutability'),
  },
  {
    rule: '§3.5.2 a PATCH path naming no attribute is 400 invalidPath',
    method: 'PATCH',
    url: () => `/scim/v2/Users/${state.userId}`,
    body: () => ({ schemas: [PATCH], Operations: [{ op: 'replace', path: 'emails[type eq ', value: 'x' }] }),
    status: 400,
    check: isError(400, 'invalidPath'),
  },
  {
    rule: '§3.14 If-Match with a stale version is 412',
    method: 'PUT',
    url: () => `/scim/v2/Users/${state.userId}`,
    body: () => ({ schemas: [USER], userName: 'conformance.user@contoso.test' }),
    headers: () => ({ 'if-match': 'W/"stale"' }),
    status: 412,
    check: isError(412),
  },
  {
    rule: '§3.5.1 PUT replaces: attributes left out are cleared',
    method: 'PUT',
    url: () => `/scim/v2/Users/${state.userId}`,
    body: () => ({ schemas: [USER], userName: 'conformance.user@contoso.test', displayName: 'Replaced', active: true }),
    headers: () => ({ 'if-match': state.userVersion }),
    status: 200,
    check: (b) => {
      expect(b.displayName).toBe('Replaced');
      expect(b.title).toBeUndefined();
      expect(b.externalId).toBeUndefined();
    },
  },
  {
    rule: '§3.4.2.5 attributes limits the response; id is always returned',
    method: 'GET',
    url: () => `/scim/v2/Users/${state.userId}?attributes=displayName`,
    status: 200,
    check: (b) => expect(b).toEqual({ schemas: [USER], id: state.userId, displayName: 'Replaced' }),
  },
  {
    rule: '§3.3 POST /Groups with a member',
    method: 'POST',
    url: () => '/scim/v2/Groups',
    body: () => ({ schemas: [GROUP], displayName: 'Conformance Group', members: [{ value: state.userId }] }),
    status: 201,
    check: (b) => {
      expect(b.members).toEqual([expect.objectContaining({ value: state.userId, type: 'User' })]);
      state.groupId = b.id;
    },
  },
  {
    rule: '§3.4.2 GET /Groups with filter and excludedAttributes=members',
    method: 'GET',
    url: () => `/scim/v2/Groups?filter=${f('displayName eq "conformance group"')}&excludedAttributes=members`,
    status: 200,
    check: (b) => {
      isList(b);
      expect(b.totalResults).toBe(1);
      expect(b.Resources[0].members).toBeUndefined();
    },
  },
  {
    rule: '§3.5.2.2 PATCH remove members[value eq …]: 204 No Content with the new ETag is allowed',
    method: 'PATCH',
    url: () => `/scim/v2/Groups/${state.groupId}`,
    body: () => ({ schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${state.userId}"]` }] }),
    status: 204,
    check: (_b, res) => expect(res.headers.etag).toMatch(/^W\//),
  },
  {
    rule: '§3.5.2.2 … and the member is gone',
    method: 'GET',
    url: () => `/scim/v2/Groups/${state.groupId}`,
    status: 200,
    check: (b) => expect(b.members).toBeUndefined(),
  },
  {
    rule: '§3.5.2.1 PATCH add members',
    method: 'PATCH',
    url: () => `/scim/v2/Groups/${state.groupId}`,
    body: () => ({ schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: state.userId }] }] }),
    status: 204,
  },
  {
    rule: '§3.5.2.1 … and the member is there',
    method: 'GET',
    url: () => `/scim/v2/Groups/${state.groupId}`,
    status: 200,
    check: (b) => expect(b.members.map((m: { value: string }) => m.value)).toEqual([state.userId]),
  },
  {
    rule: '§3.6 DELETE answers 204 with no body',
    method: 'DELETE',
    url: () => `/scim/v2/Users/${state.userId}`,
    status: 204,
    check: (_b, res) => expect(res.body).toBe(''),
  },
  {
    rule: '§3.6 the deleted resource is gone: GET is 404',
    method: 'GET',
    url: () => `/scim/v2/Users/${state.userId}`,
    status: 404,
    check: isError(404),
  },
  {
    rule: '§3.6 and the group no longer lists it',
    method: 'GET',
    url: () => `/scim/v2/Groups/${state.groupId}`,
    status: 200,
    check: (b) => expect(b.members).toBeUndefined(),
  },
  {
    rule: '§3.6 DELETE of a group',
    method: 'DELETE',
    url: () => `/scim/v2/Groups/${state.groupId}`,
    status: 204,
  },
  {
    rule: '§3.12 an unknown endpoint answers a SCIM error',
    method: 'GET',
    url: () => '/scim/v2/Widgets',
    status: 404,
    check: isError(404),
  },
];

describe(`SCIM conformance checks, RFC 7644 (${dialect})`, () => {
  for (const step of steps) {
    it(`${step.rule}`, async () => {
      const body = step.body?.();
      const res = await t.app.inject({
        method: step.method,
        url: step.url(),
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', ...step.headers?.() },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      expect(res.statusCode, res.body).toBe(step.status);
      if (res.body) expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      step.check?.(res.body ? res.json() : undefined, res);
    });
  }
});
