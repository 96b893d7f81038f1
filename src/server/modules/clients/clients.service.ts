import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import { badRequest } from '../../domain/errors.js';
import { type IdGenerator, randomSecret } from '../../domain/ids.js';
import { applicationPermissions, isApplicationPermission } from '../../domain/permissions.js';
import { safeEqualHex, sha256 } from '../../platform/passwords.js';

export interface AutomationClient {
  clientId: string;
  tenantId: string;
  displayName: string;
  permissions: string[];
  createdDateTime: string;
}

export interface ClientsDeps {
  db: Executor;
  clock: Clock;
  newId: IdGenerator;
}

/**
 * Automation clients: confidential clients using the client-credentials grant with Graph-named
 * application permissions. Secrets are 256-bit random values stored as SHA-256 (a slow hash adds
 * nothing for random secrets and would slow every token request).
 */
export function createClientsService(deps: ClientsDeps) {
  return {
    /** Registers a client; returns the secret once. Used by `portico client create` (trusted operator). */
    async createClient(
      tenantId: string,
      input: { displayName: string; permissions: string[] },
    ): Promise<{ client: AutomationClient; clientSecret: string }> {
      const name = input.displayName.trim();
      if (!name || name.length > 256) throw badRequest('The client name must be 1–256 characters.');
      const unknown = input.permissions.filter((p) => !isApplicationPermission(p));
      if (unknown.length) {
        throw badRequest(`Unknown permission(s): ${unknown.join(', ')}. Known: ${applicationPermissions.join(', ')}.`);
      }
      const clientSecret = randomSecret(32);
      const client: AutomationClient = {
        clientId: deps.newId(),
        tenantId,
        displayName: name,
        permissions: [...new Set(input.permissions)],
        createdDateTime: deps.clock.now().toISOString(),
      };
      await deps.db
        .insertInto('automation_clients')
        .values({
          id: client.clientId,
          tenant_id: tenantId,
          display_name: client.displayName,
          secret_hash: sha256(clientSecret),
          permissions: JSON.stringify(client.permissions),
          created_date_time: client.createdDateTime,
        })
        .execute();
      return { client, clientSecret };
    },

    async findClient(tenantId: string, clientId: string): Promise<AutomationClient | undefined> {
      const r = await deps.db
        .selectFrom('automation_clients')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', clientId)
        .executeTakeFirst();
      return (
        r && {
          clientId: r.id,
          tenantId: r.tenant_id,
          displayName: r.display_name,
          permissions: JSON.parse(r.permissions) as string[],
          createdDateTime: r.created_date_time,
        }
      );
    },

    /** Finds a client by id in any tenant (the token endpoint learns the tenant from the client). */
    async findClientById(clientId: string): Promise<(AutomationClient & { secretHash: string }) | undefined> {
      const r = await deps.db.selectFrom('automation_clients').selectAll().where('id', '=', clientId).executeTakeFirst();
      return (
        r && {
          clientId: r.id,
          tenantId: r.tenant_id,
          displayName: r.display_name,
          permissions: JSON.parse(r.permissions) as string[],
          createdDateTime: r.created_date_time,
          secretHash: r.secret_hash,
        }
      );
    },

    /** Constant-time comparison of a presented secret with the stored hash. */
    secretMatches: (secretHash: string, presented: string): boolean => safeEqualHex(secretHash, sha256(presented)),
  };
}

export type ClientsService = ReturnType<typeof createClientsService>;
