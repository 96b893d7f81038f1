import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Group } from '../../src/contracts/groups.js';
import type { DevMailboxMessage } from '../../src/contracts/mail.js';
import { systemContext } from '../../src/server/domain/context.js';
import type { TestApp } from './app.js';

/**
 * Shared steps of the self-service tests (application access requests, group join requests):
 * Graph calls with a token, fixtures made through the API, the mail delivered to the development
 * mailbox, and audit records by activity.
 */
export function selfService(t: TestApp) {
  let seq = 0;
  const n = () => `${Date.now().toString(36)}${(seq++).toString(36)}`;

  const call = (token: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
    t.call(method, `/v1.0${url}`, { token, ...(body === undefined ? {} : { body }) });
  const admin = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
    call(t.admin.token, method, url, body);

  const ok = (res: LightMyRequestResponse, status = 200) => {
    expect(res.statusCode, res.body).toBe(status);
    return res.statusCode === 204 ? undefined : res.json();
  };
  const refused = (res: LightMyRequestResponse, status: number, code: string, message?: RegExp) => {
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().error.details[0].code).toBe(code);
    if (message) expect(res.json().error.message).toMatch(message);
  };

  const ref = (id: string) => ({ '@odata.id': `http://localhost:8080/v1.0/directoryObjects/${id}` });

  async function group(extra: Record<string, unknown> = {}): Promise<Group> {
    const name = `Group ${n()}`;
    return ok(
      await admin('POST', '/groups', {
        displayName: name,
        mailNickname: `g${n()}`,
        mailEnabled: false,
        securityEnabled: true,
        ...extra,
      }),
      201,
    );
  }

  /** A group synced from another directory (only its sync source, the system, creates one). */
  async function syncedGroup(): Promise<Group> {
    return t.app.portico.services.groups.createGroup(systemContext(t.tenant.id, 'test'), {
      displayName: `Synced ${n()}`,
      mailNickname: `s${n()}`,
      mailEnabled: false,
      securityEnabled: true,
      onPremisesSyncEnabled: true,
    });
  }

  async function app(extra: Record<string, unknown> = {}): Promise<{ id: string; appId: string; displayName: string }> {
    return ok(await admin('POST', '/servicePrincipals', { displayName: `App ${n()}`, ...extra }), 201);
  }

  const setGroupPolicy = async (body: Record<string, unknown>) =>
    ok(await admin('PATCH', '/policies/groupManagementPolicy', body), 204);
  const setGuestAccess = async (guestUserRoleId: string) =>
    ok(await admin('PATCH', '/policies/authorizationPolicy', { guestUserRoleId }), 204);

  /** Messages the development mailbox received for `address` (after the outbox delivered). */
  async function mailTo(address: string): Promise<DevMailboxMessage[]> {
    await t.app.portico.outboxWorker.drain();
    const filter = encodeURIComponent(`to/any(a:a eq '${address}')`);
    return ok(await admin('GET', `/devMailbox/messages?$filter=${filter}`)).value;
  }

  /** Audit records of one activity that name `targetId`. */
  async function audits(activity: string, targetId: string) {
    const filter = `activityDisplayName eq '${activity}' and targetResources/any(t:t/id eq '${targetId}')`;
    return ok(await admin('GET', `/auditLogs/directoryAudits?$filter=${encodeURIComponent(filter)}`)).value as {
      category: string;
      loggedByService: string;
      result: string;
      resultReason: string;
      initiatedBy: { user: { id: string } | null };
      targetResources: { id: string; type: string; modifiedProperties: { displayName: string; newValue: string | null }[] }[];
      additionalDetails: { key: string; value: string }[];
    }[];
  }

  const memberIds = async (groupId: string): Promise<string[]> =>
    (ok(await admin('GET', `/groups/${groupId}/members`)).value as { id: string }[]).map((m) => m.id);

  return { n, call, admin, ok, refused, ref, group, syncedGroup, app, setGroupPolicy, setGuestAccess, mailTo, audits, memberIds };
}
