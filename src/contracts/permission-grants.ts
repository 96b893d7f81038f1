import { z } from 'zod';

/** Graph's oauth2PermissionGrant: delegated permissions of a client application on a resource API. */
export interface OAuth2PermissionGrant {
  id: string;
  /** Object id of the client's service principal. */
  clientId: string;
  consentType: 'AllPrincipals' | 'Principal';
  principalId: string | null;
  /** Object id of the resource API's service principal (Microsoft Graph). */
  resourceId: string;
  /** Space-separated delegated permission names. */
  scope: string;
}

const guid = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be a GUID');

export const createPermissionGrantBody = z
  .object({
    clientId: guid,
    consentType: z.enum(['AllPrincipals', 'Principal']),
    principalId: guid.nullable().optional(),
    resourceId: guid,
    scope: z.string().max(4000),
    // Graph accepts (and ignores) these legacy properties.
    startTime: z.string().max(64).optional(),
    expiryTime: z.string().max(64).optional(),
  })
  .strict();
export type CreatePermissionGrantBody = z.infer<typeof createPermissionGrantBody>;

export const updatePermissionGrantBody = z.object({ scope: z.string().max(4000) }).strict();
