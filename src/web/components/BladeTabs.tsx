import { Tabs } from '@mantine/core';
import type { ReactNode } from 'react';
import { useNavigate, useParams } from 'react-router';

export interface Blade {
  /** The last segment of the blade's address (none for the first blade). */
  value: string;
  label: string;
  content: ReactNode;
}

/**
 * The blades of an object in the admin center (Overview, Properties, Members…) as tabs whose
 * address is `base/<blade>`, so that each blade can be linked to and survives a reload.
 */
export function BladeTabs({ base, blades }: { base: string; blades: Blade[] }) {
  const { blade: requested } = useParams();
  const navigate = useNavigate();
  const first = blades[0]?.value;
  const value = blades.some((b) => b.value === requested) ? requested : first;
  return (
    <Tabs value={value} onChange={(b) => navigate(b === first ? base : `${base}/${b}`)} keepMounted={false}>
      <Tabs.List aria-label="Manage">
        {blades.map((b) => (
          <Tabs.Tab key={b.value} value={b.value}>
            {b.label}
          </Tabs.Tab>
        ))}
      </Tabs.List>
      {blades.map((b) => (
        <Tabs.Panel key={b.value} value={b.value} pt="md">
          {b.content}
        </Tabs.Panel>
      ))}
    </Tabs>
  );
}
