-- migrations: 0001_directory 0002_mail 0003_invitations 0004_applications 0005_saml 0006_read_models 0007_dynamic_groups 0008_sign_in_revocation 0009_self_service 0010_addresses 0011_scim 0013_deleted_items_and_changes 0014_sign_ins 0016_saml_logout 0017_oauth2_permission_grants 0018_graph_service_principal 0019_application_registrations 0020_user_manager

-- index app_access_requests_app_ix on app_access_requests
CREATE INDEX "app_access_requests_app_ix" on "app_access_requests" ("tenant_id", "service_principal_id", "status");

-- index app_access_requests_pending_uq on app_access_requests
CREATE UNIQUE INDEX "app_access_requests_pending_uq" on "app_access_requests" ("tenant_id", "service_principal_id", "requester_id") where "status" = 'pending';

-- index app_access_requests_requester_ix on app_access_requests
CREATE INDEX "app_access_requests_requester_ix" on "app_access_requests" ("tenant_id", "requester_id", "created_date_time");

-- index app_role_assignments_principal_ix on app_role_assignments
CREATE INDEX "app_role_assignments_principal_ix" on "app_role_assignments" ("tenant_id", "principal_id");

-- index app_role_assignments_uq on app_role_assignments
CREATE UNIQUE INDEX "app_role_assignments_uq" on "app_role_assignments" ("resource_id", "principal_id", "app_role_id");

-- index application_registrations_sp_uq on application_registrations
CREATE UNIQUE INDEX "application_registrations_sp_uq" on "application_registrations" ("service_principal_id");

-- index application_registrations_tenant_ix on application_registrations
CREATE INDEX "application_registrations_tenant_ix" on "application_registrations" ("tenant_id");

-- index deleted_directory_objects_purge_ix on deleted_directory_objects
CREATE INDEX "deleted_directory_objects_purge_ix" on "deleted_directory_objects" ("deleted_date_time");

-- index deleted_directory_objects_type_ix on deleted_directory_objects
CREATE INDEX "deleted_directory_objects_type_ix" on "deleted_directory_objects" ("tenant_id", "object_type", "deleted_date_time");

-- index dev_mailbox_outbox_uq on dev_mailbox
CREATE UNIQUE INDEX "dev_mailbox_outbox_uq" on "dev_mailbox" ("outbox_id");

-- index dev_mailbox_received_ix on dev_mailbox
CREATE INDEX "dev_mailbox_received_ix" on "dev_mailbox" ("tenant_id", "received_date_time", "id");

-- index directory_audit_targets_ix on directory_audit_targets
CREATE INDEX "directory_audit_targets_ix" on "directory_audit_targets" ("tenant_id", "target_id");

-- index directory_audits_time_ix on directory_audits
CREATE INDEX "directory_audits_time_ix" on "directory_audits" ("tenant_id", "activity_date_time", "id");

-- index directory_changes_pending_ix on directory_changes
CREATE INDEX "directory_changes_pending_ix" on "directory_changes" ("tenant_id", "seq");

-- index directory_changes_purge_ix on directory_changes
CREATE INDEX "directory_changes_purge_ix" on "directory_changes" ("created_date_time");

-- index directory_changes_seq_ix on directory_changes
CREATE INDEX "directory_changes_seq_ix" on "directory_changes" ("tenant_id", "object_type", "seq");

-- index group_join_requests_group_ix on group_join_requests
CREATE INDEX "group_join_requests_group_ix" on "group_join_requests" ("tenant_id", "group_id", "status");

-- index group_join_requests_pending_uq on group_join_requests
CREATE UNIQUE INDEX "group_join_requests_pending_uq" on "group_join_requests" ("tenant_id", "group_id", "requester_id") where "status" = 'pending';

-- index group_join_requests_requester_ix on group_join_requests
CREATE INDEX "group_join_requests_requester_ix" on "group_join_requests" ("tenant_id", "requester_id", "created_date_time");

-- index group_members_member_ix on group_members
CREATE INDEX "group_members_member_ix" on "group_members" ("member_id", "group_id");

-- index group_owners_owner_ix on group_owners
CREATE INDEX "group_owners_owner_ix" on "group_owners" ("owner_id", "group_id");

-- index groups_display_name_ix on groups
CREATE INDEX "groups_display_name_ix" on "groups" ("tenant_id", "display_name", "id");

-- index groups_external_id_ix on groups
CREATE INDEX "groups_external_id_ix" on "groups" ("tenant_id", "external_id");

-- index groups_mail_nickname_ix on groups
CREATE INDEX "groups_mail_nickname_ix" on "groups" ("tenant_id", "mail_nickname_lower");

-- index groups_rule_processing_ix on groups
CREATE INDEX "groups_rule_processing_ix" on "groups" ("tenant_id", "membership_rule_processing_state");

-- index invitations_ticket_uq on invitations
CREATE UNIQUE INDEX "invitations_ticket_uq" on "invitations" ("ticket_hash");

-- index invitations_user_ix on invitations
CREATE INDEX "invitations_user_ix" on "invitations" ("tenant_id", "user_id", "created_date_time");

-- index oauth2_permission_grants_uq on oauth2_permission_grants
CREATE UNIQUE INDEX "oauth2_permission_grants_uq" on "oauth2_permission_grants" ("tenant_id", "client_id", "resource_id", "principal_key");

-- index oidc_payloads_account_ix on oidc_payloads
CREATE INDEX "oidc_payloads_account_ix" on "oidc_payloads" ("account_id");

-- index oidc_payloads_expires_ix on oidc_payloads
CREATE INDEX "oidc_payloads_expires_ix" on "oidc_payloads" ("expires_at");

-- index oidc_payloads_grant_ix on oidc_payloads
CREATE INDEX "oidc_payloads_grant_ix" on "oidc_payloads" ("grant_id");

-- index oidc_payloads_uid_ix on oidc_payloads
CREATE INDEX "oidc_payloads_uid_ix" on "oidc_payloads" ("uid");

-- index oidc_revoked_grants_expires_ix on oidc_revoked_grants
CREATE INDEX "oidc_revoked_grants_expires_ix" on "oidc_revoked_grants" ("expires_at");

-- index oidc_revoked_grants_revoked_ix on oidc_revoked_grants
CREATE INDEX "oidc_revoked_grants_revoked_ix" on "oidc_revoked_grants" ("revoked_at");

-- index otp_codes_email_ix on otp_codes
CREATE INDEX "otp_codes_email_ix" on "otp_codes" ("tenant_id", "email_lower", "created_date_time");

-- index outbox_due_ix on outbox
CREATE INDEX "outbox_due_ix" on "outbox" ("status", "next_attempt_at");

-- index outbox_tenant_ix on outbox
CREATE INDEX "outbox_tenant_ix" on "outbox" ("tenant_id", "created_date_time");

-- index role_assignments_uq on role_assignments
CREATE UNIQUE INDEX "role_assignments_uq" on "role_assignments" ("tenant_id", "principal_id", "role_definition_id", "directory_scope_id");

-- index saml_logouts_expiry_ix on saml_logouts
CREATE INDEX "saml_logouts_expiry_ix" on "saml_logouts" ("expires_at");

-- index saml_request_ids_expiry_ix on saml_request_ids
CREATE INDEX "saml_request_ids_expiry_ix" on "saml_request_ids" ("expires_at");

-- index saml_sessions_browser_ix on saml_sessions
CREATE INDEX "saml_sessions_browser_ix" on "saml_sessions" ("tenant_id", "browser_session");

-- index saml_sessions_expiry_ix on saml_sessions
CREATE INDEX "saml_sessions_expiry_ix" on "saml_sessions" ("expires_at");

-- index saml_sessions_logout_request_ix on saml_sessions
CREATE INDEX "saml_sessions_logout_request_ix" on "saml_sessions" ("logout_request_id");

-- index saml_sessions_principal_ix on saml_sessions
CREATE INDEX "saml_sessions_principal_ix" on "saml_sessions" ("tenant_id", "service_principal_id", "name_id");

-- index saml_signing_certificates_initial_uq on saml_signing_certificates
CREATE UNIQUE INDEX "saml_signing_certificates_initial_uq" on "saml_signing_certificates" ("initial_for_tenant");

-- index saml_signing_certificates_owner_ix on saml_signing_certificates
CREATE INDEX "saml_signing_certificates_owner_ix" on "saml_signing_certificates" ("tenant_id", "service_principal_id", "created_date_time");

-- index service_principal_names_sp_ix on service_principal_names
CREATE INDEX "service_principal_names_sp_ix" on "service_principal_names" ("service_principal_id");

-- index service_principal_owners_owner_ix on service_principal_owners
CREATE INDEX "service_principal_owners_owner_ix" on "service_principal_owners" ("owner_id", "service_principal_id");

-- index service_principal_passwords_sp_ix on service_principal_passwords
CREATE INDEX "service_principal_passwords_sp_ix" on "service_principal_passwords" ("service_principal_id");

-- index service_principals_app_id_uq on service_principals
CREATE UNIQUE INDEX service_principals_app_id_uq on service_principals (app_id) where app_id <> '00000003-0000-0000-c000-000000000000';

-- index service_principals_display_name_ix on service_principals
CREATE INDEX "service_principals_display_name_ix" on "service_principals" ("tenant_id", "display_name", "id");

-- index service_principals_tenant_app_id_uq on service_principals
CREATE UNIQUE INDEX "service_principals_tenant_app_id_uq" on "service_principals" ("tenant_id", "app_id");

-- index sign_ins_app_ix on sign_ins
CREATE INDEX "sign_ins_app_ix" on "sign_ins" ("tenant_id", "app_id");

-- index sign_ins_time_ix on sign_ins
CREATE INDEX "sign_ins_time_ix" on "sign_ins" ("tenant_id", "created_date_time", "id");

-- index sign_ins_user_ix on sign_ins
CREATE INDEX "sign_ins_user_ix" on "sign_ins" ("tenant_id", "user_id");

-- index sqlite_autoindex_app_access_requests_1 on app_access_requests
-- (implicit)

-- index sqlite_autoindex_app_role_assignments_1 on app_role_assignments
-- (implicit)

-- index sqlite_autoindex_application_registrations_1 on application_registrations
-- (implicit)

-- index sqlite_autoindex_automation_clients_1 on automation_clients
-- (implicit)

-- index sqlite_autoindex_deleted_directory_objects_1 on deleted_directory_objects
-- (implicit)

-- index sqlite_autoindex_dev_mailbox_1 on dev_mailbox
-- (implicit)

-- index sqlite_autoindex_directory_audit_targets_1 on directory_audit_targets
-- (implicit)

-- index sqlite_autoindex_directory_audits_1 on directory_audits
-- (implicit)

-- index sqlite_autoindex_directory_change_counters_1 on directory_change_counters
-- (implicit)

-- index sqlite_autoindex_directory_changes_1 on directory_changes
-- (implicit)

-- index sqlite_autoindex_group_join_requests_1 on group_join_requests
-- (implicit)

-- index sqlite_autoindex_group_members_1 on group_members
-- (implicit)

-- index sqlite_autoindex_group_owners_1 on group_owners
-- (implicit)

-- index sqlite_autoindex_groups_1 on groups
-- (implicit)

-- index sqlite_autoindex_instance_secrets_1 on instance_secrets
-- (implicit)

-- index sqlite_autoindex_invitation_unsubscribes_1 on invitation_unsubscribes
-- (implicit)

-- index sqlite_autoindex_invitations_1 on invitations
-- (implicit)

-- index sqlite_autoindex_oauth2_permission_grants_1 on oauth2_permission_grants
-- (implicit)

-- index sqlite_autoindex_oidc_payloads_1 on oidc_payloads
-- (implicit)

-- index sqlite_autoindex_oidc_revoked_grants_1 on oidc_revoked_grants
-- (implicit)

-- index sqlite_autoindex_otp_codes_1 on otp_codes
-- (implicit)

-- index sqlite_autoindex_outbox_1 on outbox
-- (implicit)

-- index sqlite_autoindex_policies_1 on policies
-- (implicit)

-- index sqlite_autoindex_rate_limits_1 on rate_limits
-- (implicit)

-- index sqlite_autoindex_role_assignments_1 on role_assignments
-- (implicit)

-- index sqlite_autoindex_saml_logouts_1 on saml_logouts
-- (implicit)

-- index sqlite_autoindex_saml_request_ids_1 on saml_request_ids
-- (implicit)

-- index sqlite_autoindex_saml_sessions_1 on saml_sessions
-- (implicit)

-- index sqlite_autoindex_saml_signing_certificates_1 on saml_signing_certificates
-- (implicit)

-- index sqlite_autoindex_service_principal_names_1 on service_principal_names
-- (implicit)

-- index sqlite_autoindex_service_principal_owners_1 on service_principal_owners
-- (implicit)

-- index sqlite_autoindex_service_principal_passwords_1 on service_principal_passwords
-- (implicit)

-- index sqlite_autoindex_service_principals_1 on service_principals
-- (implicit)

-- index sqlite_autoindex_sign_ins_1 on sign_ins
-- (implicit)

-- index sqlite_autoindex_signing_keys_1 on signing_keys
-- (implicit)

-- index sqlite_autoindex_tenants_1 on tenants
-- (implicit)

-- index sqlite_autoindex_user_other_mails_1 on user_other_mails
-- (implicit)

-- index sqlite_autoindex_user_sponsors_1 on user_sponsors
-- (implicit)

-- index sqlite_autoindex_users_1 on users
-- (implicit)

-- index tenants_initial_domain_uq on tenants
CREATE UNIQUE INDEX "tenants_initial_domain_uq" on "tenants" ("initial_domain");

-- index user_other_mails_user_ix on user_other_mails
CREATE INDEX "user_other_mails_user_ix" on "user_other_mails" ("user_id");

-- index user_sponsors_sponsor_ix on user_sponsors
CREATE INDEX "user_sponsors_sponsor_ix" on "user_sponsors" ("sponsor_id");

-- index users_display_name_ix on users
CREATE INDEX "users_display_name_ix" on "users" ("tenant_id", "display_name", "id");

-- index users_external_id_ix on users
CREATE INDEX "users_external_id_ix" on "users" ("tenant_id", "external_id");

-- index users_mail_uq on users
CREATE UNIQUE INDEX "users_mail_uq" on "users" ("tenant_id", "mail_lower");

-- index users_manager_ix on users
CREATE INDEX "users_manager_ix" on "users" ("tenant_id", "manager_id");

-- index users_upn_uq on users
CREATE UNIQUE INDEX "users_upn_uq" on "users" ("tenant_id", "upn_lower");

-- table app_access_requests on app_access_requests
CREATE TABLE "app_access_requests" ("id" text not null primary key, "tenant_id" text not null references "tenants" ("id"), "service_principal_id" text not null, "app_id" text not null, "app_display_name" text not null, "requester_id" text not null, "requester_display_name" text not null, "requester_user_principal_name" text, "justification" text not null, "group_id" text not null, "app_role_id" text not null, "require_approval" integer not null, "status" text not null, "created_date_time" text not null, "decided_by_id" text, "decided_by_display_name" text, "decided_date_time" text, "decision_reason" text);

-- table app_role_assignments on app_role_assignments
CREATE TABLE "app_role_assignments" ("id" text not null primary key, "tenant_id" text not null, "resource_id" text not null references "service_principals" ("id") on delete cascade, "principal_id" text not null, "principal_type" text not null, "app_role_id" text not null, "created_date_time" text not null);

-- table application_registrations on application_registrations
CREATE TABLE "application_registrations" ("id" text not null primary key, "tenant_id" text not null references "tenants" ("id"), "service_principal_id" text not null references "service_principals" ("id") on delete cascade, "spa_redirect_uris" text not null, "public_client_redirect_uris" text not null, "required_resource_access" text not null, "created_date_time" text not null);

-- table automation_clients on automation_clients
CREATE TABLE "automation_clients" ("id" text not null primary key, "tenant_id" text not null references "tenants" ("id"), "display_name" text not null, "secret_hash" text not null, "permissions" text not null, "created_date_time" text not null);

-- table deleted_directory_objects on deleted_directory_objects
CREATE TABLE "deleted_directory_objects" ("id" text not null primary key, "tenant_id" text not null, "object_type" text not null, "display_name" text, "user_principal_name" text, "mail" text, "deleted_date_time" text not null, "snapshot" text not null);

-- table dev_mailbox on dev_mailbox
CREATE TABLE "dev_mailbox" ("id" text not null primary key, "tenant_id" text not null, "outbox_id" text not null, "message_id" text not null, "from" text not null, "to" text not null, "cc" text default '[]' not null, "subject" text not null, "text" text not null, "html" text, "received_date_time" text not null);

-- table directory_audit_targets on directory_audit_targets
CREATE TABLE "directory_audit_targets" ("audit_id" text not null references "directory_audits" ("id") on delete cascade, "tenant_id" text not null, "target_id" text not null, constraint "directory_audit_targets_pk" primary key ("audit_id", "target_id"));

-- table directory_audits on directory_audits
CREATE TABLE "directory_audits" ("id" text not null primary key, "tenant_id" text not null, "activity_date_time" text not null, "activity_display_name" text not null, "category" text not null, "correlation_id" text not null, "logged_by_service" text not null, "operation_type" text not null, "result" text not null, "result_reason" text default '' not null, "initiated_by" text not null, "initiator_user_id" text, "initiator_app_id" text, "target_resources" text not null, "additional_details" text default '[]' not null);

-- table directory_change_counters on directory_change_counters
CREATE TABLE "directory_change_counters" ("tenant_id" text not null primary key, "seq" integer not null);

-- table directory_changes on directory_changes
CREATE TABLE "directory_changes" ("id" text not null primary key, "tenant_id" text not null, "object_type" text not null, "object_id" text not null, "member_id" text, "member_type" text, "member_change" text, "created_date_time" text not null, "seq" integer);

-- table group_join_requests on group_join_requests
CREATE TABLE "group_join_requests" ("id" text not null primary key, "tenant_id" text not null references "tenants" ("id"), "group_id" text not null, "group_display_name" text not null, "requester_id" text not null, "requester_display_name" text not null, "requester_user_principal_name" text, "justification" text, "status" text not null, "created_date_time" text not null, "decided_by_id" text, "decided_by_display_name" text, "decided_date_time" text, "decision_reason" text);

-- table group_members on group_members
CREATE TABLE "group_members" ("tenant_id" text not null, "group_id" text not null references "groups" ("id") on delete cascade, "member_id" text not null, "member_type" text not null, "created_date_time" text not null, constraint "group_members_pk" primary key ("group_id", "member_id"));

-- table group_owners on group_owners
CREATE TABLE "group_owners" ("tenant_id" text not null, "group_id" text not null references "groups" ("id") on delete cascade, "owner_id" text not null, "owner_type" text not null, "created_date_time" text not null, constraint "group_owners_pk" primary key ("group_id", "owner_id"));

-- table groups on groups
CREATE TABLE "groups" ("id" text not null primary key, "tenant_id" text not null references "tenants" ("id"), "display_name" text not null, "description" text, "mail_nickname" text not null, "mail_nickname_lower" text not null, "mail" text, "mail_enabled" integer default 0 not null, "security_enabled" integer default 1 not null, "group_types" text default '[]' not null, "membership_rule" text, "membership_rule_processing_state" text, "on_premises_sync_enabled" integer, "visibility" text, "is_assignable_to_role" integer default 0 not null, "created_by_user_id" text, "created_date_time" text not null, "join_policy" text default 'closed' not null, "external_id" text);

-- table instance_secrets on instance_secrets
CREATE TABLE "instance_secrets" ("name" text not null primary key, "value" text not null, "created_date_time" text not null);

-- table invitation_unsubscribes on invitation_unsubscribes
CREATE TABLE "invitation_unsubscribes" ("tenant_id" text not null references "tenants" ("id"), "email_lower" text not null, "created_date_time" text not null, constraint "invitation_unsubscribes_pk" primary key ("tenant_id", "email_lower"));

-- table invitations on invitations
CREATE TABLE "invitations" ("id" text not null primary key, "tenant_id" text not null references "tenants" ("id"), "user_id" text not null, "invited_email" text not null, "invited_email_lower" text not null, "invited_user_type" text not null, "invited_by_user_id" text, "invited_by_app_id" text, "invite_redirect_url" text not null, "ticket_hash" text not null, "status" text not null, "send_invitation_message" integer default 0 not null, "message_body" text, "message_language" text, "cc_recipients" text default '[]' not null, "target_group_id" text, "reset_redemption" integer default 0 not null, "created_date_time" text not null, "redeemed_date_time" text);

-- table oauth2_permission_grants on oauth2_permission_grants
CREATE TABLE "oauth2_permission_grants" ("id" text not null primary key, "tenant_id" text not null references "tenants" ("id"), "client_id" text not null references "service_principals" ("id") on delete cascade, "consent_type" text not null, "principal_id" text, "principal_key" text not null, "resource_id" text not null, "scope" text not null, "created_date_time" text not null);

-- table oidc_payloads on oidc_payloads
CREATE TABLE "oidc_payloads" ("model" text not null, "id" text not null, "payload" text not null, "grant_id" text, "user_code" text, "uid" text, "expires_at" text, "consumed_at" text, "account_id" text, constraint "oidc_payloads_pk" primary key ("model", "id"));

-- table oidc_revoked_grants on oidc_revoked_grants
CREATE TABLE "oidc_revoked_grants" ("tenant_id" text not null, "grant_id" text not null, "revoked_at" text not null, "expires_at" text not null, constraint "oidc_revoked_grants_pk" primary key ("tenant_id", "grant_id"));

-- table otp_codes on otp_codes
CREATE TABLE "otp_codes" ("id" text not null primary key, "tenant_id" text not null, "user_id" text not null, "email_lower" text not null, "purpose" text not null, "invitation_id" text, "code_hash" text not null, "attempts" integer default 0 not null, "created_date_time" text not null, "expires_at" text not null, "consumed_at" text);

-- table outbox on outbox
CREATE TABLE "outbox" ("id" text not null primary key, "tenant_id" text not null, "kind" text not null, "message_id" text not null, "payload" text not null, "status" text default 'pending' not null, "attempts" integer default 0 not null, "next_attempt_at" text not null, "lease_owner" text, "lease_expires_at" text, "last_error" text, "created_date_time" text not null, "sent_date_time" text);

-- table policies on policies
CREATE TABLE "policies" ("tenant_id" text not null references "tenants" ("id"), "name" text not null, "value" text not null, "updated_date_time" text not null, constraint "policies_pk" primary key ("tenant_id", "name"));

-- table rate_limits on rate_limits
CREATE TABLE "rate_limits" ("key" text not null primary key, "count" integer not null, "window_ends_at" text not null);

-- table role_assignments on role_assignments
CREATE TABLE "role_assignments" ("id" text not null primary key, "tenant_id" text not null references "tenants" ("id"), "principal_id" text not null, "role_definition_id" text not null, "directory_scope_id" text not null, "created_date_time" text not null);

-- table saml_logouts on saml_logouts
CREATE TABLE "saml_logouts" ("id" text not null primary key, "tenant_id" text not null, "browser_session" text, "return_to" text, "initiator_sp_id" text, "initiator_request_id" text, "initiator_relay_state" text, "initiator_binding" text, "partial" integer default 0 not null, "expires_at" text not null);

-- table saml_request_ids on saml_request_ids
CREATE TABLE "saml_request_ids" ("tenant_id" text not null, "service_principal_id" text not null, "request_id" text not null, "expires_at" text not null, constraint "saml_request_ids_pk" primary key ("tenant_id", "service_principal_id", "request_id"));

-- table saml_sessions on saml_sessions
CREATE TABLE "saml_sessions" ("session_index" text not null primary key, "tenant_id" text not null, "service_principal_id" text not null, "user_id" text not null, "name_id" text not null, "name_id_format" text not null, "sp_entity_id" text not null, "browser_session" text, "created_date_time" text not null, "expires_at" text not null, "ended_date_time" text, "logout_id" text, "logout_request_id" text);

-- table saml_signing_certificates on saml_signing_certificates
CREATE TABLE "saml_signing_certificates" ("key_id" text not null primary key, "tenant_id" text not null references "tenants" ("id"), "service_principal_id" text references "service_principals" ("id") on delete cascade, "initial_for_tenant" text, "display_name" text not null, "certificate_pem" text not null, "private_key_pem" text not null, "thumbprint" text not null, "start_date_time" text not null, "end_date_time" text not null, "created_date_time" text not null);

-- table service_principal_names on service_principal_names
CREATE TABLE "service_principal_names" ("tenant_id" text not null, "name_lower" text not null, "service_principal_id" text not null references "service_principals" ("id") on delete cascade, constraint "service_principal_names_pk" primary key ("tenant_id", "name_lower"));

-- table service_principal_owners on service_principal_owners
CREATE TABLE "service_principal_owners" ("tenant_id" text not null, "service_principal_id" text not null references "service_principals" ("id") on delete cascade, "owner_id" text not null, "created_date_time" text not null, constraint "service_principal_owners_pk" primary key ("service_principal_id", "owner_id"));

-- table service_principal_passwords on service_principal_passwords
CREATE TABLE "service_principal_passwords" ("key_id" text not null primary key, "tenant_id" text not null, "service_principal_id" text not null references "service_principals" ("id") on delete cascade, "display_name" text, "hint" text not null, "secret_hash" text not null, "start_date_time" text not null, "end_date_time" text not null, "created_date_time" text not null);

-- table service_principals on service_principals
CREATE TABLE "service_principals" ("id" text not null primary key, "tenant_id" text not null references "tenants" ("id"), "app_id" text not null, "display_name" text not null, "description" text, "notes" text, "homepage" text, "login_url" text, "logout_url" text, "reply_urls" text default '[]' not null, "preferred_single_sign_on_mode" text, "app_role_assignment_required" integer default 0 not null, "app_roles" text default '[]' not null, "tags" text default '[]' not null, "account_enabled" integer default 1 not null, "logo_url" text, "service_principal_names" text default '[]' not null, "saml_relay_state" text, "self_service_access" text default '{}' not null, "key_credentials" text default '[]' not null, "application_template_id" text, "created_date_time" text not null, "saml_settings" text default '{}' not null);

-- table sign_ins on sign_ins
CREATE TABLE "sign_ins" ("id" text not null primary key, "tenant_id" text not null, "created_date_time" text not null, "user_id" text, "user_principal_name" text, "user_display_name" text, "app_id" text, "app_display_name" text, "ip_address" text, "client_app_used" text not null, "is_interactive" integer not null, "error_code" integer not null, "failure_reason" text, "authentication_method" text, "correlation_id" text);

-- table signing_keys on signing_keys
CREATE TABLE "signing_keys" ("kid" text not null primary key, "tenant_id" text not null references "tenants" ("id"), "alg" text not null, "private_jwk" text not null, "public_jwk" text not null, "created_date_time" text not null, "retired_date_time" text);

-- table tenants on tenants
CREATE TABLE "tenants" ("id" text not null primary key, "display_name" text not null, "initial_domain" text not null, "is_default" integer default 0 not null, "privacy_statement_url" text, "privacy_contact_email" text, "technical_notification_mails" text default '[]' not null, "created_date_time" text not null);

-- table user_other_mails on user_other_mails
CREATE TABLE "user_other_mails" ("tenant_id" text not null, "address_lower" text not null, "user_id" text not null references "users" ("id") on delete cascade, constraint "user_other_mails_pk" primary key ("tenant_id", "address_lower", "user_id"));

-- table user_sponsors on user_sponsors
CREATE TABLE "user_sponsors" ("tenant_id" text not null, "user_id" text not null references "users" ("id") on delete cascade, "sponsor_id" text not null, "created_date_time" text not null, constraint "user_sponsors_pk" primary key ("user_id", "sponsor_id"));

-- table users on users
CREATE TABLE "users" ("id" text not null primary key, "tenant_id" text not null references "tenants" ("id"), "display_name" text not null, "given_name" text, "surname" text, "mail" text, "mail_lower" text, "other_mails" text default '[]' not null, "user_principal_name" text not null, "upn_lower" text not null, "user_type" text not null, "account_enabled" integer default 1 not null, "creation_type" text, "external_user_state" text, "external_user_state_change_date_time" text, "identities" text default '[]' not null, "department" text, "job_title" text, "company_name" text, "preferred_language" text, "password_hash" text, "created_date_time" text not null, "country" text, "city" text, "sign_in_sessions_valid_from" text, "external_id" text, "manager_id" text references "users" ("id") on delete set null);

-- view app_role_assignment_details on app_role_assignment_details
CREATE VIEW app_role_assignment_details as
      select a.id, a.tenant_id, a.resource_id, a.principal_id, a.principal_type, a.app_role_id, a.created_date_time,
        coalesce(u.display_name, g.display_name, psp.display_name) as principal_display_name,
        sp.display_name as resource_display_name
      from app_role_assignments a
      inner join service_principals sp on sp.id = a.resource_id
      left join users u on u.id = a.principal_id and a.principal_type = 'User'
      left join groups g on g.id = a.principal_id and a.principal_type = 'Group'
      left join service_principals psp on psp.id = a.principal_id and a.principal_type = 'ServicePrincipal';

-- view directory_objects on directory_objects
CREATE VIEW directory_objects as
      select id, tenant_id, 'user' as object_type, display_name, mail, created_date_time from users
      union all
      select id, tenant_id, 'group' as object_type, display_name, mail, created_date_time from groups;
