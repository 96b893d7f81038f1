// MSAL Node ConfidentialClientApplication in its default (Entra) protocol mode, unmodified, with
// `authority: <portico>/<tenant>`, against Portico over https (NODE_EXTRA_CA_CERTS trusts its CA).
// Prints one JSON line for test/integration/entra-clients.test.ts.
import { ConfidentialClientApplication } from '@azure/msal-node';

const { PORTICO_URL, AUTHORITY, CLIENT_ID, CLIENT_SECRET } = process.env;

const cca = new ConfidentialClientApplication({
  auth: {
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    authority: AUTHORITY,
    // Trust the authority's own metadata instead of asking login.microsoftonline.com.
    knownAuthorities: [new URL(PORTICO_URL).host],
  },
});

const out = {};
try {
  const result = await cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
  out.token = result.accessToken;
  out.tenantId = result.tenantId;
  out.scopes = result.scopes;
  const res = await fetch(`${PORTICO_URL}/v1.0/users?$top=1`, { headers: { authorization: `Bearer ${result.accessToken}` } });
  out.usersStatus = res.status;
} catch (err) {
  out.error = {
    name: err.name,
    errorCode: err.errorCode,
    errorNo: err.errorNo,
    message: err.errorMessage ?? err.message,
    correlationId: err.correlationId,
  };
}
process.stdout.write(`${JSON.stringify(out)}\n`);
