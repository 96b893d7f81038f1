import { Anchor, Button, FileInput, Group, Modal, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import type { SamlAttributeSource, SamlSettings, SamlVerificationCertificate } from '../../../contracts/applications';
import { SAML_VERIFICATION_CERTIFICATES_MAX, samlAttributeSources } from '../../../contracts/applications';
import { graph, type PasswordCredential, type ServicePrincipal } from '../../api/graph';
import { useAction, useLoad } from '../../api/hooks';
import { browserEnv, discover } from '../../auth/oidc';
import { destructive, useConfirmedAction } from '../../components/Confirm';
import { CopyField } from '../../components/CopyValue';
import { DataTable, RemoveButton } from '../../components/DataTable';
import { Choice, DialogActions, FormActions, FormCard, Toggle, useFieldProblem } from '../../components/Forms';
import { RadioChoices } from '../../components/RadioChoices';
import { Async, Empty, ErrorAlert } from '../../components/States';
import { formatDateTime } from '../audit/AuditTable';
import { checkUrlList, discoveryUrl, federationUrls, samlIdentifiers, urlProblem, withSamlIdentifiers } from './appLogic';
import { RowsEditor } from './RowsEditor';
import { SecretOnce } from './SecretOnce';

/** Addresses of this Portico: tenant id (the organization's id) and the OIDC issuer. */
function useEndpoints() {
  return useLoad(async () => {
    const [org, meta] = await Promise.all([graph.organization(), discover(browserEnv())]);
    return { tenantId: org?.id ?? '', issuer: meta.issuer };
  }, []);
}

/** Single sign-on: the OIDC or SAML settings of the app, or the choice of a method. */
export function SingleSignOnBlade({ app, onChanged }: { app: ServicePrincipal; onChanged: () => void }) {
  const mode = app.preferredSingleSignOnMode;
  if (mode === 'oidc') return <OidcSettings app={app} onChanged={onChanged} />;
  if (mode === 'saml') return <SamlSettingsPanel app={app} onChanged={onChanged} />;
  return <ChooseMethod app={app} onChanged={onChanged} />;
}

function ChooseMethod({ app, onChanged }: { app: ServicePrincipal; onChanged: () => void }) {
  const [value, setValue] = useState<'oidc' | 'saml'>('oidc');
  const save = useAction();
  const choose = async () => {
    if (await save.run(() => graph.updateServicePrincipal(app.id, { preferredSingleSignOnMode: value }))) onChanged();
  };
  return (
    <Paper withBorder p="md" maw={720}>
      <Stack>
        <Text size="sm">This application has no single sign-on method. Users reach it through its homepage link.</Text>
        <RadioChoices
          label="Select a single sign-on method"
          value={value}
          onChange={setValue}
          options={[
            { value: 'oidc', label: 'OpenID Connect' },
            { value: 'saml', label: 'SAML' },
          ]}
          compact
        />
        <FormActions error={save.error} busy={save.busy} submitLabel="Use this method" onSubmit={choose} />
      </Stack>
    </Paper>
  );
}

// ------------------------------------------------------------------------------------------------
// OpenID Connect

function OidcSettings({ app, onChanged }: { app: ServicePrincipal; onChanged: () => void }) {
  const endpoints = useEndpoints();
  return (
    <Stack maw={860}>
      <Paper withBorder p="md">
        <Title order={2} fz="md" mb="sm">
          Settings for your application
        </Title>
        <Stack gap="sm">
          <CopyField label="Client ID (Application ID)" value={app.appId} testId="client-id" />
          <Async state={endpoints}>
            {(e) => (
              <Stack gap="sm">
                <CopyField label="Issuer" value={e.issuer} testId="oidc-issuer" />
                <CopyField label="Discovery URL (OpenID configuration)" value={discoveryUrl(e.issuer)} testId="oidc-discovery" />
              </Stack>
            )}
          </Async>
          <Text size="xs" c="dimmed">
            Scopes: openid profile email. The client authenticates with a client secret (below) and may use PKCE.
          </Text>
        </Stack>
      </Paper>
      <RedirectUris app={app} onChanged={onChanged} />
      <ClientSecrets app={app} onChanged={onChanged} />
    </Stack>
  );
}

/** The reply URLs and the sign-on URL of an application, as both sign-in modes edit them. */
function useReplyAndSignOnUrls(app: ServicePrincipal) {
  const [replyUrls, setReplyUrls] = useState<string[]>(app.replyUrls.length ? app.replyUrls : ['']);
  const [signOnUrl, setSignOnUrl] = useState(app.loginUrl ?? '');
  const check = checkUrlList(replyUrls);
  const signOnProblem = signOnUrl.trim() ? urlProblem(signOnUrl) : undefined;
  return {
    replyUrls,
    setReplyUrls,
    signOnUrl,
    setSignOnUrl,
    check,
    signOnProblem,
    ok: check.ok && !signOnProblem,
    /** The part of the update they set. */
    body: { replyUrls: check.urls, loginUrl: signOnUrl.trim() || null },
  };
}

/** The reply URLs' rows and the Sign on URL box; their problems show once the form was `tried`. */
function ReplyAndSignOnUrlFields({
  urls,
  tried,
  replies,
  signOn,
}: {
  urls: ReturnType<typeof useReplyAndSignOnUrls>;
  tried: boolean;
  replies: { label: string; description: string; addLabel: string; placeholder: string; testId: string };
  signOn: { description: string; testId?: string };
}) {
  return (
    <>
      <RowsEditor {...replies} rows={urls.replyUrls} onChange={urls.setReplyUrls} problems={tried ? urls.check.problems : {}} />
      <TextInput
        label="Sign on URL"
        description={signOn.description}
        value={urls.signOnUrl}
        onChange={(e) => urls.setSignOnUrl(e.currentTarget.value)}
        error={tried ? urls.signOnProblem : undefined}
        data-testid={signOn.testId}
      />
    </>
  );
}

function RedirectUris({ app, onChanged }: { app: ServicePrincipal; onChanged: () => void }) {
  const urls = useReplyAndSignOnUrls(app);
  const [tried, setTried] = useState(false);
  const save = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!urls.ok) return;
    const saved = await save.run(() => graph.updateServicePrincipal(app.id, urls.body));
    if (!saved) return;
    notifications.show({ color: 'green', message: 'Sign-in settings saved.' });
    onChanged();
  };
  return (
    <FormCard label="Redirect URIs" onSubmit={submit}>
      <ReplyAndSignOnUrlFields
        urls={urls}
        tried={tried}
        replies={{
          label: 'Redirect URIs',
          description:
            'Where the sign-in service may send users back with a code, exactly as your application sends it (redirect_uri).',
          addLabel: 'Add URI',
          placeholder: 'https://app.example.com/oauth/callback',
          testId: 'redirect-uris',
        }}
        signOn={{
          description: 'Where My Apps sends users to start signing in to the application, e.g. its login page (optional).',
          testId: 'oidc-sign-on-url',
        }}
      />
      <FieldProblem problem={tried ? urls.check.listProblem : undefined} />
      <FormActions error={save.error} busy={save.busy} />
    </FormCard>
  );
}

const EXPIRY_CHOICES = [
  { value: '180', label: '180 days (6 months)' },
  { value: '365', label: '365 days (12 months)' },
  { value: '730', label: '730 days (24 months)' },
];

function ClientSecrets({ app, onChanged }: { app: ServicePrincipal; onChanged: () => void }) {
  const [creating, setCreating] = useState(false);
  const [fresh, setFresh] = useState<PasswordCredential>();
  const removal = useConfirmedAction();

  const remove = async (c: PasswordCredential) => {
    const confirmation = destructive(
      'Delete client secret',
      `Delete the secret ${c.displayName ? `“${c.displayName}” ` : ''}(${c.hint}…)? Applications using it can no longer sign in.`,
      'Delete',
    );
    if (!(await removal.confirmAndRun(confirmation, () => graph.removePassword(app.id, c.keyId)))) return;
    if (fresh?.keyId === c.keyId) setFresh(undefined);
    notifications.show({ color: 'green', message: 'Client secret deleted.' });
    onChanged();
  };

  return (
    <Paper withBorder p="md" aria-label="Client secrets" component="section">
      <Stack>
        <Group justify="space-between">
          <Title order={2} fz="md">
            Client secrets
          </Title>
          <Button size="xs" onClick={() => setCreating(true)}>
            New client secret
          </Button>
        </Group>
        {fresh?.secretText && (
          <SecretOnce secret={fresh.secretText} name={fresh.displayName} onDone={() => setFresh(undefined)} />
        )}
        <ErrorAlert error={removal.error} />
        {app.passwordCredentials.length === 0 ? (
          <Empty
            title="No client secrets"
            description="Create one with New client secret: your application needs it to redeem codes."
          />
        ) : (
          <DataTable columns={['Description', 'Expires', 'Value', null]} minWidth={520} striped={false} testId="secrets-table">
            {app.passwordCredentials.map((c) => (
              <Table.Tr key={c.keyId}>
                <Table.Td>{c.displayName ?? '—'}</Table.Td>
                <Table.Td>{formatDateTime(c.endDateTime)}</Table.Td>
                <Table.Td ff="monospace">{c.hint}…</Table.Td>
                <Table.Td ta="right">
                  <RemoveButton label={`Delete secret ${c.displayName ?? c.hint}`} onClick={() => remove(c)}>
                    Delete
                  </RemoveButton>
                </Table.Td>
              </Table.Tr>
            ))}
          </DataTable>
        )}
      </Stack>
      <NewSecretDialog
        app={app}
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(c) => {
          setFresh(c);
          onChanged();
        }}
      />
    </Paper>
  );
}

function NewSecretDialog({
  app,
  opened,
  onClose,
  onCreated,
}: {
  app: ServicePrincipal;
  opened: boolean;
  onClose: () => void;
  onCreated: (c: PasswordCredential) => void;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title="Add a client secret">
      <NewSecretForm app={app} onClose={onClose} onCreated={onCreated} />
    </Modal>
  );
}

function NewSecretForm({
  app,
  onClose,
  onCreated,
}: {
  app: ServicePrincipal;
  onClose: () => void;
  onCreated: (c: PasswordCredential) => void;
}) {
  const [name, setName] = useState('');
  const [days, setDays] = useState('180');
  const create = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const end = new Date(Date.now() + Number(days) * 86_400_000).toISOString();
    await create.run(async () => {
      onCreated(await graph.addPassword(app.id, { ...(name.trim() ? { displayName: name.trim() } : {}), endDateTime: end }));
      onClose();
    });
  };
  return (
    <Stack component="form" onSubmit={submit} aria-label="Add a client secret">
      <TextInput label="Description" value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
      <Choice label="Expires" data={EXPIRY_CHOICES} value={days} onChange={setDays} />
      <DialogActions error={create.error} busy={create.busy} submitLabel="Add" onCancel={onClose} />
    </Stack>
  );
}

// ------------------------------------------------------------------------------------------------
// SAML

const NAME_ID_FORMATS: { value: SamlSettings['nameIdFormat']; label: string }[] = [
  { value: 'emailAddress', label: 'Email address (user.mail)' },
  { value: 'persistent', label: 'Persistent (stable per user and application)' },
  { value: 'unspecified', label: 'Unspecified (user.userPrincipalName)' },
];

function SamlSettingsPanel({ app, onChanged }: { app: ServicePrincipal; onChanged: () => void }) {
  const endpoints = useEndpoints();
  return (
    <Stack maw={860}>
      <BasicSaml app={app} onChanged={onChanged} />
      <Paper withBorder p="md" component="section" aria-label="SAML certificates">
        <Title order={2} fz="md" mb="sm">
          SAML certificates and metadata
        </Title>
        <Async state={endpoints}>
          {(e) => {
            const urls = federationUrls(window.location.origin, e.tenantId, app.appId);
            return (
              <Stack gap="sm">
                <CopyField label="App Federation Metadata Url" value={urls.metadataUrl} testId="saml-metadata-url" />
                <CopyField label="Login URL (single sign-on service)" value={urls.samlEndpoint} testId="saml-login-url" />
                <CopyField label="Identity provider identifier (entity id)" value={urls.samlEndpoint} />
                <CopyField label="Logout URL (single logout service)" value={urls.samlEndpoint} testId="saml-logout-url" />
                <Group gap="md">
                  <Anchor href={urls.metadataUrl} download data-testid="download-metadata">
                    Download Federation Metadata XML
                  </Anchor>
                  <Anchor href={urls.certificateUrl} download data-testid="download-certificate">
                    Download Certificate (PEM)
                  </Anchor>
                </Group>
              </Stack>
            );
          }}
        </Async>
        <Certificates app={app} onChanged={onChanged} />
      </Paper>
      <RequestVerification app={app} onChanged={onChanged} />
    </Stack>
  );
}

/** A certificate file as the API accepts it: PEM text as is, a binary (DER) file in base64. */
async function certificateText(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  if (text.includes('-----BEGIN CERTIFICATE-----') || /^[A-Za-z0-9+/=\s]+$/.test(text)) return text;
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * Entra's "Verification certificates (optional)": require that the application signs its
 * AuthnRequests, and the certificates that verify them (public certificates only).
 */
function RequestVerification({ app, onChanged }: { app: ServicePrincipal; onChanged: () => void }) {
  const settings = app.samlSettings;
  const [required, setRequired] = useState(settings.requireSignedRequests);
  const [kept, setKept] = useState<SamlVerificationCertificate[]>(settings.verificationCertificates);
  const [added, setAdded] = useState<{ name: string; value: string }[]>([]);
  const [problem, setProblem, clearing] = useFieldProblem();
  const save = useAction();
  const count = kept.length + added.length;
  const dirty =
    required !== settings.requireSignedRequests || added.length > 0 || kept.length !== settings.verificationCertificates.length;

  const upload = async (file: File | null) => {
    setProblem(undefined);
    if (!file) return;
    if (count >= SAML_VERIFICATION_CERTIFICATES_MAX) {
      setProblem(`An application can have at most ${SAML_VERIFICATION_CERTIFICATES_MAX} verification certificates.`);
      return;
    }
    const value = await certificateText(file);
    setAdded((a) => [...a, { name: file.name, value }]);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (required && count === 0) {
      setProblem('Upload the certificate the application signs its requests with before requiring signed requests.');
      return;
    }
    const saved = await save.run(() =>
      graph.updateServicePrincipal(app.id, {
        samlSettings: {
          requireSignedRequests: required,
          verificationCertificates: [...kept.map((c) => c.certificate), ...added.map((a) => a.value)],
        },
      }),
    );
    if (!saved) return;
    setAdded([]);
    notifications.show({ color: 'green', message: 'Verification certificates saved.' });
    onChanged();
  };

  return (
    <FormCard label="Verification certificates" onSubmit={submit}>
      <Title order={2} fz="md">
        Verification certificates (optional)
      </Title>
      <Text size="sm" c="dimmed">
        Sign-in requests (AuthnRequests) signed by the application are verified with these certificates.
        Identity-provider-initiated sign-ins from My Apps are not requests and are not affected.
      </Text>
      <Toggle
        label="Require verification certificates"
        description="Refuse sign-in requests that are not signed with one of the certificates below (RSA with SHA-256 or stronger)."
        checked={required}
        onChange={clearing(setRequired)}
        data-testid="require-signed-requests"
      />
      {count === 0 ? (
        <Text size="sm" c="dimmed">
          No verification certificate.
        </Text>
      ) : (
        <DataTable
          columns={['Subject', 'Thumbprint', 'Expires', '']}
          minWidth={0}
          striped={false}
          testId="verification-certificates"
        >
          {kept.map((c) => (
            <Table.Tr key={c.thumbprint}>
              <Table.Td>{c.subject}</Table.Td>
              <Table.Td ff="monospace" fz="xs">
                {c.thumbprint}
              </Table.Td>
              <Table.Td>{formatDateTime(c.endDateTime)}</Table.Td>
              <Table.Td>
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  onClick={() => setKept((k) => k.filter((x) => x.thumbprint !== c.thumbprint))}
                >
                  Remove
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
          {added.map((a, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: positional rows
            <Table.Tr key={`new-${i}`}>
              <Table.Td>{a.name} (checked when you save)</Table.Td>
              <Table.Td />
              <Table.Td />
              <Table.Td>
                <Button size="xs" variant="subtle" color="red" onClick={() => setAdded((x) => x.filter((_, j) => j !== i))}>
                  Remove
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </DataTable>
      )}
      <FileInput
        label="Upload certificate"
        description="The application's public signing certificate: .cer, .crt or .pem (PEM or DER)."
        accept=".cer,.crt,.pem,application/x-x509-ca-cert,application/x-pem-file"
        value={null}
        onChange={upload}
        clearable={false}
        data-testid="upload-verification-certificate"
      />
      <FieldProblem problem={problem} />
      <FormActions error={save.error} busy={save.busy} submitLabel="Save verification settings" disabled={!dirty} />
    </FormCard>
  );
}

function BasicSaml({ app, onChanged }: { app: ServicePrincipal; onChanged: () => void }) {
  const initialIds = samlIdentifiers(app);
  const [identifiers, setIdentifiers] = useState<string[]>(initialIds.length ? initialIds : ['']);
  const urls = useReplyAndSignOnUrls(app);
  const [relayState, setRelayState] = useState(app.samlSingleSignOnSettings.relayState ?? '');
  const [logoutUrl, setLogoutUrl] = useState(app.logoutUrl ?? '');
  const [nameIdFormat, setNameIdFormat] = useState<SamlSettings['nameIdFormat']>(app.samlSettings.nameIdFormat);
  const [customAttrs, setCustomAttrs] = useState(app.samlSettings.attributes !== null);
  const [attrs, setAttrs] = useState<{ name: string; source: SamlAttributeSource }[]>(app.samlSettings.attributes ?? []);
  const [tried, setTried] = useState(false);
  const save = useAction();

  const idList = identifiers.map((s) => s.trim()).filter(Boolean);
  const logoutProblem = logoutUrl.trim() ? urlProblem(logoutUrl) : undefined;
  const attrProblem = customAttrs && attrs.some((a) => !a.name.trim()) ? 'Every attribute needs a name.' : undefined;
  const ok = urls.ok && !logoutProblem && !attrProblem && idList.length > 0;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!ok) return;
    const saved = await save.run(() =>
      graph.updateServicePrincipal(app.id, {
        servicePrincipalNames: withSamlIdentifiers(app, idList),
        ...urls.body,
        logoutUrl: logoutUrl.trim() || null,
        samlSingleSignOnSettings: { relayState: relayState.trim() || null },
        samlSettings: {
          nameIdFormat,
          attributes: customAttrs ? attrs.map((a) => ({ name: a.name.trim(), source: a.source })) : null,
        },
      }),
    );
    if (!saved) return;
    notifications.show({ color: 'green', message: 'SAML configuration saved.' });
    onChanged();
  };

  return (
    <FormCard label="Basic SAML Configuration" onSubmit={submit}>
      <Title order={2} fz="md">
        Basic SAML Configuration
      </Title>
      <RowsEditor
        label="Identifier (Entity ID)"
        description="The service provider's entity id, as its metadata or AuthnRequest Issuer says."
        rows={identifiers}
        onChange={setIdentifiers}
        addLabel="Add identifier"
        placeholder="https://app.example.com/saml/metadata"
        testId="saml-identifiers"
      />
      <FieldProblem problem={tried && idList.length === 0 ? "Enter the application's identifier (entity id)." : undefined} />
      <ReplyAndSignOnUrlFields
        urls={urls}
        tried={tried}
        replies={{
          label: 'Reply URL (Assertion Consumer Service URL)',
          description: 'Where the SAML Response is posted; AuthnRequests asking for another URL are refused.',
          addLabel: 'Add reply URL',
          placeholder: 'https://app.example.com/saml/acs',
          testId: 'saml-reply-urls',
        }}
        signOn={{ description: 'Where My Apps sends users to start a service-provider-initiated sign-in (optional).' }}
      />
      <TextInput
        label="Relay State"
        description="Sent with identity-provider-initiated sign-ins (optional)."
        value={relayState}
        onChange={(e) => setRelayState(e.currentTarget.value)}
      />
      <TextInput
        label="Logout Url"
        description="The application's single logout service: Portico sends it LogoutRequests when the user signs out, and answers its LogoutRequests there (optional)."
        value={logoutUrl}
        onChange={(e) => setLogoutUrl(e.currentTarget.value)}
        error={tried ? logoutProblem : undefined}
      />
      <Title order={3} fz="sm" mt="sm">
        Attributes & Claims
      </Title>
      <Choice label="Name identifier format" data={NAME_ID_FORMATS} value={nameIdFormat} onChange={setNameIdFormat} />
      <Toggle
        label="Custom attribute names"
        description="Off: Entra's default claims (claim-type URIs for e-mail, name, given name, surname)."
        checked={customAttrs}
        onChange={setCustomAttrs}
      />
      {customAttrs && (
        <Stack gap={6} role="group" aria-label="Attributes" data-testid="saml-attributes">
          {attrs.map((a, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: positional rows
            <Group key={i} gap="xs" wrap="nowrap" align="flex-end">
              <TextInput
                label={`Attribute ${i + 1} name`}
                value={a.name}
                onChange={(e) => {
                  const v = e.currentTarget.value;
                  setAttrs((s) => s.map((x, j) => (j === i ? { ...x, name: v } : x)));
                }}
                style={{ flex: 1 }}
              />
              <Choice
                label={`Attribute ${i + 1} source`}
                data={samlAttributeSources}
                value={a.source}
                onChange={(v) => setAttrs((s) => s.map((x, j) => (j === i ? { ...x, source: v } : x)))}
                style={{ flex: 1 }}
              />
              <Button variant="subtle" color="red" onClick={() => setAttrs((s) => s.filter((_, j) => j !== i))}>
                Remove
              </Button>
            </Group>
          ))}
          <Group>
            <Button size="xs" variant="default" onClick={() => setAttrs((s) => [...s, { name: '', source: 'user.mail' }])}>
              Add attribute
            </Button>
          </Group>
          <FieldProblem problem={tried ? attrProblem : undefined} />
        </Stack>
      )}
      <FormActions error={save.error} busy={save.busy} />
    </FormCard>
  );
}

function Certificates({ app, onChanged }: { app: ServicePrincipal; onChanged: () => void }) {
  const creation = useConfirmedAction();
  const create = async () => {
    const confirmation = {
      title: 'New certificate',
      message:
        'Create a new token-signing certificate? It is used at once: update the certificate (or metadata) in the application, or its sign-ins will fail.',
      confirmLabel: 'Create',
    };
    if (await creation.confirmAndRun(confirmation, () => graph.addTokenSigningCertificate(app.id))) {
      notifications.show({ color: 'green', message: 'New signing certificate created and active.' });
      onChanged();
    }
  };
  const sorted = [...app.keyCredentials].sort((a, b) => b.startDateTime.localeCompare(a.startDateTime));
  return (
    <Stack mt="md" gap="sm">
      <Group justify="space-between">
        <Text fw={600} size="sm">
          Token signing certificates
        </Text>
        <Button size="xs" variant="default" onClick={create} loading={creation.busy}>
          New certificate
        </Button>
      </Group>
      <ErrorAlert error={creation.error} />
      {sorted.length === 0 ? (
        <Text size="sm" c="dimmed">
          The organization's signing certificate is used until you create one for this application.
        </Text>
      ) : (
        <DataTable columns={['Subject', 'Thumbprint', 'Expires']} minWidth={0} striped={false} testId="certificates-table">
          {sorted.map((c, i) => (
            <Table.Tr key={c.keyId}>
              <Table.Td>
                {c.displayName}
                {i === 0 ? ' (active)' : ''}
              </Table.Td>
              <Table.Td ff="monospace" fz="xs">
                {c.customKeyIdentifier}
              </Table.Td>
              <Table.Td>{formatDateTime(c.endDateTime)}</Table.Td>
            </Table.Tr>
          ))}
        </DataTable>
      )}
    </Stack>
  );
}

/** A problem of the form as a whole (not of one field), said where the field would show it. */
function FieldProblem({ problem }: { problem: string | undefined }) {
  if (!problem) return null;
  return (
    <Text size="sm" c="red" role="alert">
      {problem}
    </Text>
  );
}
