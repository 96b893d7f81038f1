import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServicePrincipal } from '../../../contracts/applications.js';
import type { Config } from '../../config/index.js';
import { DomainError } from '../../domain/errors.js';
import { meId, odataContext } from '../../http/graph.js';
import { sendNoAccessPage } from '../../http/no-access.page.js';
import { messagePage } from '../../http/pages.js';
import { type TenantDirectory, tenantOfRoute } from '../../http/tenant.js';
import type { AuthorizeSignOn, TenantServicePrincipal } from '../applications/sign-on.js';
import type { Tenant } from '../tenants/tenants.service.js';

import { createMyAppsService } from './myapps.service.js';

/**
 * SAML sign-on started from My Apps for a signed-in user who may use the application (the SAML
 * IdP's entry point): SP-initiated when the application has a sign-on URL (`loginUrl`),
 * IdP-initiated otherwise. It answers the request itself (redirect or auto-posting form).
 */
export interface SamlSignOnStarter {
  startSignOn(
    req: FastifyRequest,
    reply: FastifyReply,
    args: { tenant: Tenant; servicePrincipal: ServicePrincipal; userId: string },
  ): Promise<unknown>;
}

/**
 * The sign-in round trip of a link opened without a sign-in session (the token issuer's
 * first-party `portico-myapps` client): `begin` sends the browser to the sign-in page, the browser
 * comes back to `completePath`, where `complete` names the link and the user (undefined when the
 * flow is not this browser's, expired, was cancelled or its code did not redeem).
 */
export interface MyAppsSignInFlow {
  completePath: string;
  begin(reply: FastifyReply, tenant: Tenant, appId: string): FastifyReply;
  complete(req: FastifyRequest, reply: FastifyReply): Promise<{ tenant: Tenant; appId: string; userId: string } | undefined>;
}

/** What the direct sign-on links need, passed by the composition root. */
export interface MyAppsSignInDeps {
  config: Pick<Config, 'publicUrl'>;
  tenants: TenantDirectory;
  findByAppId(appId: string): Promise<TenantServicePrincipal | undefined>;
  authorizeSignOn: AuthorizeSignOn;
  /** The user of the browser's sign-in session with the tenant (the token issuer), if any. */
  signedInUser(tenant: Tenant, req: FastifyRequest, reply: FastifyReply): Promise<string | undefined>;
  signIn: MyAppsSignInFlow;
  /** The SAML IdP; without one, SAML applications cannot be launched. */
  saml: SamlSignOnStarter | undefined;
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

/** The tenant's application behind a link, or a page that says why there is none (404, 403). */
async function linkedApp(
  deps: MyAppsSignInDeps,
  reply: FastifyReply,
  tenant: Tenant | undefined,
  appId: string,
): Promise<{ tenant: Tenant; sp: ServicePrincipal } | { page: FastifyReply }> {
  const found = tenant ? await deps.findByAppId(appId) : undefined;
  if (!tenant || !found || found.tenantId !== tenant.id) {
    return { page: messagePage(reply, 404, MYAPPS_MESSAGES.notFoundTitle, MYAPPS_MESSAGES.notFound) };
  }
  const sp: ServicePrincipal = found;
  if (!sp.accountEnabled) return { page: messagePage(reply, 403, MYAPPS_MESSAGES.disabledTitle, MYAPPS_MESSAGES.disabled) };
  return { tenant, sp };
}

/**
 * Opens an application for a signed-in user: the no-access page unless `authorizeSignOn` lets
 * them in; then an OIDC application opens at its sign-in URL (`loginUrl`, else `homepage`) and
 * signs in there — the token issuer enforces the assignment again — and a SAML application's
 * sign-on is started by the SAML IdP.
 */
async function launch(
  deps: MyAppsSignInDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  target: { tenant: Tenant; sp: ServicePrincipal; userId: string },
) {
  const { tenant, sp, userId } = target;
  const decision = await deps.authorizeSignOn(tenant.id, sp, userId);
  if (!decision.allowed && decision.reason === 'invitation_pending') throw new DomainError('sign_on_invitation_pending');
  if (!decision.allowed) return sendNoAccessPage(reply, deps.config, sp);
  if (sp.preferredSingleSignOnMode === 'saml') {
    if (!deps.saml) return messagePage(reply, 404, MYAPPS_MESSAGES.noUrlTitle, MYAPPS_MESSAGES.samlUnavailable);
    return deps.saml.startSignOn(req, reply, { tenant, servicePrincipal: sp, userId });
  }
  const destination = sp.loginUrl ?? sp.homepage;
  if (!destination) return messagePage(reply, 404, MYAPPS_MESSAGES.noUrlTitle, MYAPPS_MESSAGES.noUrl(sp.displayName));
  return reply.header('cache-control', 'no-store').redirect(destination, 302);
}

/**
 * Direct sign-on links `/myapps/signin/{appId}` (and `/{tenantId}/myapps/signin/{appId}` for
 * other tenants, where their sign-in cookie lives): the plugin registers `/:appId` and app.ts
 * mounts it under both prefixes. The link never leads anywhere for an anonymous browser: without
 * a sign-in session it first runs the sign-in (`signIn.begin`) and continues at
 * `myAppsSignInCompletionRoutes`; a signed-in user is checked at once (`launch`).
 */
export function myAppsSignInRoutes(deps: MyAppsSignInDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/:appId',
      { schema: { tags: ['oauth2'], summary: "Direct sign-on link of an application (starts the application's sign-on)" } },
      async (req, reply) => {
        const tenant = await tenantOfRoute(deps.tenants, req);
        const { appId } = req.params as { appId: string };
        const linked = await linkedApp(deps, reply, tenant, appId);
        if ('page' in linked) return linked.page;
        const userId = await deps.signedInUser(linked.tenant, req, reply);
        if (!userId) return deps.signIn.begin(reply, linked.tenant, linked.sp.appId);
        return launch(deps, req, reply, { ...linked, userId });
      },
    );
  };
}

/**
 * `GET /myapps/signin/complete`: the end of a link's sign-in round trip (one URL for every
 * tenant). The application is looked up again (it may have been disabled or removed meanwhile),
 * then opened for the user who signed in, or refused.
 */
export function myAppsSignInCompletionRoutes(deps: MyAppsSignInDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      deps.signIn.completePath,
      { schema: { tags: ['oauth2'], summary: 'End of the sign-in of a direct sign-on link: opens the application' } },
      async (req, reply) => {
        const done = await deps.signIn.complete(req, reply);
        if (!done) throw new DomainError('sign_in_incomplete');
        const linked = await linkedApp(deps, reply, done.tenant, done.appId);
        if ('page' in linked) return linked.page;
        return launch(deps, req, reply, { ...linked, userId: done.userId });
      },
    );
  };
}
