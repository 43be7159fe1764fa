// Events (core/v1): no status subresource, no defaults.
import { validateEvent } from '../validation/event.ts';
import { defineKind, defineStrategy } from './define.ts';

export const eventStrategy = defineStrategy({
  info: defineKind('Event', 'v1', 'events', true, {
    hasStatus: false,
    shortNames: ['ev'],
    fieldSelectors: ['involvedObject.kind', 'involvedObject.name', 'involvedObject.namespace', 'involvedObject.uid', 'reason', 'type', 'source'],
  }),
  validate: validateEvent,
  printColumns: [
    { name: 'LAST SEEN', type: 'string', source: { first: [{ age: 'lastTimestamp' }, { age: 'eventTime' }, { age: 'metadata.creationTimestamp' }] } },
    { name: 'TYPE', type: 'string', source: 'type' },
    { name: 'REASON', type: 'string', source: 'reason' },
    { name: 'OBJECT', type: 'string', source: { join: ['involvedObject.kind', 'involvedObject.name'], separator: '/' } },
    { name: 'MESSAGE', type: 'string', source: 'message' },
  ],
});
