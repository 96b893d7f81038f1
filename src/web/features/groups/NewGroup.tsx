import { Alert, Button, Group, Paper, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { friendlyError } from '../../api/errors';
import { graph } from '../../api/graph';
import { PageHeader } from '../../components/PageHeader';
import {
  type GroupTypeChoice,
  type MembershipChoice,
  type NewGroupErrors,
  type NewGroupValues,
  newGroupBody,
  validateNewGroup,
} from './groupForm';

export function NewGroup() {
  const navigate = useNavigate();
  const [v, setV] = useState<NewGroupValues>({
    groupType: 'Security',
    name: '',
    description: '',
    membershipType: 'Assigned',
    rule: '',
  });
  const [errors, setErrors] = useState<NewGroupErrors>({});
  const [submitError, setSubmitError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof NewGroupValues>(k: K, value: NewGroupValues[K]) => {
    setV((s) => ({ ...s, [k]: value }));
    setErrors((e) => ({ ...e, [k]: undefined }));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = validateNewGroup(v);
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    setSubmitError(undefined);
    try {
      const g = await graph.createGroup(newGroupBody(v));
      notifications.show({ color: 'green', title: 'Group created', message: `${g.displayName} was created.` });
      navigate('/admin/groups');
    } catch (err) {
      setSubmitError(friendlyError(err));
      setBusy(false);
    }
  };

  return (
    <Stack maw={720}>
      <PageHeader
        title="New group"
        crumbs={[{ label: 'Admin center', to: '/admin' }, { label: 'All groups', to: '/admin/groups' }, { label: 'New group' }]}
      />
      <Paper withBorder p="md" component="form" onSubmit={submit} noValidate aria-label="New group">
        <Stack>
          <Select
            label="Group type"
            data={['Security', 'Microsoft 365']}
            value={v.groupType}
            onChange={(t) => set('groupType', (t ?? 'Security') as GroupTypeChoice)}
            allowDeselect={false}
            required
          />
          <TextInput
            label="Group name"
            required
            value={v.name}
            onChange={(e) => set('name', e.currentTarget.value)}
            error={errors.name}
          />
          <Textarea
            label="Group description"
            value={v.description}
            onChange={(e) => set('description', e.currentTarget.value)}
            error={errors.description}
            autosize
            minRows={2}
          />
          <Select
            label="Membership type"
            data={['Assigned', 'Dynamic user']}
            value={v.membershipType}
            onChange={(t) => set('membershipType', (t ?? 'Assigned') as MembershipChoice)}
            allowDeselect={false}
            required
          />
          {v.membershipType === 'Dynamic user' && (
            <Textarea
              label="Dynamic user members rule"
              description='Members are the users this rule matches, for example (user.userType -eq "Guest"). Members cannot be added or removed by hand.'
              required
              value={v.rule}
              onChange={(e) => set('rule', e.currentTarget.value)}
              error={errors.rule}
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
          {submitError && (
            <Alert color="red" variant="light" role="alert" data-testid="error-notice">
              {submitError}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={busy}>
              Create
            </Button>
            <Button variant="default" component={Link} to="/admin/groups">
              Cancel
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Stack>
  );
}
