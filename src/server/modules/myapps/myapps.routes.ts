import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServicePrincipal } from '../../../contracts/applications.js';
import { isGuid } from '../../domain/ids.js';
import { meId, odataContext } from '../../http/graph.js';
import { appAccess } from '../../protocols/oidc/app-clients.js';
import { messagePage } from '../../protocols/oidc/interaction.js';
import { sendNoAccessPage } from '../../protocols/oidc/no-access.js';
import type { Tenant } from '../tenants/tenants.service.js';

import { createMyAppsService } from './myapps.service.js';

/**
 * SAML sign-on started from My Apps, provided by the SAML IdP when it is present
 * (`app.portico.services.saml`): SP-initiated when the application has a sign-on URL
 * (`loginUrl`), IdP-initiated otherwise. It answers the request itself (redirect, auto-posting
 * form, or its own sign-in/no-access page).
 */
export interface SamlSignOnStarter {
  startSignOn(
    req: FastifyRequest,
    reply: FastifyReply,
    args: { tenant: Tenant; servicePrincipal: ServicePrincipal; userId: string | undefined },
  ): Promise<unknown>;
}

export const MYAPPS_MESSAGES = {
  notFoundTitle: 'Application not found',
  notFound: "This application doesn't exist or was removed. Check the link, or open the application from My Apps.",
  disabledTitle: 'Application unavailable',
  disabled: 'This application is disabled: nobody can sign in to it. Contact your administrator.',
  noUrlTitle: 'Application cannot be launched',
  noUrl: (name: string) =>
    `${name} has no sign-in URL or home page configured, so it cannot be opened from My Apps. Contact the owner of the application.`,
  samlUnavailable: 'SAML single sign-on is not available on this server.',
} as const;

/** Path of an application's direct sign-on link (relative to the public URL). */
export const launchPath = (tenant: Pick<Tenant, 'id' | 'isDefault'>, appId: string) =>
  `${tenant.isDefault ? '' : `/${tenant.id}`}/myapps/signin/${appId}`;

/** `GET /v1.0/me/myApps` (Portico extension): registered inside the /v1.0 plugin. */
export async function myAppsRoutes(app: FastifyInstance): Promise<void> {
  const { config, defaultTenant, services } = app.portico;
  const myApps = createMyAppsService({
    applications: services.applications,
    launchUrl: (tenantId, appId) =>
      `${config.publicUrl}${launchPath({ id: tenantId, isDefault: tenantId === defaultTenant.id }, appId)}`,
  });
  app.get(
    '/me/myApps',
    {
      schema: {
        tags: ['users'],
        summary: "List the signed-in user's apps (My Apps tiles; Portico extension)",
      },
    },
    async (req, reply) => {
      const apps = await myApps.listMyApps(req.ctx, meId(req));
      return reply.send({ '@odata.context': odataContext(req, 'Collection(portico.myApp)'), value: apps });
    },
  );
}

/**
 * Direct sign-on links `/myapps/signin/{appId}` (and `/{tenantId}/myapps/signin/{appId}` for
 * other tenants, where their sign-in cookie lives). A user signed in to Portico who may not use
 * the application sees the no-access page; otherwise an OIDC application opens at its sign-in URL
 * (`loginUrl`, else `homepage`) and signs in there — the assignment is enforced again by the token
 * issuer — and a SAML application's sign-on is started by the SAML IdP.
 */
export async function myAppsSignInRoutes(app: FastifyInstance): Promise<void> {
  const { config, defaultTenant, services } = app.portico;

  const tenantOf = async (req: FastifyRequest): Promise<Tenant | undefined> => {
    const id = (req.params as { tenantId?: string }).tenantId;
    if (id === undefined) return defaultTenant;
    if (!isGuid(id)) return undefined;
    const t = await services.tenants.findTenant(id.toLowerCase());
    return t && !t.isDefault ? t : undefined;
  };

  /** The user of the browser's sign-in session with this tenant, if any (and still enabled). */
  const signedInUser = async (tenant: Tenant, req: FastifyRequest, reply: FastifyReply): Promise<string | undefined> => {
    const provider = await app.oidc.forTenant(tenant);
    const session = await provider.Session.get({ req: req.raw, res: reply.raw } as unknown as Parameters<
      typeof provider.Session.get
    >[0]);
    const accountId = session.accountId;
    if (!accountId) return undefined;
    const user = await services.users.findUser(tenant.id, accountId);
    return user?.accountEnabled ? user.id : undefined;
  };

  for (const prefix of ['', '/:tenantId']) {
    app.get(
      `${prefix}/myapps/signin/:appId`,
      { schema: { tags: ['oauth2'], summary: "Direct sign-on link of an application (starts the application's sign-on)" } },
      async (req, reply) => {
        const tenant = await tenantOf(req);
        const { appId } = req.params as { appId: string };
        const found = tenant ? await services.applications.findByAppId(appId) : undefined;
        if (!tenant || !found || found.tenantId !== tenant.id) {
          return messagePage(reply, 404, MYAPPS_MESSAGES.notFoundTitle, MYAPPS_MESSAGES.notFound);
        }
        const sp: ServicePrincipal = found;
        if (!sp.accountEnabled) return messagePage(reply, 403, MYAPPS_MESSAGES.disabledTitle, MYAPPS_MESSAGES.disabled);
        const userId = await signedInUser(tenant, req, reply);
        if (userId) {
          const decision = await appAccess(services.applications, services.roles, tenant.id, sp.appId, userId);
          if (!decision.allowed) return sendNoAccessPage(reply, config, sp);
        }
        if (sp.preferredSingleSignOnMode === 'saml') {
          const saml = (services as { saml?: Partial<SamlSignOnStarter> }).saml;
          if (typeof saml?.startSignOn !== 'function') {
            return messagePage(reply, 404, MYAPPS_MESSAGES.noUrlTitle, MYAPPS_MESSAGES.samlUnavailable);
          }
          return saml.startSignOn(req, reply, { tenant, servicePrincipal: sp, userId });
        }
        const target = sp.loginUrl ?? sp.homepage;
        if (!target) return messagePage(reply, 404, MYAPPS_MESSAGES.noUrlTitle, MYAPPS_MESSAGES.noUrl(sp.displayName));
        return reply.header('cache-control', 'no-store').redirect(target, 302);
      },
    );
  }
}
