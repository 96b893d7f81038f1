import { DEFAULT_APP_ROLE_ID } from '../../../contracts/applications.js';
import type { Group } from '../../../contracts/groups.js';
import type { User } from '../../../contracts/users.js';
import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import type { IdGenerator } from '../../domain/ids.js';
import { hashPassword } from '../../platform/passwords.js';
import type { ApplicationsService } from '../applications/applications.service.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { UsersService } from '../users/users.service.js';

/**
 * `portico seed`: a large, realistic tenant built fast for benchmarks and trials — users (one in ten
 * a guest, one in ten with an other mail), groups nested in a tree (so transitive queries recurse a
 * few levels), direct memberships spread evenly, and applications that require assignment, each
 * assigned to three groups. Multi-row inserts in batches, one transaction per batch, through the
 * owning units' bulk-load entry points. No audit entries and no validation: test data only.
 * Deterministic shapes (names, memberships) so runs compare; ids are fresh each run.
 */

export interface SeedSize {
  users: number;
  groups: number;
  memberships: number;
  apps: number;
}

export interface SeedDeps {
  db: Executor;
  clock: Clock;
  newId: IdGenerator;
  users: Pick<UsersService, 'importUsers'>;
  groups: Pick<GroupsService, 'importGroups' | 'importMembers'>;
  applications: Pick<ApplicationsService, 'importApplications' | 'importGroupAssignments'>;
}

export interface SeedResult extends SeedSize {
  /** User principal names of a few seeded members (sign-in with `password`). */
  sampleUsers: { id: string; userPrincipalName: string }[];
  /** Ids of a few groups that have nested groups and applications assigned. */
  sampleGroups: string[];
  password: string;
  seconds: number;
}

export type SeedProgress = (phase: string, done: number, total: number) => void;

const GIVEN = [
  'Adele',
  'Alex',
  'Ben',
  'Carla',
  'Diego',
  'Emma',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kemal',
  'Lena',
  'Maria',
  'Nora',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sven',
];
const SURNAMES = [
  'Adams',
  'Baker',
  'Chen',
  'Dubois',
  'Evans',
  'Fischer',
  'Garcia',
  'Hansen',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'Larsen',
  'Martin',
  'Nakamura',
  'Olsen',
  'Petrov',
  'Quispe',
  'Rossi',
  'Silva',
  'Tanaka',
  'Umar',
  'Vargas',
  'Weber',
  'Xu',
  'Yilmaz',
  'Zhang',
  'Moreau',
  'Novak',
  'Costa',
  'Berg',
  'Lind',
  'Keller',
  'Sato',
  'Kim',
  'Lopez',
  'Meyer',
  'Nielsen',
  'Ortiz',
  'Popescu',
  'Ruiz',
];
const BATCH = { users: 500, groups: 1000, members: 4000, apps: 500 } as const;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Children per tree node: group j > 0 of the nested part is a member of group floor((j - 1) / FANOUT). */
const FANOUT = 4;

function seedUser(i: number, id: string, domain: string, tag: string, now: string): User {
  const given = GIVEN[i % GIVEN.length] ?? 'Alex';
  const surname = SURNAMES[Math.floor(i / GIVEN.length) % SURNAMES.length] ?? 'Adams';
  const guest = i % 10 === 9;
  const upn = guest ? `guest${i}.${tag}_example.org#EXT#@${domain}` : `user${i}.${tag}@${domain}`;
  return {
    id,
    displayName: `${surname} ${given} ${pad(i, 6)}`,
    givenName: given,
    surname,
    mail: guest ? `guest${i}.${tag}@example.org` : upn,
    otherMails: i % 10 === 3 ? [`alt${i}.${tag}@example.net`] : [],
    userPrincipalName: upn,
    userType: guest ? 'Guest' : 'Member',
    accountEnabled: true,
    creationType: guest ? 'Invitation' : null,
    externalUserState: guest ? 'Accepted' : null,
    externalUserStateChangeDateTime: guest ? now : null,
    createdDateTime: now,
    identities: [],
    department: `Department ${i % 50}`,
    jobTitle: null,
    companyName: guest ? 'Fabrikam' : null,
    preferredLanguage: null,
    country: i % 2 ? 'DE' : 'US',
    city: null,
  };
}

function seedGroup(j: number, id: string, tag: string, now: string): Group {
  const name = `Team ${SURNAMES[j % SURNAMES.length]} ${pad(j, 5)}`;
  return {
    id,
    displayName: name,
    description: null,
    mailNickname: `team${j}${tag}`,
    mail: null,
    mailEnabled: false,
    securityEnabled: true,
    groupTypes: [],
    membershipRule: null,
    membershipRuleProcessingState: null,
    onPremisesSyncEnabled: null,
    visibility: null,
    isAssignableToRole: false,
    joinPolicy: 'closed',
    createdDateTime: now,
  };
}

/** Runs `write` over `total` items in batches of `size`, one transaction each. */
async function inBatches(
  deps: SeedDeps,
  phase: string,
  total: number,
  size: number,
  progress: SeedProgress,
  write: (trx: Executor, from: number, to: number) => Promise<void>,
): Promise<void> {
  for (let from = 0; from < total; from += size) {
    const to = Math.min(total, from + size);
    await deps.db.transaction().execute((trx) => write(trx, from, to));
    progress(phase, to, total);
  }
}

/** Which groups user `i` is a direct member of: `per` distinct groups spread over the tenant. */
function groupsOfUser(i: number, per: number, groups: number): number[] {
  if (groups === 0 || per === 0) return [];
  const stride = Math.max(1, Math.floor(groups / per));
  const base = (i * 2654435761) % groups;
  const out: number[] = [];
  for (let k = 0; k < per; k++) out.push((base + k * stride) % groups);
  return out;
}

/** Builds the tenant. Not idempotent: each run adds a new set of objects (the tag keeps names unique). */
export async function seedTenant(
  deps: SeedDeps,
  tenant: { id: string; initialDomain: string },
  size: SeedSize,
  opts: { password: string; progress?: SeedProgress },
): Promise<SeedResult> {
  const started = performance.now();
  const progress = opts.progress ?? (() => {});
  const now = deps.clock.now().toISOString();
  const tag = deps.newId().replace(/-/g, '').slice(-6);
  const passwordHash = await hashPassword(opts.password);
  const userIds = Array.from({ length: size.users }, () => deps.newId());
  const groupIds = Array.from({ length: size.groups }, () => deps.newId());

  await inBatches(deps, 'users', size.users, BATCH.users, progress, (trx, from, to) => {
    const batch: User[] = [];
    for (let i = from; i < to; i++) batch.push(seedUser(i, userIds[i] as string, tenant.initialDomain, tag, now));
    return deps.users.importUsers(trx, tenant.id, batch, passwordHash);
  });
  await inBatches(deps, 'groups', size.groups, BATCH.groups, progress, (trx, from, to) => {
    const batch: Group[] = [];
    for (let j = from; j < to; j++) batch.push(seedGroup(j, groupIds[j] as string, tag, now));
    return deps.groups.importGroups(trx, tenant.id, batch);
  });

  // A tenth of the groups form a tree (nesting), the rest of the budget goes to user memberships.
  const nested = Math.max(0, Math.min(size.groups - 1, Math.floor(size.groups / 10), size.memberships));
  const perUser = size.users ? Math.min(size.groups, Math.floor((size.memberships - nested) / size.users)) : 0;
  const extra = size.users ? Math.max(0, size.memberships - nested - perUser * size.users) : 0;
  const memberships: { groupId: string; member: { id: string; type: 'user' | 'group' } }[] = [];
  for (let j = 1; j <= nested; j++) {
    memberships.push({
      groupId: groupIds[Math.floor((j - 1) / FANOUT)] as string,
      member: { id: groupIds[j] as string, type: 'group' },
    });
  }
  const totalMemberships = nested + perUser * size.users + Math.min(extra, size.users);
  let written = 0;
  const flush = async (force: boolean) => {
    if (memberships.length < BATCH.members && !(force && memberships.length)) return;
    const batch = memberships.splice(0, memberships.length);
    await deps.db.transaction().execute((trx) => deps.groups.importMembers(trx, tenant.id, batch, now));
    written += batch.length;
    progress('memberships', written, totalMemberships);
  };
  for (let i = 0; i < size.users; i++) {
    // The first `extra` users get one more group each, so the total is what was asked for.
    const count = perUser + (i < extra && perUser < size.groups ? 1 : 0);
    for (const g of groupsOfUser(i, count, size.groups)) {
      memberships.push({ groupId: groupIds[g] as string, member: { id: userIds[i] as string, type: 'user' } });
    }
    await flush(false);
  }
  await flush(true);

  const appIds = Array.from({ length: size.apps }, () => deps.newId());
  await inBatches(deps, 'apps', size.apps, BATCH.apps, progress, async (trx, from, to) => {
    const apps = [];
    const assignments = [];
    for (let a = from; a < to; a++) {
      const id = appIds[a] as string;
      apps.push({ id, appId: deps.newId(), displayName: `App ${pad(a, 4)} ${tag}`, homepage: `https://app${a}.example.com/` });
      // Three groups per app, spread over the tenant (nested ones included: inheritance is direct-only in Entra).
      for (const g of new Set([a % size.groups, (a * 7 + 1) % size.groups, (a * 13 + 2) % size.groups])) {
        if (size.groups)
          assignments.push({ id: deps.newId(), resourceId: id, groupId: groupIds[g] as string, appRoleId: DEFAULT_APP_ROLE_ID });
      }
    }
    await deps.applications.importApplications(trx, tenant.id, apps, now);
    await deps.applications.importGroupAssignments(trx, tenant.id, assignments, now);
  });

  const sample = [0, 1, 2, 4, 5].filter((i) => i < size.users);
  return {
    ...size,
    memberships: written,
    sampleUsers: sample.map((i) => ({
      id: userIds[i] as string,
      userPrincipalName: seedUser(i, '', tenant.initialDomain, tag, now).userPrincipalName,
    })),
    sampleGroups: groupIds.slice(0, 3),
    password: opts.password,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
