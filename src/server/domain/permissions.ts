/** Graph application permissions that automation clients can hold (the `roles` claim). */
export const applicationPermissions = [
  'User.Read.All',
  'User.ReadWrite.All',
  'User.Invite.All',
  'Group.Read.All',
  'Group.ReadWrite.All',
  'Group.Create',
  'GroupMember.Read.All',
  'GroupMember.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
  'RoleManagement.Read.Directory',
  'RoleManagement.ReadWrite.Directory',
  'Policy.Read.All',
  'Policy.ReadWrite.Authorization',
  'Organization.Read.All',
  'Organization.ReadWrite.All',
  'AuditLog.Read.All',
  'Application.Read.All',
  'Application.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'DelegatedPermissionGrant.ReadWrite.All',
  /** Entra's API-driven inbound provisioning: create, read and update members (SCIM /Users), never delete. */
  'SynchronizationData-User.Upload',
] as const;

export type ApplicationPermission = (typeof applicationPermissions)[number];

export const isApplicationPermission = (p: string): p is ApplicationPermission =>
  (applicationPermissions as readonly string[]).includes(p);
