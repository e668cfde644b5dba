/** JSON schemas of the announcement routes (the merged OpenAPI document lists them; the serialiser keeps only what they name). */
import { errorResponseSchema, pageSchemaProperties, ROLES } from '@redheart/shared';

const s = { type: 'string' } as const;
const ns = { type: ['string', 'null'] } as const;
const int = { type: 'integer' } as const;
export const idParams = { type: 'object', required: ['id'], properties: { id: s } } as const;
/** Documented here, checked by the DTOs (a 400 naming the field). */
export const pageQuery = { type: 'object', properties: { page: { type: 'integer', description: 'from 1' }, limit: { type: 'integer', description: '1–100' } } } as const;

export const announcement = {
  type: 'object',
  properties: {
    id: int, title: s, body: s, scopeOrgId: int, scopeName: s, scopePath: s,
    roles: { type: ['array', 'null'], items: { type: 'string', enum: [...ROLES] } },
    public: { type: 'boolean' }, publisherName: s, publisherUsername: s,
    publishedAt: { type: 'string', format: 'date-time' }, withdrawnAt: { type: ['string', 'null'], format: 'date-time' },
    notificationId: { type: ['integer', 'null'] }, read: { type: 'boolean' }, readCount: { type: ['integer', 'null'] }, canManage: { type: 'boolean' },
  },
} as const;
export const publicAnnouncement = { type: 'object', properties: { id: int, title: s, body: s, publisherName: s, publishedAt: { type: 'string', format: 'date-time' } } } as const;
export const pageOf = (item: object, extra: object = {}) => ({ type: 'object', properties: { items: { type: 'array', items: item }, ...pageSchemaProperties, ...extra } });
export const errors = { 400: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema };

export const publishBody = {
  type: 'object',
  required: ['title', 'body', 'scopeOrgId', 'scopePath', 'scopeName'],
  properties: {
    title: { type: 'string', minLength: 2, maxLength: 80 },
    body: { type: 'string', minLength: 2, maxLength: 5000 },
    scopeOrgId: { type: 'integer', minimum: 1, description: 'The organisation unit every account under which receives it' },
    scopePath: { type: 'string', pattern: '^(/[0-9]{1,12})+/$', description: 'That unit’s path (the org chart’s), within the publisher’s scope' },
    scopeName: { type: 'string', minLength: 1, maxLength: 100 },
    roles: { type: 'array', uniqueItems: true, maxItems: ROLES.length, items: { type: 'string', enum: [...ROLES] }, description: 'Only these roles (absent or empty: every role)' },
    public: { type: 'boolean', description: 'Also shown on the public pages (no login)' },
    publisherName: { type: 'string', minLength: 1, maxLength: 100, description: 'Shown as the publisher (default: the username)' },
  },
} as const;

/** Who has read an announcement, a page of them, and how many. */
export const receiptPage = pageOf({ type: 'object', properties: { account: s, username: ns, role: ns, readAt: { type: 'string', format: 'date-time' } } }, {
  readCount: int,
  addressedCount: { type: ['integer', 'null'], description: 'the enabled accounts its scope and roles reach now (null: the org service could not say)' },
});
