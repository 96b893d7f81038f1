import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import { invalid } from '../../domain/errors.js';
import { type IdGenerator, randomSecret } from '../../domain/ids.js';
import { applicationPermissions, isApplicationPermission } from '../../domain/permissions.js';
import { safeEqualHex, sha256 } from '../../platform/passwords.js';
import { type AutomationClient, findClientRow, insertClient } from './clients.repository.js';

export type { AutomationClient } from './clients.repository.js';

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
export class ClientsService {
  constructor(private readonly deps: ClientsDeps) {}

  /** Registers a client; returns the secret once. Used by `portico client create` (trusted operator). */
  async createClient(
    tenantId: string,
    input: { displayName: string; permissions: string[] },
  ): Promise<{ client: AutomationClient; clientSecret: string }> {
    const name = input.displayName.trim();
    if (!name || name.length > 256) throw invalid('client_name_invalid');
    const unknown = input.permissions.filter((p) => !isApplicationPermission(p));
    if (unknown.length) {
      throw invalid(
        'client_permission_unknown',
        `Unknown permission(s): ${unknown.join(', ')}. Known: ${applicationPermissions.join(', ')}.`,
      );
    }
    const clientSecret = randomSecret(32);
    const client: AutomationClient = {
      clientId: this.deps.newId(),
      tenantId,
      displayName: name,
      permissions: [...new Set(input.permissions)],
      createdDateTime: this.deps.clock.now().toISOString(),
    };
    await insertClient(this.deps.db, client, sha256(clientSecret));
    return { client, clientSecret };
  }

  async findClient(tenantId: string, clientId: string): Promise<AutomationClient | undefined> {
    const c = await findClientRow(this.deps.db, clientId, tenantId);
    if (!c) return undefined;
    const { secretHash: _hidden, ...client } = c;
    return client;
  }

  /** Finds a client by id in any tenant (the token endpoint learns the tenant from the client). */
  findClientById(clientId: string): Promise<(AutomationClient & { secretHash: string }) | undefined> {
    return findClientRow(this.deps.db, clientId);
  }

  /** Constant-time comparison of a presented secret with the stored hash. */
  secretMatches(secretHash: string, presented: string): boolean {
    return safeEqualHex(secretHash, sha256(presented));
  }
}
