import { Button, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect } from 'react';
import { Link } from 'react-router';

export function NotFound() {
  useEffect(() => {
    document.title = 'Page not found · Portico';
  }, []);
  return (
    <Center mih="60vh" p="md">
      <Paper withBorder p="xl" maw={460}>
        <Stack>
          <Title order={1} fz={22}>
            Page not found
          </Title>
          <Text>There is nothing at this address. Check the link, or start again from My Apps.</Text>
          <Button component={Link} to="/myapps">
            Go to My Apps
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}
