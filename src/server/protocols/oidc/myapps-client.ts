import type { ClientMetadata } from 'oidc-provider';
import { firstPartyClientMetadata } from './first-party-client.js';

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

export const myAppsClientMetadata = (publicUrl: string, alg: string): ClientMetadata =>
  firstPartyClientMetadata(MYAPPS_CLIENT_ID, 'My Apps', `${publicUrl}${MYAPPS_COMPLETE_PATH}`, alg);
