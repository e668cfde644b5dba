import { errorResponseSchema, nullableEnumSchema } from '@redheart/shared';
import { ITEM_STATUSES } from '../../domain';
const s = { type: 'string' } as const;
const ns = { type: ['string', 'null'] } as const;
const int = { type: 'integer' } as const;
const itemStatus = { type: 'string', enum: ITEM_STATUSES } as const;

const errorSchema = errorResponseSchema;
export const publicErrors = { 400: errorSchema, 404: errorSchema, 429: errorSchema, 503: errorSchema } as const;

export const categoriesSchema = { type: 'array', items: { type: 'object', properties: { id: int, code: s, name: s, nameEn: ns } } } as const;

export const needBody = {
  type: 'object',
  required: ['deskCode', 'categoryId', 'description', 'phone'],
  properties: {
    deskCode: { type: 'string', description: 'the code on the desk\'s QR page' },
    categoryId: { type: 'integer', description: 'from GET /api/volunteer/public/categories' },
    description: { type: 'string', description: '4–1000 characters' },
    contactName: { type: 'string', description: 'optional, up to 40 characters' },
    phone: { type: 'string', description: 'a mobile (11 digits) or a landline with area code, for the clerk to call back; never shown publicly' },
  },
} as const;

export const needCreatedSchema = {
  type: 'object',
  properties: { trackingNo: s, itemNo: s, communityName: s, deskBuilding: s, status: itemStatus, reportedAt: s },
} as const;

const stepSchema = { type: 'object', properties: { action: s, fromStatus: nullableEnumSchema(ITEM_STATUSES), toStatus: nullableEnumSchema(ITEM_STATUSES), at: s, reason: ns } } as const;
export const needTrackSchema = {
  type: 'object',
  properties: {
    trackingNo: s, itemNo: s, communityName: s, categoryName: s, description: s, status: itemStatus, unitName: ns, scheduledDate: ns, doneAt: ns, reportedAt: s,
    steps: { type: 'array', items: stepSchema },
  },
} as const;

export const trackingParams = { type: 'object', required: ['trackingNo'], properties: { trackingNo: s } } as const;
export const tokenParams = { type: 'object', required: ['token'], properties: { token: s } } as const;
export const idParams = { type: 'object', required: ['id'], properties: { id: s } } as const;

export const rateTargetSchema = {
  type: 'object',
  properties: { itemNo: s, communityName: s, categoryName: s, description: s, unitName: ns, doneAt: ns, expiresAt: s, rated: { type: 'boolean' }, stars: { type: ['integer', 'null'] } },
} as const;

export const ratingBody = {
  type: 'object',
  required: ['token', 'stars'],
  properties: { token: s, stars: { type: 'integer', minimum: 1, maximum: 5 }, comment: { type: 'string', description: 'optional, up to 500 characters' } },
} as const;
export const ratingDoneSchema = { type: 'object', properties: { itemNo: s, stars: int, ratedAt: s } } as const;

export const ratingLinkSchema = {
  type: 'object',
  properties: { itemId: int, itemNo: s, token: s, path: { type: 'string', description: 'the SPA page the link opens: /public/rate/<token>' }, expiresAt: s },
} as const;
