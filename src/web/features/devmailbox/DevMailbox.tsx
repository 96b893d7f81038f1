import { Alert, Anchor, Badge, Button, Group, List, Paper, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { type DevMailboxMessage, graph, type OutboxEntry } from '../../api/graph';
import { useLoad, usePaged } from '../../api/hooks';
import { LinkCell, PagedTable } from '../../components/DataTable';
import { adminCrumbs, PageHeader } from '../../components/PageHeader';
import { Properties } from '../../components/Properties';
import { Async } from '../../components/States';
import { formatDateTime } from '../audit/AuditTable';

/** The API answers 404 with an explanation when PORTICO_SMTP_URL is set: there is no development mailbox then. */
export const isMailboxOff = (err: unknown): err is ApiError =>
  err instanceof ApiError && err.status === 404 && /development mailbox is turned off|PORTICO_SMTP_URL/i.test(err.message);

/**
 * Admin center → Development mailbox (Portico extension): where mail goes when no SMTP server is
 * configured, so that invitations and one-time passcodes can be followed without a mail server.
 * Messages are shown as text only (with their links); their HTML is never rendered here.
 */
export function DevMailbox() {
  const { id } = useParams();
  return (
    <Stack>
      <PageHeader
        title="Development mailbox"
        crumbs={id ? adminCrumbs(['Development mailbox', '/admin/dev-mailbox'], 'Message') : adminCrumbs('Development mailbox')}
      />
      <Alert color="yellow" variant="light" title="Development mailbox" data-testid="dev-mailbox-banner">
        Mail is not sent because no SMTP server is configured. Everything Portico would send (invitations, one-time passcodes) is
        kept here instead. Set PORTICO_SMTP_URL and PORTICO_MAIL_FROM to deliver real mail.
      </Alert>
      {id ? <MessageView id={id} /> : <Mailbox />}
    </Stack>
  );
}

function Mailbox() {
  const paged = usePaged<DevMailboxMessage>(graph.devMessagesUrl());
  if (isMailboxOff(paged.error)) {
    return (
      <Stack>
        <Paper withBorder p="md" data-testid="dev-mailbox-off">
          <Title order={2} fz="md" mb={6}>
            Mail is delivered by SMTP
          </Title>
          <Text size="sm">{paged.error.message}</Text>
        </Paper>
        <Outbox />
      </Stack>
    );
  }
  return (
    <Tabs defaultValue="inbox" keepMounted={false}>
      <Tabs.List>
        <Tabs.Tab value="inbox">Messages</Tabs.Tab>
        <Tabs.Tab value="outbox">Delivery status</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="inbox" pt="md">
        <Stack>
          <Group justify="flex-end">
            <Button variant="default" size="xs" onClick={paged.reload} loading={paged.loading}>
              Refresh
            </Button>
          </Group>
          <PagedTable
            paged={paged}
            label="Messages"
            empty={{ title: 'No messages yet', description: 'Invite a guest: the invitation e-mail shows up here.' }}
            columns={['To', 'Subject', 'Received']}
            minWidth={560}
            highlight
            testId="dev-mailbox-table"
            row={(m) => (
              <Table.Tr key={m.id}>
                <Table.Td style={{ wordBreak: 'break-all' }}>{m.to.join(', ')}</Table.Td>
                <LinkCell to={`/admin/dev-mailbox/${m.id}`} label={m.subject || '(no subject)'} />
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(m.receivedDateTime)}</Table.Td>
              </Table.Tr>
            )}
          />
        </Stack>
      </Tabs.Panel>
      <Tabs.Panel value="outbox" pt="md">
        <Outbox />
      </Tabs.Panel>
    </Tabs>
  );
}

const STATUS_COLOR = { pending: 'yellow', sent: 'green', dead: 'red' } as const;

/** Delivery status of outgoing mail (also with SMTP: that is where failures show). */
function Outbox() {
  const paged = usePaged<OutboxEntry>(graph.devOutboxUrl());
  return (
    <Stack>
      <PagedTable
        paged={paged}
        label="Outgoing mail"
        empty={{ title: 'No outgoing mail yet' }}
        columns={['To', 'Subject', 'Status', 'Attempts', 'Created']}
        minWidth={640}
        testId="outbox-table"
        row={(o) => (
          <Table.Tr key={o.id}>
            <Table.Td style={{ wordBreak: 'break-all' }}>{o.to.join(', ')}</Table.Td>
            <Table.Td>{o.subject}</Table.Td>
            <Table.Td>
              <Badge variant="light" color={STATUS_COLOR[o.status] ?? 'gray'}>
                {o.status}
              </Badge>
              {o.lastError && (
                <Text size="xs" c="dimmed" mt={2}>
                  {o.lastError}
                </Text>
              )}
            </Table.Td>
            <Table.Td>{o.attempts}</Table.Td>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(o.createdDateTime)}</Table.Td>
          </Table.Tr>
        )}
      />
    </Stack>
  );
}

/** Only http(s) links are made clickable. */
const safeLink = (href: string): boolean => /^https?:\/\//i.test(href);

function MessageView({ id }: { id: string }) {
  const message = useLoad(() => graph.devMessage(id), [id]);
  if (isMailboxOff(message.error)) {
    return (
      <Paper withBorder p="md" data-testid="dev-mailbox-off">
        <Text size="sm">{message.error.message}</Text>
      </Paper>
    );
  }
  return (
    <Async state={message}>
      {(m) => (
        <Stack>
          <Anchor component={Link} to="/admin/dev-mailbox" size="sm">
            ‹ All messages
          </Anchor>
          <Paper withBorder p="md" data-testid="dev-message">
            <Stack>
              <Title order={2} fz="lg" style={{ wordBreak: 'break-word' }}>
                {m.subject || '(no subject)'}
              </Title>
              <Properties
                items={[
                  ['From', m.from],
                  ['To', m.to.join(', ')],
                  ['Cc', m.cc.join(', ')],
                  ['Received', formatDateTime(m.receivedDateTime)],
                  [
                    'Message-ID',
                    <Text key="mid" size="sm" ff="monospace">
                      {m.internetMessageId}
                    </Text>,
                  ],
                ]}
              />
              {m.links.length > 0 && (
                <Stack gap={4}>
                  <Text size="sm" fw={600}>
                    Links in this message
                  </Text>
                  <List size="sm" spacing={4}>
                    {m.links.filter(safeLink).map((href) => (
                      <List.Item key={href} style={{ wordBreak: 'break-all' }}>
                        <Anchor href={href} target="_blank" rel="noopener noreferrer" data-testid="dev-message-link">
                          {href}
                        </Anchor>
                      </List.Item>
                    ))}
                  </List>
                </Stack>
              )}
              <Text size="sm" fw={600}>
                Message (text)
              </Text>
              <Paper withBorder p="sm" bg="var(--mantine-color-gray-0)">
                <Text
                  component="pre"
                  size="sm"
                  m={0}
                  style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', fontFamily: 'inherit' }}
                  data-testid="dev-message-text"
                >
                  {m.text}
                </Text>
              </Paper>
              {m.html !== null && (
                <Text size="xs" c="dimmed">
                  This message also has an HTML part; it is not displayed here, to keep this page safe.
                </Text>
              )}
            </Stack>
          </Paper>
        </Stack>
      )}
    </Async>
  );
}
