import { Alert, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import type { UpdateServicePrincipalBody } from '../../../contracts/applications';
import { graph, type ServicePrincipal } from '../../api/graph';
import { useConfirmedAction } from '../../components/Confirm';
import { FormCard, LongText, SaveOrDeleteActions, Toggle } from '../../components/Forms';
import { isHidden, optionalUrlProblem, withHidden } from './appLogic';

/** The Properties blade: what Entra shows on an enterprise application's Properties page. */
export function PropertiesBlade({ app: a, onSaved }: { app: ServicePrincipal; onSaved: (sp: ServicePrincipal) => void }) {
  const [enabled, setEnabled] = useState(a.accountEnabled);
  const [name, setName] = useState(a.displayName);
  const [homepage, setHomepage] = useState(a.homepage ?? '');
  const [logoUrl, setLogoUrl] = useState(a.info.logoUrl ?? '');
  const [required, setRequired] = useState(a.appRoleAssignmentRequired);
  const [visible, setVisible] = useState(!isHidden(a.tags));
  const [notes, setNotes] = useState(a.notes ?? '');
  const [description, setDescription] = useState(a.description ?? '');
  const change = useConfirmedAction();

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return change.setError('Enter a name.');
    const urlError = optionalUrlProblem(homepage) ?? optionalUrlProblem(logoUrl);
    if (urlError) return change.setError(urlError);
    const body: UpdateServicePrincipalBody = {};
    if (enabled !== a.accountEnabled) body.accountEnabled = enabled;
    if (name.trim() !== a.displayName) body.displayName = name.trim();
    if (homepage.trim() !== (a.homepage ?? '')) body.homepage = homepage.trim() || null;
    if (logoUrl.trim() !== (a.info.logoUrl ?? '')) body.info = { logoUrl: logoUrl.trim() || null };
    if (required !== a.appRoleAssignmentRequired) body.appRoleAssignmentRequired = required;
    if (visible === isHidden(a.tags)) body.tags = withHidden(a.tags, !visible);
    if (notes.trim() !== (a.notes ?? '')) body.notes = notes.trim() || null;
    if (description.trim() !== (a.description ?? '')) body.description = description.trim() || null;
    if (Object.keys(body).length === 0) return change.clearError();
    await change.run(async () => {
      await graph.updateServicePrincipal(a.id, body);
      notifications.show({ color: 'green', message: 'Changes saved.' });
      onSaved(await graph.servicePrincipal(a.id));
    }, 'save');
  };

  return (
    <FormCard label="Application properties" onSubmit={save} maw={720}>
      <Toggle
        label="Enabled for users to sign in?"
        checked={enabled}
        onChange={setEnabled}
        description="When off, no one can sign in to the application."
      />
      <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
      <TextInput label="Homepage URL" value={homepage} onChange={(e) => setHomepage(e.currentTarget.value)} type="url" />
      <TextInput label="Logo URL" value={logoUrl} onChange={(e) => setLogoUrl(e.currentTarget.value)} type="url" />
      <TextInput label="Application ID" value={a.appId} readOnly />
      <TextInput label="Object ID" value={a.id} readOnly />
      <Toggle
        label="Assignment required?"
        checked={required}
        onChange={setRequired}
        description="Yes: only the users and groups assigned to the application (under Users and groups, including its self-service group) can sign in. No: everyone in your organization can sign in — every guest invited into it too; only assigned users see it in My Apps."
        data-testid="assignment-required"
      />
      {!required && (
        <Alert color="yellow" variant="light" title="Open to the whole organization" data-testid="assignment-not-required">
          With assignment not required, anyone in your organization, guests included, can sign in to {a.displayName}. Turn it on
          to limit the application to the people and groups you assign.
        </Alert>
      )}
      <Toggle
        label="Visible to users?"
        checked={visible}
        onChange={setVisible}
        description="When off, the application is not shown in My Apps; access is unchanged."
      />
      <LongText label="Notes" value={notes} onChange={setNotes} />
      <LongText label="Description" value={description} onChange={setDescription} />
      <SaveOrDeleteActions
        change={change}
        deleteLabel="Delete application"
        deletion={{
          title: 'Delete application',
          message: `Delete ${a.displayName}? Its users and groups lose single sign-on to it, and its secrets stop working.`,
          name: a.displayName,
          remove: () => graph.deleteServicePrincipal(a.id),
          to: '/admin/applications',
        }}
      />
    </FormCard>
  );
}
