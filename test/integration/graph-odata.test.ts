import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';

// Graph protocol features that SDKs and scripts rely on: `@odata.type` in bodies, `$count`
// segments, type casts, `$expand`, directoryObjects actions, paths and methods.

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ env: { PORTICO_OUTBOX_WORKER: 'off' } });
});
afterAll(async () => {
  await t?.close();
});

const uniq = () => randomUUID().slice(0, 8);
const admin = (
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
  url: string,
  body?: unknown,
  headers?: Record<string, string>,
) =>
  t.call(method, `/v1.0${url}`, {
    token: t.admin.token,
    ...(body === undefined ? {} : { body }),
    ...(headers ? { headers } : {}),
  });

const newUserBody = (extra: Record<string, unknown> = {}) => {
  const n = uniq();
  return {
    displayName: `Typed ${n}`,
    userPrincipalName: `typed.${n}@contoso.test`,
    mailNickname: `typed${n}`,
    accountEnabled: true,
    passwordProfile: { password: 'Correct-Horse-9!', forceChangePasswordNextSignIn: false },
    ...extra,
  };
};
const newGroupBody = (extra: Record<string, unknown> = {}) => {
  const n = uniq();
  return { displayName: `Group ${n}`, mailNickname: `g${n}`, mailEnabled: false, securityEnabled: true, ...extra };
};

describe('@odata.type in request bodies', () => {
  it('accepts the entity type on creates and updates, with or without #, and on nested complex types', async () => {
    const created = await admin(
      'POST',
      '/users',
      newUserBody({
        '@odata.type': '#microsoft.graph.user',
        passwordProfile: {
          '@odata.type': '#microsoft.graph.passwordProfile',
          password: 'Correct-Horse-9!',
          forceChangePasswordNextSignIn: false,
        },
      }),
    );
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const patched = await admin('PATCH', `/users/${id}`, { '@odata.type': 'microsoft.graph.user', jobTitle: 'Typist' });
    expect(patched.statusCode, patched.body).toBe(204);
    expect((await admin('GET', `/users/${id}`)).json().jobTitle).toBe('Typist');

    const group = await admin('POST', '/groups', newGroupBody({ '@odata.type': '#microsoft.graph.group' }));
    expect(group.statusCode, group.body).toBe(201);
    const invitation = await admin('POST', '/invitations', {
      '@odata.type': '#microsoft.graph.invitation',
      invitedUserEmailAddress: `guest.${uniq()}@fabrikam.test`,
      inviteRedirectUrl: 'https://myapps.example.test',
      sendInvitationMessage: false,
    });
    expect(invitation.statusCode, invitation.body).toBe(201);
    const sp = await admin('POST', '/servicePrincipals', {
      '@odata.type': '#microsoft.graph.servicePrincipal',
      displayName: `App ${uniq()}`,
    });
    expect(sp.statusCode, sp.body).toBe(201);
  });

  it('refuses a type that is not the resource’s, or that does not exist, with OData’s wording', async () => {
    const wrong = await admin('POST', '/users', newUserBody({ '@odata.type': '#microsoft.graph.group' }));
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({
      code: 'BadRequest',
      message:
        "A resource with type 'microsoft.graph.group' was found, but it is not assignable to the expected type 'microsoft.graph.user'. The type specified in the resource must be equal to either the expected type or a derived type.",
      details: [{ code: 'odata_type_invalid' }],
    });
    const unknown = await admin('POST', '/groups', newGroupBody({ '@odata.type': '#microsoft.graph.unicorn' }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toBe(
      "A type named 'microsoft.graph.unicorn' could not be resolved by the model. When a model is available, each type name must resolve to a valid type.",
    );
    const base = await admin('POST', '/groups', newGroupBody({ '@odata.type': '#microsoft.graph.directoryObject' }));
    expect(base.statusCode).toBe(400);
    const notString = await admin('POST', '/groups', newGroupBody({ '@odata.type': 42 }));
    expect(notString.statusCode).toBe(400);
    expect(notString.json().error.details[0].code).toBe('odata_type_invalid');
    const nested = await admin(
      'POST',
      '/users',
      newUserBody({ passwordProfile: { '@odata.type': 'not a type', password: 'Correct-Horse-9!' } }),
    );
    expect(nested.statusCode).toBe(400);
    // Nothing was created by the refused requests.
    const groups = (await admin('GET', '/groups?$top=999')).json().value as { displayName: string }[];
    expect(groups.length).toBe(1);
  });

  it('documents the annotation in the OpenAPI document', async () => {
    const doc = (await t.call('GET', '/openapi.json')).json();
    const body = doc.paths['/v1.0/users'].post.requestBody.content['application/json'].schema;
    expect(body.properties['@odata.type'].enum).toEqual(['#microsoft.graph.user']);
  });
});
