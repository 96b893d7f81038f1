/**
 * The one catalogue of error codes. Services throw `DomainError(code)`; each surface renders the
 * entry in its own form (Graph envelope for /v1.0, RFC 6749 for OAuth, HTML for pages).
 * `docs/errors.md` is checked against this list by a test.
 */
export interface ErrorSpec {
  /** HTTP status on the Graph surface. */
  status: number;
  /** Microsoft Graph error code (`error.code` in the envelope). */
  graphCode: string;
  /** Default message; services may pass a more specific one. */
  message: string;
}

/** The entry of a request Graph refuses as Request_BadRequest (400). */
const badRequest = (message: string) => ({ status: 400, graphCode: 'Request_BadRequest', message }) as const;
/** The entry of a request Graph refuses as Authorization_RequestDenied (403). */
const denied = (message: string) => ({ status: 403, graphCode: 'Authorization_RequestDenied', message }) as const;

export const errorCatalogue = {
  request_invalid: badRequest('The request is invalid.'),
  request_body_invalid: badRequest('The request body is invalid.'),
  odata_query_invalid: {
    status: 400,
    graphCode: 'BadRequest',
    message: 'The OData query is invalid or uses an unsupported option or property.',
  },
  resource_not_found: {
    status: 404,
    graphCode: 'Request_ResourceNotFound',
    message: 'The resource does not exist or one of its queried reference-property objects are not present.',
  },
  route_not_found: {
    status: 404,
    graphCode: 'BadRequest',
    message: 'Resource not found for the segment.',
  },
  unknown_segment: {
    status: 400,
    graphCode: 'BadRequest',
    message: 'Resource not found for the segment.',
  },
  method_not_allowed: {
    status: 405,
    graphCode: 'Request_BadRequest',
    message: 'Specified HTTP method is not allowed for the request target.',
  },
  authentication_required: {
    status: 401,
    graphCode: 'InvalidAuthenticationToken',
    message: 'Access token is empty, invalid or expired.',
  },
  authorization_denied: denied('Insufficient privileges to complete the operation.'),
  throttled: {
    status: 429,
    graphCode: 'TooManyRequests',
    message: 'Too many requests. Retry after the period given in the Retry-After header.',
  },
  payload_too_large: {
    status: 413,
    graphCode: 'Request_BadRequest',
    message: 'The request body is too large.',
  },
  unsupported_media_type: {
    status: 415,
    graphCode: 'Request_BadRequest',
    message: 'The request body must be JSON (Content-Type: application/json).',
  },
  user_upn_conflict: badRequest('Another object with the same value for property userPrincipalName already exists.'),
  user_mail_conflict: badRequest('Another object with the same value for property mail already exists.'),
  user_password_invalid: badRequest('The specified password does not comply with password complexity requirements.'),
  group_reference_exists: badRequest(
    "One or more added object references already exist for the following modified properties: 'members'.",
  ),
  group_dynamic_membership: badRequest(
    'Members cannot be added to or removed from a dynamic group: its membership is managed by its membership rule.',
  ),
  group_synced: badRequest(
    'Unable to update the specified properties for objects that have originated within an external service: this group is synced from another directory.',
  ),
  group_last_owner: badRequest('The last owner of the group cannot be removed.'),
  group_membership_cycle: badRequest('The group cannot be added as a member: it would create a membership cycle.'),
  group_member_type_invalid: badRequest('This type of object cannot be added to this group.'),
  group_too_many_references: badRequest('At most 20 members or owners can be added in one request.'),
  group_mail_nickname_conflict: badRequest('Another object with the same value for property mailNickname already exists.'),
  role_assignment_exists: badRequest(
    'A conflicting object with one or more of the specified property values is present in the directory.',
  ),
  service_principal_reference_exists: badRequest(
    "One or more added object references already exist for the following modified properties: 'owners'.",
  ),
  service_principal_name_conflict: badRequest(
    'Another object with the same value for property servicePrincipalNames already exists.',
  ),
  app_role_assignment_exists: badRequest('Permission being assigned already exists on the object'),
  // --- Business rules and validation (one code per rule, so programs need not parse messages) ---
  me_requires_delegated_token: badRequest('/me request is only valid with delegated authentication flow.'),
  object_identifier_invalid: badRequest('Invalid object identifier.'),
  object_reference_invalid: badRequest(
    'Invalid object reference: expected a URL ending in /directoryObjects/{id}, /users/{id} or /groups/{id}.',
  ),
  property_required: badRequest('A required property is missing.'),
  property_read_only: badRequest('The property is read-only or can only be set when the object is created.'),
  last_global_administrator: badRequest('The last Global Administrator of the organization cannot be removed.'),
  user_upn_reserved_character: badRequest("The userPrincipalName may not contain '#': it is reserved for guest accounts."),
  user_cannot_disable_self: badRequest('You cannot disable your own account.'),
  user_cannot_delete_self: badRequest('You cannot delete your own account.'),
  user_manager_self: badRequest('A user cannot be their own manager.'),
  user_manager_cycle: badRequest(
    "The manager cannot be assigned: the user is in the new manager's own management chain (a cycle).",
  ),
  group_types_invalid: badRequest(
    'Invalid value for property groupTypes: use [], ["Unified"], ["DynamicMembership"] or ["Unified","DynamicMembership"].',
  ),
  group_type_conversion_invalid: badRequest('A group cannot be converted between a security group and a Microsoft 365 group.'),
  group_mail_enabled_invalid: badRequest('Microsoft 365 groups must be mail-enabled and security groups must not be.'),
  group_security_required: badRequest(
    'A group that is not a Microsoft 365 group must be a security group: set securityEnabled to true.',
  ),
  group_visibility_invalid: badRequest('The visibility is not supported for this kind of group.'),
  group_membership_rule_invalid: badRequest(
    'A membership rule is invalid (the message names the position), belongs to a dynamic group only, or is missing from one.',
  ),
  group_role_assignable_invalid: badRequest('A role-assignable group must be a private security group with assigned membership.'),
  group_creation_disabled: denied('Users cannot create groups in this organization: ask an administrator.'),
  my_groups_management_disabled: denied(
    'Group owners cannot manage membership in My Groups: the setting "Owners can manage group membership requests in My Groups" is off.',
  ),
  my_groups_restricted: denied('Groups features in My Groups are restricted to administrators in this organization.'),
  role_definition_unknown: badRequest('The role definition does not exist.'),
  role_scope_unsupported: badRequest("Only the directory-wide scope '/' is supported."),
  invitation_setting_denied: denied("The organization's guest invite setting does not allow you to invite guests."),
  invitation_domain_blocked: badRequest(
    "Invitations to this domain are blocked by the organization's collaboration restrictions.",
  ),
  invitation_redirect_not_allowed: badRequest(
    "The redirect URL's host is not one of the hosts the organization allows invitations to redirect to.",
  ),
  invitation_not_pending: badRequest('Only users whose invitation is pending acceptance can be sent the invitation again.'),
  b2b_policy_definition_invalid: badRequest('The policy definition is not a valid collaboration restrictions document.'),
  b2b_policy_conflicting_lists: badRequest(
    'Use either AllowedDomains or BlockedDomains, not both: one list type applies at a time.',
  ),
  b2b_policy_conflicting_forms: badRequest('Send either definition or invitationDomains, not both.'),
  b2b_policy_domain_list_empty: badRequest('Add at least one domain to the list, or choose to allow invitations to any domain.'),
  b2b_policy_too_large: badRequest('The policy is larger than 25,000 characters.'),
  client_name_invalid: badRequest('The client name must be 1–256 characters.'),
  client_permission_unknown: badRequest('Unknown application permission.'),
  app_role_invalid: badRequest('Property appRoles is invalid: app role ids and values must be unique and not reserved.'),
  app_role_enabled_removal: badRequest(
    'An enabled app role cannot be removed: set isEnabled to false in one update before removing it in another.',
  ),
  app_role_not_found: badRequest('Permission being assigned was not found on application.'),
  app_role_assignment_mismatch: badRequest('The principal or resource in the body does not match the one in the URL.'),
  service_principal_names_limit: badRequest('Property servicePrincipalNames must have at most 50 entries.'),
  service_principal_owner_type_invalid: badRequest('Only users can be owners of an application.'),
  service_principal_owners_limit: badRequest('An application can have at most 100 owners.'),
  service_principal_built_in: denied(
    "Microsoft Graph's service principal is built in: it cannot be changed or deleted, and it has no owners or credentials.",
  ),
  password_credentials_limit: badRequest('An application has the maximum number of client secrets: remove an old one first.'),
  credential_dates_invalid: badRequest('The start and end dates of the credential are invalid.'),
  saml_signing_required: badRequest('samlSettings: at least one of signResponse and signAssertion must be true.'),
  saml_verification_certificate_invalid: badRequest(
    'A SAML request verification certificate is not a valid, unexpired X.509 certificate with an RSA key.',
  ),
  saml_verification_certificate_required: badRequest(
    'samlSettings: requiring signed requests needs at least one verification certificate.',
  ),
  self_service_access_invalid: badRequest('The self-service access settings are incomplete or name objects that do not exist.'),
  application_template_not_found: badRequest('The application template does not exist.'),
  application_template_invalid: badRequest('The template does not support these settings.'),
  // App registrations (/applications), paired with their service principals.
  application_not_found: badRequest('The appId of the service principal does not reference a valid application object.'),
  service_principal_exists: {
    status: 409,
    graphCode: 'Request_MultipleObjectsWithSameKeyValue',
    message:
      'The service principal cannot be created, updated, or restored because the service principal name is already in use.',
  },
  sign_in_audience_unsupported: badRequest(
    "Only the sign-in audience 'AzureADMyOrg' (accounts in this organizational directory only) is supported.",
  ),
  application_redirect_uris_invalid: badRequest(
    'A redirect URI may be listed under one platform (web, spa or publicClient) only, at most 256 in all.',
  ),
  required_resource_access_invalid: badRequest(
    'requiredResourceAccess names a resource application or a permission that does not exist.',
  ),
  // Self-service requests (apps: My Apps → Request new apps; groups: My Groups → Join / Request to join).
  app_access_request_disabled: badRequest('This application does not take access requests: self-service access is off.'),
  app_access_request_already_assigned: badRequest('You already have access to this application.'),
  app_access_request_duplicate: {
    status: 409,
    graphCode: 'Conflict',
    message: 'You already have a pending request for this application.',
  },
  app_access_request_not_pending: {
    status: 409,
    graphCode: 'Conflict',
    message: 'This request is no longer pending: it was already decided or canceled.',
  },
  app_access_request_outdated: {
    status: 409,
    graphCode: 'Conflict',
    message:
      "The application's self-service settings changed since this request was made, so it can no longer be granted. The requester can request access again.",
  },
  app_access_request_self_decision: denied('You cannot approve or deny your own request.'),
  group_join_policy_invalid: badRequest(
    'Only assigned groups can be joined: the join policy of a dynamic or synced group is always closed.',
  ),
  group_join_request_closed: badRequest('This group does not take join requests: its owners add members.'),
  group_join_request_already_member: badRequest('You are already a member of this group.'),
  group_join_request_duplicate: {
    status: 409,
    graphCode: 'Conflict',
    message: 'You already have a pending request to join this group.',
  },
  group_join_request_not_pending: {
    status: 409,
    graphCode: 'Conflict',
    message: 'This request is no longer pending: it was already decided or canceled.',
  },
  group_join_request_outdated: {
    status: 409,
    graphCode: 'Conflict',
    message:
      'The group changed since this request was made (its members now come from a rule or another directory), so it can no longer be approved.',
  },
  group_join_request_self_decision: denied('You cannot approve or reject your own request.'),
  internal_error: {
    status: 500,
    graphCode: 'InternalServerError',
    message: 'An unexpected error occurred. The request id identifies it in the server log.',
  },
  database_unavailable: {
    status: 503,
    graphCode: 'serviceNotAvailable',
    message:
      'The service is temporarily unavailable: its database cannot be reached. Retry after the period given in the Retry-After header.',
  },

  // ---------------------------------------------------------------------------------------------
  // JSON batching (POST /v1.0/$batch), entra-behaviour: Graph's json-batching concept page.
  batch_invalid: {
    status: 400,
    graphCode: 'BadRequest',
    message: 'Invalid batch payload format: expected {"requests":[{"id","method","url",…}]}.',
  },
  batch_too_many_requests: {
    status: 400,
    graphCode: 'BadRequest',
    message: 'The number of requests in the batch exceeds the limit of 20.',
  },
  batch_duplicate_id: {
    status: 400,
    graphCode: 'BadRequest',
    message: 'Each request in the batch needs a unique id (ids are compared case-insensitively).',
  },
  batch_dependency_invalid: {
    status: 400,
    graphCode: 'BadRequest',
    message: 'A dependsOn entry names a request that is not in the batch, or the dependencies form a cycle.',
  },
  batch_request_invalid: {
    status: 400,
    graphCode: 'BadRequest',
    message:
      'The request in the batch is invalid: it needs a relative URL under /v1.0 and one of GET, POST, PATCH, PUT or DELETE; batches cannot be nested.',
  },
  deleted_item_restore_conflict: badRequest(
    'The object cannot be restored: another object now has the same value for property userPrincipalName or mail.',
  ),
  delta_token_invalid: {
    status: 400,
    graphCode: 'BadRequest',
    message: 'The $deltatoken or $skiptoken is not valid for this delta query: start again without it.',
  },
  batch_failed_dependency: {
    status: 424,
    graphCode: 'FailedDependency',
    message: 'The request was not run because a request it depends on failed.',
  },

  // ---------------------------------------------------------------------------------------------
  // Protocols and surfaces: HTTP-level failures, single sign-on refusals, SAML request errors.
  // (HTML pages and SAML status responses render these too; `status` is their HTTP status.)
  request_body_malformed: badRequest('The request body is not valid JSON.'),
  request_url_invalid: badRequest('The request URL is not valid.'),
  request_uri_too_long: {
    status: 414,
    graphCode: 'Request_BadRequest',
    message: 'The request URL is too long.',
  },
  request_headers_too_large: {
    status: 431,
    graphCode: 'Request_BadRequest',
    message: 'The request headers are too large.',
  },
  request_timeout: {
    status: 408,
    graphCode: 'Request_BadRequest',
    message: 'The request was not received in time.',
  },
  request_text_invalid: badRequest('The request contains a NUL character or text that is not valid Unicode.'),
  https_required: badRequest('This address is served over https only: the request did not arrive over https.'),
  sign_on_application_not_found: {
    status: 404,
    graphCode: 'Request_ResourceNotFound',
    message: "This application doesn't exist or was removed.",
  },
  sign_on_application_disabled: denied('This application is disabled: nobody can sign in to it. Contact your administrator.'),
  sign_on_application_not_configured: badRequest('This application is not configured for single sign-on.'),
  sign_on_user_disabled: denied('Your account is disabled. Contact your administrator.'),
  sign_on_invitation_pending: denied('Accept your invitation first: open the invitation link you received by e-mail.'),
  sign_in_incomplete: badRequest('Sign-in did not complete. Start again from the application.'),
  saml_request_invalid: badRequest('The SAML request is not a valid SAML 2.0 message.'),
  saml_issuer_unknown: badRequest('No application with the issuer of the SAML request was found in the directory.'),
  saml_reply_url_mismatch: badRequest(
    'The reply URL specified in the request does not match the reply URLs configured for the application.',
  ),
  saml_request_unsigned: badRequest('The application requires signed sign-in requests, and this SAML request is not signed.'),
  saml_request_signature_invalid: badRequest(
    "The signature of the SAML request could not be verified with the application's verification certificates.",
  ),
  saml_request_replayed: badRequest('This sign-in request was already answered. Start again from the application.'),
  saml_passive_sign_in_impossible: badRequest(
    'The application asked for a sign-in without user interaction, but nobody is signed in.',
  ),
  saml_logout_response_unexpected: badRequest(
    'This SAML logout response answers no logout request Portico sent, or was already received.',
  ),

  // ---------------------------------------------------------------------------------------------
  // SCIM 2.0 provisioning (/scim/v2): refusals of the protocol itself. The SCIM surface renders every
  // code in SCIM's error shape with its own status and scimType (docs/scim.md).
  scim_filter_invalid: badRequest(
    'The SCIM filter is not valid, or uses an attribute or operator this resource does not support.',
  ),
  scim_path_invalid: badRequest('The PATCH path is not valid, or names an attribute this resource does not have.'),
  scim_no_target: badRequest('The PATCH path matched no value of the resource.'),
  scim_version_mismatch: {
    status: 412,
    graphCode: 'PreconditionFailed',
    message: 'The resource has changed: its version no longer matches If-Match. Read it again and retry.',
  },
  precondition_failed: {
    status: 412,
    graphCode: 'PreconditionFailed',
    message: 'The object has changed since it was read: its ETag no longer matches If-Match. Read it again and retry.',
  },
  scim_bulk_id_unresolved: {
    status: 409,
    graphCode: 'Request_BadRequest',
    message: 'A bulkId reference names no resource created earlier in this bulk request, or the references are circular.',
  },
  tenant_not_found: badRequest('Tenant not found. Check to make sure you have the correct tenant ID or domain.'),
  permission_grant_scope_invalid: badRequest(
    'The scope names a permission that is not a Microsoft Graph delegated permission this service implements.',
  ),
  permission_grant_client_invalid: badRequest('clientId is not a service principal of this tenant.'),
  permission_grant_resource_invalid: badRequest(
    "resourceId must be the object id of this tenant's Microsoft Graph service principal.",
  ),
  permission_grant_principal_invalid: badRequest(
    'consentType Principal needs the principalId of a user of this tenant; AllPrincipals takes none.',
  ),
  permission_grant_exists: {
    status: 409,
    graphCode: 'Request_MultipleObjectsWithSameKeyValue',
    message:
      'Permission entry already exists: this application already has a grant for this principal. Update its scope instead.',
  },
  // --- Graph protocol (request shape, paths, versions) ---
  odata_type_invalid: {
    status: 400,
    graphCode: 'BadRequest',
    message: "The '@odata.type' of the request body does not name the resource's type or a type derived from it.",
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorCatalogue;

/** Graph error envelope as sent on the /v1.0 surface. */
export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    target?: string;
    /** `details[0].code` is the catalogue code (`ErrorCode`): stable, Portico's own, for programs. */
    details?: { code: string; message: string; target?: string }[];
    innerError: { 'request-id': string; 'client-request-id'?: string; date: string };
  };
}
