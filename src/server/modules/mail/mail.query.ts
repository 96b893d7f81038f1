import { equalityProperty, STRING_FILTERS } from '../../odata/properties.js';
import type { ResourceSpec } from '../../odata/query.js';

export const devMessagesResource: ResourceSpec = {
  name: 'devMailbox/messages',
  idColumn: 'id',
  properties: {
    id: equalityProperty('guid', 'id'),
    outboxId: { type: 'guid', column: 'outbox_id', filter: ['eq', 'in'] },
    internetMessageId: { type: 'string', column: 'message_id', filter: ['eq'] },
    receivedDateTime: { type: 'datetime', column: 'received_date_time', filter: ['eq', 'ge', 'gt', 'le', 'lt'] },
    from: { type: 'string', column: 'from', filter: STRING_FILTERS, ci: true },
    to: { type: 'stringCollection', column: 'to', filter: ['any', 'eq'], ci: true },
    cc: { type: 'stringCollection', column: 'cc', filter: ['any', 'eq'], ci: true },
    subject: { type: 'string', column: 'subject', filter: STRING_FILTERS, ci: true },
    text: { type: 'string' },
    html: { type: 'string' },
    links: { type: 'stringCollection' },
  },
};
