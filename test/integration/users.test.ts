import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoleIds } from '../../src/server/domain/roles.js';
import { buildTestApp, dialect, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

const newUser = (alias: string, extra: Record<string, unknown> = {}) => ({
  accountEnabled: true,
  displayName: `User ${alias}`,
  mailNickname: alias,
  userPrincipalName: `${alias}@contoso.test`,
  passwordProfile: { forceChangePasswordNextSignIn: false, password: 'Str0ng-Passw0rd!' },
  ...extra,
});

const audits = async (activity: string, targetId: string) =>
  t.database.db
    .selectFrom('directory_audits')
    .innerJoin('directory_audit_targets', 'directory_audit_targets.audit_id', 'directory_audits.id')
    .selectAll('directory_audits')
    .where('activity_display_name', '=', activity)
    .where('directory_audit_targets.target_id', '=', targetId)
    .execute();

describe(`users API (${dialect})`, () => {
  it('creates a user and returns the Graph shape without the password', async () => {
    const res = await t.call('POST', '/v1.0/users', {
      token: t.admin.token,
      body: newUser('adele', { givenName: 'Adele', surname: 'Vance', jobTitle: 'Engineer', mail: 'Adele@Contoso.test' }),
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body['@odata.context']).toBe('http://localhost:8080/v1.0/$metadata#users/$entity');
    expect(body).toMatchObject({
      displayName: 'User adele',
      givenName: 'Adele',
      surname: 'Vance',
      userPrincipalName: 'adele@contoso.test',
      mail: 'Adele@Contoso.test',
      userType: 'Member',
      accountEnabled: true,
      creationType: null,
      externalUserState: null,
      jobTitle: 'Engineer',
      otherMails: [],
    });
    expect(body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(JSON.stringify(body)).not.toMatch(/password/i);
    const row = await t.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', body.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await audits('Add user', body.id)).toHaveLength(1);
  });

  it('gets a user by id and by userPrincipalName (case-insensitive), honours $select', async () => {
    const created = (await t.call('POST', '/v1.0/users', { token: t.admin.token, body: newUser('bob') })).json();
    const byId = await t.call('GET', `/v1.0/users/${created.id}`, { token: t.admin.token });
    expect(byId.statusCode).toBe(200);
    expect(byId.json().userPrincipalName).toBe('bob@contoso.test');
    const byUpn = await t.call('GET', '/v1.0/users/BOB@contoso.test?$select=displayName,externalUserState', {
      token: t.admin.token,
    });
    expect(byUpn.statusCode).toBe(200);
    const b = byUpn.json();
    expect(Object.keys(b).sort()).toEqual(['@odata.context', '@odata.etag', 'displayName', 'externalUserState', 'id']);
  });

  it('refuses duplicate userPrincipalName and mail case-insensitively with a clear 400', async () => {
    await t.call('POST', '/v1.0/users', { token: t.admin.token, body: newUser('carol', { mail: 'carol@example.com' }) });
    const dupUpn = await t.call('POST', '/v1.0/users', { token: t.admin.token, body: newUser('CAROL') });
    expect(dupUpn.statusCode).toBe(400);
    expect(dupUpn.json().error.code).toBe('Request_BadRequest');
    expect(dupUpn.json().error.message).toMatch(/userPrincipalName already exists/);
    const dupMail = await t.call('POST', '/v1.0/users', {
      token: t.admin.token,
      body: newUser('carol2', { mail: 'CAROL@EXAMPLE.COM' }),
    });
    expect(dupMail.statusCode).toBe(400);
    expect(dupMail.json().error.message).toMatch(/mail already exists/);
  });

  it('validates input and answers in the Graph error envelope', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...newUser('v1'), displayName: '' }, /displayName/],
      [{ ...newUser('v2'), userPrincipalName: 'not-an-upn' }, /userPrincipalName/],
      [{ ...newUser('v3'), passwordProfile: { password: 'short' } }, /password/i],
      [{ ...newUser('v4'), mail: 'nope' }, /mail/],
      [{ ...newUser('v5'), unknownProperty: 1 }, /unknownProperty|Unrecognized/],
      [{ ...newUser('v6'), userPrincipalName: 'x#EXT#@contoso.test' }, /#|userPrincipalName/],
    ];
    for (const [body, msg] of cases) {
      const res = await t.call('POST', '/v1.0/users', { token: t.admin.token, body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      const err = res.json().error;
      expect(err.code).toBe('Request_BadRequest');
      expect(err.message).toMatch(msg);
      expect(err.innerError['request-id']).toBe(res.headers['request-id']);
      expect(err.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    const notJson = await t.app.inject({
      method: 'POST',
      url: '/v1.0/users',
      headers: { authorization: `Bearer ${t.admin.token}`, 'content-type': 'application/json' },
      payload: '{"displayName":',
    });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('Request_BadRequest');
  });

  it('updates with PATCH (204), audits the change and disabling', async () => {
    const u = (await t.call('POST', '/v1.0/users', { token: t.admin.token, body: newUser('dave') })).json();
    const res = await t.call('PATCH', `/v1.0/users/${u.id}`, {
      token: t.admin.token,
      body: { department: 'Sales', accountEnabled: false },
    });
    expect(res.statusCode).toBe(204);
    const after = (await t.call('GET', `/v1.0/users/${u.id}`, { token: t.admin.token })).json();
    expect(after).toMatchObject({ department: 'Sales', accountEnabled: false });
    const upd = await audits('Update user', u.id);
    expect(upd).toHaveLength(1);
    const target = JSON.parse(upd[0]!.target_resources)[0];
    expect(target.modifiedProperties).toEqual(
      expect.arrayContaining([{ displayName: 'department', oldValue: 'null', newValue: '"Sales"' }]),
    );
    expect(await audits('Disable account', u.id)).toHaveLength(1);
  });

  it('disabled users cannot use their tokens', async () => {
    const { user, token } = await t.createUser();
    expect((await t.call('GET', '/v1.0/me', { token })).statusCode).toBe(200);
    await t.call('PATCH', `/v1.0/users/${user.id}`, { token: t.admin.token, body: { accountEnabled: false } });
    const res = await t.call('GET', '/v1.0/me', { token });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('InvalidAuthenticationToken');
  });

  it('deletes users (204), then 404; the last Global Administrator is protected', async () => {
    const u = (await t.call('POST', '/v1.0/users', { token: t.admin.token, body: newUser('erin') })).json();
    expect((await t.call('DELETE', `/v1.0/users/${u.id}`, { token: t.admin.token })).statusCode).toBe(204);
    const gone = await t.call('GET', `/v1.0/users/${u.id}`, { token: t.admin.token });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('Request_ResourceNotFound');
    expect(await audits('Delete user', u.id)).toHaveLength(1);

    const self = await t.call('DELETE', `/v1.0/users/${t.admin.user.id}`, { token: t.admin.token });
    expect(self.statusCode).toBe(400);
    const other = await t.createUser({ roles: [RoleIds.userAdministrator] });
    const byUserAdmin = await t.call('DELETE', `/v1.0/users/${t.admin.user.id}`, { token: other.token });
    expect(byUserAdmin.statusCode).toBe(403);
    expect(byUserAdmin.json().error.message).toMatch(/privileged/);
  });

  it('GET /me returns the caller; app tokens get a clear 400', async () => {
    const me = await t.call('GET', '/v1.0/me', { token: t.admin.token });
    expect(me.json().id).toBe(t.admin.user.id);
    const app = await t.appToken(['User.Read.All']);
    const res = await t.call('GET', '/v1.0/me', { token: app });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/delegated/);
  });

  it('rejects missing, malformed, foreign and wrong-audience tokens with 401', async () => {
    expect((await t.call('GET', '/v1.0/users')).statusCode).toBe(401);
    const bad = await t.call('GET', '/v1.0/users', { headers: { authorization: 'Bearer abc.def.ghi' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('InvalidAuthenticationToken');
    const basic = await t.call('GET', '/v1.0/users', { headers: { authorization: 'Basic Zm9vOmJhcg==' } });
    expect(basic.statusCode).toBe(401);
    // A token whose signature was tampered with.
    const [h, p] = t.admin.token.split('.');
    const forged = `${h}.${p}.${Buffer.from('x'.repeat(64)).toString('base64url')}`;
    expect((await t.call('GET', '/v1.0/users', { token: forged })).statusCode).toBe(401);
  });

  it('application permissions govern app tokens', async () => {
    const reader = await t.appToken(['User.Read.All']);
    expect((await t.call('GET', '/v1.0/users', { token: reader })).statusCode).toBe(200);
    const denied = await t.call('POST', '/v1.0/users', { token: reader, body: newUser('frank') });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('Authorization_RequestDenied');
    const writer = await t.appToken(['User.ReadWrite.All']);
    expect((await t.call('POST', '/v1.0/users', { token: writer, body: newUser('frank') })).statusCode).toBe(201);
  });

  it('lists with $filter, $search, $orderby and pages across more than 250 users', async () => {
    const ctx = { caller: { kind: 'system' as const, tenantId: t.tenant.id, displayName: 'seed' }, correlationId: 'seed' };
    // Seed through the repository path of the service: 260 users with cheap sequential creates.
    const created: string[] = [];
    for (let i = 0; i < 260; i++) {
      const n = String(i).padStart(3, '0');
      const u = await t.app.portico.services.directory.createUser(ctx, {
        displayName: `Pager ${n}`,
        userPrincipalName: `pager${n}@contoso.test`,
        passwordProfile: { password: 'Str0ng-Passw0rd!' },
        department: i % 2 ? 'Odd' : 'Even',
      });
      created.push(u.id);
    }
    const seen: string[] = [];
    let url: string | undefined = "/v1.0/users?$filter=startswith(displayName,'Pager ')&$orderby=displayName&$top=100";
    let pages = 0;
    while (url) {
      const res = await t.call('GET', url, { token: t.admin.token });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      seen.push(...body.value.map((u: { displayName: string }) => u.displayName));
      url = body['@odata.nextLink']?.replace('http://localhost:8080', '');
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(260);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(260);

    const odd = await t.call('GET', "/v1.0/users?$filter=department eq 'Odd' and startswith(displayName,'Pager')&$count=true", {
      token: t.admin.token,
      headers: { consistencylevel: 'eventual' },
    });
    expect(odd.json()['@odata.count']).toBe(130);
    const search = await t.call('GET', '/v1.0/users?$search="displayName:Pager 01"', {
      token: t.admin.token,
      headers: { consistencylevel: 'eventual' },
    });
    expect(search.statusCode).toBe(200);
    const ids = await t.call('GET', `/v1.0/users?$filter=id in ('${created[0]}','${created[1]}')`, { token: t.admin.token });
    expect(ids.json().value).toHaveLength(2);
    const bad = await t.call('GET', "/v1.0/users?$filter=favouriteColour eq 'blue'", { token: t.admin.token });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/favouriteColour/);
    const badOpt = await t.call('GET', '/v1.0/users?$expand=photo', { token: t.admin.token });
    expect(badOpt.statusCode).toBe(400);
    expect(badOpt.json().error.message).toMatch(/\$expand/);
  });
});
