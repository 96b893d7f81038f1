import { Alert, Button, Checkbox, Group, Paper, PasswordInput, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { friendlyError } from '../../api/errors';
import { graph } from '../../api/graph';
import { useLoad } from '../../api/hooks';
import { useProfile } from '../../app/profile';
import { PageHeader } from '../../components/PageHeader';
import { type Errors, generatePassword, type NewUserValues, newUserBody, suggestAlias, validateNewUser } from './userForm';

export function NewUser() {
  const navigate = useNavigate();
  const { me } = useProfile();
  const myDomain = me.data?.userPrincipalName.split('@')[1] ?? '';
  const org = useLoad(async () => {
    try {
      return await graph.organization();
    } catch {
      return undefined; // fall back to the signed-in user's own domain
    }
  }, []);
  const domains = org.data?.verifiedDomains.map((d) => d.name) ?? (myDomain ? [myDomain] : []);
  const defaultDomain = org.data?.verifiedDomains.find((d) => d.isDefault)?.name ?? domains[0] ?? '';

  const [v, setV] = useState<NewUserValues>({
    displayName: '',
    alias: '',
    domain: '',
    password: generatePassword(),
    givenName: '',
    surname: '',
    jobTitle: '',
    department: '',
    accountEnabled: true,
  });
  const [aliasTouched, setAliasTouched] = useState(false);
  const [errors, setErrors] = useState<Errors<NewUserValues>>({});
  const [submitError, setSubmitError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const values = { ...v, domain: v.domain || defaultDomain };

  const set = <K extends keyof NewUserValues>(k: K, value: NewUserValues[K]) => {
    setV((s) => {
      const next = { ...s, [k]: value };
      if (k === 'displayName' && !aliasTouched) next.alias = suggestAlias(String(value));
      return next;
    });
    setErrors((e) => ({ ...e, [k]: undefined }));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = validateNewUser(values);
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    setSubmitError(undefined);
    try {
      const user = await graph.createUser(newUserBody(values));
      notifications.show({ color: 'green', title: 'User created', message: `${user.displayName} was created.` });
      navigate(`/admin/users/${user.id}`);
    } catch (err) {
      setSubmitError(friendlyError(err));
      setBusy(false);
    }
  };

  return (
    <Stack maw={760}>
      <PageHeader
        title="New user"
        crumbs={[{ label: 'Admin center', to: '/admin' }, { label: 'Users', to: '/admin/users' }, { label: 'New user' }]}
        description="Create a member of your organization who signs in with a password. To add someone from outside, invite them instead."
        actions={
          <Button component={Link} to="/admin/users/invite" variant="default">
            Invite external user
          </Button>
        }
      />
      <Paper withBorder p="md" component="form" onSubmit={submit} noValidate aria-label="New user">
        <Stack>
          <TextInput
            label="Display name"
            required
            value={v.displayName}
            onChange={(e) => set('displayName', e.currentTarget.value)}
            error={errors.displayName}
            data-autofocus
          />
          <Group align="flex-start" grow wrap="wrap" gap="xs">
            <TextInput
              label="User principal name"
              description="The name the user signs in with"
              required
              value={v.alias}
              onChange={(e) => {
                setAliasTouched(true);
                set('alias', e.currentTarget.value);
              }}
              error={errors.alias}
              rightSection={<Text size="sm">@</Text>}
              miw={200}
            />
            {domains.length > 1 ? (
              <Select
                label="Domain"
                data={domains}
                value={values.domain}
                onChange={(d) => set('domain', d ?? '')}
                allowDeselect={false}
                error={errors.domain}
                mt={{ base: 0, sm: 22 }}
                miw={200}
              />
            ) : (
              <TextInput
                label="Domain"
                value={values.domain}
                onChange={(e) => set('domain', e.currentTarget.value)}
                error={errors.domain}
                required
                miw={200}
                mt={{ base: 0, sm: 22 }}
              />
            )}
          </Group>
          <Group align="flex-end" wrap="nowrap" gap="xs">
            <PasswordInput
              label="Password"
              description="Share it with the user over a safe channel."
              required
              value={v.password}
              onChange={(e) => set('password', e.currentTarget.value)}
              error={errors.password}
              style={{ flex: 1 }}
              autoComplete="new-password"
            />
            <Button variant="default" onClick={() => set('password', generatePassword())}>
              Generate
            </Button>
          </Group>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="First name"
              value={v.givenName}
              onChange={(e) => set('givenName', e.currentTarget.value)}
              error={errors.givenName}
            />
            <TextInput
              label="Last name"
              value={v.surname}
              onChange={(e) => set('surname', e.currentTarget.value)}
              error={errors.surname}
            />
            <TextInput
              label="Job title"
              value={v.jobTitle}
              onChange={(e) => set('jobTitle', e.currentTarget.value)}
              error={errors.jobTitle}
            />
            <TextInput
              label="Department"
              value={v.department}
              onChange={(e) => set('department', e.currentTarget.value)}
              error={errors.department}
            />
          </SimpleGrid>
          <Checkbox
            label="Account enabled"
            checked={v.accountEnabled}
            onChange={(e) => set('accountEnabled', e.currentTarget.checked)}
          />
          {submitError && (
            <Alert color="red" variant="light" role="alert" data-testid="error-notice">
              {submitError}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={busy}>
              Create
            </Button>
            <Button variant="default" component={Link} to="/admin/users">
              Cancel
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Stack>
  );
}
