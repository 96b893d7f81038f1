import { Alert, List, Text } from '@mantine/core';
import { graph, type MyGroupsAddOptions, type MyGroupsAddResult } from '../../api/graph';
import { useLoad } from '../../api/hooks';
import { PeoplePicker } from '../../components/PeoplePicker';
import { looksLikeEmail } from '../invitations/invitationLogic';

export interface AddedEntry {
  /** The name or address the person picked. */
  label: string;
  result: MyGroupsAddResult;
}

export interface AddMembersDialogProps {
  opened: boolean;
  onClose: () => void;
  groupId: string;
  groupName: string;
  /** People already in the group: shown, but not selectable. */
  memberIds: ReadonlySet<string>;
  /** Called once the additions end (all done, or stopped by a refusal), with those that succeeded. */
  onAdded: (added: AddedEntry[]) => void;
}

/**
 * My Groups → group → + → Add members (the seed's flow, steps 6–7). One search box: a name finds
 * people in the directory; an e-mail address that nobody in the directory has is offered as
 * "Invite … as a guest", with an optional welcome message. **Add** sends each choice to
 * `POST /groups/{id}/members/add`, which applies the same rules as everywhere else (owner, Assigned
 * group, self-service settings, who may invite, collaboration restrictions) and answers in words.
 */
/**
 * Said before anyone types: that guests cannot be invited here (or nobody can be added), why, and
 * whom to ask — from `GET /groups/{id}/members/addOptions`, the same checks Add applies.
 */
export function AddMembersNotice({ options }: { options: MyGroupsAddOptions }) {
  if (!options.canAddMembers) {
    return (
      <Alert color="orange" title="You can't add members to this group" role="status">
        {options.addMembersBlockedReason}
      </Alert>
    );
  }
  if (options.canInviteGuests) return null;
  return (
    <Alert color="blue" title="You can add people from your organization, but not invite guests" role="status">
      <Text size="sm">{options.inviteGuestsBlockedReason}</Text>
      {options.whoCanHelp.length > 0 && (
        <>
          <Text size="sm" mt="xs">
            To invite someone from outside, ask:
          </Text>
          <List size="sm" aria-label="People who can help">
            {options.whoCanHelp.map((h) => (
              <List.Item key={h.id}>
                {h.displayName} ({h.role}){h.mail ? ` — ${h.mail}` : ''}
              </List.Item>
            ))}
          </List>
        </>
      )}
    </Alert>
  );
}

export function AddMembersDialog({ opened, onClose, groupId, groupName, memberIds, onAdded }: AddMembersDialogProps) {
  // Asked when the dialog opens; if the question fails, Add still answers with its own refusal.
  const options = useLoad(
    (signal) => (opened ? graph.myGroupsAddOptions(groupId, signal).catch(() => undefined) : Promise.resolve(undefined)),
    [opened, groupId],
  );
  const o = options.data;
  const mayInvite = o === undefined || o.canInviteGuests;
  return (
    <PeoplePicker
      notice={o && <AddMembersNotice options={o} />}
      opened={opened}
      onClose={onClose}
      title="Add members"
      submitLabel="Add"
      excludeIds={memberIds}
      excludedLabel="Member"
      texts={{
        description: mayInvite
          ? 'Type a name, or the e-mail address of someone outside your organization to invite them as a guest'
          : 'Type the name of someone in your organization',
        selected: 'Selected',
        hint: 'Start typing to find people in your organization, or enter an e-mail address to invite a guest.',
        noMatch: (search) =>
          !mayInvite
            ? `No one in your organization matches “${search}”, and you can't invite guests here.`
            : `No one matches “${search}”.${!looksLikeEmail(search) && search.includes('@') ? ' To invite a guest, type their whole e-mail address.' : ''}`,
      }}
      {...(mayInvite
        ? {
            invite: {
              tag: 'guest',
              explanation: `Not in your organization yet: they get an invitation e-mail and join ${groupName} as a guest.`,
              welcomeDescription: 'Included in the invitation e-mail, as plain text.',
            },
          }
        : {})}
      onSubmit={async ({ people, invitees, welcomeMessage }, settle) => {
        const added: AddedEntry[] = [];
        // What succeeded stays done (and leaves the selection); on a refusal the dialog stays open.
        try {
          for (const p of people) {
            added.push({ label: p.displayName, result: await graph.myGroupsAdd(groupId, { userId: p.id }) });
            settle.person(p.id);
          }
          for (const address of invitees) {
            const result = await graph.myGroupsAdd(groupId, {
              emailAddress: address,
              ...(welcomeMessage ? { welcomeMessage } : {}),
            });
            added.push({ label: address, result });
            settle.invitee(address);
          }
        } finally {
          if (added.length) onAdded(added);
        }
      }}
    />
  );
}
