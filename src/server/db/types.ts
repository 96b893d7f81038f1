// Row shapes as stored. Booleans are 0/1 integers and JSON is text on both dialects; repositories
// map rows to domain objects explicitly.

export interface TenantsTable {
  id: string;
  display_name: string;
  initial_domain: string;
  is_default: number;
  privacy_statement_url: string | null;
  privacy_contact_email: string | null;
  technical_notification_mails: string;
  created_date_time: string;
}

export interface UsersTable {
  id: string;
  tenant_id: string;
  display_name: string;
  given_name: string | null;
  surname: string | null;
  mail: string | null;
  mail_lower: string | null;
  other_mails: string;
  user_principal_name: string;
  upn_lower: string;
  user_type: string;
  account_enabled: number;
  creation_type: string | null;
  external_user_state: string | null;
  external_user_state_change_date_time: string | null;
  identities: string;
  department: string | null;
  job_title: string | null;
  company_name: string | null;
  preferred_language: string | null;
  password_hash: string | null;
  created_date_time: string;
}

export interface GroupsTable {
  id: string;
  tenant_id: string;
  display_name: string;
  description: string | null;
  mail_nickname: string;
  mail_nickname_lower: string;
  mail: string | null;
  mail_enabled: number;
  security_enabled: number;
  group_types: string;
  membership_rule: string | null;
  membership_rule_processing_state: string | null;
  on_premises_sync_enabled: number | null;
  visibility: string | null;
  is_assignable_to_role: number;
  created_by_user_id: string | null;
  created_date_time: string;
}

export interface GroupMembersTable {
  tenant_id: string;
  group_id: string;
  member_id: string;
  member_type: 'user' | 'group' | 'servicePrincipal';
  created_date_time: string;
}

export interface GroupOwnersTable {
  tenant_id: string;
  group_id: string;
  owner_id: string;
  owner_type: 'user' | 'servicePrincipal';
  created_date_time: string;
}

export interface RoleAssignmentsTable {
  id: string;
  tenant_id: string;
  principal_id: string;
  role_definition_id: string;
  directory_scope_id: string;
  created_date_time: string;
}

export interface PoliciesTable {
  tenant_id: string;
  name: string;
  value: string;
  updated_date_time: string;
}

export interface DirectoryAuditsTable {
  id: string;
  tenant_id: string;
  activity_date_time: string;
  activity_display_name: string;
  category: string;
  correlation_id: string;
  logged_by_service: string;
  operation_type: string;
  result: string;
  result_reason: string;
  initiated_by: string;
  initiator_user_id: string | null;
  initiator_app_id: string | null;
  target_resources: string;
  additional_details: string;
}

export interface DirectoryAuditTargetsTable {
  audit_id: string;
  tenant_id: string;
  target_id: string;
}

export interface AutomationClientsTable {
  id: string;
  tenant_id: string;
  display_name: string;
  secret_hash: string;
  permissions: string;
  created_date_time: string;
}

export interface SigningKeysTable {
  kid: string;
  tenant_id: string;
  alg: string;
  private_jwk: string;
  public_jwk: string;
  created_date_time: string;
  retired_date_time: string | null;
}

export interface InstanceSecretsTable {
  name: string;
  value: string;
  created_date_time: string;
}

export interface OidcPayloadsTable {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: string | null;
  consumed_at: string | null;
}

export interface RateLimitsTable {
  key: string;
  count: number;
  window_ends_at: string;
}

export type OutboxStatus = 'pending' | 'sent' | 'dead';

export interface OutboxTable {
  id: string;
  tenant_id: string;
  kind: string;
  /** Stable RFC 5322 Message-ID `<uuid@tenant-domain>`, the same on every delivery attempt. */
  message_id: string;
  /** JSON `MailPayload`: from, to[], cc[], replyTo?, subject, text, html, headers{}. */
  payload: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  last_error: string | null;
  created_date_time: string;
  sent_date_time: string | null;
}

export interface DevMailboxTable {
  id: string;
  tenant_id: string;
  outbox_id: string;
  message_id: string;
  from: string;
  /** JSON array of bare addresses. */
  to: string;
  /** JSON array of bare addresses. */
  cc: string;
  subject: string;
  text: string;
  html: string | null;
  received_date_time: string;
}

export interface InvitationsTable {
  id: string;
  tenant_id: string;
  user_id: string;
  invited_email: string;
  invited_email_lower: string;
  invited_user_type: string;
  invited_by_user_id: string | null;
  invited_by_app_id: string | null;
  invite_redirect_url: string;
  ticket_hash: string;
  status: 'PendingAcceptance' | 'Completed' | 'Revoked';
  send_invitation_message: number;
  message_body: string | null;
  message_language: string | null;
  cc_recipients: string;
  target_group_id: string | null;
  reset_redemption: number;
  created_date_time: string;
  redeemed_date_time: string | null;
}

export interface UserSponsorsTable {
  tenant_id: string;
  user_id: string;
  sponsor_id: string;
  created_date_time: string;
}

export interface InvitationUnsubscribesTable {
  tenant_id: string;
  email_lower: string;
  created_date_time: string;
}

export interface OtpCodesTable {
  id: string;
  tenant_id: string;
  user_id: string;
  email_lower: string;
  purpose: 'redeem' | 'signin';
  invitation_id: string | null;
  code_hash: string;
  attempts: number;
  created_date_time: string;
  expires_at: string;
  consumed_at: string | null;
}

export interface ServicePrincipalsTable {
  id: string;
  tenant_id: string;
  app_id: string;
  display_name: string;
  description: string | null;
  notes: string | null;
  homepage: string | null;
  login_url: string | null;
  logout_url: string | null;
  reply_urls: string;
  preferred_single_sign_on_mode: string | null;
  app_role_assignment_required: number;
  app_roles: string;
  tags: string;
  account_enabled: number;
  logo_url: string | null;
  service_principal_names: string;
  saml_relay_state: string | null;
  self_service_access: string;
  key_credentials: string;
  /** JSON SamlSettings (0005). */
  saml_settings: string;
  application_template_id: string | null;
  created_date_time: string;
}

export interface ServicePrincipalNamesTable {
  tenant_id: string;
  name_lower: string;
  service_principal_id: string;
}

export interface ServicePrincipalOwnersTable {
  tenant_id: string;
  service_principal_id: string;
  owner_id: string;
  created_date_time: string;
}

export interface ServicePrincipalPasswordsTable {
  key_id: string;
  tenant_id: string;
  service_principal_id: string;
  display_name: string | null;
  hint: string;
  secret_hash: string;
  start_date_time: string;
  end_date_time: string;
  created_date_time: string;
}

export interface AppRoleAssignmentsTable {
  id: string;
  tenant_id: string;
  resource_id: string;
  principal_id: string;
  principal_type: string;
  app_role_id: string;
  created_date_time: string;
}

export interface SamlSigningCertificatesTable {
  key_id: string;
  tenant_id: string;
  service_principal_id: string | null;
  initial_for_tenant: string | null;
  display_name: string;
  certificate_pem: string;
  private_key_pem: string;
  thumbprint: string;
  start_date_time: string;
  end_date_time: string;
  created_date_time: string;
}

export interface SamlRequestIdsTable {
  tenant_id: string;
  service_principal_id: string;
  request_id: string;
  expires_at: string;
}

export interface DB {
  tenants: TenantsTable;
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  group_owners: GroupOwnersTable;
  role_assignments: RoleAssignmentsTable;
  policies: PoliciesTable;
  directory_audits: DirectoryAuditsTable;
  directory_audit_targets: DirectoryAuditTargetsTable;
  automation_clients: AutomationClientsTable;
  signing_keys: SigningKeysTable;
  instance_secrets: InstanceSecretsTable;
  oidc_payloads: OidcPayloadsTable;
  rate_limits: RateLimitsTable;
  invitations: InvitationsTable;
  user_sponsors: UserSponsorsTable;
  invitation_unsubscribes: InvitationUnsubscribesTable;
  otp_codes: OtpCodesTable;
  outbox: OutboxTable;
  dev_mailbox: DevMailboxTable;
  service_principals: ServicePrincipalsTable;
  service_principal_names: ServicePrincipalNamesTable;
  service_principal_owners: ServicePrincipalOwnersTable;
  service_principal_passwords: ServicePrincipalPasswordsTable;
  app_role_assignments: AppRoleAssignmentsTable;
  saml_signing_certificates: SamlSigningCertificatesTable;
  saml_request_ids: SamlRequestIdsTable;
}
