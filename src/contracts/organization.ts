import { z } from 'zod';
import { displayString, emailAddress } from './common.js';

export interface VerifiedDomain {
  name: string;
  isDefault: boolean;
  isInitial: boolean;
  type: 'Managed';
  capabilities: string;
}

/** Graph `organization` (the tenant) as Portico returns it. */
export interface Organization {
  id: string;
  displayName: string;
  tenantType: 'AAD';
  verifiedDomains: VerifiedDomain[];
  privacyProfile: { statementUrl: string | null; contactEmail: string | null };
  technicalNotificationMails: string[];
  createdDateTime: string;
}

const httpUrl = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an absolute http:// or https:// URL');

/**
 * PATCH /organization/{id}. As in Graph, a complex property (`privacyProfile`) is replaced as a
 * whole: a sub-property left out becomes null.
 */
export const updateOrganizationBody = z
  .object({
    displayName: displayString(256).optional(),
    privacyProfile: z
      .object({
        statementUrl: httpUrl.nullable().optional(),
        contactEmail: emailAddress.nullable().optional(),
      })
      .strict()
      .nullable()
      .optional(),
    technicalNotificationMails: z.array(emailAddress).max(10, 'must have at most 10 addresses').optional(),
  })
  .strict();
export type UpdateOrganizationBody = z.infer<typeof updateOrganizationBody>;
