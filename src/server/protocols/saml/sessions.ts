import { randomBytes } from 'node:crypto';
import type { Config } from '../../config/index.js';
import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import {
  clearLogoutRequest,
  deleteSamlLogout,
  endSamlSession,
  findSamlLogout,
  findSessionByLogoutRequest,
  findSessionsOfPrincipal,
  insertSamlLogout,
  insertSamlSession,
  listActiveSessionsOfBrowser,
  markSamlLogoutPartial,
} from './saml.repository.js';
import type { SamlLogoutsTable } from './saml.table.js';

/** How long a SAML session is remembered: the longest a Portico browser session lasts. */
const SESSION_MEMORY_MS = 14 * 24 * 3600_000;
/** How long a logout may take to walk through the applications of a browser session. */
const LOGOUT_TTL_MS = 15 * 60_000;

/** Where the browser continues a logout started by Portico's own sign-out (`?id=` names it). */
export const LOGOUT_CONTINUE_PATH = '/saml2/logout';

export type SamlLogout = SamlLogoutsTable;

/**
 * The SAML sessions the IdP issued and the single logouts in progress (shared by every process on
 * the database). Built before the token issuer, which asks it where a sign-out continues.
 */
export function createSamlSessionStore(db: Executor, clock: Clock, config: Pick<Config, 'publicUrl'>) {
  const store = {
    /** Records the session of an assertion just issued. */
    async record(s: {
      tenantId: string;
      servicePrincipalId: string;
      userId: string;
      nameId: string;
      nameIdFormat: string;
      spEntityId: string;
      sessionIndex: string;
      browserSession: string | undefined;
    }): Promise<void> {
      const now = clock.now();
      await insertSamlSession(
        db,
        {
          session_index: s.sessionIndex,
          tenant_id: s.tenantId,
          service_principal_id: s.servicePrincipalId,
          user_id: s.userId,
          name_id: s.nameId,
          name_id_format: s.nameIdFormat,
          sp_entity_id: s.spEntityId,
          browser_session: s.browserSession ?? null,
          created_date_time: now.toISOString(),
          expires_at: new Date(now.getTime() + SESSION_MEMORY_MS).toISOString(),
          ended_date_time: null,
          logout_id: null,
          logout_request_id: null,
        },
        now,
      );
    },
    sessionsOfPrincipal: (k: Parameters<typeof findSessionsOfPrincipal>[1]) => findSessionsOfPrincipal(db, k),
    activeSessionsOfBrowser: (tenantId: string, browserSession: string) =>
      listActiveSessionsOfBrowser(db, tenantId, browserSession, clock.now()),
    end: (sessionIndex: string, logoutId: string | null, logoutRequestId: string | null) =>
      endSamlSession(db, sessionIndex, { now: clock.now(), logoutId, logoutRequestId }),
    sessionByLogoutRequest: (tenantId: string, requestId: string) => findSessionByLogoutRequest(db, tenantId, requestId),
    answerLogoutRequest: (sessionIndex: string, requestId: string) => clearLogoutRequest(db, sessionIndex, requestId),

    /** Starts a logout (`initiator` absent: Portico's own sign-out, which continues at `returnTo`). */
    async startLogout(
      l: Pick<SamlLogout, 'tenant_id' | 'browser_session' | 'return_to'> &
        Partial<Pick<SamlLogout, 'initiator_sp_id' | 'initiator_request_id' | 'initiator_relay_state' | 'initiator_binding'>>,
    ): Promise<SamlLogout> {
      const now = clock.now();
      const row: SamlLogout = {
        id: randomBytes(24).toString('base64url'),
        tenant_id: l.tenant_id,
        browser_session: l.browser_session,
        return_to: l.return_to,
        initiator_sp_id: l.initiator_sp_id ?? null,
        initiator_request_id: l.initiator_request_id ?? null,
        initiator_relay_state: l.initiator_relay_state ?? null,
        initiator_binding: l.initiator_binding ?? null,
        partial: 0,
        expires_at: new Date(now.getTime() + LOGOUT_TTL_MS).toISOString(),
      };
      await insertSamlLogout(db, row, now);
      return row;
    },
    findLogout: (id: string) => findSamlLogout(db, id, clock.now()),
    markPartial: (id: string) => markSamlLogoutPartial(db, id),
    finishLogout: (id: string) => deleteSamlLogout(db, id),

    /**
     * After Portico's sign-out ended the browser session `browserSession`: when SAML applications
     * of that session are still signed in, starts their logout and returns the URL where the
     * browser continues (each application in turn, then `returnTo`); undefined when there are none.
     */
    async afterSignOut(tenantId: string, browserSession: string, returnTo: string): Promise<string | undefined> {
      const active = await store.activeSessionsOfBrowser(tenantId, browserSession);
      if (active.length === 0) return undefined;
      const logout = await store.startLogout({ tenant_id: tenantId, browser_session: browserSession, return_to: returnTo });
      return `${config.publicUrl}${LOGOUT_CONTINUE_PATH}?id=${encodeURIComponent(logout.id)}`;
    },
  };
  return store;
}

export type SamlSessionStore = ReturnType<typeof createSamlSessionStore>;
