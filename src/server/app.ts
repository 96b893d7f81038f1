import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from './config/index.js';
import { createDb, type Database, migrateToLatest } from './db/index.js';
import { type Clock, systemClock } from './domain/clock.js';
import type { OperationContext } from './domain/context.js';
import { type IdGenerator, uuidv7 } from './domain/ids.js';
import { authenticateRequest } from './http/authenticate.js';
import { newRequestId, registerErrorHandling } from './http/errors.js';
import { registerOpenApi } from './http/openapi.js';
import { registerSecurityHeaders, webRoutes } from './http/web.js';
import { AppRoleAssignmentsService } from './modules/applications/app-role-assignments.service.js';
import { ApplicationCredentialsService } from './modules/applications/application-credentials.service.js';
import { applicationsRoutes, rewriteAppIdAddressing } from './modules/applications/applications.routes.js';
import { ApplicationsService } from './modules/applications/applications.service.js';
import { ServicePrincipalLoader } from './modules/applications/service-principal-loader.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { AuditLogService, AuditService } from './modules/audit/audit.service.js';
import { ClientsService } from './modules/clients/clients.service.js';
import { DirectoryService } from './modules/directory/directory.service.js';
import { GroupMembersService } from './modules/groups/group-members.service.js';
import { GroupReferences } from './modules/groups/group-references.js';
import { groupsRoutes } from './modules/groups/groups.routes.js';
import { GroupsService } from './modules/groups/groups.service.js';
import { invitationsRoutes, unsubscribeRoutes } from './modules/invitations/invitations.routes.js';
import { InvitationsService } from './modules/invitations/invitations.service.js';
import { RedemptionsService } from './modules/invitations/redemptions.service.js';
import { UnsubscribeService } from './modules/invitations/unsubscribe.service.js';
import { mailRoutes } from './modules/mail/mail.routes.js';
import { DevMailboxService } from './modules/mail/mail.service.js';
import { myAppsRoutes, myAppsSignInRoutes } from './modules/myapps/myapps.routes.js';
import { organizationRoutes } from './modules/organization/organization.routes.js';
import { OrganizationService } from './modules/organization/organization.service.js';
import { policiesRoutes } from './modules/policies/policies.routes.js';
import { PoliciesService } from './modules/policies/policies.service.js';
import { redemptionRoutes } from './modules/redemption/redemption.routes.js';
import { createRedemptionService } from './modules/redemption/redemption.service.js';
import { rolesRoutes } from './modules/roles/roles.routes.js';
import { RolesService } from './modules/roles/roles.service.js';
import { type Tenant, TenantsService } from './modules/tenants/tenants.service.js';
import { usersRoutes } from './modules/users/users.routes.js';
import { UsersService } from './modules/users/users.service.js';
import { KeyStore } from './platform/keys.js';
import { createLogger } from './platform/logger.js';
import { createMailer, type Mailer } from './platform/mailer.js';
import { createOutboxWorker, type OutboxWorker } from './platform/outbox-worker.js';
import { createRateLimiter } from './platform/rate-limit.js';
import { getOrCreateSecret } from './platform/secrets.js';
import { oidcRoutes } from './protocols/oidc/routes.js';
import { samlGraphRoutes, samlRoutes } from './protocols/saml/index.js';

export interface AppOptions {
  config: Config;
  /** An already-open database (tests); otherwise one is opened from the config. */
  database?: Database;
  clock?: Clock;
  newId?: IdGenerator;
  /** Run migrations at build time (serve does; `portico migrate` is the explicit path). Default true. */
  migrate?: boolean;
  /** Observer of every route as it is registered (tests: the OpenAPI document covers them all). */
  onRoute?: (route: RouteOptions) => void;
}

/**
 * Builds every use-case service from explicit dependencies, in dependency order (the compiler
 * checks the order: nothing is wired after construction). Cross-feature use cases live in
 * `directory`, which depends on the features and nothing depends on.
 */
function createServices(
  database: Database,
  config: Config,
  clock: Clock,
  newId: IdGenerator,
  secrets: { linkKey: string; otpKey: string; redeemCookieKey: string },
) {
  const db = database.db;
  const keys = new KeyStore(db, clock, config.signingAlg);
  const audit = new AuditService({ clock, newId });
  const policies = new PoliciesService({ db, clock, audit });
  const { access } = policies;
  const tenants = new TenantsService({ db, clock, newId, keys });
  const roles = new RolesService({ db, access });
  const users = new UsersService({ db, clock, newId, audit, access, roles });
  const groupReferences = new GroupReferences({ db, audit, users, access });
  const groups = new GroupsService({ db, clock, newId, audit, access, policies, tenants, references: groupReferences });
  const groupMembers = new GroupMembersService({ db, clock, audit, access, policies, users, references: groupReferences });
  const loader = new ServicePrincipalLoader({ db, access });
  const applications = new ApplicationsService({ db, clock, newId, audit, access, users, groups, groupMembers, loader });
  const applicationCredentials = new ApplicationCredentialsService({ db, clock, newId, audit, users, applications, loader });
  const appRoleAssignments = new AppRoleAssignmentsService({
    db,
    clock,
    newId,
    audit,
    access,
    users,
    groups,
    applications,
    loader,
  });
  const unsubscribes = new UnsubscribeService({ db, config, clock, newId, audit, tenants, linkKey: secrets.linkKey });
  const invitations = new InvitationsService({
    db,
    config,
    clock,
    newId,
    audit,
    access,
    policies,
    users,
    groupMembers,
    roles,
    tenants,
    unsubscribes,
    limiter: createRateLimiter(db, clock),
  });
  const redemptions = new RedemptionsService({ db, clock, audit, policies, users, tenants });
  const directory = new DirectoryService({
    db,
    config,
    clock,
    newId,
    audit,
    access,
    tenants,
    users,
    roles,
    groups,
    groupMembers,
    applications,
    invitations,
  });
  return {
    keys,
    services: {
      devMailbox: new DevMailboxService({ db, clock, newId, access, smtpConfigured: config.smtpUrl !== undefined }),
      audit,
      auditLog: new AuditLogService({ db, access }),
      policies,
      tenants,
      users,
      roles,
      groups,
      groupMembers,
      applications,
      applicationCredentials,
      appRoleAssignments,
      clients: new ClientsService({ db, clock, newId }),
      organization: new OrganizationService({ db, audit, access, tenants }),
      invitations,
      redemptions,
      unsubscribes,
      directory,
      redemption: createRedemptionService({
        db,
        config,
        clock,
        newId,
        otpKey: secrets.otpKey,
        cookieKey: secrets.redeemCookieKey,
      }),
    },
  };
}

export type Services = ReturnType<typeof createServices>['services'];

export interface Portico {
  config: Config;
  database: Database;
  clock: Clock;
  newId: IdGenerator;
  keys: KeyStore;
  services: Services;
  defaultTenant: Tenant;
  /** SMTP or the dev mailbox, per PORTICO_SMTP_URL. */
  mailer: Mailer;
  /** Delivers the outbox; polling when PORTICO_OUTBOX_WORKER=on (tests may call `drain()`). */
  outboxWorker: OutboxWorker;
}

declare module 'fastify' {
  interface FastifyInstance {
    portico: Portico;
  }
  interface FastifyRequest {
    /** Set by authentication on /v1.0 routes. */
    ctx: OperationContext;
  }
}

/** Composition root: builds the Fastify app with every surface. Never listens. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { config } = opts;
  const clock = opts.clock ?? systemClock;
  const newId = opts.newId ?? uuidv7;
  const database = opts.database ?? (await createDb(config));
  if (opts.migrate !== false) await migrateToLatest(database.db);
  const { keys, services } = createServices(database, config, clock, newId, {
    linkKey: await getOrCreateSecret(database.db, 'invitation-link-key-1', clock),
    otpKey: await getOrCreateSecret(database.db, 'otp-key-1', clock),
    redeemCookieKey: await getOrCreateSecret(database.db, 'redeem-cookie-key-1', clock),
  });
  const defaultTenant = await services.tenants.ensureDefaultTenant(config);

  const app = Fastify({
    loggerInstance: createLogger(config) as FastifyBaseLogger,
    genReqId: newRequestId,
    requestIdHeader: false,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    // Graph's alternate key /servicePrincipals(appId='…') (see applications.routes.ts).
    rewriteUrl: (req) => rewriteAppIdAddressing(req.url ?? '/'),
  });
  if (opts.onRoute) app.addHook('onRoute', opts.onRoute);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const mailer = createMailer(config, app.log, () => services.devMailbox.mailer(app.log));
  const outboxWorker = createOutboxWorker({
    db: database.db,
    dialect: database.dialect,
    mailer,
    clock,
    logger: app.log,
    pollMs: config.outboxPollMs,
  });
  app.decorate('portico', { config, database, clock, newId, keys, services, defaultTenant, mailer, outboxWorker });
  app.decorateRequest('ctx', null as unknown as OperationContext);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('request-id', req.id);
    const crid = req.headers['client-request-id'];
    if (typeof crid === 'string' && crid.length <= 128) reply.header('client-request-id', crid);
  });
  app.addHook('onClose', async () => {
    if (!opts.database) await database.destroy();
  });
  // Mail is delivered after commit by the outbox worker, in this process unless turned off.
  if (config.outboxWorker) {
    app.addHook('onReady', async () => {
      app.log.info({ mailer: mailer.description, workerId: outboxWorker.id }, 'outbox worker started');
      outboxWorker.start();
    });
  }
  // onClose hooks run last-added first: this one stops the worker before the database closes.
  app.addHook('onClose', async () => {
    await outboxWorker.stop();
    mailer.close();
  });
  registerErrorHandling(app);
  // Before any route: the OpenAPI generator records routes as they are added.
  await registerOpenApi(app, config);
  await registerSecurityHeaders(app, config);
  await app.register(cookie);
  await app.register(formbody);

  await app.register(
    async (graph) => {
      graph.addHook('onRequest', async (req) => {
        req.ctx = await authenticateRequest(req);
      });
      await graph.register(usersRoutes);
      await graph.register(mailRoutes);
      await graph.register(groupsRoutes);
      await graph.register(rolesRoutes);
      await graph.register(policiesRoutes);
      await graph.register(organizationRoutes);
      await graph.register(auditRoutes);
      await graph.register(invitationsRoutes);
      await graph.register(applicationsRoutes);
      await graph.register(samlGraphRoutes);
      await graph.register(myAppsRoutes);
    },
    { prefix: '/v1.0' },
  );

  await app.register(unsubscribeRoutes);
  // Redeem links (inviteRedeemUrl); the redemption pages themselves run on the sign-in interaction.
  await app.register(redemptionRoutes);

  // Token issuer (oidc-provider per tenant) and the sign-in page.
  await oidcRoutes(app);

  // SAML 2.0 IdP (metadata, SSO endpoint, certificates); decorates app.saml (startSignOn for My Apps).
  await samlRoutes(app);
  // Direct sign-on links of applications (/myapps/signin/{appId}); they read the sign-in session.
  await app.register(myAppsSignInRoutes);

  // The React SPA (portal and admin center), built into dist/web.
  await webRoutes(app);

  app.get('/healthz', async () => ({ status: 'ok' }));
  return app;
}
