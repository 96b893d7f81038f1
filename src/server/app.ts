import fs from 'node:fs';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController, type RouteOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { DestinationStream } from 'pino';
import { MAX_UPN_LENGTH } from '../contracts/users.js';
import type { Config } from './config/index.js';
import { createDb, type Database, migrateToLatest, refreshStatistics } from './db/index.js';
import { type Clock, systemClock } from './domain/clock.js';
import type { OperationContext } from './domain/context.js';
import { type IdGenerator, uuidv7 } from './domain/ids.js';
import { authenticateRequest } from './http/authenticate.js';
import { batchRoutes } from './http/batch.js';
import { newRequestId } from './http/errors.js';
import { healthRoutes } from './http/health.js';
import { guardInput } from './http/input-guard.js';
import { acceptODataTypes } from './http/odata-type.js';
import { registerOpenApi } from './http/openapi.js';
import {
  clientErrorHandler,
  frameworkErrors,
  useDefaultErrors,
  useGraphErrors,
  useOAuthErrors,
  usePageErrors,
} from './http/surfaces.js';
import type { TenantDirectory } from './http/tenant.js';
import { registerLoopbackRedirect, registerSecurityHeaders, webRoutes } from './http/web.js';
import { appRegistrationsRoutes } from './modules/applications/app-registrations.routes.js';
import { AppRegistrationsService } from './modules/applications/app-registrations.service.js';
import { AppRoleAssignmentsService } from './modules/applications/app-role-assignments.service.js';
import { ApplicationCredentialsService } from './modules/applications/application-credentials.service.js';
import { applicationsRoutes, rewriteAppIdAddressing } from './modules/applications/applications.routes.js';
import { ApplicationsService } from './modules/applications/applications.service.js';
import { ServicePrincipalLoader } from './modules/applications/service-principal-loader.js';
import { type AuthorizeSignOn, createAuthorizeSignOn } from './modules/applications/sign-on.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { AuditLogService, AuditService } from './modules/audit/audit.service.js';
import { DirectoryChangesService } from './modules/audit/changes.service.js';
import { ClientsService } from './modules/clients/clients.service.js';
import { accessExplanationRoutes } from './modules/directory/access-explanation.routes.js';
import { AccessExplanationService } from './modules/directory/access-explanation.service.js';
import { DELETED_ITEM_RETENTION_DAYS, DeletedItemsService } from './modules/directory/deleted-items.service.js';
import { DeltaService } from './modules/directory/delta.service.js';
import { directoryRoutes } from './modules/directory/directory.routes.js';
import { DirectoryService } from './modules/directory/directory.service.js';
import { DynamicMembershipService } from './modules/groups/dynamic-membership.service.js';
import { GroupMembersService } from './modules/groups/group-members.service.js';
import { GroupReferences } from './modules/groups/group-references.js';
import { directoryObjectsRoutes, groupsRoutes } from './modules/groups/groups.routes.js';
import { GroupsService } from './modules/groups/groups.service.js';
import { invitationsRoutes, unsubscribeRoutes } from './modules/invitations/invitations.routes.js';
import { InvitationsService } from './modules/invitations/invitations.service.js';
import { RedemptionsService } from './modules/invitations/redemptions.service.js';
import { UnsubscribeService } from './modules/invitations/unsubscribe.service.js';
import { mailRoutes } from './modules/mail/mail.routes.js';
import { DevMailboxService } from './modules/mail/mail.service.js';
import {
  type MyAppsSignInDeps,
  myAppsRoutes,
  myAppsSignInCompletionRoutes,
  myAppsSignInRoutes,
} from './modules/myapps/myapps.routes.js';
import { organizationRoutes } from './modules/organization/organization.routes.js';
import { OrganizationService } from './modules/organization/organization.service.js';
import { permissionGrantsRoutes } from './modules/permission-grants/permission-grants.routes.js';
import { PermissionGrantsService } from './modules/permission-grants/permission-grants.service.js';
import { policiesRoutes } from './modules/policies/policies.routes.js';
import { PoliciesService } from './modules/policies/policies.service.js';
import { createRedemptionService } from './modules/redemption/redemption.service.js';
import { AppAccessRequestsService } from './modules/requests/app-access-requests.service.js';
import { GroupJoinRequestsService } from './modules/requests/group-join-requests.service.js';
import { requestsRoutes } from './modules/requests/requests.routes.js';
import { RequestsService } from './modules/requests/requests.service.js';
import { rolesRoutes } from './modules/roles/roles.routes.js';
import { RolesService } from './modules/roles/roles.service.js';
import { signInsRoutes } from './modules/signins/signins.routes.js';
import { SignInLogService, type SignInRecorder } from './modules/signins/signins.service.js';
import { type Tenant, TenantsService } from './modules/tenants/tenants.service.js';
import { ManagerService } from './modules/users/manager.service.js';
import { usersRoutes } from './modules/users/users.routes.js';
import { UsersService } from './modules/users/users.service.js';
import { bindMethods } from './platform/bind.js';
import { KeyStore } from './platform/keys.js';
import { createLogger, enterRequestScope } from './platform/logger.js';
import { createMailer, type Mailer } from './platform/mailer.js';
import { Metrics } from './platform/metrics.js';
import { outboxBacklog } from './platform/outbox.js';
import { createOutboxWorker, type OutboxWorker } from './platform/outbox-worker.js';
import { createRateLimiter } from './platform/rate-limit.js';
import { getOrCreateSecret } from './platform/secrets.js';
import {
  createOidc,
  createRevokedGrants,
  createSignInSessionStore,
  type Oidc,
  type RevokedGrants,
} from './protocols/oidc/index.js';
import { createMyAppsSignIn, type MyAppsSignIn } from './protocols/oidc/myapps-sign-in.js';
import { redemptionRoutes } from './protocols/oidc/redeem-link.routes.js';
import {
  createCertificateStore,
  createRequestIdStore,
  createSamlIdp,
  createSamlSessionStore,
  type SamlIdp,
  samlGraphRoutes,
  samlRoutes,
} from './protocols/saml/index.js';
import { createScim, type Scim } from './protocols/scim/index.js';

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
  /** Where log lines go (tests read them); default standard output. */
  logDestination?: DestinationStream;
}

/**
 * Instance secrets and shared rate limiters, created once here (never inside a route plugin) and
 * handed to what needs them. Secrets live in the database, so every process signs with the same.
 */
async function createPlatform(database: Database, clock: Clock) {
  const secret = (name: string) => getOrCreateSecret(database.db, name, clock);
  return {
    secrets: {
      linkKey: await secret('invitation-link-key-1'),
      otpKey: await secret('otp-key-1'),
      redeemCookieKey: await secret('redeem-cookie-key-1'),
      oidcCookieKey: await secret('oidc-cookie-key-1'),
      pairwiseKey: await secret('oidc-pairwise-key-1'),
      clientSecretMarkerKey: await secret('oidc-client-secret-marker-key-1'),
      signInCsrfKey: await secret('signin-csrf-key-1'),
      samlPendingCookieKey: await secret('saml-cookie-key-1'),
      samlPersistentIdKey: await secret('saml-persistent-id-key-1'),
      myAppsSignInCookieKey: await secret('myapps-signin-cookie-key-1'),
    },
    limiters: {
      invitations: createRateLimiter(database.db, clock),
      signIn: createRateLimiter(database.db, clock),
    },
  };
}

type Platform = Awaited<ReturnType<typeof createPlatform>>;

/**
 * Builds every use-case service from explicit dependencies, in dependency order (the compiler
 * checks the order: nothing is wired after construction). Cross-feature use cases live in
 * `directory`, which depends on the features and nothing depends on.
 */
function createServices(database: Database, config: Config, clock: Clock, newId: IdGenerator, platform: Platform) {
  const { secrets } = platform;
  const db = database.db;
  const keys = new KeyStore(db, clock, config.signingAlg);
  const audit = new AuditService({ clock, newId });
  const policies = new PoliciesService({ db, clock, audit });
  const { access } = policies;
  // What every use case gets (UseCaseDeps); features add their own collaborators.
  const base = { db, clock, newId, audit, access };
  const tenants = new TenantsService({ db, clock, newId, keys });
  const roles = new RolesService({ db, access });
  // The token issuer's record of revoked grants: users revoke sessions through it (a port), /v1.0
  // and the OIDC adapter read and write it.
  const revokedGrants = createRevokedGrants({ db, clock, accessTokenTtl: config.accessTokenTtl });
  const signInSessions = createSignInSessionStore(revokedGrants);
  const users = new UsersService({ db, clock, newId, audit, access, roles, tenants, signInSessions });
  const managers = new ManagerService({ db, audit, access, users });
  const groupReferences = new GroupReferences({ db, audit, users, access });
  const dynamicMembership = new DynamicMembershipService({ clock, audit, users, tenants });
  const groups = new GroupsService({
    ...base,
    policies,
    tenants,
    references: groupReferences,
    dynamic: dynamicMembership,
  });
  const groupMembers = new GroupMembersService({ db, clock, audit, access, policies, users, references: groupReferences });
  const loader = new ServicePrincipalLoader({ db, access });
  const applications = new ApplicationsService({ ...base, users, groups, groupMembers, loader });
  const applicationCredentials = new ApplicationCredentialsService({ db, clock, newId, audit, users, applications, loader });
  const appRegistrations = bindMethods(
    new AppRegistrationsService({
      ...base,
      loader,
      users,
      applications,
      credentials: applicationCredentials,
    }),
  );
  const appRoleAssignments = new AppRoleAssignmentsService({
    ...base,
    users,
    groups,
    applications,
    loader,
  });
  const unsubscribes = new UnsubscribeService({ db, config, clock, newId, audit, tenants, linkKey: secrets.linkKey });
  const invitations = new InvitationsService({
    ...base,
    config,
    policies,
    users,
    groupMembers,
    dynamicMembership,
    roles,
    tenants,
    unsubscribes,
    limiter: platform.limiters.invitations,
  });
  const redemptions = new RedemptionsService({ db, config, clock, audit, policies, users, tenants, dynamicMembership });
  const requestDeps = { ...base, config, users, groups, groupMembers, tenants };
  const appAccessRequests = new AppAccessRequestsService({ ...requestDeps, applications });
  const groupJoinRequests = new GroupJoinRequestsService({ ...requestDeps, references: groupReferences, policies });
  const requests = new RequestsService({ appAccessRequests, groupJoinRequests });
  const directoryChanges = bindMethods(new DirectoryChangesService({ db }));
  const deletedItems = new DeletedItemsService({ db, clock, audit, access, users, groups, applications, dynamicMembership });
  const directory = new DirectoryService({
    ...base,
    config,
    tenants,
    users,
    roles,
    groups,
    groupMembers,
    dynamicMembership,
    applications,
    invitations,
    requests,
    deletedItems,
  });
  // Adapters may take a method as a plain function: bind every service's methods to it.
  const core = [
    access,
    audit,
    policies,
    tenants,
    roles,
    users,
    managers,
    groupReferences,
    dynamicMembership,
    groups,
    groupMembers,
    loader,
  ];
  const features = [applications, applicationCredentials, appRoleAssignments, unsubscribes, invitations, redemptions, directory];
  for (const s of [...core, ...features, appAccessRequests, groupJoinRequests, requests, deletedItems]) bindMethods(s);
  const readers = { db, access, loader, users, roles, applications, groups, groupMembers, invitations };
  const { auditLog, authorizeSignOn, accessExplanations } = createAccessDecisions(readers);
  const permissionGrants = bindMethods(
    new PermissionGrantsService({ db, clock, newId, access, audit, applications, users, policies }),
  );
  return {
    keys,
    revokedGrants,
    authorizeSignOn,
    services: {
      devMailbox: bindMethods(new DevMailboxService({ db, clock, newId, access, smtpConfigured: config.smtpUrl !== undefined })),
      audit,
      auditLog,
      accessExplanations,
      policies,
      tenants,
      users,
      managers,
      roles,
      groups,
      groupMembers,
      applications,
      applicationCredentials,
      appRegistrations,
      appRoleAssignments,
      clients: bindMethods(new ClientsService({ db, clock, newId })),
      organization: bindMethods(new OrganizationService({ db, audit, access, tenants })),
      invitations,
      redemptions,
      unsubscribes,
      appAccessRequests,
      groupJoinRequests,
      requests,
      directory,
      deletedItems,
      signIns: bindMethods(new SignInLogService({ db, clock, newId, access })),
      directoryChanges,
      delta: bindMethods(new DeltaService({ db, access, users, groups, groupMembers, changes: directoryChanges })),
      permissionGrants,
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

/**
 * The one sign-in decision (OIDC, SAML, My Apps links) and the access explanations whose verdict
 * it is: one instance of the rule, shared.
 */
function createAccessDecisions(
  deps: Omit<
    ConstructorParameters<typeof AccessExplanationService>[0],
    'authorizeSignOn' | 'applications' | 'users' | 'auditLog'
  > & {
    db: Database['db'];
    applications: ApplicationsService;
    users: UsersService;
  },
) {
  const { applications, users } = deps;
  const auditLog = bindMethods(new AuditLogService({ db: deps.db, access: deps.access }));
  const authorizeSignOn: AuthorizeSignOn = createAuthorizeSignOn({
    findByAppId: (appId) => applications.findByAppId(appId),
    findServicePrincipal: (tenantId, id) => applications.findServicePrincipal(tenantId, id),
    accessOf: (tenantId, spId, userId) => applications.accessOf(tenantId, spId, userId),
    findUser: (tenantId, id) => users.findUser(tenantId, id),
  });
  const accessExplanations = bindMethods(new AccessExplanationService({ ...deps, auditLog, authorizeSignOn }));
  return { auditLog, authorizeSignOn, accessExplanations };
}

export type Services = ReturnType<typeof createServices>['services'];

export interface Portico {
  config: Config;
  database: Database;
  clock: Clock;
  newId: IdGenerator;
  keys: KeyStore;
  services: Services;
  /** Grants whose (JWT) access tokens are revoked; /v1.0 asks it for every delegated token. */
  revokedGrants: Pick<RevokedGrants, 'isRevoked'>;
  defaultTenant: Tenant;
  /** SMTP or the dev mailbox, per PORTICO_SMTP_URL. */
  mailer: Mailer;
  /** Delivers the outbox; polling when PORTICO_OUTBOX_WORKER=on (tests may call `drain()`). */
  outboxWorker: OutboxWorker;
  /** Prometheus figures of this app (`GET /metrics`). */
  metrics: Metrics;
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

/** Requests not written to the log: the web app's static files, probes and metrics scrapes. */
const QUIET_PATHS = /^\/(?:assets\/|(?:favicon\.ico|healthz|readyz|metrics)(?:\?|$))/;

/** Composition root: builds the Fastify app with every surface. Never listens. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { config } = opts;
  const clock = opts.clock ?? systemClock;
  const newId = opts.newId ?? uuidv7;
  const database = opts.database ?? (await createDb(config));
  if (opts.migrate !== false) await migrateToLatest(database.db);
  const platform = await createPlatform(database, clock);
  const { keys, revokedGrants, authorizeSignOn, services } = createServices(database, config, clock, newId, platform);
  const defaultTenant = await services.tenants.ensureDefaultTenant(config);
  await services.applications.ensureGraphServicePrincipal(defaultTenant.id);

  // Portico serves https itself when given a certificate (clients such as MSAL refuse plain http);
  // otherwise TLS ends at a proxy in front of it, or it is a development server on loopback.
  const https = config.tls ? { key: fs.readFileSync(config.tls.keyFile), cert: fs.readFileSync(config.tls.certFile) } : undefined;
  const app = Fastify({
    ...(https ? { https } : {}),
    loggerInstance: createLogger(config, opts.logDestination) as FastifyBaseLogger,
    genReqId: newRequestId,
    requestIdHeader: false,
    // One line per request instead of Fastify's two (see the onResponse hook below).
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    // A path segment may be a user principal name, and a guest's is longer than Fastify's default 100.
    // Paths are case-insensitive as Graph's (`/V1.0/Users`); parameters keep their case.
    routerOptions: { maxParamLength: MAX_UPN_LENGTH, caseSensitive: false },
    // Graph's alternate key /servicePrincipals(appId='…') (see applications.routes.ts).
    rewriteUrl: (req) => rewriteAppIdAddressing(req.url ?? '/'),
    // Failures before any route matched (router, HTTP parser) answer a short Graph envelope.
    frameworkErrors,
    clientErrorHandler,
  }) as unknown as FastifyInstance;
  if (opts.onRoute) app.addHook('onRoute', opts.onRoute);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const mailer = createMailer(config, app.log, () => services.devMailbox.mailer(app.log));
  const metrics = new Metrics({
    outbox: () => outboxBacklog(database.db, clock.now()),
    ...(database.poolStats ? { pool: database.poolStats } : {}),
  });
  const outboxWorker = createOutboxWorker({
    db: database.db,
    dialect: database.dialect,
    mailer,
    clock,
    logger: app.log,
    pollMs: config.outboxPollMs,
    onOutcome: (outcome) => metrics.mailOutcome(outcome),
  });
  const portico = { config, database, clock, newId, keys, services, revokedGrants, defaultTenant, mailer, outboxWorker, metrics };
  app.decorate('portico', portico);
  app.decorateRequest('ctx', null as unknown as OperationContext);
  // First hook: everything after it, adapters included, logs with the request id.
  app.addHook('onRequest', (req, _reply, done) => enterRequestScope(req.id, done));
  app.addHook('onRequest', async (req, reply) => {
    reply.header('request-id', req.id);
    const crid = req.headers['client-request-id'];
    if (typeof crid === 'string' && crid.length <= 128) reply.header('client-request-id', crid);
  });
  // One log line per request, when it is answered; static files and probes are not logged, so the
  // dev mailbox's passcodes and links stay visible in a development console.
  app.addHook('onResponse', async (req, reply) => {
    if (QUIET_PATHS.test(req.url)) return;
    req.log.info({ req, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  });
  // NUL and unpaired surrogates in URLs and bodies are refused before any route (every surface).
  guardInput(app);
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
  keepStatisticsCurrent(app, database);
  if (config.outboxWorker) scheduleDirectoryPurge(app, services, clock);
  // onClose hooks run last-added first: this one stops the worker before the database closes.
  app.addHook('onClose', async () => {
    await outboxWorker.stop();
    mailer.close();
  });

  const protocols = createProtocols({ ...portico, app, platform, authorizeSignOn });

  useDefaultErrors(app);
  // Before any route: the OpenAPI generator records routes as they are added.
  await registerOpenApi(app, config);
  // Probes and metrics before the surfaces: the request-duration hook then sees every route.
  await healthRoutes(app, { database, metrics, metricsToken: config.metricsToken, logLevel: config.logLevel });
  await registerSecurityHeaders(app, config);
  registerLoopbackRedirect(app, config);
  await app.register(cookie);
  await app.register(formbody);
  const demoCookieKey = config.demo ? await getOrCreateSecret(database.db, 'demo-sp-cookie-key-1', clock) : '';
  await registerSurfaces(app, { config, services, ...protocols, demoCookieKey });

  // The React SPA (portal and admin center), built into dist/web.
  await webRoutes(app);
  return app;
}

const STATISTICS_EVERY_MS = 60 * 60 * 1000;

/**
 * The planner's statistics (ANALYZE / PRAGMA optimize): once right after the start, off the start
 * path, then hourly. Without them a large SQLite file plans the membership queries as scans.
 */
function keepStatisticsCurrent(app: FastifyInstance, database: Database): void {
  let closing = false;
  const refresh = () => {
    if (closing) return;
    refreshStatistics(database).catch((err: unknown) => {
      if (!closing) app.log.warn({ err }, 'refreshing the database statistics failed');
    });
  };
  let first: NodeJS.Timeout | undefined;
  let every: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    first = setTimeout(refresh, 1000).unref();
    every = setInterval(refresh, STATISTICS_EVERY_MS).unref();
  });
  app.addHook('onClose', async () => {
    closing = true;
    clearTimeout(first);
    clearInterval(every);
  });
}

/**
 * Deleted users and groups are purged 30 days after deletion, and the delta change log with them:
 * hourly, in the processes that run background work (PORTICO_OUTBOX_WORKER=on).
 */
function scheduleDirectoryPurge(app: FastifyInstance, services: Services, clock: Clock): void {
  let purgeTimer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const purge = async () => {
    try {
      const purged = await services.deletedItems.purgeExpired();
      const before = new Date(clock.now().getTime() - DELETED_ITEM_RETENTION_DAYS * 24 * 60 * 60 * 1000);
      await services.directoryChanges.purgeBefore(before);
      if (purged > 0) app.log.info({ purged }, 'purged deleted directory objects');
    } catch (err) {
      app.log.warn({ err }, 'purge of deleted directory objects failed; retrying in an hour');
    }
  };
  app.addHook('onReady', async () => {
    purgeTimer = setInterval(
      () => {
        running = purge();
      },
      60 * 60 * 1000,
    );
    purgeTimer.unref();
    running = purge();
  });
  app.addHook('onClose', async () => {
    clearInterval(purgeTimer);
    await running;
  });
}

/**
 * The protocol adapters, built from typed dependencies: the single sign-on decision, the token
 * issuer (OIDC) and the SAML IdP. They reach the features only through what is passed here.
 */
/** What the protocol adapters are built from: the app's own parts (revocation in full), the platform, sign-on. */
type ProtocolDeps = Omit<Portico, 'revokedGrants' | 'mailer' | 'outboxWorker'> & {
  app: FastifyInstance;
  revokedGrants: RevokedGrants;
  platform: Platform;
  authorizeSignOn: AuthorizeSignOn;
};

function createProtocols(p: ProtocolDeps) {
  const { config, database, services, platform, authorizeSignOn } = p;
  const { applications, users, clients, redemptions, redemption } = services;
  const tenants: TenantDirectory = {
    defaultTenant: p.defaultTenant,
    findTenant: (id) => services.tenants.findTenant(id),
    findTenantByDomain: (domain) => services.tenants.findTenantByDomain(domain),
  };
  // SAML sessions first: the token issuer's sign-out continues through them (single logout).
  const samlSessions = createSamlSessionStore(database.db, p.clock, config);
  // The sign-in log port: every attempt is counted (metrics) and recorded (auditLogs/signIns); a
  // failure to record never fails the sign-in itself.
  const signIns: SignInRecorder = {
    async record(e) {
      p.metrics.signIn(
        e.errorCode === 0 ? 'success' : e.errorCode === 50053 ? 'locked' : e.errorCode === 50057 ? 'blocked' : 'failure',
      );
      try {
        await services.signIns.record(e);
      } catch (err) {
        p.app.log.warn({ err, tenantId: e.tenantId }, 'could not record a sign-in');
      }
    },
  };
  const oidc = createOidc({
    afterSignOut: (tenantId, sessionUid, location) => samlSessions.afterSignOut(tenantId, sessionUid, location),
    config,
    signIns,
    db: database.db,
    keys: p.keys,
    log: p.app.log,
    tenants,
    clients: { automationClients: clients, applications },
    findUser: (tenantId, id) => users.findUser(tenantId, id),
    authorizeSignOn,
    metrics: p.metrics,
    revokedGrants: p.revokedGrants,
    permissions: services.permissionGrants,
    secrets: {
      cookieKey: platform.secrets.oidcCookieKey,
      pairwiseKey: platform.secrets.pairwiseKey,
      clientSecretMarkerKey: platform.secrets.clientSecretMarkerKey,
    },
    signIn: {
      applications,
      clock: p.clock,
      users,
      redemptions,
      otp: redemption.otp,
      redeemCookie: redemption.cookie,
      limiter: platform.limiters.signIn,
      csrfKey: platform.secrets.signInCsrfKey,
      signIns,
      permissions: services.permissionGrants,
    },
  });
  const saml = createSamlIdp({
    config,
    clock: p.clock,
    log: p.app.log,
    certificates: createCertificateStore({ db: database.db, clock: p.clock, newId: p.newId }),
    requestIds: createRequestIdStore(database.db, p.clock),
    transaction: (fn) => database.db.transaction().execute(fn),
    secrets: { pendingCookieKey: platform.secrets.samlPendingCookieKey, persistentIdKey: platform.secrets.samlPersistentIdKey },
    tenants,
    applications,
    authorizeSignOn,
    redeemCode: (tenant, r) => oidc.redeemOwnCode(tenant, r),
    sessions: samlSessions,
    endBrowserSession: (tenant, uid) => oidc.endBrowserSession(tenant, uid),
    browserSession: (tenant, req, reply) => oidc.browserSession(tenant, req, reply),
  });
  // Direct sign-on links opened without a session sign in first (the portico-myapps client).
  const myAppsSignIn = createMyAppsSignIn({
    config,
    clock: p.clock,
    cookieKey: platform.secrets.myAppsSignInCookieKey,
    findTenant: (id) => services.tenants.findTenant(id),
    redeemCode: (tenant, r) => oidc.redeemOwnCode(tenant, r),
  });

  // SCIM 2.0 provisioning: members and groups through the same use cases as Graph.
  const scim = createScim({
    users,
    groups: services.groups,
    groupMembers: services.groupMembers,
    directory: services.directory,
    auditLog: services.auditLog,
    access: services.policies.access,
    publicUrl: config.publicUrl,
    authenticate: authenticateRequest,
    tenants,
  });
  return { tenants, authorizeSignOn, oidc, saml, myAppsSignIn, scim };
}

/** The Graph API's route plugins, in the order they are registered below /v1.0. */
const graphRoutes = (saml: SamlIdp) => [
  usersRoutes,
  mailRoutes,
  groupsRoutes,
  directoryObjectsRoutes,
  rolesRoutes,
  policiesRoutes,
  organizationRoutes,
  auditRoutes,
  invitationsRoutes,
  applicationsRoutes,
  appRegistrationsRoutes,
  samlGraphRoutes(saml),
  myAppsRoutes,
  requestsRoutes,
  accessExplanationRoutes,
  batchRoutes,
  directoryRoutes,
  signInsRoutes,
  permissionGrantsRoutes,
];

/**
 * One Fastify scope per surface, each with its own error (and, where it owns a prefix, not-found)
 * handler: the Graph API, the OAuth endpoints of oidc-provider, and the browser pages.
 */
async function registerSurfaces(
  app: FastifyInstance,
  s: {
    config: Config;
    services: Services;
    tenants: TenantDirectory;
    authorizeSignOn: AuthorizeSignOn;
    oidc: Oidc;
    saml: SamlIdp;
    myAppsSignIn: MyAppsSignIn;
    /** Key of the demo application's session cookie (an instance secret). */
    demoCookieKey: string;
    scim: Scim;
  },
): Promise<void> {
  const { config, services, tenants, oidc, saml } = s;

  await app.register(
    async (graph) => {
      // Errors and unknown paths of the whole prefix; unknown paths need no token (as before).
      useGraphErrors(graph);
      await graph.register(async (api) => {
        api.addHook('onRequest', async (req) => {
          req.ctx = await authenticateRequest(req);
        });
        // `@odata.type` in request bodies: checked against the route's entity type, then removed.
        acceptODataTypes(api);
        for (const routes of graphRoutes(saml)) await api.register(routes);
      });
    },
    { prefix: '/v1.0' },
  );

  // SCIM 2.0 (its own error shape), for the default tenant and by tenant id.
  for (const prefix of ['/scim/v2', '/:tenantId/scim/v2']) await app.register(s.scim.routes, { prefix });

  // Token issuer (oidc-provider per tenant): it renders its own errors, RFC 6749 style.
  await app.register(async (oauth) => {
    useOAuthErrors(oauth);
    await oidc.providerRoutes(oauth);
  });

  // Browser pages: errors are HTML pages with the request id.
  await app.register(async (pages) => {
    usePageErrors(pages);
    const withOwnNotFound = (plugin: (scope: FastifyInstance) => Promise<void>) => async (scope: FastifyInstance) => {
      usePageErrors(scope, { notFound: true });
      await plugin(scope);
    };
    // "Block future invitations" links of invitation e-mails.
    await pages.register(unsubscribeRoutes);
    // Redeem links (inviteRedeemUrl); the redemption pages themselves run on the sign-in interaction.
    await pages.register(
      withOwnNotFound(
        redemptionRoutes({
          config,
          redemptions: services.redemptions,
          findTenant: (id) => services.tenants.findTenant(id),
          redeemCookie: services.redemption.cookie,
          redeemCode: (tenant, r) => oidc.redeemOwnCode(tenant, r),
        }),
      ),
      { prefix: '/redeem' },
    );
    // The sign-in page of authorization requests (default tenant, then the others).
    for (const prefix of ['/login', '/:tenantId/login']) {
      await pages.register(withOwnNotFound(oidc.signInRoutes), { prefix });
    }
    // Direct sign-on links of applications; unknown paths below /myapps stay the SPA's.
    const signOnLinks: MyAppsSignInDeps = {
      config,
      tenants,
      findByAppId: (appId) => services.applications.findByAppId(appId),
      authorizeSignOn: s.authorizeSignOn,
      signedInUser: (tenant, req, reply) => oidc.signedInUser(tenant, req, reply),
      signIn: s.myAppsSignIn,
      saml,
    };
    for (const prefix of ['/myapps/signin', '/:tenantId/myapps/signin']) {
      await pages.register(myAppsSignInRoutes(signOnLinks), { prefix });
    }
    await pages.register(myAppsSignInCompletionRoutes(signOnLinks));
    // SAML 2.0 IdP (metadata, SSO endpoint, certificates): errors it can answer go to the SP as a SAML status.
    await pages.register(samlRoutes(saml, tenants));
    // `portico demo`: the demo application "Expenses", a SAML service provider of its own.
    if (config.demo) {
      const { demoSpRoutes, demoSpIdentifiers } = await import('./demo/expenses-sp.js');
      const tenant = tenants.defaultTenant;
      const entityId = demoSpIdentifiers(config.publicUrl).entityId;
      await pages.register((scope) =>
        demoSpRoutes(scope, {
          publicUrl: config.publicUrl,
          cookieKey: s.demoCookieKey,
          async idpMetadata() {
            const sp = await services.applications.findByServicePrincipalName(tenant.id, entityId);
            return sp ? saml.metadata(tenant, sp.appId) : undefined;
          },
        }),
      );
    }
  });
}
