import { Badge, Checkbox, Group, Paper, Pill, ScrollArea, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { type Group as GroupT, groupTypeLabel, isDynamicGroup, type User } from '../api/graph';
import { type DirectoryKind, useDirectorySearch } from '../api/search';
import { emailProblem, inviteCandidate, WELCOME_MESSAGE_MAX } from '../features/invitations/invitationLogic';
import { LongText } from './Forms';
import { ErrorNotice, Loading } from './States';

/** A user or group picked in a directory search. */
export interface Picked {
  id: string;
  displayName: string;
  kind: 'User' | 'Group';
  subtitle?: string | null;
  guest?: boolean;
  /** Members are decided by a rule (or synchronised): nobody can add one by hand. */
  closedMembership?: boolean;
  dynamic?: boolean;
}

export const pickedUser = (u: User): Picked => ({
  id: u.id,
  displayName: u.displayName,
  kind: 'User',
  subtitle: u.mail ?? u.userPrincipalName,
  guest: u.userType === 'Guest',
});

export const pickedGroup = (g: GroupT): Picked => ({
  id: g.id,
  displayName: g.displayName,
  kind: 'Group',
  subtitle: `${groupTypeLabel(g)} group`,
  dynamic: isDynamicGroup(g),
  closedMembership: isDynamicGroup(g) || g.onPremisesSyncEnabled === true,
});

/** The words of a picker that differ between the places it is used in. */
export interface PickerTexts {
  description: string;
  placeholder: string;
  /** Names the list of picked entries for assistive technology. */
  selected: string;
  /** Written before the picked entries, in dialogs ("Selected:"). */
  selectedPrefix?: string;
  /** Names the list of results for assistive technology. */
  results: string;
  /** Said while nothing is typed (dialogs); an inline picker shows nothing then. */
  hint?: string;
  noMatch: (search: string) => ReactNode;
}

const PEOPLE_TEXTS: PickerTexts = {
  description: 'Type a name or an e-mail address',
  placeholder: 'Search by name or e-mail',
  selected: 'Selected people',
  results: 'Search results',
  noMatch: (search) => `No one matches “${search}”.`,
};

const GROUP_TEXTS: PickerTexts = {
  description: 'Type a group name',
  placeholder: 'Search groups',
  selected: 'Selected groups',
  results: 'Search results',
  noMatch: (search) => `No group matches “${search}”.`,
};

/** Picking people may also invite someone who is not in the directory yet, by e-mail address. */
export interface InviteOption {
  /** The addresses chosen so far. */
  invitees: string[];
  onChange: (invitees: string[]) => void;
  /** What an invitee's entry says after the address ("guest", "invite"). */
  tag: string;
  /** What happens to someone invited, under "Invite … as a guest". */
  explanation?: string;
}

export interface DirectoryPickerProps {
  kind: DirectoryKind;
  value: Picked[];
  onChange: (value: Picked[]) => void;
  label: string;
  /** Overrides of the default words for this kind. */
  texts?: Partial<PickerTexts>;
  /** At most this many; with 1, picking another entry replaces the current one. */
  max?: number;
  /** Already there (members, owners, assignees): shown checked with `excludedLabel`, not pickable. */
  excludeIds?: ReadonlySet<string>;
  excludedLabel?: string;
  /** Only groups whose members can be added by hand (not dynamic or synchronised ones). */
  membershipGroupsOnly?: boolean;
  /** In a dialog: the box takes the focus and the results area is always there. */
  inDialog?: boolean;
  /** How many results one search shows. */
  top?: number;
  testId?: string;
  invite?: InviteOption;
}

/**
 * The one way to pick from the directory: type a name to search users (or groups), tick results,
 * remove picks again. With `invite`, an e-mail address that nobody in the directory has is offered
 * as "Invite … as a guest" (Enter takes it too), and invalid addresses say why they can't be.
 */
export function DirectoryPicker({
  kind,
  value,
  onChange,
  label,
  texts: textOverrides,
  max = Number.POSITIVE_INFINITY,
  excludeIds,
  excludedLabel = 'Already added',
  membershipGroupsOnly = false,
  inDialog = false,
  top = 15,
  testId,
  invite,
}: DirectoryPickerProps) {
  const texts = { ...(kind === 'users' ? PEOPLE_TEXTS : GROUP_TEXTS), ...textOverrides };
  const [term, setTerm] = useState('');
  const search = useDirectorySearch(kind, term, top);
  const found: Picked[] = (search.results.data ?? []).map((r) =>
    kind === 'users' ? pickedUser(r as User) : pickedGroup(r as GroupT),
  );

  // An invitation is offered only once the search for exactly that text has answered.
  const candidate = invite && search.settled ? inviteCandidate(search.search, search.results.data as User[]) : undefined;
  const candidateProblem = candidate ? emailProblem(candidate) : undefined;
  const invitees = invite?.invitees ?? [];
  const alreadyChosen = candidate !== undefined && invitees.some((a) => a.toLowerCase() === candidate.toLowerCase());
  const addInvitee = (address: string) => {
    invite?.onChange([...invitees, address]);
    setTerm('');
  };

  const toggle = (p: Picked) =>
    onChange(
      value.some((x) => x.id === p.id) ? value.filter((x) => x.id !== p.id) : max === 1 ? [p] : [...value, p].slice(0, max),
    );
  const full = max > 1 && value.length >= max;
  const typed = search.active && term.trim() !== '';

  return (
    <Stack gap={inDialog ? 'sm' : 6}>
      <TextInput
        label={label}
        description={texts.description}
        placeholder={texts.placeholder}
        value={term}
        onChange={(e) => setTerm(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && candidate && !candidateProblem && !alreadyChosen) {
            e.preventDefault();
            addInvitee(candidate);
          }
        }}
        data-autofocus={inDialog || undefined}
        data-testid={testId ?? (kind === 'users' ? 'people-search' : 'group-search')}
        type="search"
      />
      {value.length + invitees.length > 0 && (
        <Group gap={6} aria-label={texts.selected}>
          {texts.selectedPrefix && (
            <Text size="sm" fw={600}>
              {texts.selectedPrefix}
            </Text>
          )}
          {value.map((p) => (
            <Pill
              key={p.id}
              withRemoveButton
              onRemove={() => toggle(p)}
              removeButtonProps={{ 'aria-label': `Remove ${p.displayName}` }}
            >
              {p.displayName}
            </Pill>
          ))}
          {invitees.map((a) => (
            <Pill
              key={a}
              withRemoveButton
              onRemove={() => invite?.onChange(invitees.filter((x) => x !== a))}
              removeButtonProps={{ 'aria-label': `Remove ${a}` }}
              data-testid="selected-invitee"
            >
              {a} ({invite?.tag})
            </Pill>
          ))}
          {Number.isFinite(max) && max > 1 && (
            <Text size="xs" c="dimmed">
              {value.length} / {max}
            </Text>
          )}
        </Group>
      )}
      {(typed || inDialog) && (
        <ScrollArea.Autosize mah={inDialog ? 300 : 240} type="auto">
          {!typed ? (
            <Text size="sm" c="dimmed" py="sm">
              {texts.hint}
            </Text>
          ) : search.results.error ? (
            <ErrorNotice error={search.results.error} onRetry={search.results.reload} />
          ) : search.results.loading && !search.results.data ? (
            <Loading label="Searching…" />
          ) : (
            <Stack gap={4}>
              {found.length === 0 && !candidate && (
                <Text size="sm" c="dimmed" py={inDialog ? 'sm' : undefined} role="status">
                  {texts.noMatch(search.search)}
                </Text>
              )}
              {found.length > 0 && (
                <Stack gap={inDialog ? 4 : 2} role="group" aria-label={texts.results}>
                  {found.map((p) => {
                    const already = excludeIds?.has(p.id) ?? false;
                    const checked = already || value.some((x) => x.id === p.id);
                    const closed = membershipGroupsOnly && p.closedMembership === true;
                    return (
                      <Checkbox
                        key={p.id}
                        checked={checked}
                        disabled={already || closed || (full && !checked)}
                        onChange={() => toggle(p)}
                        label={
                          <Group gap={6} wrap="nowrap">
                            <span>{p.displayName}</span>
                            {p.guest && (
                              <Badge size="xs" variant="light" color="grape">
                                Guest
                              </Badge>
                            )}
                            {membershipGroupsOnly && p.dynamic && (
                              <Badge size="xs" variant="light" color="orange">
                                Dynamic: can't add
                              </Badge>
                            )}
                            {already && (
                              <Badge size="xs" variant="light" color="gray">
                                {excludedLabel}
                              </Badge>
                            )}
                          </Group>
                        }
                        description={p.subtitle}
                        py={inDialog ? 4 : 3}
                      />
                    );
                  })}
                </Stack>
              )}
              {candidate &&
                (candidateProblem ? (
                  <Text size="sm" c="red.8" py="sm" role="status" data-testid="invite-guest-problem">
                    {candidate} can't be invited: {candidateProblem}
                  </Text>
                ) : alreadyChosen ? (
                  <Text size="sm" c="dimmed" py="sm" role="status">
                    {candidate} is already selected.
                  </Text>
                ) : (
                  <InviteGuestButton
                    address={candidate}
                    explanation={invite?.explanation}
                    onClick={() => addInvitee(candidate)}
                  />
                ))}
            </Stack>
          )}
        </ScrollArea.Autosize>
      )}
    </Stack>
  );
}

function InviteGuestButton({ address, explanation, onClick }: { address: string; explanation?: string; onClick: () => void }) {
  return (
    <Paper withBorder p={0}>
      <UnstyledButton
        onClick={onClick}
        data-testid="invite-guest-option"
        p="sm"
        w="100%"
        aria-label={`Invite ${address} as a guest`}
      >
        <Group gap="sm" wrap="nowrap">
          <Badge variant="light" color="grape">
            Guest
          </Badge>
          <Stack gap={0}>
            <Text size="sm" fw={600} style={{ wordBreak: 'break-all' }}>
              Invite {address} as a guest
            </Text>
            {explanation && (
              <Text size="xs" c="dimmed">
                {explanation}
              </Text>
            )}
          </Stack>
        </Group>
      </UnstyledButton>
    </Paper>
  );
}

/** The optional welcome message of an invitation, plain text, with what is left of its length. */
export function WelcomeMessage({
  value,
  onChange,
  description,
}: {
  value: string;
  onChange: (value: string) => void;
  description: string;
}) {
  return (
    <>
      <LongText
        label="Welcome message (optional)"
        description={description}
        value={value}
        onChange={(v) => onChange(v.slice(0, WELCOME_MESSAGE_MAX))}
        maxLength={WELCOME_MESSAGE_MAX}
        minRows={3}
        maxRows={8}
        data-testid="welcome-message"
      />
      <Text size="xs" c="dimmed" ta="right" mt={-8} aria-live="polite" data-testid="welcome-message-count">
        {value.length} / {WELCOME_MESSAGE_MAX}
      </Text>
    </>
  );
}
