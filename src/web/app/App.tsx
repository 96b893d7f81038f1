import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { useState } from 'react';
import { RouterProvider } from 'react-router';
import { ConfirmProvider } from '../components/Confirm';
import { AuthGate } from './AuthGate';
import { ProfileProvider } from './profile';
import { createRouter } from './routes';
import { cssVariablesResolver, theme } from './theme';

/** Created only once signed in, so the router starts at the address the sign-in returned to. */
function Routed() {
  const [router] = useState(createRouter);
  return <RouterProvider router={router} />;
}

export function App() {
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
      <Notifications position="top-right" />
      <AuthGate>
        <ProfileProvider>
          <ConfirmProvider>
            <Routed />
          </ConfirmProvider>
        </ProfileProvider>
      </AuthGate>
    </MantineProvider>
  );
}
