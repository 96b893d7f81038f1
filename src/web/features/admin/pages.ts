// The admin center's pages, loaded as one chunk on first visit to /admin (portal users never download it).
export { AuditLogs } from '../audit/AuditLogs';
export { DevMailbox } from '../devmailbox/DevMailbox';
export { ExternalCollaboration } from '../external/ExternalCollaboration';
export { GroupDetail } from '../groups/GroupDetail';
export { GroupSettings } from '../groups/GroupSettings';
export { GroupsList } from '../groups/GroupsList';
export { NewGroup } from '../groups/NewGroup';
export { GuestsList } from '../invitations/GuestsList';
export { InviteExternalUser } from '../invitations/InviteExternalUser';
export { OrganizationPage } from '../organization/OrganizationPage';
export { RoleDetail } from '../roles/RoleDetail';
export { RolesList } from '../roles/RolesList';
export { NewUser } from '../users/NewUser';
export { UserDetail } from '../users/UserDetail';
export { UsersList } from '../users/UsersList';
export { AdminHome } from './AdminHome';
