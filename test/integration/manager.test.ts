import { randomUUID } from 'node:crypto';
import type { Client, GraphError } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoleIds } from '../../src/server/domain/roles.js';
import type { TestApp } from '../helpers/app.js';
import { listeningWithGraphClient } from '../helpers/graph-client.js';

// A user's manager and direct reports (Graph's manager / directReports): assignment by `$ref`,
// refusals (self, cycles), authorization, the "Update user" audit record, `$expand=manager`, and
// what deleting and restoring a manager does to the references.

let t: TestApp;
let base: string;
let client: Client;

beforeAll(async () => {
  ({ t, base, client } = await listeningWithGraphClient());
});
afterAll(async () => {
  await t?.close();
});

const admin = (method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, body?: unknown) =>
  t.call(method, `/v1.0${url}`, { token: t.admin.token, ...(body === undefined ? {} : { body }) });
const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/users/${id}` });
const newUser = async (name = 'Staff') => (await t.createUser({ displayName: `${name} ${randomUUID().slice(0, 6)}` })).user;

describe('manager and directReports', () => {
  it('assigns, reads, lists and removes a manager', async () => {
    const boss = await newUser('Boss');
    const report = await t.createUser({ displayName: 'Report' });

    const none = await admin('GET', `/users/${report.user.id}/manager`);
    expect(none.statusCode).toBe(404);
    expect(none.json().error.code).toBe('Request_ResourceNotFound');
    expect(none.json().error.message).toBe(
      "Resource 'manager' does not exist or one of its queried reference-property objects are not present.",
    );

    expect((await admin('PUT', `/users/${report.user.id}/manager/$ref`, ref(boss.id))).statusCode).toBe(204);

    const manager = await admin('GET', `/users/${report.user.id}/manager`);
    expect(manager.statusCode, manager.body).toBe(200);
    expect(manager.json()).toMatchObject({
      '@odata.context': `${base}/v1.0/$metadata#directoryObjects/$entity`,
      '@odata.type': '#microsoft.graph.user',
      id: boss.id,
      displayName: boss.displayName,
    });

    // The report sees their own manager under /me.
    const mine = await t.call('GET', '/v1.0/me/manager', { token: report.token });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().id).toBe(boss.id);

    const reports = await admin('GET', `/users/${boss.id}/directReports`);
    expect(reports.statusCode, reports.body).toBe(200);
    expect(reports.json().value).toEqual([
      expect.objectContaining({ '@odata.type': '#microsoft.graph.user', id: report.user.id }),
    ]);
    const count = await t.call('GET', `/v1.0/users/${boss.id}/directReports/$count`, {
      token: t.admin.token,
      headers: { consistencylevel: 'eventual' },
    });
    expect(count.body).toBe('1');
    expect((await t.call('GET', '/v1.0/me/directReports', { token: report.token })).json().value).toEqual([]);

    // $expand=manager inlines the manager as an object; a user without one has no manager property.
    const expanded = await admin('GET', `/users/${report.user.id}?$expand=manager($select=id,displayName)`);
    expect(expanded.statusCode, expanded.body).toBe(200);
    expect(expanded.json().manager).toEqual({ id: boss.id, displayName: boss.displayName });
    const listed = await admin('GET', `/users?$filter=id in ('${report.user.id}','${boss.id}')&$expand=manager`);
    expect(listed.statusCode, listed.body).toBe(200);
    const byId = new Map<string, { manager?: { id: string } }>(listed.json().value.map((u: { id: string }) => [u.id, u]));
    expect(byId.get(report.user.id)?.manager?.id).toBe(boss.id);
    expect(byId.get(boss.id)).not.toHaveProperty('manager');

    // Assigning the same manager again changes nothing; removing it twice is a 404 the second time.
    expect((await admin('PUT', `/users/${report.user.id}/manager/$ref`, ref(boss.id))).statusCode).toBe(204);
    expect((await admin('DELETE', `/users/${report.user.id}/manager/$ref`)).statusCode).toBe(204);
    expect((await admin('GET', `/users/${report.user.id}/manager`)).statusCode).toBe(404);
    expect((await admin('DELETE', `/users/${report.user.id}/manager/$ref`)).statusCode).toBe(404);
    expect((await admin('GET', `/users/${boss.id}/directReports`)).json().value).toEqual([]);
  });

  it('audits the change as "Update user" with the manager property', async () => {
    const boss = await newUser('Audited Boss');
    const report = await newUser('Audited Report');
    await admin('PUT', `/users/${report.id}/manager/$ref`, ref(boss.id));
    await admin('DELETE', `/users/${report.id}/manager/$ref`);
    const audits = (await admin('GET', `/auditLogs/directoryAudits?$filter=activityDisplayName eq 'Update user'&$top=999`)).json()
      .value as {
      targetResources: { id: string; modifiedProperties: { displayName: string; oldValue: string; newValue: string }[] }[];
    }[];
    const changes = audits
      .filter((a) => a.targetResources[0]?.id === report.id)
      .flatMap((a) => a.targetResources[0]?.modifiedProperties ?? [])
      .filter((p) => p.displayName === 'manager');
    expect(changes).toEqual(
      expect.arrayContaining([
        { displayName: 'manager', oldValue: 'null', newValue: JSON.stringify(boss.id) },
        { displayName: 'manager', oldValue: JSON.stringify(boss.id), newValue: 'null' },
      ]),
    );
  });

  it('refuses the user as their own manager, cycles, and unknown managers', async () => {
    const a = await newUser('A');
    const b = await newUser('B');
    const c = await newUser('C');
    const self = await admin('PUT', `/users/${a.id}/manager/$ref`, ref(a.id));
    expect(self.statusCode).toBe(400);
    expect(self.json().error.details[0].code).toBe('user_manager_self');

    // a ← b ← c (b manages a... c manages b); a managing c would close the loop.
    expect((await admin('PUT', `/users/${a.id}/manager/$ref`, ref(b.id))).statusCode).toBe(204);
    expect((await admin('PUT', `/users/${b.id}/manager/$ref`, ref(c.id))).statusCode).toBe(204);
    const cycle = await admin('PUT', `/users/${c.id}/manager/$ref`, ref(a.id));
    expect(cycle.statusCode).toBe(400);
    expect(cycle.json().error.code).toBe('Request_BadRequest');
    expect(cycle.json().error.details[0].code).toBe('user_manager_cycle');
    expect((await admin('GET', `/users/${c.id}/manager`)).statusCode).toBe(404);

    const unknown = await admin('PUT', `/users/${a.id}/manager/$ref`, ref(randomUUID()));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('Request_ResourceNotFound');
    const bad = await admin('PUT', `/users/${a.id}/manager/$ref`, { '@odata.id': 'not a reference' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].code).toBe('object_reference_invalid');
    // Still b.
    expect((await admin('GET', `/users/${a.id}/manager`)).json().id).toBe(b.id);
  });

  it('lets User Administrators assign managers, not plain members', async () => {
    const userAdmin = await t.createUser({ roles: [RoleIds.userAdministrator] });
    const member = await t.createUser();
    const boss = await newUser('Delegated Boss');
    const report = await newUser('Delegated Report');
    const denied = await t.call('PUT', `/v1.0/users/${report.id}/manager/$ref`, { token: member.token, body: ref(boss.id) });
    expect(denied.statusCode).toBe(403);
    const allowed = await t.call('PUT', `/v1.0/users/${report.id}/manager/$ref`, { token: userAdmin.token, body: ref(boss.id) });
    expect(allowed.statusCode, allowed.body).toBe(204);
    const removeDenied = await t.call('DELETE', `/v1.0/users/${report.id}/manager/$ref`, { token: member.token });
    expect(removeDenied.statusCode).toBe(403);
    expect((await admin('GET', `/users/${report.id}/manager`)).json().id).toBe(boss.id);
  });

  it('clears the reports’ manager when the manager is deleted, and restores a deleted report’s own manager', async () => {
    const boss = await newUser('Leaving Boss');
    const report = await newUser('Staying Report');
    const leaving = await newUser('Leaving Report');
    await admin('PUT', `/users/${report.id}/manager/$ref`, ref(boss.id));
    await admin('PUT', `/users/${leaving.id}/manager/$ref`, ref(report.id));

    // A deleted report keeps its manager for a restore.
    expect((await admin('DELETE', `/users/${leaving.id}`)).statusCode).toBe(204);
    expect((await admin('GET', `/users/${report.id}/directReports`)).json().value).toEqual([]);
    expect((await admin('POST', `/directory/deletedItems/${leaving.id}/restore`)).statusCode).toBe(200);
    expect((await admin('GET', `/users/${leaving.id}/manager`)).json().id).toBe(report.id);

    // Deleting the manager clears the reference (restoring the manager does not bring it back).
    expect((await admin('DELETE', `/users/${boss.id}`)).statusCode).toBe(204);
    expect((await admin('GET', `/users/${report.id}/manager`)).statusCode).toBe(404);
    expect((await admin('POST', `/directory/deletedItems/${boss.id}/restore`)).statusCode).toBe(200);
    expect((await admin('GET', `/users/${report.id}/manager`)).statusCode).toBe(404);

    // A deleted report whose manager is deleted too by the time of its restore comes back without one.
    await admin('PUT', `/users/${leaving.id}/manager/$ref`, ref(boss.id));
    await admin('DELETE', `/users/${leaving.id}`);
    await admin('DELETE', `/users/${boss.id}`);
    expect((await admin('POST', `/directory/deletedItems/${leaving.id}/restore`)).statusCode).toBe(200);
    expect((await admin('GET', `/users/${leaving.id}/manager`)).statusCode).toBe(404);
  });

  it('works from Microsoft’s Graph client (manager/$ref, manager, directReports)', async () => {
    const boss = await newUser('Client Boss');
    const report = await newUser('Client Report');
    await client.api(`/users/${report.id}/manager/$ref`).put({ '@odata.id': `${base}/v1.0/users/${boss.id}` });
    const manager = await client.api(`/users/${report.id}/manager`).get();
    expect(manager.id).toBe(boss.id);
    const reports = await client.api(`/users/${boss.id}/directReports`).select('id').get();
    expect(reports.value.map((u: { id: string }) => u.id)).toEqual([report.id]);
    await client.api(`/users/${report.id}/manager/$ref`).delete();
    const err = await client
      .api(`/users/${report.id}/manager`)
      .get()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((err as GraphError).statusCode).toBe(404);
  });
});
