import { Select } from '@mantine/core';
import type { ServicePrincipal } from '../../api/graph';
import { assignableRoles } from './appLogic';

/** The role an assignment gives: one of the app's enabled user roles, or Default Access when it defines none. */
export function RoleSelect({
  app,
  label,
  value,
  onChange,
  explainDefault = false,
}: {
  app: ServicePrincipal;
  label: string;
  value: string;
  onChange: (roleId: string) => void;
  /** Say so when Default Access is the only choice. */
  explainDefault?: boolean;
}) {
  const roles = assignableRoles(app.appRoles);
  const onlyDefault = roles.length === 1 && roles[0]?.label === 'Default Access';
  return (
    <Select
      label={label}
      data={roles}
      value={value}
      onChange={(v) => v && onChange(v)}
      allowDeselect={false}
      description={explainDefault && onlyDefault ? 'This application defines no roles.' : undefined}
    />
  );
}
