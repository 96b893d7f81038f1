import { z } from 'zod';

/** Graph `unifiedRoleDefinition` as Portico returns it (built-in roles only). */
export interface UnifiedRoleDefinition {
  id: string;
  templateId: string;
  displayName: string;
  description: string;
  isBuiltIn: boolean;
  isEnabled: boolean;
  resourceScopes: string[];
  rolePermissions: { allowedResourceActions: string[]; condition: string | null }[];
  version: string | null;
}

/** Graph `unifiedRoleAssignment` (directory-wide scope only). */
export interface UnifiedRoleAssignment {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  appScopeId: string | null;
  condition: string | null;
}

/** POST /roleManagement/directory/roleAssignments. */
export const createRoleAssignmentBody = z
  .object({
    '@odata.type': z.literal('#microsoft.graph.unifiedRoleAssignment').optional(),
    principalId: z.string().trim().min(1, 'is required').max(256),
    roleDefinitionId: z.string().trim().min(1, 'is required').max(256),
    directoryScopeId: z.string().trim().max(256).optional(),
  })
  .strict();
export type CreateRoleAssignmentBody = z.infer<typeof createRoleAssignmentBody>;
