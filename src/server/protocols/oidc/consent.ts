import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import type { Config } from '../../config/index.js';
import { findGraphScope } from '../../domain/graph-permissions.js';
import { esc, sendPage } from '../../http/pages.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import { graphResource } from '../../platform/urls.js';
import { isAppClient } from './app-clients.js';
import { issuerPath } from './constants.js';
import { grantFor, interactionToken } from './interaction.js';

/**
 * The consent screen of the sign-in flow: an application asks for Microsoft Graph delegated
 * permissions it does not hold for this user. Permissions granted by an administrator
 * (oauth2PermissionGrants, AllPrincipals) or consented before never show it. The user may consent
 * to the permissions the tenant's authorization policy lets users consent to
 * (permissionGrantPoliciesAssigned); any other one makes it "Need admin approval".
 */

export interface ConsentPermissions {
  consentedScopesOfApp(appId: string, userId: string): Promise<string[]>;
  userConsentable(tenantId: string, scopes: string[]): Promise<{ allowed: string[]; needAdmin: string[] }>;
  recordUserConsent(tenantId: string, appId: string, userId: string, scopes: string[]): Promise<void>;
}

export interface ConsentPageDeps {
  config: Config;
  csrfKey: string;
  permissions: ConsentPermissions;
}

interface Pending {
  appId: string;
  appName: string;
  accountId: string;
  missing: string[];
  allowed: string[];
  needAdmin: string[];
}

/** What an application's interaction still needs consent for; undefined when nothing (or not an application). */
async function pendingConsent(deps: ConsentPageDeps, provider: Provider, tenant: Tenant, interaction: Interaction) {
  const accountId = interaction.session?.accountId;
  if (interaction.prompt.name !== 'consent' || !accountId) return undefined;
  const client = await provider.Client.find(String(interaction.params.client_id));
  if (!client || !isAppClient(client)) return undefined;
  const details = interaction.prompt.details as { missingResourceScopes?: Record<string, string[]> };
  const consented = await deps.permissions.consentedScopesOfApp(client.clientId, accountId);
  const missing = (details.missingResourceScopes?.[graphResource(deps.config)] ?? []).filter((s) => !consented.includes(s));
  if (missing.length === 0) return undefined;
  const { allowed, needAdmin } = await deps.permissions.userConsentable(tenant.id, missing);
  return {
    appId: client.clientId,
    appName: String(client.clientName ?? client.clientId),
    accountId,
    missing,
    allowed,
    needAdmin,
  } satisfies Pending;
}

const scopeList = (scopes: string[]) =>
  `<ul>${scopes.map((s) => `<li><strong>${esc(findGraphScope(s)?.description ?? s)}</strong> <span class="muted">(${esc(s)})</span></li>`).join('')}</ul>`;

function needAdminPage(reply: FastifyReply, tenant: Tenant, p: Pending) {
  return sendPage(
    reply,
    403,
    'Need admin approval',
    `<h1>Need admin approval</h1>
<p>${esc(p.appName)} needs permission to access resources in ${esc(tenant.displayName)} that only an admin can grant. Ask an admin to grant permission to this app before you can use it.</p>
${scopeList(p.needAdmin)}
<p class="muted">Administrators grant delegated permissions with POST /v1.0/oauth2PermissionGrants (consentType AllPrincipals).</p>`,
  );
}

/** GET: the consent form, "Need admin approval", or undefined when no consent is needed. */
export async function showConsent(
  deps: ConsentPageDeps,
  provider: Provider,
  tenant: Tenant,
  interaction: Interaction,
  reply: FastifyReply,
) {
  const p = await pendingConsent(deps, provider, tenant, interaction);
  if (!p) return undefined;
  if (p.needAdmin.length) return needAdminPage(reply, tenant, p);
  const action = `${issuerPath(deps.config, tenant)}/login/${interaction.uid}`;
  return sendPage(
    reply,
    200,
    'Permissions requested',
    `<h1>Permissions requested</h1>
<p><strong>${esc(p.appName)}</strong> would like to:</p>
${scopeList(p.allowed)}
<p class="muted">Accepting lets this app use the data as specified in its terms of service and privacy statement. You can change these permissions later.</p>
<form method="post" action="${esc(action)}">
<input type="hidden" name="csrf" value="${esc(interactionToken(deps.csrfKey, tenant, interaction.uid))}">
<input type="hidden" name="step" value="consent">
<button type="submit" name="decision" value="accept">Accept</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</form>`,
  );
}

/** POST step=consent: records the user's consent and continues, or ends with access_denied. */
export async function submitConsent(
  deps: ConsentPageDeps,
  provider: Provider,
  tenant: Tenant,
  interaction: Interaction,
  decision: string,
  req: FastifyRequest,
  reply: FastifyReply,
) {
  const p = await pendingConsent(deps, provider, tenant, interaction);
  let to: string;
  if (p && decision !== 'accept') {
    to = await provider.interactionResult(
      req.raw,
      reply.raw,
      { error: 'access_denied', error_description: 'AADSTS65004: User declined to consent to access the app.' },
      { mergeWithLastSubmission: false },
    );
  } else {
    if (p?.needAdmin.length) return needAdminPage(reply, tenant, p);
    if (p) await deps.permissions.recordUserConsent(tenant.id, p.appId, p.accountId, p.allowed);
    const accountId = interaction.session?.accountId ?? '';
    const grantId = await grantFor(provider, deps, interaction, accountId);
    to = await provider.interactionResult(req.raw, reply.raw, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  return reply.header('cache-control', 'no-store').redirect(to, 303);
}
