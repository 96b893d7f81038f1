import { randomBytes } from 'node:crypto';
import { idFromODataRef } from '../../../contracts/common.js';
import {
  type CreateGroupBody,
  createGroupBody,
  type Group,
  type UpdateGroupBody,
  updateGroupBody,
} from '../../../contracts/groups.js';
import { invalid } from '../../domain/errors.js';
import type { Json } from './patch.js';
import { graphValidationError, readList, readString } from './values.js';

/**
 * The SCIM Group ↔ Portico group mapping. SCIM creates cloud security groups (assigned
 * membership); it reads every group, and writes to dynamic or synced ones are refused by the
 * groups service as they are on Graph.
 */

/** A direct member as SCIM shows it. */
export interface ScimMember {
  value: string;
  type: 'User' | 'Group';
  display: string;
}

export interface GroupInput {
  displayName: string | null | undefined;
  externalId: string | null;
  /** Member ids, or undefined when the body does not mention members (POST). */
  members: string[];
}

export function groupAttributes(g: Group, externalId: string | null): Json {
  return { ...(externalId === null ? {} : { externalId }), displayName: g.displayName };
}

/** Reads a canonical SCIM Group into Portico's terms; member values are object ids. */
export function readGroup(json: Json): GroupInput {
  const members = readList(json, 'members').map((m, i) => {
    const value = readString(m, 'value', `members[${i}].value`);
    const id = value ? idFromODataRef(value) : undefined;
    if (!id) throw invalid('object_reference_invalid', `members[${i}].value must be the id of a user or group.`, 'members');
    return id;
  });
  return {
    displayName: readString(json, 'displayName'),
    externalId: readString(json, 'externalId') ?? null,
    members: [...new Set(members)],
  };
}

/** A mail nickname from the display name (Graph requires one; security groups need not be unique). */
function mailNicknameFor(displayName: string): string {
  const base = displayName
    .normalize('NFKD')
    .replace(/[^\x21-\x7e]|[@()\\[\]";:.<>,]/g, '')
    .slice(0, 56);
  return base || `group-${randomBytes(4).toString('hex')}`;
}

export function newGroup(i: GroupInput): CreateGroupBody {
  if (!i.displayName) throw invalid('property_required', "Attribute 'displayName' is required.", 'displayName');
  const parsed = createGroupBody.safeParse({
    displayName: i.displayName,
    mailNickname: mailNicknameFor(i.displayName),
    mailEnabled: false,
    securityEnabled: true,
  });
  if (!parsed.success) throw graphValidationError(parsed.error, {});
  return parsed.data;
}

/** PUT / PATCH → the Graph update body of what changes (the display name). */
export function groupChanges(current: Group, i: GroupInput): UpdateGroupBody {
  if (!i.displayName) throw invalid('property_required', "Attribute 'displayName' is required.", 'displayName');
  if (i.displayName === current.displayName) return {};
  const parsed = updateGroupBody.safeParse({ displayName: i.displayName });
  if (!parsed.success) throw graphValidationError(parsed.error, {});
  return parsed.data;
}
