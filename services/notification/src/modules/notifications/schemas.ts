/** JSON schemas of the notification routes (the merged OpenAPI document lists them; the serialiser keeps only what they name). */
import { errorResponseSchema, pageSchemaProperties } from '@redheart/shared';
import { NOTIFICATION_KINDS as KINDS, RECORD_TYPES, RULE_KINDS } from './rules';

export const preferences = {
  type: 'object',
  properties: { items: { type: 'array', items: { type: 'object', properties: { kind: { type: 'string', enum: KINDS }, muted: { type: 'boolean' } } } } },
} as const;

export const notification = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    kind: { type: 'string', enum: KINDS },
    recordType: { type: 'string', enum: RECORD_TYPES },
    recordId: { type: 'string' },
    params: { type: 'object', additionalProperties: { type: ['string', 'number', 'null'] } },
    actor: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    read: { type: 'boolean' },
  },
} as const;

export const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;

export const notificationPage = {
  type: 'object',
  properties: { items: { type: 'array', items: notification }, nextBefore: { type: ['integer', 'null'] }, ...pageSchemaProperties },
} as const;

export const preferencesBody = { type: 'object', required: ['muted'], properties: { muted: { type: 'array', maxItems: RULE_KINDS.length, items: { type: 'string' } } } } as const;
export const unreadSchema = { type: 'object', properties: { unread: { type: 'integer' } } } as const;
export const markedSchema = { type: 'object', properties: { marked: { type: 'integer' } } } as const;
export const listErrors = { 400: errorResponseSchema } as const;
