// The Kiota-generated Microsoft Graph SDK (@microsoft/msgraph-sdk + -users), unmodified, with an
// @azure/identity ClientSecretCredential, against Portico over https (NODE_EXTRA_CA_CERTS trusts
// its dev CA). Lists users, then creates one (the SDK sends "@odata.type"). Prints one JSON line.
import { ClientSecretCredential } from '@azure/identity';
import { AzureIdentityAuthenticationProvider } from '@microsoft/kiota-authentication-azure';
import { createGraphServiceClient, GraphRequestAdapter } from '@microsoft/msgraph-sdk';
import '@microsoft/msgraph-sdk-users';

const { PORTICO_URL, TENANT_ID, CLIENT_ID, CLIENT_SECRET, NEW_UPN } = process.env;
const credential = new ClientSecretCredential(TENANT_ID, CLIENT_ID, CLIENT_SECRET, {
  authorityHost: PORTICO_URL,
  disableInstanceDiscovery: true,
});
// The SDK only sends tokens to the hosts it is told about (Graph's own by default).
const auth = new AzureIdentityAuthenticationProvider(
  credential,
  ['https://graph.microsoft.com/.default'],
  undefined,
  new Set([new URL(PORTICO_URL).hostname]),
);
const adapter = new GraphRequestAdapter(auth);
adapter.baseUrl = `${PORTICO_URL}/v1.0`;
const graph = createGraphServiceClient(adapter);

const out = {};
try {
  const page = await graph.users.get({ queryParameters: { select: ['id', 'displayName'], top: 5 } });
  out.users = page?.value?.map((u) => u.displayName);
} catch (err) {
  out.listError = { name: err.name, message: err.message, code: err.error?.code ?? err.code, status: err.responseStatusCode };
}
try {
  const created = await graph.users.post({
    odataType: '#microsoft.graph.user',
    accountEnabled: true,
    displayName: 'Created with Kiota',
    mailNickname: NEW_UPN.split('@')[0],
    userPrincipalName: NEW_UPN,
    passwordProfile: { forceChangePasswordNextSignIn: false, password: 'Correct-Horse-9' },
  });
  out.createdId = created?.id;
} catch (err) {
  out.createError = { name: err.name, message: err.message, status: err.responseStatusCode };
}
process.stdout.write(`${JSON.stringify(out)}\n`);
