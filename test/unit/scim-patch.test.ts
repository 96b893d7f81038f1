import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/server/domain/errors.js';
import {
  applyPatch,
  canonical,
  type Json,
  membershipDelta,
  type PatchOperation,
  readPatchRequest,
} from '../../src/server/protocols/scim/patch.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const user = (): Json => ({
  userName: 'bjensen@contoso.test',
  externalId: 'E1',
  name: { givenName: 'Barbara', familyName: 'Jensen', formatted: 'Barbara Jensen' },
  displayName: 'Barbara Jensen',
  userType: 'Member',
  active: true,
  emails: [
    { value: 'bjensen@contoso.test', type: 'work', primary: true },
    { value: 'babs@example.com', type: 'other' },
  ],
  [ENT]: { department: 'Tour' },
});

const group = (): Json => ({
  displayName: 'Tour Guides',
  members: [
    { value: 'a1', type: 'User', display: 'A' },
    { value: 'b2', type: 'User', display: 'B' },
    { value: 'g3', type: 'Group', display: 'G' },
  ],
});

const op = (o: string, path?: string, value?: unknown): PatchOperation =>
  ({ op: o, ...(path === undefined ? {} : { path }), ...(value === undefined ? {} : { value }) }) as PatchOperation;

describe('PatchOp request validation', () => {
  it('accepts op names in any case (Entra sends "Replace") and the Operations key in any case', () => {
    expect(
      readPatchRequest({
        schemas: [PATCH],
        Operations: [
          { op: 'Replace', path: 'active', value: 'False' },
          { OP: 'ADD', value: {} },
        ],
      }),
    ).toEqual([op('replace', 'active', 'False'), op('add', undefined, {})]);
    expect(readPatchRequest({ schemas: [PATCH], operations: [{ op: 'remove', path: 'title' }] })).toEqual([
      op('remove', 'title'),
    ]);
  });

  it.each([
    [{ Operations: [] }, 'request_body_invalid', /schemas/],
    [{ schemas: [PATCH] }, 'request_body_invalid', /Operations/],
    [{ schemas: [PATCH], Operations: [] }, 'request_body_invalid', /non-empty/],
    [{ schemas: [PATCH], Operations: ['add'] }, 'request_body_invalid', /must be an object/],
    [{ schemas: [PATCH], Operations: [{ op: 'move', path: 'a' }] }, 'request_body_invalid', /"add", "replace" or "remove"/],
    [{ schemas: [PATCH], Operations: [{ op: 'add', path: 'title' }] }, 'request_body_invalid', /needs a value/],
    [{ schemas: [PATCH], Operations: [{ op: 'add', path: 7, value: 1 }] }, 'request_body_invalid', /path must be a string/],
    [{ schemas: [PATCH], Operations: [{ op: 'remove' }] }, 'scim_no_target', /remove needs a path/],
    [[], 'request_body_invalid', /PatchOp object/],
  ])('refuses %j', (body, code, message) => {
    expect(() => readPatchRequest(body)).toThrowError(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });
});

describe('canonical form of a resource body', () => {
  it('spells attributes as the schema does, nests flat extension attributes and drops what Portico does not have', () => {
    expect(
      canonical('User', {
        schemas: ['x'],
        id: 'ignored',
        USERNAME: 'a@b.test',
        Name: { GivenName: 'A', middleName: 'dropped' },
        phoneNumbers: [{ value: '+1' }],
        [`${ENT}:Department`]: 'Sales',
        [ENT]: { organization: 'Contoso', manager: { value: 'm' } },
        Emails: [{ Value: 'a@b.test', Type: 'work', Primary: true }],
      }),
    ).toEqual({
      userName: 'a@b.test',
      name: { givenName: 'A' },
      [ENT]: { department: 'Sales', organization: 'Contoso' },
      emails: [{ value: 'a@b.test', type: 'work', primary: true }],
    });
  });
});

type Case = [string, Json, PatchOperation[], (r: Json) => void];

const cases: Case[] = [
  ['replace a simple attribute', user(), [op('replace', 'displayName', 'Babs')], (r) => expect(r.displayName).toBe('Babs')],
  [
    'replace with a string boolean (kept for the value reader)',
    user(),
    [op('replace', 'active', 'False')],
    (r) => expect(r.active).toBe('False'),
  ],
  [
    'add a sub-attribute of a complex attribute',
    user(),
    [op('add', 'name.givenName', 'Babs')],
    (r) => expect(r.name).toMatchObject({ givenName: 'Babs', familyName: 'Jensen' }),
  ],
  [
    'replace without a path merges complex attributes',
    user(),
    [op('replace', undefined, { name: { familyName: 'J' }, active: false })],
    (r) => {
      expect(r.name).toMatchObject({ givenName: 'Barbara', familyName: 'J' });
      expect(r.active).toBe(false);
    },
  ],
  [
    'add without a path with a flat extension attribute (Entra)',
    user(),
    [op('add', undefined, { [`${ENT}:department`]: 'Sales', title: 'Guide' })],
    (r) => {
      expect(r[ENT]).toEqual({ department: 'Sales' });
      expect(r.title).toBe('Guide');
    },
  ],
  [
    'replace an extension attribute by its full path',
    user(),
    [op('replace', `${ENT}:department`, 'Sales')],
    (r) => expect(r[ENT]).toEqual({ department: 'Sales' }),
  ],
  [
    'add an extension attribute to a resource that has none',
    { userName: 'x' },
    [op('add', `${ENT}:organization`, 'Contoso')],
    (r) => expect(r[ENT]).toEqual({ organization: 'Contoso' }),
  ],
  ['remove an extension attribute', user(), [op('remove', `${ENT}:department`)], (r) => expect(r[ENT]).toEqual({})],
  [
    'replace the value of a filtered element',
    user(),
    [op('replace', 'emails[type eq "work"].value', 'b@contoso.test')],
    (r) =>
      expect(r.emails).toEqual([
        { value: 'b@contoso.test', type: 'work', primary: true },
        { value: 'babs@example.com', type: 'other' },
      ]),
  ],
  [
    'add with a type filter that matches nothing creates the element (Entra)',
    { userName: 'x' },
    [op('add', 'emails[type eq "work"].value', 'x@contoso.test')],
    (r) => expect(r.emails).toEqual([{ type: 'work', value: 'x@contoso.test' }]),
  ],
  [
    'add to a multi-valued attribute appends and merges by value',
    user(),
    [
      op('add', 'emails', [
        { value: 'BABS@example.com', type: 'other', primary: false },
        { value: 'new@x.test', type: 'other' },
      ]),
    ],
    (r) =>
      expect(r.emails).toEqual([
        { value: 'bjensen@contoso.test', type: 'work', primary: true },
        { value: 'BABS@example.com', type: 'other', primary: false },
        { value: 'new@x.test', type: 'other' },
      ]),
  ],
  [
    'replace a multi-valued attribute replaces all values',
    user(),
    [op('replace', 'emails', [{ value: 'only@x.test', type: 'work' }])],
    (r) => expect(r.emails).toEqual([{ value: 'only@x.test', type: 'work' }]),
  ],
  [
    'remove elements by filter',
    user(),
    [op('remove', 'emails[type eq "other"]')],
    (r) => expect(r.emails).toEqual([{ value: 'bjensen@contoso.test', type: 'work', primary: true }]),
  ],
  [
    'remove a sub-attribute of filtered elements',
    user(),
    [op('remove', 'emails[type eq "work"].primary')],
    (r) => expect((r.emails as Json[])[0]).toEqual({ value: 'bjensen@contoso.test', type: 'work' }),
  ],
  [
    'remove a filter that matches nothing is a no-op',
    user(),
    [op('remove', 'emails[type eq "home"]')],
    (r) => expect(r).toEqual(user()),
  ],
  ['remove a simple attribute', user(), [op('remove', 'externalId')], (r) => expect('externalId' in r).toBe(false)],
  [
    'add members (value list)',
    group(),
    [op('add', 'members', [{ value: 'c4' }, { value: 'a1' }])],
    (r) => expect((r.members as Json[]).map((m) => m.value)).toEqual(['a1', 'b2', 'g3', 'c4']),
  ],
  [
    'remove one member by value filter',
    group(),
    [op('remove', 'members[value eq "b2"]')],
    (r) => expect((r.members as Json[]).map((m) => m.value)).toEqual(['a1', 'g3']),
  ],
  [
    'remove members listed in the value (Entra/Azure form)',
    group(),
    [op('remove', 'members', [{ value: 'a1' }, { value: 'g3' }])],
    (r) => expect((r.members as Json[]).map((m) => m.value)).toEqual(['b2']),
  ],
  ['remove all members', group(), [op('remove', 'members')], (r) => expect(r.members).toBeUndefined()],
  [
    'replace members',
    group(),
    [op('replace', 'members', [{ value: 'z9' }])],
    (r) => expect(r.members).toEqual([{ value: 'z9' }]),
  ],
  [
    'members filters with or and not',
    group(),
    [op('remove', 'members[type eq "Group" or not (value ne "a1")]')],
    (r) => expect((r.members as Json[]).map((m) => m.value)).toEqual(['b2']),
  ],
  [
    'operations apply in order',
    group(),
    [op('remove', 'members'), op('add', 'members', [{ value: 'n1' }]), op('replace', 'displayName', 'New')],
    (r) => expect(r).toEqual({ displayName: 'New', members: [{ value: 'n1' }] }),
  ],
  [
    'operations on RFC attributes Portico does not keep change nothing (Entra maps them by default)',
    user(),
    [
      op('add', 'phoneNumbers[type eq "work"].value', '+1 555 0100'),
      op('replace', 'addresses[type eq "work"].streetAddress', '1 Main St'),
      op('add', `${ENT}:employeeNumber`, '701984'),
      op('replace', `${ENT}:manager`, { value: 'm1' }),
      op('replace', 'name.middleName', 'Q'),
      op('remove', 'nickName'),
    ],
    (r) => expect(r).toEqual(user()),
  ],
  [
    'an unchanged read-only attribute in a no-path value is accepted',
    user(),
    [op('replace', undefined, { userType: 'Member', active: false })],
    (r) => expect(r.active).toBe(false),
  ],
];

describe('applyPatch', () => {
  it.each(cases)('%s', (_name, resource, ops, check) => {
    const before = structuredClone(resource);
    check(applyPatch(resource.members ? 'Group' : 'User', resource, ops));
    expect(resource, 'the input is not modified').toEqual(before);
  });

  it.each([
    ['an unknown attribute', op('replace', 'favoriteColor', 'x'), 'scim_path_invalid'],
    ['an unknown extension attribute', op('replace', `${ENT}:shoeSize`, 'x'), 'scim_path_invalid'],
    ['an unknown sub-attribute', op('replace', 'name.nick', 'x'), 'scim_path_invalid'],
    ['a read-only attribute', op('replace', 'groups', []), 'property_read_only'],
    ['a read-only sub-attribute', op('replace', 'name.formatted', 'x'), 'property_read_only'],
    ['a changed read-only attribute without a path', op('replace', undefined, { userType: 'Guest' }), 'property_read_only'],
    ['a value filter on a single-valued attribute', op('replace', 'title[value eq "x"]', 'y'), 'scim_path_invalid'],
    ['a replace whose filter matches nothing', op('replace', 'emails[value eq "none@x.test"].type', 'work'), 'scim_no_target'],
    ['a sub-attribute of a multi-valued attribute without a filter', op('replace', 'emails.value', 'x'), 'scim_path_invalid'],
    ['a filter on an unknown sub-attribute', op('remove', 'emails[foo eq "x"]'), 'scim_path_invalid'],
    ['a no-path add with a non-object value', op('add', undefined, 'x'), 'request_body_invalid'],
    ['a malformed path', op('add', 'emails[type eq', 'x'), 'scim_path_invalid'],
  ])('refuses %s', (_name, operation, code) => {
    let err: unknown;
    try {
      applyPatch('User', user(), [operation]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe(code);
  });
});

describe('membershipDelta (member-only PATCHes, without reading the membership)', () => {
  const A = '0193b1f0-0000-7000-8000-00000000000a';
  const B = '0193b1f0-0000-7000-8000-00000000000b';
  it('nets adds and removes per member, last operation winning', () => {
    expect(
      membershipDelta([
        op('add', 'members', [{ value: A }, { value: `https://x/scim/v2/Users/${B}` }]),
        op('remove', `members[value eq "${A}"]`),
        op('remove', 'members', [{ Value: B.toUpperCase() }]),
        op('add', 'members', { value: B }),
      ]),
    ).toEqual(
      new Map([
        [A, 'remove'],
        [B, 'add'],
      ]),
    );
  });

  it.each([
    ['replace members', [op('replace', 'members', [{ value: A }])]],
    ['remove all members', [op('remove', 'members')]],
    ['another attribute too', [op('add', 'members', [{ value: A }]), op('replace', 'displayName', 'x')]],
    ['a filter other than value eq', [op('remove', 'members[type eq "User"]')]],
    ['a sub-attribute path', [op('remove', `members[value eq "${A}"].display`)]],
    ['a value that is no id', [op('add', 'members', [{ value: 'bogus' }])]],
    ['no path', [op('add', undefined, { members: [{ value: A }] })]],
  ])('leaves %s to the general path', (_name, ops) => {
    expect(membershipDelta(ops)).toBeUndefined();
  });
});
