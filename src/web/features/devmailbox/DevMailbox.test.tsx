import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '../../api/graph';
import { fakeApi, profileHandlers, renderAt } from '../../test-utils';

const message = {
  id: 'm1',
  outboxId: 'o1',
  internetMessageId: '<o1@portico>',
  receivedDateTime: '2025-01-02T03:04:05Z',
  from: 'Portico <no-reply@contoso.com>',
  to: ['bob@fabrikam.com'],
  cc: [],
  subject: 'Ada Admin invited you to access applications within Contoso',
  text: 'Hello <script>alert(1)</script>\nAccept invitation: http://localhost/redeem?t=abc',
  html: '<p>Hello</p><script>alert(1)</script>',
  links: ['http://localhost/redeem?t=abc', 'javascript:alert(1)'],
};

describe('Development mailbox', () => {
  it('lists messages and opens one as text, with its links', async () => {
    fakeApi({
      ...profileHandlers([ROLE_IDS.globalAdministrator]),
      'GET /v1.0/devMailbox/messages': { body: { value: [message] } },
      'GET /v1.0/devMailbox/messages/m1': { body: message },
    });
    const user = userEvent.setup();
    renderAt('/admin/dev-mailbox');
    expect((await screen.findByTestId('dev-mailbox-banner')).textContent).toMatch(/no SMTP server is configured/);
    const table = await screen.findByTestId('dev-mailbox-table');
    await user.click(within(table).getByRole('link', { name: message.subject }));
    const text = await screen.findByTestId('dev-message-text');
    expect(text.textContent).toContain('<script>alert(1)</script>');
    expect(document.querySelector('script')).toBeNull();
    const links = screen.getAllByTestId('dev-message-link');
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['http://localhost/redeem?t=abc']);
    expect(links[0]?.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('says so when SMTP is configured (the API answers 404 with a reason)', async () => {
    fakeApi({
      ...profileHandlers([ROLE_IDS.globalAdministrator]),
      'GET /v1.0/devMailbox/messages': {
        status: 404,
        body: {
          error: {
            code: 'Request_ResourceNotFound',
            message: 'The development mailbox is turned off: PORTICO_SMTP_URL is set, so mail is delivered to the SMTP server.',
          },
        },
      },
      'GET /v1.0/devMailbox/outbox': { body: { value: [] } },
    });
    renderAt('/admin/dev-mailbox');
    expect((await screen.findByTestId('dev-mailbox-off')).textContent).toMatch(/PORTICO_SMTP_URL is set/);
  });
});
