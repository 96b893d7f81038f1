import { Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { FormEvent } from 'react';
import { graph, type Organization } from '../../api/graph';
import { useAction } from '../../api/hooks';
import { FormActions, FormCard, useFormValues } from '../../components/Forms';
import { SettingsPage } from '../../components/LoadedPages';
import { adminCrumbs } from '../../components/PageHeader';
import { Empty } from '../../components/States';
import { type OrganizationValues, validateOrganization } from './organizationForm';

export function OrganizationPage() {
  return (
    <SettingsPage
      header={{
        title: 'Organization',
        crumbs: adminCrumbs('Organization'),
        description:
          "Shown to guests when they accept an invitation: your organization's name, privacy statement and privacy contact.",
      }}
      maw={760}
      load={async () => (await graph.organization()) ?? null}
    >
      {(o, org) => (o ? <OrgForm org={o} onSaved={org.reload} /> : <Empty title="No organization found" />)}
    </SettingsPage>
  );
}

function OrgForm({ org, onSaved }: { org: Organization; onSaved: () => void }) {
  const {
    values: v,
    check,
    field,
  } = useFormValues<OrganizationValues>({
    displayName: org.displayName,
    statementUrl: org.privacyProfile?.statementUrl ?? '',
    contactEmail: org.privacyProfile?.contactEmail ?? '',
    technicalContact: org.technicalNotificationMails?.[0] ?? '',
  });
  const save = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!check(validateOrganization(v))) return;
    const saved = await save.run(() =>
      graph.updateOrganization(org.id, {
        displayName: v.displayName.trim(),
        privacyProfile: { statementUrl: v.statementUrl.trim() || null, contactEmail: v.contactEmail.trim() || null },
        technicalNotificationMails: v.technicalContact.trim() ? [v.technicalContact.trim()] : [],
      }),
    );
    if (!saved) return;
    notifications.show({ color: 'green', message: 'Organization properties saved.' });
    onSaved();
  };

  return (
    <FormCard label="Organization properties" onSubmit={submit} noValidate>
      <TextInput label="Name" required {...field('displayName')} />
      <TextInput label="Tenant ID" value={org.id} readOnly />
      <TextInput label="Privacy statement URL" placeholder="https://example.com/privacy" type="url" {...field('statementUrl')} />
      <TextInput
        label="Privacy contact"
        description="E-mail address of the person who answers privacy questions"
        type="email"
        {...field('contactEmail')}
      />
      <TextInput
        label="Technical contact"
        description="Receives technical notices about this directory"
        type="email"
        {...field('technicalContact')}
      />
      {org.verifiedDomains.length > 0 && (
        <Text size="sm" c="dimmed">
          Domains: {org.verifiedDomains.map((d) => d.name + (d.isDefault ? ' (default)' : '')).join(', ')}
        </Text>
      )}
      <FormActions error={save.error} busy={save.busy} />
    </FormCard>
  );
}
