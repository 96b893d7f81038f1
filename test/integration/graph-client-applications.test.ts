import { Client, GraphError, HTTPMessageHandler } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { BearerMiddleware } from '../helpers/graph-client.js';
import { freePort } from '../helpers/oidc.js';

// Enterprise applications driven over real HTTP by Microsoft's Graph JavaScript client (v3), the
// way automation written for Entra ID manages service principals and their assignments. The bearer
// token goes through a middleware because the client's auth handler skips http hosts (stack-notes §6).

let t: TestApp;
let base: string;
let client: Client;

const graphClient = (token: () => string) => {
  const auth = new BearerMiddleware(token);
  auth.setNext(new HTTPMessageHandler());
  return Client.initWithMiddleware({ baseUrl: `${base}/`, defaultVersion: 'v1.0', middleware: auth });
};

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await buildTestApp({ env: { PORTICO_PUBLIC_URL: base, PORT: String(port) } });
  await t.app.listen({ port, host: '127.0.0.1' });
  client = graphClient(() => t.admin.token);
});
afterAll(async () => {
  await t?.close();
});

const DEFAULT_ACCESS = '00000000-0000-0000-0000-000000000000';
const VIEWER = '6c2c1f1a-0d43-4f33-9d0f-7a1c2b3d4e01';

describe('Microsoft Graph JavaScript client: service principals and appRoleAssignedTo', () => {
  it('creates an app, adds a secret, assigns a user and a group, and reads them back', async () => {
    const sp = await client.api('/servicePrincipals').post({
      displayName: 'Contoso Wiki',
      preferredSingleSignOnMode: 'oidc',
      replyUrls: ['https://wiki.contoso.test/oidc/callback'],
      appRoleAssignmentRequired: true,
      appRoles: [
        {
          allowedMemberTypes: ['User'],
          description: 'Read the wiki',
          displayName: 'Viewer',
          id: VIEWER,
          isEnabled: true,
          value: 'Wiki.Viewer',
        },
      ],
    });
    expect(sp).toMatchObject({
      '@odata.context': `${base}/v1.0/$metadata#servicePrincipals/$entity`,
      displayName: 'Contoso Wiki',
      servicePrincipalType: 'Application',
      appRoleAssignmentRequired: true,
    });

    // Alternate key and $select, as Graph clients address apps by their client id.
    const byAppId = await client.api(`/servicePrincipals(appId='${sp.appId}')`).select(['id', 'appId', 'displayName']).get();
    expect(byAppId).toMatchObject({ id: sp.id, appId: sp.appId, displayName: 'Contoso Wiki' });

    await client.api(`/servicePrincipals/${sp.id}`).patch({ tags: ['WindowsAzureActiveDirectoryIntegratedApp'] });
    const listed = await client
      .api('/servicePrincipals')
      .filter(`tags/any(t:t eq 'WindowsAzureActiveDirectoryIntegratedApp')`)
      .select(['id', 'displayName'])
      .get();
    expect(listed.value).toEqual([{ id: sp.id, displayName: 'Contoso Wiki' }]);

    const secret = await client
      .api(`/servicePrincipals/${sp.id}/addPassword`)
      .post({ passwordCredential: { displayName: 'Wiki client secret' } });
    expect(secret).toMatchObject({ displayName: 'Wiki client secret', hint: secret.secretText.slice(0, 3) });
    expect(await t.app.portico.services.applications.verifyClientSecret(sp.appId, secret.secretText)).toBe(true);

    const user = await client.api('/users').post({
      accountEnabled: true,
      displayName: 'Patti Fernandez',
      mailNickname: 'pattif',
      userPrincipalName: 'patti.fernandez@contoso.test',
      passwordProfile: { password: 'Correct-Horse-9!' },
    });
    const group = await client.api('/groups').post({
      displayName: 'Wiki readers',
      mailEnabled: false,
      mailNickname: 'wikireaders',
      securityEnabled: true,
    });

    const toUser = await client
      .api(`/servicePrincipals/${sp.id}/appRoleAssignedTo`)
      .post({ principalId: user.id, resourceId: sp.id, appRoleId: VIEWER });
    expect(toUser).toMatchObject({
      principalId: user.id,
      principalType: 'User',
      principalDisplayName: 'Patti Fernandez',
      resourceId: sp.id,
      resourceDisplayName: 'Contoso Wiki',
      appRoleId: VIEWER,
    });
    const toGroup = await client
      .api(`/groups/${group.id}/appRoleAssignments`)
      .post({ principalId: group.id, resourceId: sp.id, appRoleId: DEFAULT_ACCESS });
    expect(toGroup).toMatchObject({ principalType: 'Group', principalDisplayName: 'Wiki readers' });

    const assigned = await client.api(`/servicePrincipals/${sp.id}/appRoleAssignedTo`).orderby('principalDisplayName').get();
    expect(assigned.value.map((a: { principalDisplayName: string }) => a.principalDisplayName)).toEqual([
      'Patti Fernandez',
      'Wiki readers',
    ]);
    const ofUser = await client.api(`/users/${user.id}/appRoleAssignments`).get();
    expect(ofUser.value.map((a: { id: string }) => a.id)).toEqual([toUser.id]);

    // Errors surface as GraphError with Graph's status, code and message.
    const dup = await client
      .api(`/servicePrincipals/${sp.id}/appRoleAssignedTo`)
      .post({ principalId: user.id, resourceId: sp.id, appRoleId: VIEWER })
      .catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(GraphError);
    expect(dup).toMatchObject({ statusCode: 400, code: 'Request_BadRequest' });
    expect((dup as GraphError).message).toBe('Permission being assigned already exists on the object');

    await client.api(`/servicePrincipals/${sp.id}/appRoleAssignedTo/${toUser.id}`).delete();
    const after = await client.api(`/servicePrincipals/${sp.id}/appRoleAssignedTo`).get();
    expect(after.value.map((a: { id: string }) => a.id)).toEqual([toGroup.id]);

    await client.api(`/servicePrincipals/${sp.id}/removePassword`).post({ keyId: secret.keyId });
    await client.api(`/servicePrincipals/${sp.id}`).delete();
    const gone = await client
      .api(`/servicePrincipals/${sp.id}`)
      .get()
      .catch((e: unknown) => e);
    expect(gone).toMatchObject({ statusCode: 404, code: 'Request_ResourceNotFound' });
  });

  it('instantiates a gallery template and manages owners', async () => {
    const templates = await client.api('/applicationTemplates').get();
    expect(templates.value.length).toBeGreaterThanOrEqual(4);
    const created = await client
      .api('/applicationTemplates/grafana/instantiate')
      .post({ displayName: 'Grafana', baseUrl: 'https://grafana.contoso.test' });
    const sp = created.servicePrincipal;
    expect(sp).toMatchObject({
      applicationTemplateId: 'grafana',
      replyUrls: ['https://grafana.contoso.test/login/generic_oauth'],
    });

    const owner = await client.api('/users').post({
      accountEnabled: true,
      displayName: 'Isaiah Langer',
      mailNickname: 'isaiahl',
      userPrincipalName: 'isaiah.langer@contoso.test',
      passwordProfile: { password: 'Correct-Horse-9!' },
    });
    await client.api(`/servicePrincipals/${sp.id}/owners/$ref`).post({
      '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${owner.id}`,
    });
    const owners = await client.api(`/servicePrincipals/${sp.id}/owners`).get();
    expect(owners.value).toEqual([expect.objectContaining({ '@odata.type': '#microsoft.graph.user', id: owner.id })]);
    await client.api(`/servicePrincipals/${sp.id}/owners/${owner.id}/$ref`).delete();
    expect((await client.api(`/servicePrincipals/${sp.id}/owners`).get()).value).toEqual([]);
  });
});
