import { graph, type MyGroupsAddResult } from '../../api/graph';
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
export function AddMembersDialog({ opened, onClose, groupId, groupName, memberIds, onAdded }: AddMembersDialogProps) {
  return (
    <PeoplePicker
      opened={opened}
      onClose={onClose}
      title="Add members"
      submitLabel="Add"
      excludeIds={memberIds}
      excludedLabel="Member"
      texts={{
        description: 'Type a name, or the e-mail address of someone outside your organization to invite them as a guest',
        selected: 'Selected',
        hint: 'Start typing to find people in your organization, or enter an e-mail address to invite a guest.',
        noMatch: (search) =>
          `No one matches “${search}”.${!looksLikeEmail(search) && search.includes('@') ? ' To invite a guest, type their whole e-mail address.' : ''}`,
      }}
      invite={{
        tag: 'guest',
        explanation: `Not in your organization yet: they get an invitation e-mail and join ${groupName} as a guest.`,
        welcomeDescription: 'Included in the invitation e-mail, as plain text.',
      }}
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
