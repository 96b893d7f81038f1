import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphServicePrincipalId } from '../../src/server/domain/graph-permissions.js';
import { applicationPermissions } from '../../src/server/domain/permissions.js';
import { RoleIds } from '../../src/server/domain/roles.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

/**
 * Every /v1.0 endpoint × every kind of caller, through HTTP, with the expected outcome written
 * out: Y = allowed (the row's success status), N = 403 Authorization_RequestDenied,
 * B = 400 (e.g. /me with an application token). A last test fails when a route is registered
 * under /v1.0 without a row here, so a new endpoint cannot ship without its authorization matrix.
 */
const COLUMNS = [
  'globalAdmin',
  'userAdmin',
  'groupsAdmin',
  'guestInviter',
  'applicationAdmin',
  'cloudApplicationAdmin',
  'helpdeskAdmin',
  'privilegedRoleAdmin',
  'member',
  'groupOwner',
  'guest',
  'appNoPermission',
  'appDirectoryRead',
  'appAllPermissions',
] as const;
type Column = (typeof COLUMNS)[number];

interface Fixtures {
  /** A plain member user that rows read and update. */
  userId: string;
  /** A security group owned by the groupOwner column's user. */
  groupId: string;
  /** A user added to / removed from the group's members. */
  memberId: string;
  /** A user added to / removed from the group's owners. */
  extraOwnerId: string;
  /** The test administrator's Global Administrator assignment. */
  roleAssignmentId: string;
  auditId: string;
  /** An enterprise application owned by the groupOwner column's user, with one app role. */
  spId: string;
  /** An application of the groupOwner column's user that takes access requests with approval. */
  ssAppId: string;
  /** A pending request for ssAppId, made by a user who is none of the columns. */
  appRequestId: string;
  /** A group of the groupOwner column's user that needs an owner's approval to join. */
  joinGroupId: string;
  /** A pending request to join joinGroupId, made by a user who is none of the columns. */
  joinRequestId: string;
  /** A delegated permission grant (oauth2PermissionGrants) to spId. */
  grantId: string;
}

interface Row {
  /** Route as registered, e.g. `DELETE /groups/:id/members/:memberId/$ref`. */
  route: string;
  /** Status for Y: success, or 404 where an allowed caller asks for an id that does not exist. */
  ok: 200 | 201 | 204 | 404;
  expect: string;
  /** Builds the request; `fresh` is what `setup` returned for this call. */
  url: (f: Fixtures, fresh: string) => string;
  body?: (f: Fixtures, fresh: string) => unknown;
  /** Request headers (e.g. `ConsistencyLevel: eventual` for `$count` segments). */
  headers?: Record<string, string>;
  /** Prepares what one call consumes (a fresh user to delete, a membership to remove…). */
  setup?: (f: Fixtures) => Promise<string>;
  /** Undoes an allowed write so that the next column starts from the same state. */
  cleanup?: (f: Fixtures, fresh: string) => Promise<void>;
}

/**
 * A collection row with the variants every collection route registers (http/collections.ts): its
 * `$count` segment and, for each type cast, the cast and its `$count` — all authorized alike.
 */
const EVENTUAL = { consistencylevel: 'eventual' };
function collectionRows(row: Row, casts: readonly string[] = []): Row[] {
  const path = row.route.slice('GET '.length);
  const variants = ['', ...casts.map((c) => `/microsoft.graph.${c}`)];
  return variants.flatMap((v): Row[] => [
    ...(v === '' ? [row] : [{ ...row, route: `GET ${path}${v}`, url: (f: Fixtures, x: string) => `${row.url(f, x)}${v}` }]),
    { ...row, route: `GET ${path}${v}/$count`, url: (f, x) => `${row.url(f, x)}${v}/$count`, headers: EVENTUAL },
  ]);
}

let t: TestApp;
let fx: Fixtures;
const tokens = {} as Record<Column, string>;
let ownerUserId = '';
let seq = 0;
const next = () => `${Date.now().toString(36)}${(seq++).toString(36)}`;
const ref = (id: string) => ({ '@odata.id': `http://localhost:8080/v1.0/directoryObjects/${id}` });
const RM = '/roleManagement/directory';
const APP_ROLE = '7d3a9e1c-2b4f-4c6d-8e0a-1f2b3c4d5e6f';

async function admin(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, allow: number[] = []) {
  const res = await t.call(method, `/v1.0${url}`, { token: t.admin.token, ...(body === undefined ? {} : { body }) });
  if (res.statusCode >= 300 && !allow.includes(res.statusCode))
    throw new Error(`fixture ${method} ${url}: ${res.statusCode} ${res.body}`);
  return res;
}
const newUser = async () => (await t.createUser()).user.id;
/** A user deleted a moment ago (soft delete: under directory/deletedItems). */
const deletedUser = async () => {
  const id = await newUser();
  await admin('DELETE', `/users/${id}`);
  return id;
};
const newGroup = async () =>
  (
    await admin('POST', '/groups', {
      displayName: `Matrix ${next()}`,
      mailNickname: `matrix${next()}`,
      mailEnabled: false,
      securityEnabled: true,
      'owners@odata.bind': [ref(ownerUserId)['@odata.id']],
    })
  ).json().id as string;

/** An application owned by the groupOwner column's user ("own" is then the app's owner too). */
const newApp = async () => {
  const id = (
    await admin('POST', '/servicePrincipals', {
      displayName: `Matrix app ${next()}`,
      appRoles: [{ allowedMemberTypes: ['User'], description: 'R', displayName: 'R', id: APP_ROLE, value: 'R' }],
    })
  ).json().id as string;
  await admin('POST', `/servicePrincipals/${id}/owners/$ref`, ref(ownerUserId));
  return id;
};
/** The application object (app registration) paired with a service principal. */
const applicationOf = async (spId: string) => {
  const appId = (await admin('GET', `/servicePrincipals/${spId}`)).json().appId as string;
  return (await admin('GET', `/applications(appId='${appId}')`)).json().id as string;
};
const assignment = (principalId: string, resourceId: string) => ({ principalId, resourceId, appRoleId: APP_ROLE });

/** Microsoft Graph's User.Read.All (an application permission) for an application. */
const graphPermission = (spId: string) => ({
  principalId: spId,
  resourceId: graphServicePrincipalId(t.tenant.id),
  appRoleId: 'df021288-bdef-4463-88db-98f22de89214',
});

/** A user's delegated permission grant to the fixture application (one per fresh user). */
const grantBody = (f: Fixtures, principalId: string) => ({
  clientId: f.spId,
  consentType: 'Principal',
  principalId,
  resourceId: graphServicePrincipalId(t.tenant.id),
  scope: 'User.Read',
});
const newGrant = async (f: Fixtures) =>
  (await admin('POST', '/oauth2PermissionGrants', grantBody(f, await newUser()))).json().id as string;

/** A pending access request for the self-service app, by a fresh user. */
const newAppRequest = async (f: Fixtures) => {
  const { token } = await t.createUser();
  const res = await t.call('POST', `/v1.0/servicePrincipals/${f.ssAppId}/accessRequests`, {
    token,
    body: { justification: 'Matrix' },
  });
  if (res.statusCode !== 201) throw new Error(`fixture access request: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
};
/** A pending join request, by a fresh user (self-service group management on for that moment only). */
const newJoinRequest = async (f: Fixtures) => {
  const { token } = await t.createUser();
  await admin('PATCH', '/policies/groupManagementPolicy', { selfServiceGroupManagementEnabled: true });
  const res = await t.call('POST', `/v1.0/groups/${f.joinGroupId}/joinRequests`, { token, body: { justification: 'Matrix' } });
  await admin('PATCH', '/policies/groupManagementPolicy', { selfServiceGroupManagementEnabled: false });
  if (res.statusCode !== 201) throw new Error(`fixture join request: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
};

//                                                   GA UA GrA GI AA CAA HD PRA mem own guest | app: none read all
const ROWS: Row[] = [
  // users
  ...collectionRows({ route: 'GET /users', ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y', url: () => '/users' }),
  {
    route: 'POST /users',
    ok: 201,
    expect: 'Y Y N N N N N N N N N N N Y',
    url: () => '/users',
    body: () => {
      const n = next();
      return {
        displayName: `New ${n}`,
        userPrincipalName: `new.${n}@contoso.test`,
        passwordProfile: { password: 'Correct-Horse-9' },
      };
    },
  },
  { route: 'GET /me', ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y Y B B B', url: () => '/me' },
  { route: 'GET /users/:id', ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y Y N Y Y', url: (f) => `/users/${f.userId}` },
  {
    route: 'PATCH /users/:id',
    ok: 204,
    expect: 'Y Y N N N N N N N N N N N Y',
    url: (f) => `/users/${f.userId}`,
    body: () => ({ jobTitle: `Title ${next()}` }),
  },
  {
    route: 'DELETE /users/:id',
    ok: 204,
    expect: 'Y Y N N N N N N N N N N N Y',
    setup: newUser,
    url: (_f, id) => `/users/${id}`,
  },
  {
    // Entra's password-reset table: Helpdesk Administrators too (targets without roles).
    route: 'POST /users/:id/revokeSignInSessions',
    ok: 200,
    expect: 'Y Y N N N N Y N N N N N N Y',
    setup: newUser,
    url: (_f, id) => `/users/${id}/revokeSignInSessions`,
  },
  {
    // Anyone for themselves. The caller's own earlier tokens are refused afterwards: the cleanup
    // lifts the revocation so that the next columns and rows keep their tokens.
    route: 'POST /me/revokeSignInSessions',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y Y B B B',
    url: () => '/me/revokeSignInSessions',
    cleanup: async () => {
      await t.database.db.updateTable('users').set({ sign_in_sessions_valid_from: null }).execute();
    },
  },
  // manager / directReports: reading as reading the user (404: the fixture user has no manager),
  // assigning and removing as updating the user.
  { route: 'GET /users/:id/manager', ok: 404, expect: 'Y Y Y Y Y Y Y Y Y Y Y N Y Y', url: (f) => `/users/${f.userId}/manager` },
  { route: 'GET /me/manager', ok: 404, expect: 'Y Y Y Y Y Y Y Y Y Y Y B B B', url: () => '/me/manager' },
  {
    route: 'PUT /users/:id/manager/$ref',
    ok: 204,
    expect: 'Y Y N N N N N N N N N N N Y',
    setup: newUser,
    url: (_f, id) => `/users/${id}/manager/$ref`,
    body: (f) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/users/${f.memberId}` }),
  },
  {
    route: 'DELETE /users/:id/manager/$ref',
    ok: 204,
    expect: 'Y Y N N N N N N N N N N N Y',
    setup: async (f) => {
      const id = await newUser();
      await t.database.db.updateTable('users').set({ manager_id: f.memberId }).where('id', '=', id).execute();
      return id;
    },
    url: (_f, id) => `/users/${id}/manager/$ref`,
  },
  ...collectionRows(
    {
      route: 'GET /users/:id/directReports',
      ok: 200,
      expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y',
      url: (f) => `/users/${f.userId}/directReports`,
    },
    ['user'],
  ),
  ...collectionRows(
    { route: 'GET /me/directReports', ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y N B B B', url: () => '/me/directReports' },
    ['user'],
  ),
  ...(['memberOf', 'transitiveMemberOf', 'ownedObjects'] as const).flatMap((rel): Row[] => [
    ...collectionRows(
      { route: `GET /users/:id/${rel}`, ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y', url: (f) => `/users/${f.userId}/${rel}` },
      ['group'],
    ),
    ...collectionRows({ route: `GET /me/${rel}`, ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y Y B B B', url: () => `/me/${rel}` }, [
      'group',
    ]),
  ]),

  // groups
  ...collectionRows({ route: 'GET /groups', ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y', url: () => '/groups' }),
  {
    route: 'POST /groups',
    ok: 201,
    expect: 'Y Y Y Y Y Y Y Y Y Y N N N Y',
    url: () => '/groups',
    body: () => {
      const n = next();
      return { displayName: `Created ${n}`, mailNickname: `created${n}`, mailEnabled: false, securityEnabled: true };
    },
  },
  { route: 'GET /groups/:id', ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y Y N Y Y', url: (f) => `/groups/${f.groupId}` },
  {
    route: 'PATCH /groups/:id',
    ok: 204,
    expect: 'Y Y Y N N N N N N Y N N N Y',
    url: (f) => `/groups/${f.groupId}`,
    body: () => ({ description: `Described ${next()}` }),
  },
  {
    route: 'DELETE /groups/:id',
    ok: 204,
    expect: 'Y Y Y N N N N N N Y N N N Y',
    setup: newGroup,
    url: (_f, id) => `/groups/${id}`,
  },
  ...(['members', 'transitiveMembers', 'owners'] as const).flatMap((rel): Row[] =>
    collectionRows(
      {
        route: `GET /groups/:id/${rel}`,
        ok: 200,
        expect: 'Y Y Y Y Y Y Y Y Y Y Y N Y Y',
        url: (f) => `/groups/${f.groupId}/${rel}`,
      },
      rel === 'owners' ? ['user'] : ['user', 'group'],
    ),
  ),
  {
    route: 'POST /groups/:id/members/$ref',
    ok: 204,
    expect: 'Y Y Y N N N N N N Y N N N Y',
    url: (f) => `/groups/${f.groupId}/members/$ref`,
    body: (f) => ref(f.memberId),
    cleanup: async (f) => void (await admin('DELETE', `/groups/${f.groupId}/members/${f.memberId}/$ref`)),
  },
  {
    route: 'DELETE /groups/:id/members/:memberId/$ref',
    ok: 204,
    expect: 'Y Y Y N N N N N N Y N N N Y',
    setup: async (f) => {
      await admin('POST', `/groups/${f.groupId}/members/$ref`, ref(f.memberId), [400]);
      return f.memberId;
    },
    url: (f, id) => `/groups/${f.groupId}/members/${id}/$ref`,
  },
  {
    route: 'POST /groups/:id/owners/$ref',
    ok: 204,
    expect: 'Y Y Y N N N N N N Y N N N Y',
    url: (f) => `/groups/${f.groupId}/owners/$ref`,
    body: (f) => ref(f.extraOwnerId),
    cleanup: async (f) => void (await admin('DELETE', `/groups/${f.groupId}/owners/${f.extraOwnerId}/$ref`)),
  },
  {
    route: 'DELETE /groups/:id/owners/:ownerId/$ref',
    ok: 204,
    expect: 'Y Y Y N N N N N N Y N N N Y',
    setup: async (f) => {
      await admin('POST', `/groups/${f.groupId}/owners/$ref`, ref(f.extraOwnerId), [400]);
      return f.extraOwnerId;
    },
    url: (f, id) => `/groups/${f.groupId}/owners/${id}/$ref`,
  },

  // directoryObjects, membership actions and $ref collections
  {
    route: 'GET /directoryObjects/:id',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y Y N Y Y',
    url: (f) => `/directoryObjects/${f.userId}`,
  },
  {
    route: 'POST /directoryObjects/getByIds',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y',
    url: () => '/directoryObjects/getByIds',
    body: (f) => ({ ids: [f.userId, f.groupId] }),
  },
  ...(['checkMemberGroups', 'checkMemberObjects', 'getMemberGroups', 'getMemberObjects'] as const).flatMap((action): Row[] => {
    const body = (f: Fixtures) =>
      action === 'checkMemberGroups' ? { groupIds: [f.groupId] } : action === 'checkMemberObjects' ? { ids: [f.groupId] } : {};
    return [
      {
        route: `POST /users/:id/${action}`,
        ok: 200,
        expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y',
        url: (f) => `/users/${f.userId}/${action}`,
        body,
      },
      {
        route: `POST /groups/:id/${action}`,
        ok: 200,
        expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y',
        url: (f) => `/groups/${f.groupId}/${action}`,
        body,
      },
      {
        route: `POST /directoryObjects/:id/${action}`,
        ok: 200,
        expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y',
        url: (f) => `/directoryObjects/${f.userId}/${action}`,
        body,
      },
      { route: `POST /me/${action}`, ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y Y B B B', url: () => `/me/${action}`, body },
    ];
  }),
  {
    route: 'GET /groups/:id/members/$ref',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y Y N Y Y',
    url: (f) => `/groups/${f.groupId}/members/$ref`,
  },
  {
    route: 'GET /groups/:id/owners/$ref',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y Y N Y Y',
    url: (f) => `/groups/${f.groupId}/owners/$ref`,
  },
  {
    route: 'DELETE /groups/:id/members/$ref',
    ok: 204,
    expect: 'Y Y Y N N N N N N Y N N N Y',
    setup: async (f) => {
      await admin('POST', `/groups/${f.groupId}/members/$ref`, ref(f.memberId), [400]);
      return f.memberId;
    },
    url: (f, id) =>
      `/groups/${f.groupId}/members/$ref?$id=${encodeURIComponent(`http://localhost:8080/v1.0/directoryObjects/${id}`)}`,
  },
  {
    route: 'DELETE /groups/:id/owners/$ref',
    ok: 204,
    expect: 'Y Y Y N N N N N N Y N N N Y',
    setup: async (f) => {
      await admin('POST', `/groups/${f.groupId}/owners/$ref`, ref(f.extraOwnerId), [400]);
      return f.extraOwnerId;
    },
    url: (f, id) =>
      `/groups/${f.groupId}/owners/$ref?$id=${encodeURIComponent(`http://localhost:8080/v1.0/directoryObjects/${id}`)}`,
  },

  // directory roles
  { route: `GET ${RM}/roleDefinitions`, ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y', url: () => `${RM}/roleDefinitions` },
  {
    route: `GET ${RM}/roleDefinitions/:id`,
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y',
    url: () => `${RM}/roleDefinitions/${RoleIds.guestInviter}`,
  },
  { route: `GET ${RM}/roleAssignments`, ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y', url: () => `${RM}/roleAssignments` },
  {
    route: `GET ${RM}/roleAssignments/:id`,
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y',
    url: (f) => `${RM}/roleAssignments/${f.roleAssignmentId}`,
  },
  {
    route: `POST ${RM}/roleAssignments`,
    ok: 201,
    expect: 'Y N N N N N N Y N N N N N Y',
    setup: newUser,
    url: () => `${RM}/roleAssignments`,
    body: (_f, principalId) => ({ principalId, roleDefinitionId: RoleIds.guestInviter, directoryScopeId: '/' }),
  },
  {
    route: `DELETE ${RM}/roleAssignments/:id`,
    ok: 204,
    expect: 'Y N N N N N N Y N N N N N Y',
    setup: async () => {
      const principalId = await newUser();
      return (
        await admin('POST', `${RM}/roleAssignments`, {
          principalId,
          roleDefinitionId: RoleIds.guestInviter,
          directoryScopeId: '/',
        })
      ).json().id as string;
    },
    url: (_f, id) => `${RM}/roleAssignments/${id}`,
  },

  // tenant policies
  {
    route: 'GET /policies/authorizationPolicy',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y N N N Y',
    url: () => '/policies/authorizationPolicy',
  },
  {
    route: 'PATCH /policies/authorizationPolicy',
    ok: 204,
    expect: 'Y N N N N N N Y N N N N N Y',
    url: () => '/policies/authorizationPolicy',
    body: () => ({ allowInvitesFrom: 'adminsAndGuestInviters' }),
  },
  {
    route: 'GET /policies/groupManagementPolicy',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y',
    url: () => '/policies/groupManagementPolicy',
  },
  {
    route: 'PATCH /policies/groupManagementPolicy',
    ok: 204,
    expect: 'Y Y Y N N N N N N N N N N Y',
    url: () => '/policies/groupManagementPolicy',
    body: () => ({ selfServiceGroupManagementEnabled: false }),
  },

  // organization
  { route: 'GET /organization', ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y Y N Y Y', url: () => '/organization' },
  { route: 'GET /organization/:id', ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y Y N Y Y', url: () => `/organization/${t.tenant.id}` },
  {
    route: 'PATCH /organization/:id',
    ok: 204,
    expect: 'Y N N N N N N N N N N N N Y',
    url: () => `/organization/${t.tenant.id}`,
    body: () => ({ displayName: 'Contoso' }),
  },

  // audit log
  {
    route: 'GET /auditLogs/directoryAudits',
    ok: 200,
    expect: 'Y Y Y N Y Y Y Y N N N N N Y',
    url: () => '/auditLogs/directoryAudits?$top=5',
  },
  {
    route: 'GET /auditLogs/directoryAudits/:id',
    ok: 200,
    expect: 'Y Y Y N Y Y Y Y N N N N N Y',
    url: (f) => `/auditLogs/directoryAudits/${f.auditId}`,
  },

  // enterprise applications ("own" = owner of the application)
  { route: 'GET /servicePrincipals', ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y', url: () => '/servicePrincipals' },
  {
    route: 'POST /servicePrincipals',
    ok: 201,
    expect: 'Y N N N Y Y N N N N N N N Y',
    url: () => '/servicePrincipals',
    body: () => ({ displayName: `Created app ${next()}` }),
  },
  {
    route: 'GET /servicePrincipals/:id',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y Y N Y Y',
    url: (f) => `/servicePrincipals/${f.spId}`,
  },
  {
    route: 'PATCH /servicePrincipals/:id',
    ok: 204,
    expect: 'Y N N N Y Y N N N Y N N N Y',
    url: (f) => `/servicePrincipals/${f.spId}`,
    body: () => ({ notes: `Notes ${next()}` }),
  },
  {
    route: 'DELETE /servicePrincipals/:id',
    ok: 204,
    expect: 'Y N N N Y Y N N N Y N N N Y',
    setup: newApp,
    url: (_f, id) => `/servicePrincipals/${id}`,
  },
  {
    route: 'POST /servicePrincipals/:id/addPassword',
    ok: 200,
    expect: 'Y N N N Y Y N N N Y N N N Y',
    url: (f) => `/servicePrincipals/${f.spId}/addPassword`,
    body: () => ({ passwordCredential: { displayName: 'matrix' } }),
  },
  {
    route: 'POST /servicePrincipals/:id/addTokenSigningCertificate',
    ok: 200,
    expect: 'Y N N N Y Y N N N Y N N N Y',
    url: (f) => `/servicePrincipals/${f.spId}/addTokenSigningCertificate`,
    body: () => ({ displayName: 'CN=matrix' }),
  },
  {
    route: 'POST /servicePrincipals/:id/removePassword',
    ok: 204,
    expect: 'Y N N N Y Y N N N Y N N N Y',
    setup: async () => {
      const id = await newApp();
      const keyId = (await admin('POST', `/servicePrincipals/${id}/addPassword`, {})).json().keyId as string;
      return `${id} ${keyId}`;
    },
    url: (_f, fresh) => `/servicePrincipals/${fresh.split(' ')[0]}/removePassword`,
    body: (_f, fresh) => ({ keyId: fresh.split(' ')[1] }),
  },
  {
    route: 'GET /servicePrincipals/:id/owners',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y Y N Y Y',
    url: (f) => `/servicePrincipals/${f.spId}/owners`,
  },
  {
    route: 'POST /servicePrincipals/:id/owners/$ref',
    ok: 204,
    expect: 'Y N N N Y Y N N N Y N N N Y',
    url: (f) => `/servicePrincipals/${f.spId}/owners/$ref`,
    body: (f) => ref(f.extraOwnerId),
    cleanup: async (f) => void (await admin('DELETE', `/servicePrincipals/${f.spId}/owners/${f.extraOwnerId}/$ref`)),
  },
  {
    route: 'DELETE /servicePrincipals/:id/owners/:ownerId/$ref',
    ok: 204,
    expect: 'Y N N N Y Y N N N Y N N N Y',
    setup: async (f) => {
      await admin('POST', `/servicePrincipals/${f.spId}/owners/$ref`, ref(f.extraOwnerId), [400]);
      return f.extraOwnerId;
    },
    url: (f, id) => `/servicePrincipals/${f.spId}/owners/${id}/$ref`,
  },
  {
    route: 'GET /servicePrincipals/:id/appRoleAssignedTo',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y Y N Y Y',
    url: (f) => `/servicePrincipals/${f.spId}/appRoleAssignedTo`,
  },
  {
    route: 'POST /servicePrincipals/:id/appRoleAssignedTo',
    ok: 201,
    expect: 'Y Y N N Y Y N N N Y N N N Y',
    setup: newUser,
    url: (f) => `/servicePrincipals/${f.spId}/appRoleAssignedTo`,
    body: (f, principalId) => assignment(principalId, f.spId),
  },
  {
    route: 'DELETE /servicePrincipals/:id/appRoleAssignedTo/:assignmentId',
    ok: 204,
    expect: 'Y Y N N Y Y N N N Y N N N Y',
    setup: async (f) =>
      (await admin('POST', `/servicePrincipals/${f.spId}/appRoleAssignedTo`, assignment(await newUser(), f.spId))).json()
        .id as string,
    url: (f, id) => `/servicePrincipals/${f.spId}/appRoleAssignedTo/${id}`,
  },
  // app registrations: the application object of an enterprise application, authorized as it is
  ...collectionRows({ route: 'GET /applications', ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y', url: () => '/applications' }),
  {
    route: 'POST /applications',
    ok: 201,
    expect: 'Y N N N Y Y N N N N N N N Y',
    url: () => '/applications',
    body: () => ({ displayName: `Registered app ${next()}` }),
  },
  {
    route: 'GET /applications/:id',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y Y N Y Y',
    setup: (f) => applicationOf(f.spId),
    url: (_f, id) => `/applications/${id}`,
  },
  {
    route: 'PATCH /applications/:id',
    ok: 204,
    expect: 'Y N N N Y Y N N N Y N N N Y',
    setup: (f) => applicationOf(f.spId),
    url: (_f, id) => `/applications/${id}`,
    body: () => ({ notes: `Notes ${next()}` }),
  },
  {
    route: 'DELETE /applications/:id',
    ok: 204,
    expect: 'Y N N N Y Y N N N Y N N N Y',
    setup: async () => applicationOf(await newApp()),
    url: (_f, id) => `/applications/${id}`,
  },
  {
    route: 'POST /applications/:id/addPassword',
    ok: 200,
    expect: 'Y N N N Y Y N N N Y N N N Y',
    setup: (f) => applicationOf(f.spId),
    url: (_f, id) => `/applications/${id}/addPassword`,
    body: () => ({ passwordCredential: { displayName: 'matrix' } }),
  },
  {
    route: 'POST /applications/:id/removePassword',
    ok: 204,
    expect: 'Y N N N Y Y N N N Y N N N Y',
    setup: async () => {
      const id = await applicationOf(await newApp());
      const keyId = (await admin('POST', `/applications/${id}/addPassword`, {})).json().keyId as string;
      return `${id} ${keyId}`;
    },
    url: (_f, fresh) => `/applications/${fresh.split(' ')[0]}/removePassword`,
    body: (_f, fresh) => ({ keyId: fresh.split(' ')[1] }),
  },
  {
    route: 'GET /applications/:id/owners',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y Y N Y Y',
    setup: (f) => applicationOf(f.spId),
    url: (_f, id) => `/applications/${id}/owners`,
  },
  {
    route: 'POST /applications/:id/owners/$ref',
    ok: 204,
    expect: 'Y N N N Y Y N N N Y N N N Y',
    setup: (f) => applicationOf(f.spId),
    url: (_f, id) => `/applications/${id}/owners/$ref`,
    body: (f) => ref(f.extraOwnerId),
    cleanup: async (f) => void (await admin('DELETE', `/servicePrincipals/${f.spId}/owners/${f.extraOwnerId}/$ref`)),
  },
  {
    route: 'DELETE /applications/:id/owners/:ownerId/$ref',
    ok: 204,
    expect: 'Y N N N Y Y N N N Y N N N Y',
    setup: async (f) => {
      await admin('POST', `/servicePrincipals/${f.spId}/owners/$ref`, ref(f.extraOwnerId), [400]);
      return applicationOf(f.spId);
    },
    url: (f, id) => `/applications/${id}/owners/${f.extraOwnerId}/$ref`,
  },
  // application permissions: app roles of Microsoft Graph's service principal held by an application
  {
    route: 'GET /servicePrincipals/:id/appRoleAssignments',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y Y N Y Y',
    url: (f) => `/servicePrincipals/${f.spId}/appRoleAssignments`,
  },
  {
    route: 'POST /servicePrincipals/:id/appRoleAssignments',
    ok: 201,
    expect: 'Y N N N N N N Y N N N N N Y',
    setup: newApp,
    url: (_f, id) => `/servicePrincipals/${id}/appRoleAssignments`,
    body: (_f, id) => graphPermission(id),
  },
  {
    route: 'DELETE /servicePrincipals/:id/appRoleAssignments/:assignmentId',
    ok: 204,
    expect: 'Y N N N N N N Y N N N N N Y',
    setup: async () => {
      const spId = await newApp();
      const a = (await admin('POST', `/servicePrincipals/${spId}/appRoleAssignments`, graphPermission(spId))).json();
      return `${spId}/appRoleAssignments/${a.id as string}`;
    },
    url: (_f, path) => `/servicePrincipals/${path}`,
  },
  // delegated permission grants (oauth2PermissionGrants: admin consent to Graph permissions)
  { route: 'GET /oauth2PermissionGrants', ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y', url: () => '/oauth2PermissionGrants' },
  {
    route: 'GET /oauth2PermissionGrants/:id',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y',
    url: (f) => `/oauth2PermissionGrants/${f.grantId}`,
  },
  {
    route: 'POST /oauth2PermissionGrants',
    ok: 201,
    expect: 'Y N N N N N N Y N N N N N Y',
    setup: () => newUser(),
    url: () => '/oauth2PermissionGrants',
    body: (f, userId) => grantBody(f, userId),
  },
  {
    route: 'PATCH /oauth2PermissionGrants/:id',
    ok: 204,
    expect: 'Y N N N N N N Y N N N N N Y',
    url: (f) => `/oauth2PermissionGrants/${f.grantId}`,
    body: () => ({ scope: 'User.Read User.ReadBasic.All' }),
  },
  {
    route: 'DELETE /oauth2PermissionGrants/:id',
    ok: 204,
    expect: 'Y N N N N N N Y N N N N N Y',
    setup: (f) => newGrant(f),
    url: (_f, id) => `/oauth2PermissionGrants/${id}`,
  },
  {
    route: 'GET /users/:id/appRoleAssignments',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y',
    url: (f) => `/users/${f.userId}/appRoleAssignments`,
  },
  {
    route: 'POST /users/:id/appRoleAssignments',
    ok: 201,
    expect: 'Y Y N N Y Y N N N Y N N N Y',
    setup: newUser,
    url: (_f, id) => `/users/${id}/appRoleAssignments`,
    body: (f, id) => assignment(id, f.spId),
  },
  { route: 'GET /me/appRoleAssignments', ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y Y B B B', url: () => '/me/appRoleAssignments' },
  { route: 'GET /me/myApps', ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y Y B B B', url: () => '/me/myApps' },
  {
    // Why does this user have access? The user, the app's owners and the assigning administrators.
    route: "GET /servicePrincipals/:id/accessExplanation(userId=':userId([^/']+)')",
    ok: 200,
    expect: 'Y Y N N Y Y N N N Y N N Y Y',
    url: (f) => `/servicePrincipals/${f.spId}/accessExplanation(userId='${f.userId}')`,
  },
  {
    route: "GET /me/accessExplanation(servicePrincipalId=':servicePrincipalId([^/']+)')",
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y Y B B B',
    url: (f) => `/me/accessExplanation(servicePrincipalId='${f.spId}')`,
  },
  {
    route: 'GET /groups/:id/appRoleAssignments',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y',
    url: (f) => `/groups/${f.groupId}/appRoleAssignments`,
  },
  {
    route: 'POST /groups/:id/appRoleAssignments',
    ok: 201,
    expect: 'Y Y N N Y Y N N N Y N N N Y',
    setup: newGroup,
    url: (_f, id) => `/groups/${id}/appRoleAssignments`,
    body: (f, id) => assignment(id, f.spId),
  },
  { route: 'GET /applicationTemplates', ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y', url: () => '/applicationTemplates' },
  {
    route: 'GET /applicationTemplates/:id',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y',
    url: () => '/applicationTemplates/grafana',
  },
  {
    route: 'POST /applicationTemplates/:id/instantiate',
    ok: 201,
    expect: 'Y N N N Y Y N N N N N N N Y',
    url: () => '/applicationTemplates/outline/instantiate',
    body: () => ({ displayName: `Outline ${next()}` }),
  },

  // development mailbox (Portico extension; no application access)
  { route: 'GET /devMailbox/messages', ok: 200, expect: 'Y Y N N N N N N N N N N N N', url: () => '/devMailbox/messages' },
  {
    route: 'GET /devMailbox/messages/:id',
    ok: 404,
    expect: 'Y Y N N N N N N N N N N N N',
    url: () => '/devMailbox/messages/00000000-0000-7000-8000-000000000000',
  },
  { route: 'GET /devMailbox/outbox', ok: 200, expect: 'Y Y N N N N N N N N N N N N', url: () => '/devMailbox/outbox' },

  // invitations (guest invite setting at its default, adminsAndGuestInviters)
  {
    route: 'POST /invitations',
    ok: 201,
    expect: 'Y Y N Y N N N N N N N N N Y',
    url: () => '/invitations',
    body: () => ({
      invitedUserEmailAddress: `matrix.${next()}@fabrikam.example`,
      inviteRedirectUrl: 'https://apps.contoso.test/',
    }),
  },
  {
    route: 'POST /users/:id/resendInvitation',
    ok: 200,
    expect: 'Y Y N N N N Y N N N N N N Y',
    setup: async () =>
      (
        await admin('POST', '/invitations', {
          invitedUserEmailAddress: `pending.${next()}@fabrikam.example`,
          inviteRedirectUrl: 'https://apps.contoso.test/',
        })
      ).json().invitedUser.id as string,
    url: (_f, guestId) => `/users/${guestId}/resendInvitation`,
  },
  { route: 'GET /users/:id/sponsors', ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y Y N Y Y', url: (f) => `/users/${f.userId}/sponsors` },
  {
    // Asked before typing in My Groups' Add members: answers for anyone who may read the group.
    route: 'GET /groups/:id/members/addOptions',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y Y N Y Y',
    url: (f) => `/groups/${f.groupId}/members/addOptions`,
  },
  {
    // My Groups: non-admin owners need the self-service setting, which is off by default.
    route: 'POST /groups/:id/members/add',
    ok: 200,
    expect: 'Y Y Y N N N N N N N N N N Y',
    setup: newUser,
    url: (f) => `/groups/${f.groupId}/members/add`,
    body: (_f, userId) => ({ userId }),
    cleanup: async (f, userId) => {
      await admin('DELETE', `/groups/${f.groupId}/members/${userId}/$ref`, undefined, [404]);
    },
  },
  {
    route: 'GET /policies/b2bManagementPolicies',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y N N N Y',
    url: () => '/policies/b2bManagementPolicies',
  },
  {
    route: 'GET /policies/b2bManagementPolicies/:id',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y N N N Y',
    url: () => '/policies/b2bManagementPolicies/default',
  },
  {
    route: 'PATCH /policies/b2bManagementPolicies/:id',
    ok: 204,
    expect: 'Y N N N N N N N N N N N N Y',
    url: () => '/policies/b2bManagementPolicies/default',
    body: () => ({ invitationDomains: { mode: 'allowAll' } }),
  },

  // self-service requests ("own" = owner of the application and of the group; requests, approvals
  // and leaving are acts of a person: applications are refused). Self-service group management is
  // off (the default), so only group administrators join groups or decide join requests here.
  {
    route: 'POST /servicePrincipals/:id/selfServiceGroup',
    ok: 201,
    expect: 'Y N N N Y Y N N N Y N N N Y',
    setup: newApp,
    url: (_f, id) => `/servicePrincipals/${id}/selfServiceGroup`,
    body: () => ({ displayName: `Self-service ${next()}` }),
  },
  {
    route: 'GET /me/requestableApps',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y N B B B',
    url: () => '/me/requestableApps',
  },
  { route: 'GET /me/appAccessRequests', ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y Y B B B', url: () => '/me/appAccessRequests' },
  {
    route: 'POST /servicePrincipals/:id/accessRequests',
    ok: 201,
    expect: 'Y Y Y Y Y Y Y Y Y Y Y N N N',
    url: (f) => `/servicePrincipals/${f.ssAppId}/accessRequests`,
    body: () => ({ justification: 'I need it for the matrix' }),
  },
  {
    route: 'GET /servicePrincipals/:id/accessRequests',
    ok: 200,
    expect: 'Y N N N Y Y N N N Y N N N N',
    url: (f) => `/servicePrincipals/${f.ssAppId}/accessRequests`,
  },
  {
    route: 'GET /appAccessRequests/:id',
    ok: 200,
    expect: 'Y N N N Y Y N N N Y N N N N',
    url: (f) => `/appAccessRequests/${f.appRequestId}`,
  },
  {
    route: 'POST /appAccessRequests/:id/approve',
    ok: 200,
    expect: 'Y N N N Y Y N N N Y N N N N',
    setup: newAppRequest,
    url: (_f, id) => `/appAccessRequests/${id}/approve`,
    body: () => ({ reason: 'Fine' }),
  },
  {
    route: 'POST /appAccessRequests/:id/deny',
    ok: 200,
    expect: 'Y N N N Y Y N N N Y N N N N',
    setup: newAppRequest,
    url: (_f, id) => `/appAccessRequests/${id}/deny`,
    body: () => ({ reason: 'Not now' }),
  },
  {
    // Only the requester cancels (integration tests show that); everyone else is refused.
    route: 'POST /appAccessRequests/:id/cancel',
    ok: 200,
    expect: 'N N N N N N N N N N N N N N',
    url: (f) => `/appAccessRequests/${f.appRequestId}/cancel`,
  },
  { route: 'GET /me/groupJoinRequests', ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y Y B B B', url: () => '/me/groupJoinRequests' },
  {
    route: 'POST /groups/:id/joinRequests',
    ok: 201,
    expect: 'Y Y Y N N N N N N N N N N N',
    url: (f) => `/groups/${f.joinGroupId}/joinRequests`,
    body: () => ({ justification: 'Matrix' }),
  },
  {
    route: 'GET /groups/:id/joinRequests',
    ok: 200,
    expect: 'Y Y Y N N N N N N Y N N N N',
    url: (f) => `/groups/${f.joinGroupId}/joinRequests`,
  },
  {
    route: 'GET /groupJoinRequests/:id',
    ok: 200,
    expect: 'Y Y Y N N N N N N Y N N N N',
    url: (f) => `/groupJoinRequests/${f.joinRequestId}`,
  },
  {
    route: 'POST /groupJoinRequests/:id/approve',
    ok: 200,
    expect: 'Y Y Y N N N N N N N N N N N',
    setup: newJoinRequest,
    url: (_f, id) => `/groupJoinRequests/${id}/approve`,
  },
  {
    route: 'POST /groupJoinRequests/:id/reject',
    ok: 200,
    expect: 'Y Y Y N N N N N N N N N N N',
    setup: newJoinRequest,
    url: (_f, id) => `/groupJoinRequests/${id}/reject`,
    body: () => ({ reason: 'No' }),
  },
  {
    route: 'POST /groupJoinRequests/:id/cancel',
    ok: 200,
    expect: 'N N N N N N N N N N N N N N',
    url: (f) => `/groupJoinRequests/${f.joinRequestId}/cancel`,
  },
  { route: 'GET /me/pendingApprovals', ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y Y B B B', url: () => '/me/pendingApprovals' },
  {
    route: 'GET /me/pendingApprovals/appAccessRequests',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y Y B B B',
    url: () => '/me/pendingApprovals/appAccessRequests',
  },
  {
    route: 'GET /me/pendingApprovals/groupJoinRequests',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y Y B B B',
    url: () => '/me/pendingApprovals/groupJoinRequests',
  },

  // JSON batching: anyone with a token; each request inside is authorized on its own (batch.test.ts)
  {
    route: 'POST /$batch',
    ok: 200,
    expect: 'Y Y Y Y Y Y Y Y Y Y Y Y Y Y',
    url: () => '/$batch',
    body: () => ({ requests: [{ id: '1', method: 'GET', url: '/organization' }] }),
  },

  // soft delete (directory/deletedItems) and delta queries
  ...(['user', 'group'] as const).map(
    (kind): Row => ({
      route: `GET /directory/deletedItems/microsoft.graph.${kind}`,
      ok: 200,
      expect: 'Y Y Y N Y Y Y Y N N N N Y Y',
      url: () => `/directory/deletedItems/microsoft.graph.${kind}`,
    }),
  ),
  {
    route: 'GET /directory/deletedItems/:id',
    ok: 200,
    expect: 'Y Y Y N Y Y Y Y N N N N Y Y',
    setup: deletedUser,
    url: (_f, id) => `/directory/deletedItems/${id}`,
  },
  {
    route: 'POST /directory/deletedItems/:id/restore',
    ok: 200,
    expect: 'Y Y N N N N N N N N N N N Y',
    setup: deletedUser,
    url: (_f, id) => `/directory/deletedItems/${id}/restore`,
  },
  {
    route: 'DELETE /directory/deletedItems/:id',
    ok: 204,
    expect: 'Y Y N N N N N N N N N N N Y',
    setup: deletedUser,
    url: (_f, id) => `/directory/deletedItems/${id}`,
  },
  { route: 'GET /users/delta', ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y', url: () => '/users/delta?$deltatoken=latest' },
  { route: 'GET /groups/delta', ok: 200, expect: 'Y Y Y Y Y Y Y Y Y Y N N Y Y', url: () => '/groups/delta?$deltatoken=latest' },
  // sign-in log (Entra's report readers; apps: AuditLog.Read.All)
  { route: 'GET /auditLogs/signIns', ok: 200, expect: 'Y Y Y N Y Y Y Y N N N N N Y', url: () => '/auditLogs/signIns?$top=5' },
  {
    route: 'GET /auditLogs/signIns/:id',
    ok: 404,
    expect: 'Y Y Y N Y Y Y Y N N N N N Y',
    url: () => '/auditLogs/signIns/00000000-0000-7000-8000-000000000000',
  },
];

/** `METHOD /path` for every route registered under /v1.0 (from Fastify's route tree; HEAD is implicit). */
function registeredRoutes(): string[] {
  const tree = t.app.printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    const path = (stack[depth - 1] ?? '') + (m[2] ?? '');
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim())) {
      if (method && method !== 'HEAD' && path.startsWith('/v1.0/')) out.push(`${method} ${path.slice('/v1.0'.length)}`);
    }
  }
  return out.sort();
}

beforeAll(async () => {
  t = await buildTestApp();
  const role = async (r: string) => (await t.createUser({ roles: [r] })).token;
  tokens.globalAdmin = t.admin.token;
  tokens.userAdmin = await role(RoleIds.userAdministrator);
  tokens.groupsAdmin = await role(RoleIds.groupsAdministrator);
  tokens.guestInviter = await role(RoleIds.guestInviter);
  tokens.applicationAdmin = await role(RoleIds.applicationAdministrator);
  tokens.cloudApplicationAdmin = await role(RoleIds.cloudApplicationAdministrator);
  tokens.helpdeskAdmin = await role(RoleIds.helpdeskAdministrator);
  tokens.privilegedRoleAdmin = await role(RoleIds.privilegedRoleAdministrator);
  tokens.member = (await t.createUser()).token;
  const owner = await t.createUser({ displayName: 'Olive Owner' });
  ownerUserId = owner.user.id;
  tokens.groupOwner = owner.token;
  tokens.guest = (await t.createUser({ userType: 'Guest' })).token;
  tokens.appNoPermission = await t.appToken([]);
  tokens.appDirectoryRead = await t.appToken(['Directory.Read.All']);
  tokens.appAllPermissions = await t.appToken([...applicationPermissions]);

  const roleAssignment = (await admin('GET', `${RM}/roleAssignments?$filter=principalId eq '${t.admin.user.id}'`)).json()
    .value[0];
  const audit = (await admin('GET', '/auditLogs/directoryAudits?$top=1')).json().value[0];
  const ssGroupId = await newGroup();
  const ssAppId = await newApp();
  await admin('PATCH', `/servicePrincipals/${ssAppId}`, {
    selfServiceAccess: { enabled: true, groupId: ssGroupId, requireApproval: true, approverIds: [await newUser()] },
  });
  const joinGroupId = await newGroup();
  await admin('PATCH', `/groups/${joinGroupId}`, { joinPolicy: 'ownerApproval' });
  fx = {
    userId: await newUser(),
    groupId: await newGroup(),
    memberId: await newUser(),
    extraOwnerId: await newUser(),
    roleAssignmentId: roleAssignment.id,
    auditId: audit.id,
    spId: await newApp(),
    ssAppId,
    appRequestId: '',
    joinGroupId,
    joinRequestId: '',
    grantId: '',
  };
  fx.grantId = await newGrant(fx);
  fx.appRequestId = await newAppRequest(fx);
  fx.joinRequestId = await newJoinRequest(fx);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('authorization matrix: every /v1.0 endpoint × every kind of caller', () => {
  it('every row is well-formed', () => {
    for (const row of ROWS)
      expect(
        row.expect.split(' ').filter((c) => /^[YNB]$/.test(c)),
        row.route,
      ).toHaveLength(COLUMNS.length);
    expect(new Set(ROWS.map((r) => r.route)).size).toBe(ROWS.length);
  });

  it.each(ROWS.map((row) => [row.route, row] as const))('%s', async (_route, row) => {
    const method = row.route.split(' ')[0] as 'GET' | 'POST' | 'PATCH' | 'DELETE';
    const cells = row.expect.split(' ');
    const failures: string[] = [];
    for (const [i, column] of COLUMNS.entries()) {
      const fresh = row.setup ? await row.setup(fx) : '';
      const body = row.body?.(fx, fresh);
      const res = await t.call(method, `/v1.0${row.url(fx, fresh)}`, {
        token: tokens[column],
        ...(body === undefined ? {} : { body }),
        ...(row.headers ? { headers: row.headers } : {}),
      });
      const cell = cells[i];
      const want = cell === 'Y' ? row.ok : cell === 'B' ? 400 : 403;
      if (res.statusCode !== want) failures.push(`${column}: expected ${want}, got ${res.statusCode} ${res.body.slice(0, 200)}`);
      else if (want === 403 && res.json().error?.code !== 'Authorization_RequestDenied')
        failures.push(`${column}: 403 without Authorization_RequestDenied`);
      if (res.statusCode < 300 && row.cleanup) await row.cleanup(fx, fresh);
    }
    expect(failures).toEqual([]);
  });

  it('covers every route registered under /v1.0 (a new endpoint needs a row here)', () => {
    const routes = registeredRoutes();
    expect(routes.length).toBeGreaterThan(30);
    // The router matches paths case-insensitively and prints them in lower case (parameter names
    // inside a segment too), so the rows are compared in lower case.
    const lower = (route: string) => {
      const [method, path = ''] = route.split(' ');
      return `${method} ${path.toLowerCase()}`;
    };
    expect(ROWS.map((r) => lower(r.route)).sort()).toEqual(routes.map(lower).sort());
  });
});
