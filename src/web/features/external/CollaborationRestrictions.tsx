import { Alert, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { type InvitationDomains, REDIRECT_HOSTS_MAX, redirectHostPattern } from '../../../contracts/policies';
import { type B2bManagementPolicy, graph, type InvitationDomainsMode } from '../../api/graph';
import { useLoad } from '../../api/hooks';
import { useConfirmedAction } from '../../components/Confirm';
import { LongText, SaveOrDiscardActions, SettingsSection, useFieldProblem } from '../../components/Forms';
import { type Choice, RadioChoices } from '../../components/RadioChoices';
import { Async } from '../../components/States';
import { parseDomains } from '../invitations/invitationLogic';

/** Entra's labels (entra-behaviour.md §4.3), most inclusive first. */
export const RESTRICTION_OPTIONS: Choice<InvitationDomainsMode>[] = [
  { value: 'allowAll', label: 'Allow invitations to be sent to any domain (most inclusive)' },
  { value: 'denyList', label: 'Deny invitations to the specified domains' },
  { value: 'allowList', label: 'Allow invitations only to the specified domains (most restrictive)' },
];

const listName = (mode: InvitationDomainsMode) => (mode === 'allowList' ? 'allow list' : 'deny list');

/** One text per list type: switching back and forth before saving keeps what was typed. */
const textsOf = (d: InvitationDomains): Record<'allowList' | 'denyList', string> => ({
  allowList: d.mode === 'allowList' ? d.domains.join('\n') : '',
  denyList: d.mode === 'denyList' ? d.domains.join('\n') : '',
});

/**
 * External collaboration settings → Collaboration restrictions (the domain allow or deny list) and
 * the hosts invitations may redirect to (Portico extension).
 */
export function CollaborationRestrictions() {
  const policy = useLoad(() => graph.b2bManagementPolicy(), []);
  return (
    <>
      <SettingsSection id="h-restrictions" title="Collaboration restrictions">
        <Async state={policy}>{(p) => <RestrictionsForm policy={p} onSaved={policy.setData} />}</Async>
      </SettingsSection>
      <SettingsSection id="h-redirect-hosts" title="Invitation redirect URLs">
        <Async state={policy}>{(p) => <RedirectHostsForm policy={p} onSaved={policy.setData} />}</Async>
      </SettingsSection>
    </>
  );
}

/** One host pattern per line (or separated by spaces, commas, semicolons): the valid ones normalized, the others as typed. */
function parseRedirectHosts(text: string): { hosts: string[]; invalid: string[] } {
  const hosts: string[] = [];
  const invalid: string[] = [];
  for (const raw of text.split(/[\s,;]+/)) {
    if (!raw) continue;
    const h = redirectHostPattern(raw);
    if (h === undefined) invalid.push(raw);
    else if (!hosts.includes(h)) hosts.push(h);
  }
  return { hosts, invalid };
}

/** Where invitations may send guests after redemption: empty = anywhere (Graph's default). */
function RedirectHostsForm({ policy, onSaved }: { policy: B2bManagementPolicy; onSaved: (p: B2bManagementPolicy) => void }) {
  const saved = policy.allowedRedirectHosts ?? [];
  const [text, setText] = useState(saved.join('\n'));
  const [fieldError, setFieldError, clearing] = useFieldProblem();
  const save = useConfirmedAction();
  const parsed = parseRedirectHosts(text);
  const dirty = parsed.hosts.join('\n') !== saved.join('\n') || parsed.invalid.length > 0;

  const submit = async () => {
    if (parsed.invalid.length) {
      setFieldError(
        `Not a host name: ${parsed.invalid.join(', ')}. Enter names such as apps.contoso.com or *.contoso.com, one per line.`,
      );
      return;
    }
    if (parsed.hosts.length > REDIRECT_HOSTS_MAX) {
      setFieldError(`Enter at most ${REDIRECT_HOSTS_MAX} hosts.`);
      return;
    }
    const n = parsed.hosts.length;
    const confirmation = {
      title: 'Save invitation redirect URLs',
      message:
        n === 0
          ? 'Invitations can redirect guests to any address after they accept.'
          : `New invitations can only redirect guests to ${n} host${n === 1 ? '' : 's'} (and to this portal). Pending invitations to other hosts take their guests to My Apps instead.`,
      confirmLabel: 'Save',
    };
    if (await save.confirmAndRun(confirmation, () => graph.updateAllowedRedirectHosts(parsed.hosts))) {
      onSaved({ ...policy, allowedRedirectHosts: parsed.hosts });
      setText(parsed.hosts.join('\n'));
      notifications.show({ color: 'green', message: 'Invitation redirect URLs saved.' });
    }
  };

  return (
    <Stack>
      <LongText
        label="Allowed redirect hosts"
        description="Where an invitation may send the guest after they accept. One host per line, such as apps.contoso.com; *.contoso.com allows its sub-domains. Empty: any address. This portal is always allowed."
        value={text}
        onChange={clearing(setText)}
        error={fieldError}
        minRows={3}
        maxRows={14}
        data-testid="redirect-hosts"
        spellCheck={false}
      />
      <Text size="xs" c="dimmed" role="status">
        {parsed.hosts.length === 0
          ? 'Invitations may redirect to any address.'
          : `${parsed.hosts.length} host${parsed.hosts.length === 1 ? '' : 's'}`}
        {parsed.invalid.length ? `; not valid: ${parsed.invalid.join(', ')}` : ''}
      </Text>
      <SaveOrDiscardActions
        save={save}
        dirty={dirty}
        onSubmit={submit}
        onDiscard={clearing(() => setText(saved.join('\n')))}
        submitLabel="Save redirect hosts"
        discardLabel="Undo changes"
        testId="save-redirect-hosts"
      />
    </Stack>
  );
}

function RestrictionsForm({ policy, onSaved }: { policy: B2bManagementPolicy; onSaved: (p: B2bManagementPolicy) => void }) {
  const saved = policy.invitationDomains;
  const [mode, setMode] = useState<InvitationDomainsMode>(saved.mode);
  const [texts, setTexts] = useState(() => textsOf(saved));
  const [fieldError, setFieldError, clearing] = useFieldProblem();
  const save = useConfirmedAction();

  const text = mode === 'allowAll' ? '' : texts[mode];
  const parsed = parseDomains(text);
  const dirty = mode !== saved.mode || (mode !== 'allowAll' && parsed.domains.join('\n') !== saved.domains.join('\n'));
  const discards = saved.mode !== 'allowAll' && mode !== saved.mode && saved.domains.length > 0;

  const submit = async () => {
    if (mode !== 'allowAll') {
      if (parsed.invalid.length) {
        setFieldError(`Not a domain name: ${parsed.invalid.join(', ')}. Enter names such as fabrikam.com, one per line.`);
        return;
      }
      if (parsed.domains.length === 0) {
        setFieldError('Add at least one domain, or allow invitations to any domain.');
        return;
      }
    }
    const next = { mode, domains: mode === 'allowAll' ? [] : parsed.domains };
    const confirmation = {
      title: 'Save collaboration restrictions',
      message: (
        <>
          {mode === 'allowAll'
            ? 'Invitations can be sent to any domain.'
            : mode === 'allowList'
              ? `Invitations can only be sent to ${parsed.domains.length} domain${parsed.domains.length === 1 ? '' : 's'} (and their sub-domains).`
              : `Invitations to ${parsed.domains.length} domain${parsed.domains.length === 1 ? '' : 's'} (and their sub-domains) will be refused.`}
          {discards && ` The current ${listName(saved.mode)} (${saved.domains.length} domains) will be discarded.`} Guests who
          already accepted are not affected; pending invitations to newly blocked domains can no longer be redeemed.
        </>
      ),
      confirmLabel: 'Save',
    };
    if (await save.confirmAndRun(confirmation, () => graph.updateB2bManagementPolicy(next))) {
      onSaved({ ...policy, invitationDomains: next });
      setTexts(textsOf(next));
      notifications.show({ color: 'green', message: 'Collaboration restrictions saved.' });
    }
  };

  return (
    <Stack>
      <RadioChoices
        label="Collaboration restrictions"
        description="Which e-mail domains guests may be invited from. One list type applies at a time; a listed domain also covers its sub-domains."
        value={mode}
        onChange={clearing(setMode)}
        options={RESTRICTION_OPTIONS}
        testId="collaboration-restrictions"
      />
      {discards && (
        <Alert color="yellow" variant="light" data-testid="restrictions-discard-warning">
          Switching the list type discards the current {listName(saved.mode)} ({saved.domains.length} domain
          {saved.domains.length === 1 ? '' : 's'}) when you save.
        </Alert>
      )}
      {mode !== 'allowAll' && (
        <LongText
          label="Target domains"
          description="One domain per line, such as fabrikam.com."
          value={text}
          onChange={clearing((v) => setTexts((t) => ({ ...t, [mode]: v })))}
          error={fieldError}
          minRows={4}
          maxRows={14}
          required
          data-testid="restriction-domains"
          spellCheck={false}
        />
      )}
      {mode !== 'allowAll' && parsed.domains.length > 0 && (
        <Text size="xs" c="dimmed" role="status">
          {parsed.domains.length} domain{parsed.domains.length === 1 ? '' : 's'}
          {parsed.invalid.length ? `; not valid: ${parsed.invalid.join(', ')}` : ''}
        </Text>
      )}
      <SaveOrDiscardActions
        save={save}
        dirty={dirty}
        onSubmit={submit}
        onDiscard={clearing(() => {
          setMode(saved.mode);
          setTexts(textsOf(saved));
        })}
        submitLabel="Save restrictions"
        discardLabel="Undo changes"
        testId="save-restrictions"
      />
    </Stack>
  );
}
