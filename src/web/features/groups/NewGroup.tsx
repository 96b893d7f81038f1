import { Text, Textarea, TextInput } from '@mantine/core';
import { graph } from '../../api/graph';
import { Choice, FormActions, FormCard, useCreateForm, useFormValues } from '../../components/Forms';
import { adminCrumbs, NarrowPage } from '../../components/PageHeader';
import { type GroupTypeChoice, type MembershipChoice, type NewGroupValues, newGroupBody, validateNewGroup } from './groupForm';

export function NewGroup() {
  const {
    values: v,
    check,
    field,
    bound,
  } = useFormValues<NewGroupValues>({
    groupType: 'Security',
    name: '',
    description: '',
    membershipType: 'Assigned',
    rule: '',
  });
  const create = useCreateForm({
    noun: 'Group',
    valid: () => check(validateNewGroup(v)),
    create: () => graph.createGroup(newGroupBody(v)),
    next: () => '/admin/groups',
  });

  return (
    <NarrowPage maw={720} title="New group" crumbs={adminCrumbs(['All groups', '/admin/groups'], 'New group')}>
      <FormCard label="New group" onSubmit={create.submit} noValidate>
        <Choice<GroupTypeChoice> label="Group type" data={['Security', 'Microsoft 365']} {...bound('groupType')} required />
        <TextInput label="Group name" required {...field('name')} />
        <Textarea label="Group description" {...field('description')} autosize minRows={2} />
        <Choice<MembershipChoice>
          label="Membership type"
          data={['Assigned', 'Dynamic user']}
          {...bound('membershipType')}
          required
        />
        {v.membershipType === 'Dynamic user' && (
          <Textarea
            label="Dynamic user members rule"
            description='Members are the users this rule matches, for example (user.userType -eq "Guest"). Members cannot be added or removed by hand.'
            required
            {...field('rule')}
            autosize
            minRows={2}
            ff="monospace"
          />
        )}
        {v.membershipType === 'Assigned' && (
          <Text size="xs" c="dimmed">
            With Assigned membership, owners and administrators add and remove members.
          </Text>
        )}
        <FormActions error={create.error} busy={create.busy} submitLabel="Create" cancelTo="/admin/groups" />
      </FormCard>
    </NarrowPage>
  );
}
