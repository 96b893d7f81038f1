/** App registrations (migration 0019): what only the application object has; the rest is its service principal's. */
export interface ApplicationRegistrationsTable {
  /** The application object id (not the service principal's). */
  id: string;
  tenant_id: string;
  service_principal_id: string;
  /** JSON string[]: the entries of the service principal's replyUrls that are single-page-app redirect URIs. */
  spa_redirect_uris: string;
  /** JSON string[]: the entries of replyUrls that are public-client (mobile and desktop) redirect URIs. */
  public_client_redirect_uris: string;
  /** JSON RequiredResourceAccess[]. */
  required_resource_access: string;
  created_date_time: string;
}

/** Tables of the app registrations (queried only by app-registrations.repository.ts in this unit). */
export interface AppRegistrationsTables {
  application_registrations: ApplicationRegistrationsTable;
}
