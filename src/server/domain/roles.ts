/** Built-in directory roles with Entra's template ids (entra-behaviour.md §5). */
export const RoleIds = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  groupsAdministrator: 'fdd7a751-b60b-444a-984c-02652fe8fa1c',
  guestInviter: '95e79109-95c0-4d8e-aee3-d01accf2d47b',
  applicationAdministrator: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  cloudApplicationAdministrator: '158c047a-c907-4556-b7ef-446551a6b5f7',
  helpdeskAdministrator: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  privilegedRoleAdministrator: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  passwordAdministrator: '966707d0-3269-4727-9be2-8c3a10f19b9d',
  authenticationAdministrator: 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  privilegedAuthenticationAdministrator: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  directoryReaders: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b',
  reportsReader: '4a5d8f65-41da-4de4-8968-e035b65339cf',
  messageCenterReader: '790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b',
  usageSummaryReportsReader: '75934031-6c7e-415a-99d7-48dbd49e875e',
} as const;

export type RoleId = (typeof RoleIds)[keyof typeof RoleIds];

export interface RoleDefinition {
  id: RoleId;
  templateId: RoleId;
  displayName: string;
  description: string;
  isBuiltIn: true;
  isEnabled: true;
  /** Privileged roles: holders can only be managed by Global / Privileged Role Administrators. */
  isPrivileged: boolean;
}

const def = (id: RoleId, displayName: string, description: string, isPrivileged: boolean): RoleDefinition => ({
  id,
  templateId: id,
  displayName,
  description,
  isBuiltIn: true,
  isEnabled: true,
  isPrivileged,
});

export const roleDefinitions: readonly RoleDefinition[] = [
  def(
    RoleIds.globalAdministrator,
    'Global Administrator',
    'Can manage all aspects of the directory, including roles, policies, users, groups and applications.',
    true,
  ),
  def(
    RoleIds.userAdministrator,
    'User Administrator',
    'Can manage all aspects of users and groups, invite guests and assign users and groups to applications.',
    true,
  ),
  def(
    RoleIds.groupsAdministrator,
    'Groups Administrator',
    'Members of this role can create/manage groups, create/manage group settings like naming and expiration policies.',
    false,
  ),
  def(
    RoleIds.guestInviter,
    'Guest Inviter',
    'Can invite guest users independent of the "members can invite guests" setting.',
    false,
  ),
  def(
    RoleIds.applicationAdministrator,
    'Application Administrator',
    'Can create and manage all aspects of app registrations and enterprise apps.',
    true,
  ),
  def(
    RoleIds.cloudApplicationAdministrator,
    'Cloud Application Administrator',
    'Can create and manage all aspects of app registrations and enterprise apps except App Proxy.',
    true,
  ),
  def(
    RoleIds.helpdeskAdministrator,
    'Helpdesk Administrator',
    'Can reset passwords for non-administrators and reset the redemption status of guests.',
    true,
  ),
  def(
    RoleIds.privilegedRoleAdministrator,
    'Privileged Role Administrator',
    'Can manage role assignments in the directory.',
    true,
  ),
  def(
    RoleIds.passwordAdministrator,
    'Password Administrator',
    'Can reset passwords for non-administrators and Password Administrators.',
    true,
  ),
  def(
    RoleIds.authenticationAdministrator,
    'Authentication Administrator',
    'Can view, set and reset authentication method information for any non-admin user.',
    true,
  ),
  def(
    RoleIds.privilegedAuthenticationAdministrator,
    'Privileged Authentication Administrator',
    'Can view, set and reset authentication method information for any user (admin or non-admin).',
    true,
  ),
  def(RoleIds.directoryReaders, 'Directory Readers', 'Can read basic directory information.', false),
  def(RoleIds.reportsReader, 'Reports Reader', 'Can read sign-in and audit reports.', false),
  def(
    RoleIds.messageCenterReader,
    'Message Center Reader',
    'Can read messages and updates for their organization in the message center only.',
    false,
  ),
  def(
    RoleIds.usageSummaryReportsReader,
    'Usage Summary Reports Reader',
    "Can read usage reports and adoption score, but can't access user details.",
    false,
  ),
];

export const findRoleDefinition = (id: string): RoleDefinition | undefined =>
  roleDefinitions.find((r) => r.id === id.toLowerCase());
