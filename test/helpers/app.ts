import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { importJWK, type JWK, SignJWT } from 'jose';
import type { DestinationStream } from 'pino';
import type { CreateGroupBody, Group } from '../../src/contracts/groups.js';
import type { User } from '../../src/contracts/users.js';
import { buildApp } from '../../src/server/app.js';
import { type Config, loadConfig } from '../../src/server/config/index.js';
import { createDb, type Database } from '../../src/server/db/index.js';
import type { Clock } from '../../src/server/domain/clock.js';
import { systemContext } from '../../src/server/domain/context.js';
import { RoleIds } from '../../src/server/domain/roles.js';
import type { Tenant } from '../../src/server/modules/tenants/tenants.service.js';
import { graphResource, issuerUrl } from '../../src/server/platform/urls.js';
import { dropPgSchema, pgTarget } from './pg-target.js';

/** The dialect this vitest project runs on (set per project in vitest.config.ts). */
export const dialect = (process.env.PORTICO_TEST_DB ?? 'sqlite') as 'sqlite' | 'postgres';

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  database: Database;
  tenant: Tenant;
  /** A Global Administrator created for the test, with a delegated token. */
  admin: { user: User; token: string };
  /**
   * Signs a delegated access token for a user (same claims and key as the token endpoint), issued
   * now or at `opts.issuedAt`.
   */
  tokenFor(userId: string, tenant?: Tenant, opts?: { issuedAt?: Date }): Promise<string>;
  /** Signs an application (client-credentials) token for an automation client. */
  appToken(permissions: string[], tenant?: Tenant): Promise<string>;
  /** Creates a user (through the service, as the CLI would) and returns it with a token. */
  createUser(
    props?: Partial<{
      displayName: string;
      userType: 'Member' | 'Guest';
      roles: string[];
      tenant: Tenant;
      upn: string;
      mail: string;
    }>,
  ): Promise<{ user: User; token: string }>;
  /**
   * Creates a group synced from another directory (`onPremisesSyncEnabled: true`) the way a sync
   * source would: through the service with the trusted system caller (the API refuses the flag).
   */
  createSyncedGroup(body: Omit<CreateGroupBody, 'onPremisesSyncEnabled'>, tenant?: Tenant): Promise<Group>;
  /** `app.inject` with a bearer token and JSON body. */
  call(
    method: InjectOptions['method'],
    url: string,
    opts?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
  /** Where the data lives; pass it to another `buildTestApp({ storage })` to reopen the same database. */
  storage: TestStorage;
  /** Closes the app; with `keepStorage` the SQLite file / PostgreSQL schema is left for a later app. */
  close(opts?: { keepStorage?: boolean }): Promise<void>;
}

/** A test database location: the temp data directory (SQLite file) and the PostgreSQL schema. */
export interface TestStorage {
  dir: string;
  schema: string;
}

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(2).toString('hex')}`;

/**
 * Builds Portico on a fresh real database: a new SQLite file in a temp directory, or a new
 * PostgreSQL schema (dropped on close). No mocks: the same composition root as `portico serve`.
 */
export async function buildTestApp(
  opts: {
    clock?: Clock;
    env?: Record<string, string>;
    storage?: TestStorage;
    logDestination?: DestinationStream;
    /** Rewrites the PostgreSQL URL the app connects with (resilience tests put a relay in between). */
    pgUrl?: (url: string) => string;
  } = {},
): Promise<TestApp> {
  const dir = opts.storage?.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'portico-test-'));
  const schema = opts.storage?.schema ?? `t_${unique()}`;
  // Directly with a search_path option, or through PgBouncer by a role of the schema's name (pg-target.ts).
  const pgTo = dialect === 'postgres' ? await pgTarget(schema) : undefined;
  const env: Record<string, string> = {
    PORTICO_DATA_DIR: dir,
    PORTICO_PUBLIC_URL: 'http://localhost:8080',
    PORTICO_LOG_LEVEL: process.env.PORTICO_TEST_LOG_LEVEL ?? 'silent',
    PORTICO_TENANT_DOMAIN: 'contoso.test',
    PORTICO_TENANT_NAME: 'Contoso',
    ...(pgTo ? { DATABASE_URL: opts.pgUrl ? opts.pgUrl(pgTo.url) : pgTo.url } : {}),
    ...opts.env,
  };
  const config = loadConfig(env, dir);
  const database = await createDb(config, pgTo ? { ...(pgTo.pgSchema ? { pgSchema: pgTo.pgSchema } : {}), pgPoolMax: 5 } : {});
  const app = await buildApp({
    config,
    database,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.logDestination ? { logDestination: opts.logDestination } : {}),
  });
  await app.ready();
  const { services } = app.portico;
  const tenant = app.portico.defaultTenant;

  const sign = async (tenantT: Tenant, claims: Record<string, unknown>, sub: string, issuedAt?: Date) => {
    const [jwk] = await app.portico.keys.privateJwks(tenantT.id);
    if (!jwk) throw new Error('tenant has no signing key');
    const key = await importJWK(jwk as JWK, jwk.alg);
    return new SignJWT({ ...claims, tid: tenantT.id })
      .setProtectedHeader({ alg: String(jwk.alg), kid: String(jwk.kid), typ: 'at+jwt' })
      .setIssuer(issuerUrl(config, tenantT))
      .setAudience(graphResource(config))
      .setSubject(sub)
      .setIssuedAt(issuedAt)
      .setJti(unique())
      .setExpirationTime('1h')
      .sign(key);
  };

  const tokenFor = (userId: string, t: Tenant = tenant, o: { issuedAt?: Date } = {}) =>
    sign(t, { oid: userId, idtyp: 'user', client_id: 'portico-tests', scope: 'openid profile email' }, userId, o.issuedAt);

  const appToken = async (permissions: string[], t: Tenant = tenant) => {
    const { client } = await services.clients.createClient(t.id, { displayName: `tests ${unique()}`, permissions });
    return sign(t, { idtyp: 'app', client_id: client.clientId, roles: permissions }, client.clientId);
  };

  const createUser: TestApp['createUser'] = async (props = {}) => {
    const t = props.tenant ?? tenant;
    const ctx = systemContext(t.id, 'test');
    const id = unique();
    const user = await services.directory.createUser(ctx, {
      displayName: props.displayName ?? `User ${id}`,
      userPrincipalName: props.upn ?? `user.${id}@${t.initialDomain}`,
      mail: props.mail ?? props.upn ?? `user.${id}@${t.initialDomain}`,
      passwordProfile: { password: 'Correct-Horse-9' },
      ...(props.userType ? { userType: props.userType } : {}),
    });
    for (const role of props.roles ?? []) {
      await services.directory.assignRole(ctx, { principalId: user.id, roleDefinitionId: role });
    }
    return { user, token: await tokenFor(user.id, t) };
  };

  const admin = await createUser({ displayName: 'Ada Admin', roles: [RoleIds.globalAdministrator] });

  return {
    app,
    config,
    database,
    tenant,
    admin,
    tokenFor,
    appToken,
    createUser,
    createSyncedGroup: (body, t = tenant) =>
      services.groups.createGroup(systemContext(t.id, 'test'), { ...body, onPremisesSyncEnabled: true }),
    call: (method, url, o = {}) =>
      app.inject({
        method,
        url,
        headers: {
          ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
          ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...o.headers,
        },
        ...(o.body !== undefined ? { payload: JSON.stringify(o.body) } : {}),
      }),
    storage: { dir, schema },
    async close(closeOpts = {}) {
      await app.close();
      await database.destroy();
      if (closeOpts.keepStorage) return;
      if (dialect === 'postgres') await dropPgSchema(schema);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
