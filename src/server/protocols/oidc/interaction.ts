import { createHmac } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import type { Config } from '../../config/index.js';
import { esc } from '../../http/pages.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import { graphResource } from '../../platform/urls.js';
import { addRequestedScopes, FIRST_PARTY_CLIENT_IDS, GRAPH_DELEGATED_SCOPES } from './constants.js';

/** Shared plumbing of the interaction pages (password sign-in, guest passcode, redemption). */

/** Per-interaction token binding a form to its interaction (CSRF) or proving an earlier step. */
export const interactionToken = (key: string, tenant: Tenant, uid: string, purpose = 'signin') =>
  createHmac('sha256', key).update(`${purpose}:${tenant.id}:${uid}`).digest('base64url');

/** Hidden form fields, one input each (escaped). */
export const hiddenFields = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`)
    .join('\n');

/** The interaction behind the cookie, when it is the one named in the URL. */
export async function loadInteraction(
  provider: Provider,
  req: FastifyRequest,
  reply: FastifyReply,
  uid: string,
): Promise<Interaction | undefined> {
  try {
    const details = await provider.interactionDetails(req.raw, reply.raw);
    return details.uid === uid ? details : undefined;
  } catch {
    return undefined;
  }
}

/** What granting needs: the configuration and the delegated permissions consented to applications. */
export interface ConsentDeps {
  config: Config;
  permissions: {
    /** Consented Graph permissions of an application (of the provider's tenant: its clients are). */
    consentedScopesOfApp(appId: string, userId: string): Promise<string[]>;
  };
}

/**
 * Grants a first-party client what it asked for (no consent screen: Portico's clients are its own).
 * OIDC scopes from the request, Graph delegated scopes requested by name or via `.default`, plus
 * whatever oidc-provider reports missing when it asks for consent.
 */
export async function grantFor(
  provider: Provider,
  deps: ConsentDeps,
  interaction: Interaction,
  accountId: string,
): Promise<string> {
  const { params, prompt, grantId } = interaction;
  let grant = grantId ? await provider.Grant.find(grantId) : undefined;
  if (!grant || grant.accountId !== accountId) {
    grant = new provider.Grant({ accountId, clientId: String(params.client_id) });
  }
  // Applications get the Graph permissions consented to them (admin consent or the user's own).
  const firstParty = FIRST_PARTY_CLIENT_IDS.has(String(params.client_id));
  const allowed: readonly string[] = firstParty
    ? GRAPH_DELEGATED_SCOPES
    : await deps.permissions.consentedScopesOfApp(String(params.client_id), accountId);
  addRequestedScopes(grant, String(params.scope ?? ''), graphResource(deps.config), allowed);

  const d = prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (d.missingOIDCScope?.length) grant.addOIDCScope(d.missingOIDCScope.join(' '));
  if (d.missingOIDCClaims?.length) grant.addOIDCClaims(d.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) {
    const ok = scopes.filter((sc) => firstParty || allowed.includes(sc));
    if (ok.length) grant.addResourceScope(indicator, ok.join(' '));
  }
  return grant.save();
}

/** Ends the interaction with a signed-in account (and the implicit first-party consent). */
export async function finishLogin(
  provider: Provider,
  deps: ConsentDeps,
  interaction: Interaction,
  req: FastifyRequest,
  reply: FastifyReply,
  accountId: string,
  amr: string[],
) {
  const grantId = await grantFor(provider, deps, interaction, accountId);
  const to = await provider.interactionResult(
    req.raw,
    reply.raw,
    { login: { accountId, amr }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
  return reply.header('cache-control', 'no-store').redirect(to, 303);
}
