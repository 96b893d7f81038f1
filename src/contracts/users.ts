import { z } from 'zod';
import { displayString, emailAddress, optionalText } from './common.js';

export interface ObjectIdentity {
  signInType: string;
  issuer: string;
  issuerAssignedId: string;
}

/** The Graph `user` resource as Portico returns it. */
export interface User {
  id: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  otherMails: string[];
  userPrincipalName: string;
  userType: 'Member' | 'Guest';
  accountEnabled: boolean;
  creationType: string | null;
  externalUserState: 'PendingAcceptance' | 'Accepted' | null;
  externalUserStateChangeDateTime: string | null;
  createdDateTime: string;
  identities: ObjectIdentity[];
  department: string | null;
  jobTitle: string | null;
  companyName: string | null;
  preferredLanguage: string | null;
  /** Country or region (Graph `country`); membership rules can use it. */
  country: string | null;
  city: string | null;
}

const UPN = /^[A-Za-z0-9!$%&'*+/=?^_`{|}~.-]+@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export const userPrincipalName = z
  .string()
  .trim()
  .max(113, 'must be at most 113 characters')
  .refine((s) => UPN.test(s) && !s.startsWith('.') && !s.split('@')[0]?.endsWith('.'), {
    message: "must look like alias@domain (letters, digits and . _ - ' are allowed in the alias; # is reserved for guests)",
  });

export const passwordProfile = z
  .object({
    password: z.string().min(1).max(256),
    forceChangePasswordNextSignIn: z.boolean().optional(),
    forceChangePasswordNextSignInWithMfa: z.boolean().optional(),
  })
  .strict();

const common = {
  givenName: optionalText(64),
  surname: optionalText(64),
  mail: emailAddress.nullable().optional(),
  otherMails: z.array(emailAddress).max(250).optional(),
  department: optionalText(64),
  jobTitle: optionalText(128),
  companyName: optionalText(64),
  country: optionalText(128),
  city: optionalText(128),
  preferredLanguage: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be an ISO 639-1 language tag such as en-US')
    .nullable()
    .optional(),
  accountEnabled: z.boolean().optional(),
  userType: z.enum(['Member', 'Guest']).optional(),
};

export const createUserBody = z
  .object({
    displayName: displayString(256),
    userPrincipalName,
    passwordProfile,
    mailNickname: z.string().max(64).optional(),
    ...common,
  })
  .strict();
export type CreateUserBody = z.infer<typeof createUserBody>;

export const updateUserBody = z
  .object({
    displayName: displayString(256).optional(),
    userPrincipalName: userPrincipalName.optional(),
    passwordProfile: passwordProfile.optional(),
    mailNickname: z.string().max(64).optional(),
    ...common,
  })
  .strict();
export type UpdateUserBody = z.infer<typeof updateUserBody>;
