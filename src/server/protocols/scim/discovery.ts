import type { Json } from './patch.js';
import { MAX_COUNT } from './query.js';
import { SCHEMAS, URN } from './schema.js';

/** Bulk limits, advertised in ServiceProviderConfig and enforced by bulk.ts. */
export const BULK_MAX_OPERATIONS = 100;
export const BULK_MAX_PAYLOAD = 1024 * 1024;

/** The discovery documents (RFC 7644 §4); `base` is the SCIM base URL of the request. */

export function serviceProviderConfig(base: string): Json {
  return {
    schemas: [URN.serviceProviderConfig],
    patch: { supported: true },
    bulk: { supported: true, maxOperations: BULK_MAX_OPERATIONS, maxPayloadSize: BULK_MAX_PAYLOAD },
    filter: { supported: true, maxResults: MAX_COUNT },
    changePassword: { supported: true },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description:
          'An access token of an application (client credentials grant) holding SynchronizationData-User.Upload, User.ReadWrite.All, Group.ReadWrite.All, GroupMember.ReadWrite.All or Directory.ReadWrite.All.',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

const resourceTypeDoc = (base: string, name: 'User' | 'Group'): Json => ({
  schemas: [URN.resourceType],
  id: name,
  name,
  endpoint: `/${name}s`,
  description: name === 'User' ? 'Member users of the directory' : 'Groups of the directory',
  schema: name === 'User' ? URN.user : URN.group,
  ...(name === 'User' ? { schemaExtensions: [{ schema: URN.enterprise, required: false }] } : {}),
  meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/${name}` },
});

export const resourceTypes = (base: string): Json[] => [resourceTypeDoc(base, 'User'), resourceTypeDoc(base, 'Group')];

export const schemaDocs = (base: string): Json[] =>
  SCHEMAS.map((s) => ({
    schemas: [URN.schema],
    id: s.id,
    name: s.name,
    description: s.description,
    attributes: s.attributes,
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${s.id}` },
  }));

/** A list of discovery resources as a ListResponse (RFC 7644 §4: /Schemas and /ResourceTypes). */
export const listOf = (resources: Json[]): Json => ({
  schemas: [URN.listResponse],
  totalResults: resources.length,
  startIndex: 1,
  itemsPerPage: resources.length,
  Resources: resources,
});
