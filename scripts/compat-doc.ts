/**
 * `npm run docs:compat`: writes docs/compatibility.md from the route table, so the list of Graph
 * endpoints cannot drift from what Portico serves. The app is built on a throwaway SQLite file, its
 * OpenAPI document read, and every `/v1.0` operation listed with its query options; the notes below
 * mark what is partial, and the Graph endpoints scripts commonly use that Portico does not serve are
 * listed as not supported. The client-library section is docs/compatibility-clients.md, included
 * verbatim. test/integration/compatibility-doc.test.ts fails when the file is out of date, when a
 * note names a route that does not exist, or when a "not supported" endpoint is served.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

type Operation = { summary?: string; parameters?: { name: string; in: string }[] };
export type OpenApiPaths = Record<string, Record<string, Operation>>;

/** "METHOD /v1.0/path" (OpenAPI path syntax) → what is partial about it. */
export const PARTIAL: Record<string, string> = {
  'GET /v1.0/users':
    '`$search` on displayName, mail, userPrincipalName, givenName, surname only; see docs/api.md for `$filter` operators.',
  'GET /v1.0/groups': '`$search` on displayName, description, mail, mailNickname only.',
  'POST /v1.0/groups': 'Security groups and Microsoft 365 groups as directory objects (no mailbox, team or site).',
  'POST /v1.0/invitations':
    'invitedUserMessageInfo: customizedMessageBody and ccRecipients (first one); messageLanguage is accepted and not used.',
  'POST /v1.0/servicePrincipals':
    'Enterprise applications are created as service principals directly, each with its application object (Portico extension: `applicationTemplateId`); `{appId}` of an existing application answers 409, as its service principal already exists.',
  'POST /v1.0/applications':
    'Creates the service principal with the application (one pair); signInAudience `AzureADMyOrg` only; no `api`, `optionalClaims` or certificates (keyCredentials).',
  'DELETE /v1.0/applications/{id}':
    'Deletes the application and its service principal permanently: Portico does not keep enterprise applications under directory/deletedItems.',
  'PATCH /v1.0/applications/{id}':
    'displayName, description, notes, identifierUris, appRoles, web/spa/publicClient redirect URIs (http/https), web.homePageUrl/logoutUrl, requiredResourceAccess, signInAudience `AzureADMyOrg` only.',
};

/**
 * Portico's own resources under /v1.0 (Graph has no public equivalent): listed, and marked as
 * extensions so nobody mistakes them for Graph's.
 */
export const EXTENSIONS: readonly RegExp[] = [
  /\/appAccessRequests\b/,
  /\/accessRequests\b/,
  /\/groupJoinRequests\b/,
  /\/joinRequests\b/,
  /\/requestableApps\b/,
  /\/pendingApprovals\b/,
  /\/devMailbox\//,
  /\/groupManagementPolicy\b/,
  /\/selfServiceGroup\b/,
  /\/applicationTemplates\/\{id\}\/instantiate$/,
  /\/members\/add$/,
  /\/accessExplanation\(/,
  /\/members\/addOptions$/,
];

/** Graph endpoints that scripts and tools commonly call and Portico does not serve (with why). */
export const NOT_SUPPORTED: Record<string, string> = {
  'GET /v1.0/users/{id}/photo/$value': 'No profile photos.',
  'POST /v1.0/users/{id}/assignLicense': 'No licensing: Portico has no paid features to license.',
  'GET /v1.0/subscribedSkus': 'No licensing.',
  'GET /v1.0/users/{id}/authentication/methods': 'No multi-factor methods yet (guests use e-mail one-time passcodes).',
  'GET /v1.0/identity/conditionalAccess/policies': 'No Conditional Access.',
  'GET /v1.0/identityGovernance/entitlementManagement/accessPackages':
    'No entitlement management; self-service app access requests are Portico’s own resource (docs/api.md).',
  'GET /v1.0/devices': 'No device registration.',
  'GET /v1.0/administrativeUnits': 'No administrative units: roles are tenant-wide.',
  'GET /v1.0/domains': 'One initial domain per tenant, set by configuration (PORTICO_TENANT_DOMAIN).',
  'POST /v1.0/me/sendMail': 'No mailboxes.',
  'GET /v1.0/teams': 'No Teams, SharePoint or OneDrive resources.',
  'GET /v1.0/schemaExtensions': 'No directory schema extensions.',
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The markdown document for an OpenAPI `paths` object. */
export function renderCompatibility(paths: OpenApiPaths, clients: string): string {
  const rows: { key: string; path: string; method: string; summary: string; options: string; status: string }[] = [];
  for (const [p, ops] of Object.entries(paths)) {
    if (!p.startsWith('/v1.0/')) continue;
    for (const m of METHODS) {
      const op = ops[m];
      if (!op) continue;
      const key = `${m.toUpperCase()} ${p}`;
      const options = (op.parameters ?? [])
        .filter((x) => x.in === 'query' && x.name.startsWith('$'))
        .map((x) => `\`${x.name}\``)
        .join(' ');
      const note = PARTIAL[key];
      const extension = EXTENSIONS.some((re) => re.test(p));
      rows.push({
        key,
        path: p,
        method: m.toUpperCase(),
        summary: op.summary ?? '',
        options,
        status: `${note ? `partial: ${note}` : 'supported'}${extension ? ' (Portico extension)' : ''}`,
      });
    }
  }
  rows.sort(
    (a, b) =>
      a.path.localeCompare(b.path) ||
      METHODS.indexOf(a.method.toLowerCase() as never) - METHODS.indexOf(b.method.toLowerCase() as never),
  );
  const byArea = new Map<string, typeof rows>();
  for (const r of rows) {
    const area = r.path.split('/')[2] ?? '';
    byArea.set(area, [...(byArea.get(area) ?? []), r]);
  }
  const out: string[] = [
    '# Compatibility',
    '',
    '<!-- Generated by `npm run docs:compat` from the route table (scripts/compat-doc.ts); do not edit by hand.',
    '     test/integration/compatibility-doc.test.ts fails when it is out of date. -->',
    '',
    'Which Microsoft Graph endpoints Portico serves under `/v1.0`, with the OData query options each accepts,',
    'and which commonly used ones it does not. Shapes, property names, status codes and error envelopes follow',
    'Graph (see [api.md](api.md) for the details and [errors.md](errors.md) for the error codes).',
    '',
    `**${rows.length} operations** in ${byArea.size} areas (${rows.filter((r) => r.status.endsWith('(Portico extension)')).length} of them Portico extensions, marked so); ${rows.filter((r) => r.status.startsWith('partial')).length} partial; ${Object.keys(NOT_SUPPORTED).length} common Graph endpoints not supported.`,
    '',
    '## Graph endpoints',
    '',
  ];
  for (const [area, list] of byArea) {
    out.push(`### ${area}`, '', '| Method | Path | What | Query options | Status |', '| --- | --- | --- | --- | --- |');
    for (const r of list) {
      out.push(`| ${r.method} | \`${cell(r.path)}\` | ${cell(r.summary)} | ${r.options} | ${cell(r.status)} |`);
    }
    out.push('');
  }
  out.push('## Not supported', '', '| Method | Path | Why |', '| --- | --- | --- |');
  for (const [key, why] of Object.entries(NOT_SUPPORTED)) {
    const [method, p] = key.split(' ');
    out.push(`| ${method} | \`${cell(p ?? '')}\` | ${cell(why)} |`);
  }
  out.push('', clients.trim(), '');
  return out.join('\n');
}

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DOC = path.join(root, 'docs', 'compatibility.md');
export const CLIENTS = path.join(root, 'docs', 'compatibility-clients.md');

/** Builds the app on a throwaway SQLite file and returns its OpenAPI paths. */
export async function servedPaths(): Promise<OpenApiPaths> {
  const [{ buildApp }, { loadConfig }] = await Promise.all([
    import('../src/server/app.js'),
    import('../src/server/config/index.js'),
  ]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-compat-'));
  const config = loadConfig(
    { PORTICO_DATA_DIR: dir, PORTICO_PUBLIC_URL: 'https://portico.contoso.test', PORTICO_LOG_LEVEL: 'silent' },
    dir,
  );
  const app = await buildApp({ config });
  try {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    return (res.json() as { paths: OpenApiPaths }).paths;
  } finally {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === `file://${path.resolve(process.argv[1])}`) {
  const text = renderCompatibility(await servedPaths(), fs.readFileSync(CLIENTS, 'utf8'));
  fs.writeFileSync(DOC, text);
  console.log(`wrote ${path.relative(process.cwd(), DOC)}`);
}
