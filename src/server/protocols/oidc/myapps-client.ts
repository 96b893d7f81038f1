import type { ClientMetadata } from 'oidc-provider';

/**
 * First-party public client through which a direct sign-on link (`/myapps/signin/{appId}`) learns
 * who the browser's user is when there is no sign-in session yet: the link runs an authorization
 * request of this client (the usual sign-in page, guest passcode included), comes back to
 * MYAPPS_COMPLETE_PATH with a code, redeems it in process and only then decides whether the user
 * may open the application. Registered with every tenant's provider (clients.ts).
 */
export const MYAPPS_CLIENT_ID = 'portico-myapps';

/** Where that authorization request returns (one URL for every tenant: the flow's cookie names it). */
export const MYAPPS_COMPLETE_PATH = '/myapps/signin/complete';

export const myAppsClientMetadata = (publicUrl: string, alg: string): ClientMetadata => ({
  client_id: MYAPPS_CLIENT_ID,
  client_name: 'My Apps',
  application_type: 'web',
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code'],
  response_types: ['code'],
  redirect_uris: [`${publicUrl}${MYAPPS_COMPLETE_PATH}`],
  id_token_signed_response_alg: alg as ClientMetadata['id_token_signed_response_alg'],
});
