import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from './config/index.js';
import { createDb, type Database, migrateToLatest } from './db/index.js';
import { type Clock, systemClock } from './domain/clock.js';
import type { OperationContext } from './domain/context.js';
import { type IdGenerator, uuidv7 } from './domain/ids.js';
import { authenticateRequest } from './http/authenticate.js';
import { newRequestId, registerErrorHandling } from './http/errors.js';
import { registerOpenApi } from './http/openapi.js';
import { createAuditService } from './modules/audit/audit.service.js';
import { createClientsService } from './modules/clients/clients.service.js';
import { createPoliciesService } from './modules/policies/policies.service.js';
import { createRolesService } from './modules/roles/roles.service.js';
import { createTenantsService, type Tenant } from './modules/tenants/tenants.service.js';
import { usersRoutes } from './modules/users/users.routes.js';
import { createUsersService } from './modules/users/users.service.js';
import { createLogger } from './platform/logger.js';
import { KeyStore } from './platform/keys.js';

export interface AppOptions {
  config: Config;
  /** An already-open database (tests); otherwise one is opened from the config. */
  database?: Database;
  clock?: Clock;
  newId?: IdGenerator;
  /** Run migrations at build time (serve does; `portico migrate` is the explicit path). Default true. */
  migrate?: boolean;
}

function createServices(database: Database, config: Config, clock: Clock, newId: IdGenerator) {
  const db = database.db;
  const keys = new KeyStore(db, clock, config.signingAlg);
  const audit = createAuditService({ clock, newId });
  const policies = createPoliciesService({ db, clock, audit });
  const tenants = createTenantsService({ db, clock, newId, keys });
  const users = createUsersService({ db, clock, newId, audit, policies });
  const roles = createRolesService({ db, clock, newId, audit, policies, users });
  const clients = createClientsService({ db, clock, newId });
  return { keys, services: { audit, policies, tenants, users, roles, clients } };
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
  const { keys, services } = createServices(database, config, clock, newId);
  const defaultTenant = await services.tenants.ensureDefaultTenant(config);

  const app = Fastify({
    loggerInstance: createLogger(config) as FastifyBaseLogger,
    genReqId: newRequestId,
    requestIdHeader: false,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('portico', { config, database, clock, newId, keys, services, defaultTenant });
  app.decorateRequest('ctx', null as unknown as OperationContext);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('request-id', req.id);
    const crid = req.headers['client-request-id'];
    if (typeof crid === 'string' && crid.length <= 128) reply.header('client-request-id', crid);
  });
  app.addHook('onClose', async () => {
    if (!opts.database) await database.destroy();
  });
  registerErrorHandling(app);
  // Before any route: the OpenAPI generator records routes as they are added.
  await registerOpenApi(app, config);
  await app.register(cookie);
  await app.register(formbody);

  await app.register(
    async (graph) => {
      graph.addHook('onRequest', async (req) => {
        req.ctx = await authenticateRequest(req);
      });
      await graph.register(usersRoutes);
    },
    { prefix: '/v1.0' },
  );

  app.get('/healthz', async () => ({ status: 'ok' }));
  return app;
}
