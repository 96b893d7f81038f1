import {
  Badge,
  Button,
  Card,
  Group,
  List,
  Modal,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { type ApplicationTemplate, graph } from '../../api/graph';
import { useAction, useLoad } from '../../api/hooks';
import { DialogActions } from '../../components/Forms';
import { adminCrumbs, PageHeader } from '../../components/PageHeader';
import { type Choice, RadioChoices } from '../../components/RadioChoices';
import { Async, Empty } from '../../components/States';
import { optionalUrlProblem } from './appLogic';

type Integration = 'oidc' | 'saml' | 'notSupported';

const INTEGRATIONS: Choice<Integration>[] = [
  { value: 'oidc', label: 'Integrate with OIDC', description: 'OpenID Connect: the app gets a client id and secret.' },
  { value: 'saml', label: 'Integrate with SAML', description: 'The app is a SAML service provider.' },
  { value: 'notSupported', label: 'Not integrated', description: "Just a tile in My Apps that links to the app's homepage." },
];

/** Enterprise applications → New application: the gallery and "Create your own application". */
export function NewApplication() {
  const templates = useLoad(() => graph.applicationTemplates(), []);
  const [template, setTemplate] = useState<ApplicationTemplate>();
  const [custom, setCustom] = useState(false);
  return (
    <Stack>
      <PageHeader
        title="Browse the application gallery"
        crumbs={adminCrumbs(['All applications', '/admin/applications'], 'New application')}
        description="Pick an application with documented single sign-on settings, or create your own for any app that speaks OpenID Connect or SAML."
        actions={<Button onClick={() => setCustom(true)}>Create your own application</Button>}
      />
      <Async state={templates}>
        {(t) =>
          t.value.length === 0 ? (
            <Empty title="The gallery is empty" description="Create your own application instead." />
          ) : (
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {t.value.map((tpl) => (
                <li key={tpl.id}>
                  <Card withBorder padding="md" h="100%" data-testid="gallery-card">
                    <Stack gap={6} h="100%">
                      <Title order={2} fz="md">
                        {tpl.displayName}
                      </Title>
                      <Text size="xs" c="dimmed">
                        {tpl.publisher}
                      </Text>
                      <Text size="sm" lineClamp={3}>
                        {tpl.description}
                      </Text>
                      <Group gap={4}>
                        {tpl.supportedSingleSignOnModes.map((m) => (
                          <Badge key={m} size="xs" variant="light">
                            {m === 'oidc' ? 'OpenID Connect' : 'SAML'}
                          </Badge>
                        ))}
                      </Group>
                      <Group mt="auto">
                        <Button size="xs" variant="light" onClick={() => setTemplate(tpl)} aria-label={`Add ${tpl.displayName}`}>
                          Add
                        </Button>
                      </Group>
                    </Stack>
                  </Card>
                </li>
              ))}
            </SimpleGrid>
          )
        }
      </Async>
      {template && <FromTemplate template={template} onClose={() => setTemplate(undefined)} />}
      <CreateYourOwn opened={custom} onClose={() => setCustom(false)} />
    </Stack>
  );
}

function FromTemplate({ template, onClose }: { template: ApplicationTemplate; onClose: () => void }) {
  const navigate = useNavigate();
  const [name, setName] = useState(template.displayName);
  const [baseUrl, setBaseUrl] = useState('');
  const [mode, setMode] = useState<'oidc' | 'saml'>(template.supportedSingleSignOnModes[0] ?? 'oidc');
  const create = useAction();
  const settings = mode === 'oidc' ? template.singleSignOnSettings.oidc : template.singleSignOnSettings.saml;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return create.setError('Enter a name for the application.');
    if (!baseUrl.trim())
      return create.setError(`Enter the address of your ${template.displayName}, such as https://app.example.com.`);
    const p = optionalUrlProblem(baseUrl);
    if (p) return create.setError(p);
    await create.run(async () => {
      const r = await graph.instantiateTemplate(template.id, {
        displayName: name.trim(),
        baseUrl: baseUrl.trim(),
        ...(template.supportedSingleSignOnModes.length > 1 ? { preferredSingleSignOnMode: mode } : {}),
      });
      navigate(`/admin/applications/${r.servicePrincipal.id}/sso`);
    });
  };

  return (
    <Modal opened onClose={onClose} title={template.displayName} size="lg">
      <Stack component="form" onSubmit={submit} aria-label={`Add ${template.displayName}`}>
        <Text size="sm">{template.description}</Text>
        <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
        <TextInput
          label="Base URL"
          description={`Where your ${template.displayName} runs; the single sign-on URLs are filled in from it.`}
          placeholder="https://app.example.com"
          required
          value={baseUrl}
          onChange={(e) => setBaseUrl(e.currentTarget.value)}
        />
        {template.supportedSingleSignOnModes.length > 1 && (
          <Stack gap={4}>
            <Text size="sm" fw={500} id="tpl-mode">
              Single sign-on method
            </Text>
            <SegmentedControl
              aria-labelledby="tpl-mode"
              value={mode}
              onChange={(v) => setMode(v as 'oidc' | 'saml')}
              data={template.supportedSingleSignOnModes.map((m) => ({
                value: m,
                label: m === 'oidc' ? 'OpenID Connect' : 'SAML',
              }))}
            />
          </Stack>
        )}
        {settings && settings.instructions.length > 0 && (
          <Paper withBorder p="sm">
            <Text size="sm" fw={600} mb={4}>
              Then, in {template.displayName}
            </Text>
            <List size="sm" type="ordered">
              {settings.instructions.map((i) => (
                <List.Item key={i}>{i}</List.Item>
              ))}
            </List>
          </Paper>
        )}
        <DialogActions error={create.error} busy={create.busy} submitLabel="Create" onCancel={onClose} />
      </Stack>
    </Modal>
  );
}

function CreateYourOwn({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Create your own application" size="lg">
      <CreateYourOwnForm onClose={onClose} />
    </Modal>
  );
}

function CreateYourOwnForm({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [integration, setIntegration] = useState<Integration>('oidc');
  const create = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return create.setError('Enter a name for the application.');
    await create.run(async () => {
      const sp = await graph.createServicePrincipal({ displayName: name.trim(), preferredSingleSignOnMode: integration });
      navigate(integration === 'notSupported' ? `/admin/applications/${sp.id}` : `/admin/applications/${sp.id}/sso`);
    });
  };

  return (
    <Stack component="form" onSubmit={submit} aria-label="Create your own application">
      <TextInput
        label="What's the name of your app?"
        required
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
        data-autofocus
      />
      <RadioChoices
        label="What are you looking to do with your application?"
        value={integration}
        onChange={setIntegration}
        options={INTEGRATIONS}
        compact
        testId="integration-choice"
      />
      <DialogActions error={create.error} busy={create.busy} submitLabel="Create" onCancel={onClose} />
    </Stack>
  );
}
