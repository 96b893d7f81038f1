/**
 * The database type: the tables of every unit, assembled from their `*.table.ts` files. Each unit owns
 * its tables; only its repository queries them (test/unit/architecture.test.ts enforces it).
 */
import type { AppRegistrationsTables } from '../modules/applications/app-registrations.table.js';
import type { ApplicationsTables } from '../modules/applications/applications.table.js';
import type { AuditTables } from '../modules/audit/audit.table.js';
import type { ClientsTables } from '../modules/clients/clients.table.js';
import type { DirectoryTables } from '../modules/directory/directory.table.js';
import type { GroupsTables } from '../modules/groups/groups.table.js';
import type { InvitationsTables } from '../modules/invitations/invitations.table.js';
import type { MailTables } from '../modules/mail/mail.table.js';
import type { PermissionGrantsTables } from '../modules/permission-grants/permission-grants.table.js';
import type { PoliciesTables } from '../modules/policies/policies.table.js';
import type { RedemptionTables } from '../modules/redemption/redemption.table.js';
import type { RequestsTables } from '../modules/requests/requests.table.js';
import type { RolesTables } from '../modules/roles/roles.table.js';
import type { SignInsTables } from '../modules/signins/signins.table.js';
import type { TenantsTables } from '../modules/tenants/tenants.table.js';
import type { UsersTables } from '../modules/users/users.table.js';
import type { PlatformTables } from '../platform/platform.table.js';
import type { OidcTables } from '../protocols/oidc/oidc.table.js';
import type { SamlTables } from '../protocols/saml/saml.table.js';

export interface DB
  extends TenantsTables,
    UsersTables,
    GroupsTables,
    RolesTables,
    PoliciesTables,
    PermissionGrantsTables,
    AuditTables,
    ClientsTables,
    PlatformTables,
    OidcTables,
    InvitationsTables,
    RedemptionTables,
    MailTables,
    ApplicationsTables,
    AppRegistrationsTables,
    RequestsTables,
    SamlTables,
    DirectoryTables,
    SignInsTables {}
