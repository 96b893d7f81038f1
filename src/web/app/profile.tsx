import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { ApiError } from '../api/client';
import { graph, ROLE_IDS, type User } from '../api/graph';
import { type Loaded, useLoad } from '../api/hooks';

export interface Profile {
  me: Loaded<User>;
  /** Role definition ids the signed-in user holds (empty when they may not read roles); undefined until known. */
  roles: Loaded<string[] | undefined>;
}

const ProfileContext = createContext<Profile | undefined>(undefined);

/** Any directory role except Guest Inviter opens the admin center (the API still decides each action). */
export const isAdminRoleSet = (roleIds: readonly string[]): boolean => roleIds.some((r) => r !== ROLE_IDS.guestInviter);

export function ProfileProvider({ children }: { children: ReactNode }) {
  const me = useLoad(() => graph.me(), []);
  const myId = me.data?.id;
  const roles = useLoad(async () => {
    if (!myId) return undefined;
    try {
      const page = await graph.roleAssignmentsOf(myId);
      return page.value.map((a) => a.roleDefinitionId);
    } catch (err) {
      // Guests with restricted access may not read role assignments at all: they hold none.
      if (err instanceof ApiError && err.status === 403) return [];
      throw err;
    }
  }, [myId]);
  const value = useMemo(() => ({ me, roles }), [me, roles]);
  return <ProfileContext.Provider value={value}>{children}</ProfileContext.Provider>;
}

export function useProfile(): Profile {
  const p = useContext(ProfileContext);
  if (!p) throw new Error('useProfile outside ProfileProvider');
  return p;
}
