import { Alert, Button, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { friendlyError } from '../../api/errors';
import { graph, type Organization } from '../../api/graph';
import { useLoad } from '../../api/hooks';
import { PageHeader } from '../../components/PageHeader';
import { Async, Empty } from '../../components/States';
import { type OrganizationValues, validateOrganization } from './organizationForm';

export function OrganizationPage() {
  const org = useLoad(() => graph.organization(), []);
  return (
    <Stack maw={760}>
      <PageHeader
        title="Organization"
        crumbs={[{ label: 'Admin center', to: '/admin' }, { label: 'Organization' }]}
        description="Shown to guests when they accept an invitation: your organization's name, privacy statement and privacy contact."
      />
      <Async state={{ ...org, data: org.loading ? undefined : (org.data ?? null) }}>
        {(o) => (o ? <OrgForm org={o} onSaved={org.reload} /> : <Empty title="No organization found" />)}
      </Async>
    </Stack>
  );
}

function OrgForm({ org, onSaved }: { org: Organization; onSaved: () => void }) {
  const [v, setV] = useState<OrganizationValues>({
    displayName: org.displayName,
    statementUrl: org.privacyProfile?.statementUrl ?? '',
    contactEmail: org.privacyProfile?.contactEmail ?? '',
    technicalContact: org.technicalNotificationMails?.[0] ?? '',
  });
  const [errors, setErrors] = useState<Partial<Record<keyof OrganizationValues, string>>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof OrganizationValues, value: string) => {
    setV({ ...v, [k]: value });
    setErrors({ ...errors, [k]: undefined });
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const found = validateOrganization(v);
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    setError(undefined);
    try {
      await graph.updateOrganization(org.id, {
        displayName: v.displayName.trim(),
        privacyProfile: { statementUrl: v.statementUrl.trim() || null, contactEmail: v.contactEmail.trim() || null },
        technicalNotificationMails: v.technicalContact.trim() ? [v.technicalContact.trim()] : [],
      });
      notifications.show({ color: 'green', message: 'Organization properties saved.' });
      onSaved();
    } catch (err) {
      setError(friendlyError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper withBorder p="md" component="form" onSubmit={save} noValidate aria-label="Organization properties">
      <Stack>
        <TextInput
          label="Name"
          required
          value={v.displayName}
          onChange={(e) => set('displayName', e.currentTarget.value)}
          error={errors.displayName}
        />
        <TextInput label="Tenant ID" value={org.id} readOnly />
        <TextInput
          label="Privacy statement URL"
          placeholder="https://example.com/privacy"
          value={v.statementUrl}
          onChange={(e) => set('statementUrl', e.currentTarget.value)}
          error={errors.statementUrl}
          type="url"
        />
        <TextInput
          label="Privacy contact"
          description="E-mail address of the person who answers privacy questions"
          value={v.contactEmail}
          onChange={(e) => set('contactEmail', e.currentTarget.value)}
          error={errors.contactEmail}
          type="email"
        />
        <TextInput
          label="Technical contact"
          description="Receives technical notices about this directory"
          value={v.technicalContact}
          onChange={(e) => set('technicalContact', e.currentTarget.value)}
          error={errors.technicalContact}
          type="email"
        />
        {org.verifiedDomains.length > 0 && (
          <Text size="sm" c="dimmed">
            Domains: {org.verifiedDomains.map((d) => d.name + (d.isDefault ? ' (default)' : '')).join(', ')}
          </Text>
        )}
        {error && (
          <Alert color="red" variant="light" role="alert" data-testid="error-notice">
            {error}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={busy}>
            Save
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
