import { Button, Checkbox, Group, PasswordInput, Select, SimpleGrid, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { graph } from '../../api/graph';
import { useLoad } from '../../api/hooks';
import { useProfile } from '../../app/profile';
import { FormActions, FormCard, useCreateForm, useFormValues } from '../../components/Forms';
import { LinkButton } from '../../components/ListControls';
import { adminCrumbs, NarrowPage } from '../../components/PageHeader';
import { generatePassword, type NewUserValues, newUserBody, suggestAlias, validateNewUser } from './userForm';

const PROFILE_FIELDS = [
  ['givenName', 'First name'],
  ['surname', 'Last name'],
  ['jobTitle', 'Job title'],
  ['department', 'Department'],
] as const;

export function NewUser() {
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

  const {
    values: v,
    errors,
    set,
    check,
    field,
  } = useFormValues<NewUserValues>({
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
  const values = { ...v, domain: v.domain || defaultDomain };
  const create = useCreateForm({
    noun: 'User',
    valid: () => check(validateNewUser(values)),
    create: () => graph.createUser(newUserBody(values)),
    next: (user) => `/admin/users/${user.id}`,
  });

  return (
    <NarrowPage
      maw={760}
      title="New user"
      crumbs={adminCrumbs(['Users', '/admin/users'], 'New user')}
      description="Create a member of your organization who signs in with a password. To add someone from outside, invite them instead."
      actions={
        <LinkButton to="/admin/users/invite" variant="default">
          Invite external user
        </LinkButton>
      }
    >
      <FormCard label="New user" onSubmit={create.submit} noValidate>
        <TextInput
          label="Display name"
          required
          value={v.displayName}
          onChange={(e) => {
            const name = e.currentTarget.value;
            set('displayName', name);
            if (!aliasTouched) set('alias', suggestAlias(name));
          }}
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
            {...field('password')}
            style={{ flex: 1 }}
            autoComplete="new-password"
          />
          <Button variant="default" onClick={() => set('password', generatePassword())}>
            Generate
          </Button>
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {PROFILE_FIELDS.map(([key, label]) => (
            <TextInput
              key={key}
              label={label}
              value={v[key]}
              onChange={(e) => set(key, e.currentTarget.value)}
              error={errors[key]}
            />
          ))}
        </SimpleGrid>
        <Checkbox
          label="Account enabled"
          checked={v.accountEnabled}
          onChange={(e) => set('accountEnabled', e.currentTarget.checked)}
        />
        <FormActions error={create.error} busy={create.busy} submitLabel="Create" cancelTo="/admin/users" />
      </FormCard>
    </NarrowPage>
  );
}
