/**
 * The SCIM schemas Portico serves (RFC 7643 §4, §8.7): one description of each attribute, used for
 * the /Schemas documents, case-insensitive attribute names in bodies and PATCH paths, and the
 * comparison rules (caseExact) of value filters. Only attributes Portico stores are listed; others
 * that clients send (phoneNumbers, addresses, employeeNumber, manager…) are ignored.
 */

export const URN = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  bulkRequest: 'urn:ietf:params:scim:api:messages:2.0:BulkRequest',
  bulkResponse: 'urn:ietf:params:scim:api:messages:2.0:BulkResponse',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

export interface AttributeDef {
  name: string;
  type: 'string' | 'boolean' | 'dateTime' | 'reference' | 'complex';
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDef[];
}

const attr = (name: string, description: string, o: Partial<AttributeDef> = {}): AttributeDef => ({
  name,
  type: 'string',
  multiValued: false,
  description,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...o,
});

const USER_ATTRIBUTES: AttributeDef[] = [
  attr('userName', 'userPrincipalName in Portico: alias@domain of a verified domain.', { required: true, uniqueness: 'server' }),
  attr('name', "The user's name.", {
    type: 'complex',
    subAttributes: [
      attr('formatted', 'givenName and familyName joined (read-only).', { mutability: 'readOnly' }),
      attr('givenName', 'givenName in Portico.'),
      attr('familyName', 'surname in Portico.'),
    ],
  }),
  attr('displayName', 'displayName in Portico (required there: derived from name or userName when absent).'),
  attr('title', 'jobTitle in Portico.'),
  attr('userType', "Always 'Member': guests are invited, not provisioned, and are not exposed over SCIM.", {
    mutability: 'readOnly',
  }),
  attr('preferredLanguage', 'preferredLanguage in Portico, e.g. en-US.'),
  attr('active', 'accountEnabled in Portico.', { type: 'boolean' }),
  attr('password', 'Sets the password (write-only). Without one, a random password nobody knows is set.', {
    mutability: 'writeOnly',
    returned: 'never',
    caseExact: true,
  }),
  attr('emails', "mail (type 'work', primary) and otherMails (type 'other') in Portico.", {
    type: 'complex',
    multiValued: true,
    subAttributes: [
      attr('value', 'The e-mail address.'),
      attr('type', 'work or other.', { canonicalValues: ['work', 'other'] }),
      attr('primary', 'The work address (mail) is the primary one.', { type: 'boolean' }),
    ],
  }),
  attr('groups', 'Groups the user is a direct member of (read-only; change them through /Groups).', {
    type: 'complex',
    multiValued: true,
    mutability: 'readOnly',
    subAttributes: [
      attr('value', 'Group id.', { mutability: 'readOnly', caseExact: true }),
      attr('$ref', 'URI of the group.', { type: 'reference', referenceTypes: ['Group'], mutability: 'readOnly' }),
      attr('display', 'Group displayName.', { mutability: 'readOnly' }),
      attr('type', "'direct'.", { mutability: 'readOnly', canonicalValues: ['direct'] }),
    ],
  }),
];

const ENTERPRISE_ATTRIBUTES: AttributeDef[] = [
  attr('department', 'department in Portico.'),
  attr('organization', 'companyName in Portico.'),
];

const GROUP_ATTRIBUTES: AttributeDef[] = [
  attr('displayName', 'displayName in Portico.', { required: true }),
  attr('members', 'Direct members: member users and groups (guests are not listed and never removed by SCIM).', {
    type: 'complex',
    multiValued: true,
    subAttributes: [
      attr('value', 'Id of the member user or group.', { mutability: 'immutable', caseExact: true }),
      attr('$ref', 'URI of the member.', { type: 'reference', referenceTypes: ['User', 'Group'], mutability: 'immutable' }),
      attr('display', 'displayName of the member (read-only).', { mutability: 'readOnly' }),
      attr('type', 'User or Group.', { mutability: 'immutable', canonicalValues: ['User', 'Group'] }),
    ],
  }),
];

/** Attributes every resource has (RFC 7643 §3.1), outside the schemas. */
const COMMON_ATTRIBUTES: AttributeDef[] = [
  attr('id', 'Object id (GUID).', { mutability: 'readOnly', returned: 'always', caseExact: true, uniqueness: 'server' }),
  attr('externalId', "The provisioning client's identifier of the resource (case-exact).", { caseExact: true }),
  attr('meta', 'Resource metadata.', {
    type: 'complex',
    mutability: 'readOnly',
    subAttributes: [
      attr('resourceType', 'User or Group.', { mutability: 'readOnly', caseExact: true }),
      attr('created', 'When the object was created.', { type: 'dateTime', mutability: 'readOnly' }),
      attr('lastModified', 'Its latest audited change.', { type: 'dateTime', mutability: 'readOnly' }),
      attr('location', 'Its URI.', { type: 'reference', mutability: 'readOnly', caseExact: true }),
      attr('version', 'Weak ETag; send it in If-Match.', { mutability: 'readOnly', caseExact: true }),
    ],
  }),
];

export type ResourceKind = 'User' | 'Group';

export const SCHEMAS: { id: string; name: string; description: string; attributes: AttributeDef[] }[] = [
  { id: URN.user, name: 'User', description: 'User account (Portico member user)', attributes: USER_ATTRIBUTES },
  { id: URN.enterprise, name: 'EnterpriseUser', description: 'Enterprise user', attributes: ENTERPRISE_ATTRIBUTES },
  { id: URN.group, name: 'Group', description: 'Group (Portico group)', attributes: GROUP_ATTRIBUTES },
];

/** Where an attribute lives in a resource: the core object, or the object under an extension URN. */
export interface ResolvedAttribute {
  /** The extension URN whose object holds the attribute; undefined for core and common attributes. */
  extension?: string;
  def: AttributeDef;
}

const coreOf = (kind: ResourceKind) => (kind === 'User' ? URN.user : URN.group);

/**
 * Finds an attribute by name (case-insensitive), optionally qualified by its schema URN. Returns
 * undefined for attributes Portico does not have.
 */
export function findAttribute(kind: ResourceKind, name: string, schema?: string): ResolvedAttribute | undefined {
  const lower = name.toLowerCase();
  const pick = (list: AttributeDef[]) => list.find((a) => a.name.toLowerCase() === lower);
  const s = schema?.toLowerCase();
  if (kind === 'User' && (s === URN.enterprise.toLowerCase() || (s === undefined && pick(ENTERPRISE_ATTRIBUTES)))) {
    const def = pick(ENTERPRISE_ATTRIBUTES);
    return def && { extension: URN.enterprise, def };
  }
  if (s !== undefined && s !== coreOf(kind).toLowerCase()) return undefined;
  const def = pick(kind === 'User' ? USER_ATTRIBUTES : GROUP_ATTRIBUTES) ?? pick(COMMON_ATTRIBUTES);
  return def && { def };
}

export const findSubAttribute = (def: AttributeDef, name: string): AttributeDef | undefined =>
  def.subAttributes?.find((a) => a.name.toLowerCase() === name.toLowerCase());

/** The extension schema URNs a resource kind may carry. */
export const extensionsOf = (kind: ResourceKind): string[] => (kind === 'User' ? [URN.enterprise] : []);

/**
 * Attributes RFC 7643 defines that Portico does not keep. Clients send them as their mappings say
 * (Entra's defaults include phoneNumbers, addresses, employeeNumber and manager): bodies drop them
 * and PATCH operations on them change nothing, rather than failing the whole request.
 */
const NOT_KEPT: Record<ResourceKind, Record<string, readonly string[]>> = {
  User: {
    [URN.user]: [
      'nickName',
      'profileUrl',
      'timezone',
      'locale',
      'phoneNumbers',
      'ims',
      'photos',
      'addresses',
      'entitlements',
      'roles',
      'x509Certificates',
    ],
    [URN.enterprise]: ['employeeNumber', 'costCenter', 'division', 'manager'],
  },
  Group: { [URN.group]: [] },
};
const NAME_PARTS_NOT_KEPT = ['middlename', 'honorificprefix', 'honorificsuffix'];

/** Is `attr[.sub]` (optionally schema-qualified) an RFC attribute Portico does not keep? */
export function notKept(kind: ResourceKind, attr: string, sub?: string, schema?: string): boolean {
  const a = attr.toLowerCase();
  if (
    kind === 'User' &&
    a === 'name' &&
    sub !== undefined &&
    (schema === undefined || schema.toLowerCase() === URN.user.toLowerCase())
  ) {
    return NAME_PARTS_NOT_KEPT.includes(sub.toLowerCase());
  }
  return Object.entries(NOT_KEPT[kind]).some(
    ([urn, names]) =>
      (schema === undefined || schema.toLowerCase() === urn.toLowerCase()) && names.some((n) => n.toLowerCase() === a),
  );
}
