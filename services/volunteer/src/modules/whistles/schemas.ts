import { enumSchema, nullableEnumSchema, ROLES } from '@redheart/shared';
import { RESPONSE_ACTIONS, RESPONSE_STATUSES, WHISTLE_ACTIONS, WHISTLE_STATUSES } from '../../domain';

const s = { type: 'string' } as const;
const ns = { type: ['string', 'null'] } as const;
const int = { type: 'integer' } as const;
const nint = { type: ['integer', 'null'] } as const;
const bool = { type: 'boolean' } as const;
const strings = { type: 'array', items: s } as const;
const responseStatus = { type: 'string', enum: RESPONSE_STATUSES } as const;
/** A timeline step's status: the whistle's, or (with unitId) its response's. */
const stepStatus = nullableEnumSchema([...new Set([...WHISTLE_STATUSES, ...RESPONSE_STATUSES])]);

export const idParams = { type: 'object', required: ['id'], properties: { id: s } } as const;
export const responseParams = { type: 'object', required: ['id', 'unitId'], properties: { id: s, unitId: s } } as const;

const whistleProperties = {
  id: int, whistleNo: s, streetId: int, streetName: s, communityId: nint, communityName: ns, title: s, description: s, place: ns, deadline: s,
  status: { type: 'string', enum: WHISTLE_STATUSES, description: 'PROPOSED (a community\'s, awaiting its street) · SENT · ESCALATED (a department overdue: the county supervises) · ANSWERED · CLOSED · DECLINED · WITHDRAWN' },
  raisedBy: s, raisedRole: enumSchema(ROLES), escalatedAt: ns, closedAt: ns, createdAt: s, updatedAt: s, version: int,
} as const;

const responseSummary = { type: 'object', properties: { unitId: int, unitName: s, status: responseStatus, deadline: s, overdue: bool, rating: nint } } as const;

export const whistleListSchema = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          ...whistleProperties,
          responses: { type: 'array', items: responseSummary },
          myResponse: { type: ['object', 'null'], properties: { status: responseStatus, deadline: s, overdue: bool }, description: 'a department\'s staff: its own answer' },
        },
      },
    },
    total: int, totalExact: bool, page: int, limit: int,
  },
} as const;

export const whistleDetailSchema = {
  type: 'object',
  properties: {
    ...whistleProperties,
    allowedActions: { ...strings, description: 'what you may do with the whistle (WHISTLE_RULES)' },
    responses: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: int, unitId: int, unitName: s,
          status: { type: 'string', enum: RESPONSE_STATUSES, description: 'PROPOSED · PENDING · ACCEPTED · ACTING · REPORTED · RATED · DECLINED (refused) · WITHDRAWN' },
          deadline: s, acceptedAt: ns, actingNote: ns, reportedAt: ns, result: ns, declineReason: ns, overdue: bool, escalatedAt: ns,
          supervisedCount: int, returnedCount: int, rating: nint, ratingComment: ns, ratedBy: ns, ratedAt: ns, version: int,
          allowedActions: { ...strings, description: 'what you may do with this answer (RESPONSE_RULES)' },
        },
      },
    },
    timeline: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: int, unitId: nint, action: s, fromStatus: stepStatus, toStatus: stepStatus, actorUsername: s, actorRole: s, at: s, reason: ns, data: { type: ['object', 'null'], additionalProperties: true } },
      },
    },
  },
} as const;

export const departmentsSchema = { type: 'array', items: { type: 'object', properties: { id: int, name: s } } } as const;

export const departmentScorecardSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      unitId: int, unitName: s,
      whistled: { type: 'integer', description: 'whistles sent to the department' },
      accepted: int, answered: int, answeredOnTime: int,
      overdue: { type: 'integer', description: 'answers that went past their deadline (escalated to the county)' },
      open: int, refused: int, returned: int, rated: int,
      avgRating: { type: ['number', 'null'] },
      onTimeRate: { type: ['number', 'null'], description: 'answered on time / whistled' },
    },
  },
} as const;

export const createBody = {
  type: 'object',
  required: ['title', 'description', 'deadline', 'departmentIds'],
  properties: {
    title: { type: 'string', description: '2–80 characters' },
    description: { type: 'string', description: '4–2000 characters' },
    place: { type: 'string', description: 'optional, up to 200 characters' },
    deadline: { type: 'string', description: 'ISO 8601, in the future, at most 90 days ahead: when every department must have answered' },
    departmentIds: { type: 'array', items: int, description: '1–10 county departments (GET /api/volunteer/whistles/departments)' },
    communityId: { type: 'integer', description: 'the community the issue is in (a street: one of its own; a community: itself)' },
  },
} as const;

export const transitionBody = {
  type: 'object',
  required: ['action', 'version'],
  properties: {
    action: { type: 'string', enum: WHISTLE_ACTIONS },
    version: int,
    reason: { type: 'string', description: 'decline, withdraw: required' },
    departmentIds: { type: 'array', items: int, description: 'send: change the proposed departments' },
    deadline: { type: 'string', description: 'send: a new deadline' },
  },
} as const;

export const responseBody = {
  type: 'object',
  required: ['action', 'version'],
  properties: {
    action: { type: 'string', enum: RESPONSE_ACTIONS },
    version: { type: 'integer', description: 'the response\'s version' },
    reason: { type: 'string', description: 'refuse, return, supervise: required; rate: an optional comment' },
    note: { type: 'string', description: 'act: what the department is doing' },
    result: { type: 'string', description: 'report: the result' },
    rating: { type: 'integer', minimum: 1, maximum: 5, description: 'rate' },
    deadline: { type: 'string', description: 'supervise: the new deadline' },
  },
} as const;
