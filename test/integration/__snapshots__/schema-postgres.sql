-- migrations: 0001_directory 0002_mail 0003_invitations 0004_applications 0005_saml 0006_read_models 0007_dynamic_groups 0008_sign_in_revocation 0009_self_service 0010_addresses 0011_scim 0013_deleted_items_and_changes 0014_sign_ins 0016_saml_logout 0017_oauth2_permission_grants 0018_graph_service_principal 0019_application_registrations 0020_user_manager

-- relations (relkind name)
--   i app_access_requests_app_ix
--   i app_access_requests_pending_uq
--   i app_access_requests_pkey
--   i app_access_requests_requester_ix
--   i app_role_assignments_pkey
--   i app_role_assignments_principal_ix
--   i app_role_assignments_uq
--   i application_registrations_pkey
--   i application_registrations_sp_uq
--   i application_registrations_tenant_ix
--   i automation_clients_pkey
--   i deleted_directory_objects_pkey
--   i deleted_directory_objects_purge_ix
--   i deleted_directory_objects_type_ix
--   i dev_mailbox_outbox_uq
--   i dev_mailbox_pkey
--   i dev_mailbox_received_ix
--   i directory_audit_targets_ix
--   i directory_audit_targets_pk
--   i directory_audits_pkey
--   i directory_audits_time_ix
--   i directory_change_counters_pkey
--   i directory_changes_pending_ix
--   i directory_changes_pkey
--   i directory_changes_purge_ix
--   i directory_changes_seq_ix
--   i group_join_requests_group_ix
--   i group_join_requests_pending_uq
--   i group_join_requests_pkey
--   i group_join_requests_requester_ix
--   i group_members_member_ix
--   i group_members_pk
--   i group_owners_owner_ix
--   i group_owners_pk
--   i groups_display_name_ix
--   i groups_external_id_ix
--   i groups_mail_nickname_ix
--   i groups_pkey
--   i groups_rule_processing_ix
--   i instance_secrets_pkey
--   i invitation_unsubscribes_pk
--   i invitations_pkey
--   i invitations_ticket_uq
--   i invitations_user_ix
--   i oauth2_permission_grants_pkey
--   i oauth2_permission_grants_uq
--   i oidc_payloads_account_ix
--   i oidc_payloads_expires_ix
--   i oidc_payloads_grant_ix
--   i oidc_payloads_pk
--   i oidc_payloads_uid_ix
--   i oidc_revoked_grants_expires_ix
--   i oidc_revoked_grants_pk
--   i oidc_revoked_grants_revoked_ix
--   i otp_codes_email_ix
--   i otp_codes_pkey
--   i outbox_due_ix
--   i outbox_pkey
--   i outbox_tenant_ix
--   i policies_pk
--   i rate_limits_pkey
--   i role_assignments_pkey
--   i role_assignments_uq
--   i saml_logouts_expiry_ix
--   i saml_logouts_pkey
--   i saml_request_ids_expiry_ix
--   i saml_request_ids_pk
--   i saml_sessions_browser_ix
--   i saml_sessions_expiry_ix
--   i saml_sessions_logout_request_ix
--   i saml_sessions_pkey
--   i saml_sessions_principal_ix
--   i saml_signing_certificates_initial_uq
--   i saml_signing_certificates_owner_ix
--   i saml_signing_certificates_pkey
--   i service_principal_names_pk
--   i service_principal_names_sp_ix
--   i service_principal_owners_owner_ix
--   i service_principal_owners_pk
--   i service_principal_passwords_pkey
--   i service_principal_passwords_sp_ix
--   i service_principals_app_id_uq
--   i service_principals_display_name_ix
--   i service_principals_pkey
--   i service_principals_tenant_app_id_uq
--   i sign_ins_app_ix
--   i sign_ins_pkey
--   i sign_ins_time_ix
--   i sign_ins_user_ix
--   i signing_keys_pkey
--   i tenants_initial_domain_uq
--   i tenants_pkey
--   i user_other_mails_pk
--   i user_other_mails_user_ix
--   i user_sponsors_pk
--   i user_sponsors_sponsor_ix
--   i users_display_name_ix
--   i users_external_id_ix
--   i users_mail_uq
--   i users_manager_ix
--   i users_pkey
--   i users_upn_uq
--   r app_access_requests
--   r app_role_assignments
--   r application_registrations
--   r automation_clients
--   r deleted_directory_objects
--   r dev_mailbox
--   r directory_audit_targets
--   r directory_audits
--   r directory_change_counters
--   r directory_changes
--   r group_join_requests
--   r group_members
--   r group_owners
--   r groups
--   r instance_secrets
--   r invitation_unsubscribes
--   r invitations
--   r oauth2_permission_grants
--   r oidc_payloads
--   r oidc_revoked_grants
--   r otp_codes
--   r outbox
--   r policies
--   r rate_limits
--   r role_assignments
--   r saml_logouts
--   r saml_request_ids
--   r saml_sessions
--   r saml_signing_certificates
--   r service_principal_names
--   r service_principal_owners
--   r service_principal_passwords
--   r service_principals
--   r sign_ins
--   r signing_keys
--   r tenants
--   r user_other_mails
--   r user_sponsors
--   r users
--   v app_role_assignment_details
--   v directory_objects

-- columns (table position name type nullability default)
--   app_access_requests 1 id text not null
--   app_access_requests 2 tenant_id text not null
--   app_access_requests 3 service_principal_id text not null
--   app_access_requests 4 app_id text not null
--   app_access_requests 5 app_display_name text not null
--   app_access_requests 6 requester_id text not null
--   app_access_requests 7 requester_display_name text not null
--   app_access_requests 8 requester_user_principal_name text null
--   app_access_requests 9 justification text not null
--   app_access_requests 10 group_id text not null
--   app_access_requests 11 app_role_id text not null
--   app_access_requests 12 require_approval integer not null
--   app_access_requests 13 status text not null
--   app_access_requests 14 created_date_time text not null
--   app_access_requests 15 decided_by_id text null
--   app_access_requests 16 decided_by_display_name text null
--   app_access_requests 17 decided_date_time text null
--   app_access_requests 18 decision_reason text null
--   app_role_assignment_details 1 id text null
--   app_role_assignment_details 2 tenant_id text null
--   app_role_assignment_details 3 resource_id text null
--   app_role_assignment_details 4 principal_id text null
--   app_role_assignment_details 5 principal_type text null
--   app_role_assignment_details 6 app_role_id text null
--   app_role_assignment_details 7 created_date_time text null
--   app_role_assignment_details 8 principal_display_name text null
--   app_role_assignment_details 9 resource_display_name text null
--   app_role_assignments 1 id text not null
--   app_role_assignments 2 tenant_id text not null
--   app_role_assignments 3 resource_id text not null
--   app_role_assignments 4 principal_id text not null
--   app_role_assignments 5 principal_type text not null
--   app_role_assignments 6 app_role_id text not null
--   app_role_assignments 7 created_date_time text not null
--   application_registrations 1 id text not null
--   application_registrations 2 tenant_id text not null
--   application_registrations 3 service_principal_id text not null
--   application_registrations 4 spa_redirect_uris text not null
--   application_registrations 5 public_client_redirect_uris text not null
--   application_registrations 6 required_resource_access text not null
--   application_registrations 7 created_date_time text not null
--   automation_clients 1 id text not null
--   automation_clients 2 tenant_id text not null
--   automation_clients 3 display_name text not null
--   automation_clients 4 secret_hash text not null
--   automation_clients 5 permissions text not null
--   automation_clients 6 created_date_time text not null
--   deleted_directory_objects 1 id text not null
--   deleted_directory_objects 2 tenant_id text not null
--   deleted_directory_objects 3 object_type text not null
--   deleted_directory_objects 4 display_name text null
--   deleted_directory_objects 5 user_principal_name text null
--   deleted_directory_objects 6 mail text null
--   deleted_directory_objects 7 deleted_date_time text not null
--   deleted_directory_objects 8 snapshot text not null
--   dev_mailbox 1 id text not null
--   dev_mailbox 2 tenant_id text not null
--   dev_mailbox 3 outbox_id text not null
--   dev_mailbox 4 message_id text not null
--   dev_mailbox 5 from text not null
--   dev_mailbox 6 to text not null
--   dev_mailbox 7 cc text not null default '[]'::text
--   dev_mailbox 8 subject text not null
--   dev_mailbox 9 text text not null
--   dev_mailbox 10 html text null
--   dev_mailbox 11 received_date_time text not null
--   directory_audit_targets 1 audit_id text not null
--   directory_audit_targets 2 tenant_id text not null
--   directory_audit_targets 3 target_id text not null
--   directory_audits 1 id text not null
--   directory_audits 2 tenant_id text not null
--   directory_audits 3 activity_date_time text not null
--   directory_audits 4 activity_display_name text not null
--   directory_audits 5 category text not null
--   directory_audits 6 correlation_id text not null
--   directory_audits 7 logged_by_service text not null
--   directory_audits 8 operation_type text not null
--   directory_audits 9 result text not null
--   directory_audits 10 result_reason text not null default ''::text
--   directory_audits 11 initiated_by text not null
--   directory_audits 12 initiator_user_id text null
--   directory_audits 13 initiator_app_id text null
--   directory_audits 14 target_resources text not null
--   directory_audits 15 additional_details text not null default '[]'::text
--   directory_change_counters 1 tenant_id text not null
--   directory_change_counters 2 seq integer not null
--   directory_changes 1 id text not null
--   directory_changes 2 tenant_id text not null
--   directory_changes 3 object_type text not null
--   directory_changes 4 object_id text not null
--   directory_changes 5 member_id text null
--   directory_changes 6 member_type text null
--   directory_changes 7 member_change text null
--   directory_changes 8 created_date_time text not null
--   directory_changes 9 seq integer null
--   directory_objects 1 id text null
--   directory_objects 2 tenant_id text null
--   directory_objects 3 object_type text null
--   directory_objects 4 display_name text null
--   directory_objects 5 mail text null
--   directory_objects 6 created_date_time text null
--   group_join_requests 1 id text not null
--   group_join_requests 2 tenant_id text not null
--   group_join_requests 3 group_id text not null
--   group_join_requests 4 group_display_name text not null
--   group_join_requests 5 requester_id text not null
--   group_join_requests 6 requester_display_name text not null
--   group_join_requests 7 requester_user_principal_name text null
--   group_join_requests 8 justification text null
--   group_join_requests 9 status text not null
--   group_join_requests 10 created_date_time text not null
--   group_join_requests 11 decided_by_id text null
--   group_join_requests 12 decided_by_display_name text null
--   group_join_requests 13 decided_date_time text null
--   group_join_requests 14 decision_reason text null
--   group_members 1 tenant_id text not null
--   group_members 2 group_id text not null
--   group_members 3 member_id text not null
--   group_members 4 member_type text not null
--   group_members 5 created_date_time text not null
--   group_owners 1 tenant_id text not null
--   group_owners 2 group_id text not null
--   group_owners 3 owner_id text not null
--   group_owners 4 owner_type text not null
--   group_owners 5 created_date_time text not null
--   groups 1 id text not null
--   groups 2 tenant_id text not null
--   groups 3 display_name text not null
--   groups 4 description text null
--   groups 5 mail_nickname text not null
--   groups 6 mail_nickname_lower text not null
--   groups 7 mail text null
--   groups 8 mail_enabled integer not null default 0
--   groups 9 security_enabled integer not null default 1
--   groups 10 group_types text not null default '[]'::text
--   groups 11 membership_rule text null
--   groups 12 membership_rule_processing_state text null
--   groups 13 on_premises_sync_enabled integer null
--   groups 14 visibility text null
--   groups 15 is_assignable_to_role integer not null default 0
--   groups 16 created_by_user_id text null
--   groups 17 created_date_time text not null
--   groups 18 join_policy text not null default 'closed'::text
--   groups 19 external_id text null
--   instance_secrets 1 name text not null
--   instance_secrets 2 value text not null
--   instance_secrets 3 created_date_time text not null
--   invitation_unsubscribes 1 tenant_id text not null
--   invitation_unsubscribes 2 email_lower text not null
--   invitation_unsubscribes 3 created_date_time text not null
--   invitations 1 id text not null
--   invitations 2 tenant_id text not null
--   invitations 3 user_id text not null
--   invitations 4 invited_email text not null
--   invitations 5 invited_email_lower text not null
--   invitations 6 invited_user_type text not null
--   invitations 7 invited_by_user_id text null
--   invitations 8 invited_by_app_id text null
--   invitations 9 invite_redirect_url text not null
--   invitations 10 ticket_hash text not null
--   invitations 11 status text not null
--   invitations 12 send_invitation_message integer not null default 0
--   invitations 13 message_body text null
--   invitations 14 message_language text null
--   invitations 15 cc_recipients text not null default '[]'::text
--   invitations 16 target_group_id text null
--   invitations 17 reset_redemption integer not null default 0
--   invitations 18 created_date_time text not null
--   invitations 19 redeemed_date_time text null
--   oauth2_permission_grants 1 id text not null
--   oauth2_permission_grants 2 tenant_id text not null
--   oauth2_permission_grants 3 client_id text not null
--   oauth2_permission_grants 4 consent_type text not null
--   oauth2_permission_grants 5 principal_id text null
--   oauth2_permission_grants 6 principal_key text not null
--   oauth2_permission_grants 7 resource_id text not null
--   oauth2_permission_grants 8 scope text not null
--   oauth2_permission_grants 9 created_date_time text not null
--   oidc_payloads 1 model text not null
--   oidc_payloads 2 id text not null
--   oidc_payloads 3 payload text not null
--   oidc_payloads 4 grant_id text null
--   oidc_payloads 5 user_code text null
--   oidc_payloads 6 uid text null
--   oidc_payloads 7 expires_at text null
--   oidc_payloads 8 consumed_at text null
--   oidc_payloads 9 account_id text null
--   oidc_revoked_grants 1 tenant_id text not null
--   oidc_revoked_grants 2 grant_id text not null
--   oidc_revoked_grants 3 revoked_at text not null
--   oidc_revoked_grants 4 expires_at text not null
--   otp_codes 1 id text not null
--   otp_codes 2 tenant_id text not null
--   otp_codes 3 user_id text not null
--   otp_codes 4 email_lower text not null
--   otp_codes 5 purpose text not null
--   otp_codes 6 invitation_id text null
--   otp_codes 7 code_hash text not null
--   otp_codes 8 attempts integer not null default 0
--   otp_codes 9 created_date_time text not null
--   otp_codes 10 expires_at text not null
--   otp_codes 11 consumed_at text null
--   outbox 1 id text not null
--   outbox 2 tenant_id text not null
--   outbox 3 kind text not null
--   outbox 4 message_id text not null
--   outbox 5 payload text not null
--   outbox 6 status text not null default 'pending'::text
--   outbox 7 attempts integer not null default 0
--   outbox 8 next_attempt_at text not null
--   outbox 9 lease_owner text null
--   outbox 10 lease_expires_at text null
--   outbox 11 last_error text null
--   outbox 12 created_date_time text not null
--   outbox 13 sent_date_time text null
--   policies 1 tenant_id text not null
--   policies 2 name text not null
--   policies 3 value text not null
--   policies 4 updated_date_time text not null
--   rate_limits 1 key text not null
--   rate_limits 2 count integer not null
--   rate_limits 3 window_ends_at text not null
--   role_assignments 1 id text not null
--   role_assignments 2 tenant_id text not null
--   role_assignments 3 principal_id text not null
--   role_assignments 4 role_definition_id text not null
--   role_assignments 5 directory_scope_id text not null
--   role_assignments 6 created_date_time text not null
--   saml_logouts 1 id text not null
--   saml_logouts 2 tenant_id text not null
--   saml_logouts 3 browser_session text null
--   saml_logouts 4 return_to text null
--   saml_logouts 5 initiator_sp_id text null
--   saml_logouts 6 initiator_request_id text null
--   saml_logouts 7 initiator_relay_state text null
--   saml_logouts 8 initiator_binding text null
--   saml_logouts 9 partial integer not null default 0
--   saml_logouts 10 expires_at text not null
--   saml_request_ids 1 tenant_id text not null
--   saml_request_ids 2 service_principal_id text not null
--   saml_request_ids 3 request_id text not null
--   saml_request_ids 4 expires_at text not null
--   saml_sessions 1 session_index text not null
--   saml_sessions 2 tenant_id text not null
--   saml_sessions 3 service_principal_id text not null
--   saml_sessions 4 user_id text not null
--   saml_sessions 5 name_id text not null
--   saml_sessions 6 name_id_format text not null
--   saml_sessions 7 sp_entity_id text not null
--   saml_sessions 8 browser_session text null
--   saml_sessions 9 created_date_time text not null
--   saml_sessions 10 expires_at text not null
--   saml_sessions 11 ended_date_time text null
--   saml_sessions 12 logout_id text null
--   saml_sessions 13 logout_request_id text null
--   saml_signing_certificates 1 key_id text not null
--   saml_signing_certificates 2 tenant_id text not null
--   saml_signing_certificates 3 service_principal_id text null
--   saml_signing_certificates 4 initial_for_tenant text null
--   saml_signing_certificates 5 display_name text not null
--   saml_signing_certificates 6 certificate_pem text not null
--   saml_signing_certificates 7 private_key_pem text not null
--   saml_signing_certificates 8 thumbprint text not null
--   saml_signing_certificates 9 start_date_time text not null
--   saml_signing_certificates 10 end_date_time text not null
--   saml_signing_certificates 11 created_date_time text not null
--   service_principal_names 1 tenant_id text not null
--   service_principal_names 2 name_lower text not null
--   service_principal_names 3 service_principal_id text not null
--   service_principal_owners 1 tenant_id text not null
--   service_principal_owners 2 service_principal_id text not null
--   service_principal_owners 3 owner_id text not null
--   service_principal_owners 4 created_date_time text not null
--   service_principal_passwords 1 key_id text not null
--   service_principal_passwords 2 tenant_id text not null
--   service_principal_passwords 3 service_principal_id text not null
--   service_principal_passwords 4 display_name text null
--   service_principal_passwords 5 hint text not null
--   service_principal_passwords 6 secret_hash text not null
--   service_principal_passwords 7 start_date_time text not null
--   service_principal_passwords 8 end_date_time text not null
--   service_principal_passwords 9 created_date_time text not null
--   service_principals 1 id text not null
--   service_principals 2 tenant_id text not null
--   service_principals 3 app_id text not null
--   service_principals 4 display_name text not null
--   service_principals 5 description text null
--   service_principals 6 notes text null
--   service_principals 7 homepage text null
--   service_principals 8 login_url text null
--   service_principals 9 logout_url text null
--   service_principals 10 reply_urls text not null default '[]'::text
--   service_principals 11 preferred_single_sign_on_mode text null
--   service_principals 12 app_role_assignment_required integer not null default 0
--   service_principals 13 app_roles text not null default '[]'::text
--   service_principals 14 tags text not null default '[]'::text
--   service_principals 15 account_enabled integer not null default 1
--   service_principals 16 logo_url text null
--   service_principals 17 service_principal_names text not null default '[]'::text
--   service_principals 18 saml_relay_state text null
--   service_principals 19 self_service_access text not null default '{}'::text
--   service_principals 20 key_credentials text not null default '[]'::text
--   service_principals 21 application_template_id text null
--   service_principals 22 created_date_time text not null
--   service_principals 23 saml_settings text not null default '{}'::text
--   sign_ins 1 id text not null
--   sign_ins 2 tenant_id text not null
--   sign_ins 3 created_date_time text not null
--   sign_ins 4 user_id text null
--   sign_ins 5 user_principal_name text null
--   sign_ins 6 user_display_name text null
--   sign_ins 7 app_id text null
--   sign_ins 8 app_display_name text null
--   sign_ins 9 ip_address text null
--   sign_ins 10 client_app_used text not null
--   sign_ins 11 is_interactive integer not null
--   sign_ins 12 error_code integer not null
--   sign_ins 13 failure_reason text null
--   sign_ins 14 authentication_method text null
--   sign_ins 15 correlation_id text null
--   signing_keys 1 kid text not null
--   signing_keys 2 tenant_id text not null
--   signing_keys 3 alg text not null
--   signing_keys 4 private_jwk text not null
--   signing_keys 5 public_jwk text not null
--   signing_keys 6 created_date_time text not null
--   signing_keys 7 retired_date_time text null
--   tenants 1 id text not null
--   tenants 2 display_name text not null
--   tenants 3 initial_domain text not null
--   tenants 4 is_default integer not null default 0
--   tenants 5 privacy_statement_url text null
--   tenants 6 privacy_contact_email text null
--   tenants 7 technical_notification_mails text not null default '[]'::text
--   tenants 8 created_date_time text not null
--   user_other_mails 1 tenant_id text not null
--   user_other_mails 2 address_lower text not null
--   user_other_mails 3 user_id text not null
--   user_sponsors 1 tenant_id text not null
--   user_sponsors 2 user_id text not null
--   user_sponsors 3 sponsor_id text not null
--   user_sponsors 4 created_date_time text not null
--   users 1 id text not null
--   users 2 tenant_id text not null
--   users 3 display_name text not null
--   users 4 given_name text null
--   users 5 surname text null
--   users 6 mail text null
--   users 7 mail_lower text null
--   users 8 other_mails text not null default '[]'::text
--   users 9 user_principal_name text not null
--   users 10 upn_lower text not null
--   users 11 user_type text not null
--   users 12 account_enabled integer not null default 1
--   users 13 creation_type text null
--   users 14 external_user_state text null
--   users 15 external_user_state_change_date_time text null
--   users 16 identities text not null default '[]'::text
--   users 17 department text null
--   users 18 job_title text null
--   users 19 company_name text null
--   users 20 preferred_language text null
--   users 21 password_hash text null
--   users 22 created_date_time text not null
--   users 23 country text null
--   users 24 city text null
--   users 25 sign_in_sessions_valid_from text null
--   users 26 external_id text null
--   users 27 manager_id text null

-- constraints (table name type definition)
--   app_access_requests app_access_requests_pkey p PRIMARY KEY (id)
--   app_access_requests app_access_requests_tenant_id_fkey f FOREIGN KEY (tenant_id) REFERENCES tenants(id)
--   app_role_assignments app_role_assignments_pkey p PRIMARY KEY (id)
--   app_role_assignments app_role_assignments_resource_id_fkey f FOREIGN KEY (resource_id) REFERENCES service_principals(id) ON DELETE CASCADE
--   application_registrations application_registrations_pkey p PRIMARY KEY (id)
--   application_registrations application_registrations_service_principal_id_fkey f FOREIGN KEY (service_principal_id) REFERENCES service_principals(id) ON DELETE CASCADE
--   application_registrations application_registrations_tenant_id_fkey f FOREIGN KEY (tenant_id) REFERENCES tenants(id)
--   automation_clients automation_clients_pkey p PRIMARY KEY (id)
--   automation_clients automation_clients_tenant_id_fkey f FOREIGN KEY (tenant_id) REFERENCES tenants(id)
--   deleted_directory_objects deleted_directory_objects_pkey p PRIMARY KEY (id)
--   dev_mailbox dev_mailbox_pkey p PRIMARY KEY (id)
--   directory_audit_targets directory_audit_targets_audit_id_fkey f FOREIGN KEY (audit_id) REFERENCES directory_audits(id) ON DELETE CASCADE
--   directory_audit_targets directory_audit_targets_pk p PRIMARY KEY (audit_id, target_id)
--   directory_audits directory_audits_pkey p PRIMARY KEY (id)
--   directory_change_counters directory_change_counters_pkey p PRIMARY KEY (tenant_id)
--   directory_changes directory_changes_pkey p PRIMARY KEY (id)
--   group_join_requests group_join_requests_pkey p PRIMARY KEY (id)
--   group_join_requests group_join_requests_tenant_id_fkey f FOREIGN KEY (tenant_id) REFERENCES tenants(id)
--   group_members group_members_group_id_fkey f FOREIGN KEY (group_id) REFERENCES groups(id) ON DELETE CASCADE
--   group_members group_members_pk p PRIMARY KEY (group_id, member_id)
--   group_owners group_owners_group_id_fkey f FOREIGN KEY (group_id) REFERENCES groups(id) ON DELETE CASCADE
--   group_owners group_owners_pk p PRIMARY KEY (group_id, owner_id)
--   groups groups_pkey p PRIMARY KEY (id)
--   groups groups_tenant_id_fkey f FOREIGN KEY (tenant_id) REFERENCES tenants(id)
--   instance_secrets instance_secrets_pkey p PRIMARY KEY (name)
--   invitation_unsubscribes invitation_unsubscribes_pk p PRIMARY KEY (tenant_id, email_lower)
--   invitation_unsubscribes invitation_unsubscribes_tenant_id_fkey f FOREIGN KEY (tenant_id) REFERENCES tenants(id)
--   invitations invitations_pkey p PRIMARY KEY (id)
--   invitations invitations_tenant_id_fkey f FOREIGN KEY (tenant_id) REFERENCES tenants(id)
--   oauth2_permission_grants oauth2_permission_grants_client_id_fkey f FOREIGN KEY (client_id) REFERENCES service_principals(id) ON DELETE CASCADE
--   oauth2_permission_grants oauth2_permission_grants_pkey p PRIMARY KEY (id)
--   oauth2_permission_grants oauth2_permission_grants_tenant_id_fkey f FOREIGN KEY (tenant_id) REFERENCES tenants(id)
--   oidc_payloads oidc_payloads_pk p PRIMARY KEY (model, id)
--   oidc_revoked_grants oidc_revoked_grants_pk p PRIMARY KEY (tenant_id, grant_id)
--   otp_codes otp_codes_pkey p PRIMARY KEY (id)
--   outbox outbox_pkey p PRIMARY KEY (id)
--   policies policies_pk p PRIMARY KEY (tenant_id, name)
--   policies policies_tenant_id_fkey f FOREIGN KEY (tenant_id) REFERENCES tenants(id)
--   rate_limits rate_limits_pkey p PRIMARY KEY (key)
--   role_assignments role_assignments_pkey p PRIMARY KEY (id)
--   role_assignments role_assignments_tenant_id_fkey f FOREIGN KEY (tenant_id) REFERENCES tenants(id)
--   saml_logouts saml_logouts_pkey p PRIMARY KEY (id)
--   saml_request_ids saml_request_ids_pk p PRIMARY KEY (tenant_id, service_principal_id, request_id)
--   saml_sessions saml_sessions_pkey p PRIMARY KEY (session_index)
--   saml_signing_certificates saml_signing_certificates_pkey p PRIMARY KEY (key_id)
--   saml_signing_certificates saml_signing_certificates_service_principal_id_fkey f FOREIGN KEY (service_principal_id) REFERENCES service_principals(id) ON DELETE CASCADE
--   saml_signing_certificates saml_signing_certificates_tenant_id_fkey f FOREIGN KEY (tenant_id) REFERENCES tenants(id)
--   service_principal_names service_principal_names_pk p PRIMARY KEY (tenant_id, name_lower)
--   service_principal_names service_principal_names_service_principal_id_fkey f FOREIGN KEY (service_principal_id) REFERENCES service_principals(id) ON DELETE CASCADE
--   service_principal_owners service_principal_owners_pk p PRIMARY KEY (service_principal_id, owner_id)
--   service_principal_owners service_principal_owners_service_principal_id_fkey f FOREIGN KEY (service_principal_id) REFERENCES service_principals(id) ON DELETE CASCADE
--   service_principal_passwords service_principal_passwords_pkey p PRIMARY KEY (key_id)
--   service_principal_passwords service_principal_passwords_service_principal_id_fkey f FOREIGN KEY (service_principal_id) REFERENCES service_principals(id) ON DELETE CASCADE
--   service_principals service_principals_pkey p PRIMARY KEY (id)
--   service_principals service_principals_tenant_id_fkey f FOREIGN KEY (tenant_id) REFERENCES tenants(id)
--   sign_ins sign_ins_pkey p PRIMARY KEY (id)
--   signing_keys signing_keys_pkey p PRIMARY KEY (kid)
--   signing_keys signing_keys_tenant_id_fkey f FOREIGN KEY (tenant_id) REFERENCES tenants(id)
--   tenants tenants_pkey p PRIMARY KEY (id)
--   user_other_mails user_other_mails_pk p PRIMARY KEY (tenant_id, address_lower, user_id)
--   user_other_mails user_other_mails_user_id_fkey f FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
--   user_sponsors user_sponsors_pk p PRIMARY KEY (user_id, sponsor_id)
--   user_sponsors user_sponsors_user_id_fkey f FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
--   users users_manager_id_fkey f FOREIGN KEY (manager_id) REFERENCES users(id) ON DELETE SET NULL
--   users users_pkey p PRIMARY KEY (id)
--   users users_tenant_id_fkey f FOREIGN KEY (tenant_id) REFERENCES tenants(id)

-- indexes
CREATE INDEX app_access_requests_app_ix ON app_access_requests USING btree (tenant_id, service_principal_id, status);
CREATE UNIQUE INDEX app_access_requests_pending_uq ON app_access_requests USING btree (tenant_id, service_principal_id, requester_id) WHERE (status = 'pending'::text);
CREATE UNIQUE INDEX app_access_requests_pkey ON app_access_requests USING btree (id);
CREATE INDEX app_access_requests_requester_ix ON app_access_requests USING btree (tenant_id, requester_id, created_date_time);
CREATE UNIQUE INDEX app_role_assignments_pkey ON app_role_assignments USING btree (id);
CREATE INDEX app_role_assignments_principal_ix ON app_role_assignments USING btree (tenant_id, principal_id);
CREATE UNIQUE INDEX app_role_assignments_uq ON app_role_assignments USING btree (resource_id, principal_id, app_role_id);
CREATE UNIQUE INDEX application_registrations_pkey ON application_registrations USING btree (id);
CREATE UNIQUE INDEX application_registrations_sp_uq ON application_registrations USING btree (service_principal_id);
CREATE INDEX application_registrations_tenant_ix ON application_registrations USING btree (tenant_id);
CREATE UNIQUE INDEX automation_clients_pkey ON automation_clients USING btree (id);
CREATE UNIQUE INDEX deleted_directory_objects_pkey ON deleted_directory_objects USING btree (id);
CREATE INDEX deleted_directory_objects_purge_ix ON deleted_directory_objects USING btree (deleted_date_time);
CREATE INDEX deleted_directory_objects_type_ix ON deleted_directory_objects USING btree (tenant_id, object_type, deleted_date_time);
CREATE UNIQUE INDEX dev_mailbox_outbox_uq ON dev_mailbox USING btree (outbox_id);
CREATE UNIQUE INDEX dev_mailbox_pkey ON dev_mailbox USING btree (id);
CREATE INDEX dev_mailbox_received_ix ON dev_mailbox USING btree (tenant_id, received_date_time, id);
CREATE INDEX directory_audit_targets_ix ON directory_audit_targets USING btree (tenant_id, target_id);
CREATE UNIQUE INDEX directory_audit_targets_pk ON directory_audit_targets USING btree (audit_id, target_id);
CREATE UNIQUE INDEX directory_audits_pkey ON directory_audits USING btree (id);
CREATE INDEX directory_audits_time_ix ON directory_audits USING btree (tenant_id, activity_date_time, id);
CREATE UNIQUE INDEX directory_change_counters_pkey ON directory_change_counters USING btree (tenant_id);
CREATE INDEX directory_changes_pending_ix ON directory_changes USING btree (tenant_id, seq);
CREATE UNIQUE INDEX directory_changes_pkey ON directory_changes USING btree (id);
CREATE INDEX directory_changes_purge_ix ON directory_changes USING btree (created_date_time);
CREATE INDEX directory_changes_seq_ix ON directory_changes USING btree (tenant_id, object_type, seq);
CREATE INDEX group_join_requests_group_ix ON group_join_requests USING btree (tenant_id, group_id, status);
CREATE UNIQUE INDEX group_join_requests_pending_uq ON group_join_requests USING btree (tenant_id, group_id, requester_id) WHERE (status = 'pending'::text);
CREATE UNIQUE INDEX group_join_requests_pkey ON group_join_requests USING btree (id);
CREATE INDEX group_join_requests_requester_ix ON group_join_requests USING btree (tenant_id, requester_id, created_date_time);
CREATE INDEX group_members_member_ix ON group_members USING btree (member_id, group_id);
CREATE UNIQUE INDEX group_members_pk ON group_members USING btree (group_id, member_id);
CREATE INDEX group_owners_owner_ix ON group_owners USING btree (owner_id, group_id);
CREATE UNIQUE INDEX group_owners_pk ON group_owners USING btree (group_id, owner_id);
CREATE INDEX groups_display_name_ix ON groups USING btree (tenant_id, display_name, id);
CREATE INDEX groups_external_id_ix ON groups USING btree (tenant_id, external_id);
CREATE INDEX groups_mail_nickname_ix ON groups USING btree (tenant_id, mail_nickname_lower);
CREATE UNIQUE INDEX groups_pkey ON groups USING btree (id);
CREATE INDEX groups_rule_processing_ix ON groups USING btree (tenant_id, membership_rule_processing_state);
CREATE UNIQUE INDEX instance_secrets_pkey ON instance_secrets USING btree (name);
CREATE UNIQUE INDEX invitation_unsubscribes_pk ON invitation_unsubscribes USING btree (tenant_id, email_lower);
CREATE UNIQUE INDEX invitations_pkey ON invitations USING btree (id);
CREATE UNIQUE INDEX invitations_ticket_uq ON invitations USING btree (ticket_hash);
CREATE INDEX invitations_user_ix ON invitations USING btree (tenant_id, user_id, created_date_time);
CREATE UNIQUE INDEX oauth2_permission_grants_pkey ON oauth2_permission_grants USING btree (id);
CREATE UNIQUE INDEX oauth2_permission_grants_uq ON oauth2_permission_grants USING btree (tenant_id, client_id, resource_id, principal_key);
CREATE INDEX oidc_payloads_account_ix ON oidc_payloads USING btree (account_id);
CREATE INDEX oidc_payloads_expires_ix ON oidc_payloads USING btree (expires_at);
CREATE INDEX oidc_payloads_grant_ix ON oidc_payloads USING btree (grant_id);
CREATE UNIQUE INDEX oidc_payloads_pk ON oidc_payloads USING btree (model, id);
CREATE INDEX oidc_payloads_uid_ix ON oidc_payloads USING btree (uid);
CREATE INDEX oidc_revoked_grants_expires_ix ON oidc_revoked_grants USING btree (expires_at);
CREATE UNIQUE INDEX oidc_revoked_grants_pk ON oidc_revoked_grants USING btree (tenant_id, grant_id);
CREATE INDEX oidc_revoked_grants_revoked_ix ON oidc_revoked_grants USING btree (revoked_at);
CREATE INDEX otp_codes_email_ix ON otp_codes USING btree (tenant_id, email_lower, created_date_time);
CREATE UNIQUE INDEX otp_codes_pkey ON otp_codes USING btree (id);
CREATE INDEX outbox_due_ix ON outbox USING btree (status, next_attempt_at);
CREATE UNIQUE INDEX outbox_pkey ON outbox USING btree (id);
CREATE INDEX outbox_tenant_ix ON outbox USING btree (tenant_id, created_date_time);
CREATE UNIQUE INDEX policies_pk ON policies USING btree (tenant_id, name);
CREATE UNIQUE INDEX rate_limits_pkey ON rate_limits USING btree (key);
CREATE UNIQUE INDEX role_assignments_pkey ON role_assignments USING btree (id);
CREATE UNIQUE INDEX role_assignments_uq ON role_assignments USING btree (tenant_id, principal_id, role_definition_id, directory_scope_id);
CREATE INDEX saml_logouts_expiry_ix ON saml_logouts USING btree (expires_at);
CREATE UNIQUE INDEX saml_logouts_pkey ON saml_logouts USING btree (id);
CREATE INDEX saml_request_ids_expiry_ix ON saml_request_ids USING btree (expires_at);
CREATE UNIQUE INDEX saml_request_ids_pk ON saml_request_ids USING btree (tenant_id, service_principal_id, request_id);
CREATE INDEX saml_sessions_browser_ix ON saml_sessions USING btree (tenant_id, browser_session);
CREATE INDEX saml_sessions_expiry_ix ON saml_sessions USING btree (expires_at);
CREATE INDEX saml_sessions_logout_request_ix ON saml_sessions USING btree (logout_request_id);
CREATE UNIQUE INDEX saml_sessions_pkey ON saml_sessions USING btree (session_index);
CREATE INDEX saml_sessions_principal_ix ON saml_sessions USING btree (tenant_id, service_principal_id, name_id);
CREATE UNIQUE INDEX saml_signing_certificates_initial_uq ON saml_signing_certificates USING btree (initial_for_tenant);
CREATE INDEX saml_signing_certificates_owner_ix ON saml_signing_certificates USING btree (tenant_id, service_principal_id, created_date_time);
CREATE UNIQUE INDEX saml_signing_certificates_pkey ON saml_signing_certificates USING btree (key_id);
CREATE UNIQUE INDEX service_principal_names_pk ON service_principal_names USING btree (tenant_id, name_lower);
CREATE INDEX service_principal_names_sp_ix ON service_principal_names USING btree (service_principal_id);
CREATE INDEX service_principal_owners_owner_ix ON service_principal_owners USING btree (owner_id, service_principal_id);
CREATE UNIQUE INDEX service_principal_owners_pk ON service_principal_owners USING btree (service_principal_id, owner_id);
CREATE UNIQUE INDEX service_principal_passwords_pkey ON service_principal_passwords USING btree (key_id);
CREATE INDEX service_principal_passwords_sp_ix ON service_principal_passwords USING btree (service_principal_id);
CREATE UNIQUE INDEX service_principals_app_id_uq ON service_principals USING btree (app_id) WHERE (app_id <> '00000003-0000-0000-c000-000000000000'::text);
CREATE INDEX service_principals_display_name_ix ON service_principals USING btree (tenant_id, display_name, id);
CREATE UNIQUE INDEX service_principals_pkey ON service_principals USING btree (id);
CREATE UNIQUE INDEX service_principals_tenant_app_id_uq ON service_principals USING btree (tenant_id, app_id);
CREATE INDEX sign_ins_app_ix ON sign_ins USING btree (tenant_id, app_id);
CREATE UNIQUE INDEX sign_ins_pkey ON sign_ins USING btree (id);
CREATE INDEX sign_ins_time_ix ON sign_ins USING btree (tenant_id, created_date_time, id);
CREATE INDEX sign_ins_user_ix ON sign_ins USING btree (tenant_id, user_id);
CREATE UNIQUE INDEX signing_keys_pkey ON signing_keys USING btree (kid);
CREATE UNIQUE INDEX tenants_initial_domain_uq ON tenants USING btree (initial_domain);
CREATE UNIQUE INDEX tenants_pkey ON tenants USING btree (id);
CREATE UNIQUE INDEX user_other_mails_pk ON user_other_mails USING btree (tenant_id, address_lower, user_id);
CREATE INDEX user_other_mails_user_ix ON user_other_mails USING btree (user_id);
CREATE UNIQUE INDEX user_sponsors_pk ON user_sponsors USING btree (user_id, sponsor_id);
CREATE INDEX user_sponsors_sponsor_ix ON user_sponsors USING btree (sponsor_id);
CREATE INDEX users_display_name_ix ON users USING btree (tenant_id, display_name, id);
CREATE INDEX users_external_id_ix ON users USING btree (tenant_id, external_id);
CREATE UNIQUE INDEX users_mail_uq ON users USING btree (tenant_id, mail_lower);
CREATE INDEX users_manager_ix ON users USING btree (tenant_id, manager_id);
CREATE UNIQUE INDEX users_pkey ON users USING btree (id);
CREATE UNIQUE INDEX users_upn_uq ON users USING btree (tenant_id, upn_lower);

-- views
create view app_role_assignment_details as
 SELECT a.id,
    a.tenant_id,
    a.resource_id,
    a.principal_id,
    a.principal_type,
    a.app_role_id,
    a.created_date_time,
    COALESCE(u.display_name, g.display_name, psp.display_name) AS principal_display_name,
    sp.display_name AS resource_display_name
   FROM app_role_assignments a
     JOIN service_principals sp ON sp.id = a.resource_id
     LEFT JOIN users u ON u.id = a.principal_id AND a.principal_type = 'User'::text
     LEFT JOIN groups g ON g.id = a.principal_id AND a.principal_type = 'Group'::text
     LEFT JOIN service_principals psp ON psp.id = a.principal_id AND a.principal_type = 'ServicePrincipal'::text;

create view directory_objects as
 SELECT users.id,
    users.tenant_id,
    'user'::text AS object_type,
    users.display_name,
    users.mail,
    users.created_date_time
   FROM users
UNION ALL
 SELECT groups.id,
    groups.tenant_id,
    'group'::text AS object_type,
    groups.display_name,
    groups.mail,
    groups.created_date_time
   FROM groups;

-- triggers

-- functions
