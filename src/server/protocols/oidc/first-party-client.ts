import type { ClientMetadata } from 'oidc-provider';

/**
 * The metadata of a first-party public client whose codes Portico redeems in process (My Apps'
 * direct sign-on links, the SAML IdP): code flow, no client secret, one redirect URI.
 */
export const firstPartyClientMetadata = (clientId: string, name: string, redirectUri: string, alg: string): ClientMetadata => ({
  client_id: clientId,
  client_name: name,
  application_type: 'web',
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code'],
  response_types: ['code'],
  redirect_uris: [redirectUri],
  id_token_signed_response_alg: alg as ClientMetadata['id_token_signed_response_alg'],
});

/**
 * Where a first-party round trip comes back (`completePath` under the public URL) and the options of
 * the cookie that binds it to the browser: sent only to that path, HttpOnly, Lax, Secure over https.
 */
export function firstPartyRoundTrip(publicUrl: string, completePath: string) {
  const secure = publicUrl.startsWith('https://');
  return {
    redirectUri: `${publicUrl}${completePath}`,
    cookieOptions: { path: completePath, httpOnly: true, sameSite: 'lax' as const, secure },
  };
}
