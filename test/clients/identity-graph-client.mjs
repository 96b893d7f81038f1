// @azure/identity ClientSecretCredential -> Microsoft Graph JS client (v3), unmodified, against
// Portico over https. Run with NODE_EXTRA_CA_CERTS=<data dir>/tls/dev-ca.pem (portico dev-cert).
// Prints one JSON line with what it got, for test/integration/entra-clients.test.ts.
import { ClientSecretCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';

const { PORTICO_URL, TENANT_ID, CLIENT_ID, CLIENT_SECRET } = process.env;

const credential = new ClientSecretCredential(TENANT_ID, CLIENT_ID, CLIENT_SECRET, {
  authorityHost: PORTICO_URL,
  // Instance discovery asks login.microsoftonline.com which hosts are Entra's; Portico is not one.
  disableInstanceDiscovery: true,
});
const graph = Client.initWithMiddleware({
  baseUrl: PORTICO_URL,
  defaultVersion: 'v1.0',
  authProvider: new TokenCredentialAuthenticationProvider(credential, {
    scopes: ['https://graph.microsoft.com/.default'],
  }),
  // The Graph client only sends tokens to Microsoft's Graph hosts unless told otherwise.
  customHosts: new Set([new URL(PORTICO_URL).hostname]),
});

const out = {};
try {
  const token = await credential.getToken('https://graph.microsoft.com/.default');
  out.token = token.token;
  const users = await graph.api('/users').select(['id', 'displayName']).top(5).get();
  out.users = users.value.map((u) => u.displayName);
  const group = await graph.api('/groups').post({
    displayName: 'Created with @azure/identity',
    mailEnabled: false,
    mailNickname: `identity-${Date.now()}`,
    securityEnabled: true,
  });
  out.groupId = group.id;
} catch (err) {
  out.error = { name: err.name, message: err.message, statusCode: err.statusCode, code: err.code };
}
process.stdout.write(`${JSON.stringify(out)}\n`);
