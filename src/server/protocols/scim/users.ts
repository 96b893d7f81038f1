import { randomBytes } from 'node:crypto';
import { type CreateUserBody, createUserBody, type UpdateUserBody, type User, updateUserBody } from '../../../contracts/users.js';
import { invalid } from '../../domain/errors.js';
import type { ProvisioningAttributes } from '../../modules/users/users.service.js';
import type { Json } from './patch.js';
import { URN } from './schema.js';
import { graphValidationError, readBoolean, readList, readObject, readString } from './values.js';

/**
 * The SCIM User ↔ Portico user mapping (docs/scim.md has the table). Pure: the provisioning class
 * loads and stores through the users service.
 */

/** Graph property → SCIM attribute, for validation messages. */
const SCIM_NAMES: Record<string, string> = {
  userPrincipalName: 'userName',
  givenName: 'name.givenName',
  surname: 'name.familyName',
  jobTitle: 'title',
  mail: 'emails',
  otherMails: 'emails',
  accountEnabled: 'active',
  companyName: `${URN.enterprise}:organization`,
  department: `${URN.enterprise}:department`,
  passwordProfile: 'password',
};

/** What a SCIM User body (POST, PUT, or the result of a PATCH) asks for, in Portico's terms. */
export interface UserInput {
  userName: string | null | undefined;
  displayName: string | null | undefined;
  givenName: string | null;
  surname: string | null;
  jobTitle: string | null;
  preferredLanguage: string | null;
  accountEnabled: boolean | undefined;
  mail: string | null;
  otherMails: string[];
  externalId: string | null;
  department: string | null;
  companyName: string | null;
  password: string | undefined;
}

/** The canonical SCIM attributes of a user (no id, meta or schemas). Null values are omitted. */
export function userAttributes(u: User, externalId: string | null): Json {
  const name: Json = {};
  if (u.givenName) name.givenName = u.givenName;
  if (u.surname) name.familyName = u.surname;
  if (u.givenName || u.surname) name.formatted = [u.givenName, u.surname].filter(Boolean).join(' ');
  const emails: Json[] = [
    ...(u.mail ? [{ value: u.mail, type: 'work', primary: true }] : []),
    ...u.otherMails.map((value) => ({ value, type: 'other' })),
  ];
  const enterprise: Json = {};
  if (u.department) enterprise.department = u.department;
  if (u.companyName) enterprise.organization = u.companyName;
  const out: Json = { userName: u.userPrincipalName };
  if (externalId !== null) out.externalId = externalId;
  if (Object.keys(name).length) out.name = name;
  out.displayName = u.displayName;
  if (u.jobTitle) out.title = u.jobTitle;
  out.userType = u.userType;
  if (u.preferredLanguage) out.preferredLanguage = u.preferredLanguage;
  out.active = u.accountEnabled;
  if (emails.length) out.emails = emails;
  if (Object.keys(enterprise).length) out[URN.enterprise] = enterprise;
  return out;
}

/** mail is the primary (else the first work, else the first) address; the others are otherMails. */
function readEmails(json: Json): { mail: string | null; otherMails: string[] } {
  const emails = readList(json, 'emails').map((e, i) => ({
    value: readString(e, 'value', `emails[${i}].value`) ?? null,
    type: (readString(e, 'type', `emails[${i}].type`) ?? '').toLowerCase(),
    primary: readBoolean(e, 'primary', `emails[${i}].primary`) === true,
  }));
  const withValue = emails.filter((e): e is { value: string; type: string; primary: boolean } => e.value !== null);
  const main = withValue.find((e) => e.primary) ?? withValue.find((e) => e.type === 'work' || e.type === '') ?? withValue[0];
  const mail = main?.value ?? null;
  const seen = new Set(mail ? [mail.toLowerCase()] : []);
  const otherMails: string[] = [];
  for (const e of withValue) {
    if (seen.has(e.value.toLowerCase())) continue;
    seen.add(e.value.toLowerCase());
    otherMails.push(e.value);
  }
  return { mail, otherMails };
}

/** Reads a canonical SCIM User (checking attribute types) into Portico's terms. */
export function readUser(json: Json): UserInput {
  const name = readObject(json, 'name');
  const enterprise = readObject(json, URN.enterprise, URN.enterprise);
  const userType = readString(json, 'userType');
  if (userType && userType.toLowerCase() !== 'member') {
    throw invalid(
      'property_read_only',
      "SCIM provisions members only: userType must be 'Member' (guests are invited).",
      'userType',
    );
  }
  return {
    userName: readString(json, 'userName'),
    displayName: readString(json, 'displayName'),
    givenName: readString(name, 'givenName', 'name.givenName') ?? null,
    surname: readString(name, 'familyName', 'name.familyName') ?? null,
    jobTitle: readString(json, 'title') ?? null,
    preferredLanguage: readString(json, 'preferredLanguage') ?? null,
    accountEnabled: readBoolean(json, 'active'),
    ...readEmails(json),
    externalId: readString(json, 'externalId') ?? null,
    department: readString(enterprise, 'department', `${URN.enterprise}:department`) ?? null,
    companyName: readString(enterprise, 'organization', `${URN.enterprise}:organization`) ?? null,
    password: readString(json, 'password') ?? undefined,
  };
}

/** Portico requires a display name: the one sent, else the name, else the userName. */
const displayNameOf = (i: UserInput): string | undefined =>
  i.displayName ?? ([i.givenName, i.surname].filter(Boolean).join(' ') || undefined) ?? i.userName ?? undefined;

/** A password that satisfies the complexity rule and that nobody knows (HR systems send none). */
const unknownPassword = (): string => `${randomBytes(24).toString('base64url')}aA1!`;

/** POST /Users → the Graph create body and the provisioning attributes. */
export function newUser(i: UserInput): { body: CreateUserBody; extra: ProvisioningAttributes } {
  if (!i.userName) throw invalid('property_required', "Attribute 'userName' is required.", 'userName');
  const parsed = createUserBody.safeParse({
    displayName: displayNameOf(i),
    userPrincipalName: i.userName,
    passwordProfile: { password: i.password ?? unknownPassword() },
    givenName: i.givenName,
    surname: i.surname,
    mail: i.mail,
    otherMails: i.otherMails,
    department: i.department,
    jobTitle: i.jobTitle,
    companyName: i.companyName,
    preferredLanguage: i.preferredLanguage,
    accountEnabled: i.accountEnabled ?? true,
    userType: 'Member',
  });
  if (!parsed.success) throw graphValidationError(parsed.error, SCIM_NAMES);
  return { body: parsed.data, extra: i.externalId === null ? {} : { externalId: i.externalId } };
}

/**
 * PUT / PATCH → the Graph update body holding only what changes, and the externalId when it
 * changes. `active` left out keeps the account state; a password is always a change.
 */
export function userChanges(
  current: User,
  currentExternalId: string | null,
  i: UserInput,
): { body: UpdateUserBody; extra: ProvisioningAttributes; changed: boolean } {
  if (!i.userName) throw invalid('property_required', "Attribute 'userName' is required.", 'userName');
  const desired: Partial<Record<keyof User, unknown>> = {
    userPrincipalName: i.userName,
    displayName: displayNameOf(i),
    givenName: i.givenName,
    surname: i.surname,
    jobTitle: i.jobTitle,
    preferredLanguage: i.preferredLanguage,
    mail: i.mail,
    otherMails: i.otherMails,
    department: i.department,
    companyName: i.companyName,
    ...(i.accountEnabled === undefined ? {} : { accountEnabled: i.accountEnabled }),
  };
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(desired)) {
    if (JSON.stringify(v) !== JSON.stringify(current[k as keyof User])) body[k] = v;
  }
  if (i.password !== undefined) body.passwordProfile = { password: i.password };
  const parsed = updateUserBody.safeParse(body);
  if (!parsed.success) throw graphValidationError(parsed.error, SCIM_NAMES);
  const extra: ProvisioningAttributes = i.externalId === currentExternalId ? {} : { externalId: i.externalId };
  return { body: parsed.data, extra, changed: Object.keys(body).length > 0 || extra.externalId !== undefined };
}
