import type { ResourceSpec } from '../../odata/query.js';

const ALL_STRING_OPS = ['eq', 'ne', 'in', 'startswith', 'not'] as const;

export const devMessagesResource: ResourceSpec = {
  name: 'devMailbox/messages',
  idColumn: 'id',
  properties: {
    id: { type: 'guid', column: 'id', filter: ['eq', 'ne', 'in', 'not'] },
    outboxId: { type: 'guid', column: 'outbox_id', filter: ['eq', 'in'] },
    internetMessageId: { type: 'string', column: 'message_id', filter: ['eq'] },
    receivedDateTime: { type: 'datetime', column: 'received_date_time', filter: ['eq', 'ge', 'gt', 'le', 'lt'] },
    from: { type: 'string', column: 'from', filter: ALL_STRING_OPS, ci: true },
    to: { type: 'stringCollection', column: 'to', filter: ['any', 'eq'], ci: true },
    cc: { type: 'stringCollection', column: 'cc', filter: ['any', 'eq'], ci: true },
    subject: { type: 'string', column: 'subject', filter: ALL_STRING_OPS, ci: true },
    text: { type: 'string' },
    html: { type: 'string' },
    links: { type: 'stringCollection' },
  },
};
