import { enumSchema } from '@redheart/shared';
import { EVIDENCE_KINDS, ITEM_STATUSES } from '../../domain';
import { int, listOf, ni, ns, s } from '../../schemas';

const pledgeSchema = {
  type: 'object',
  properties: {
    id: int, itemNo: s, communityId: int, communityName: s, categoryName: s, place: s, description: s, status: { type: 'string', enum: ITEM_STATUSES },
    scheduledDate: ns, doneAt: ns, rating: ni,
    evidence: { type: 'array', items: { type: 'object', properties: { id: int, kind: enumSchema(EVIDENCE_KINDS), note: ns } } },
  },
} as const;
const summarySchema = { type: 'object', properties: { total: int, delivered: int, inProgress: int } } as const;
/** The unit's members by group (服务队, in its colour): how many approved members serve in each; no names. */
const teamsSchema = { type: 'array', items: { type: 'object', properties: { id: int, name: s, nameEn: ns, color: s, members: int } } } as const;

export const publicCommunitiesSchema = listOf({ type: 'object', properties: { id: int, name: s, streetName: ns } } as const);

export const boardSchema = {
  type: 'object',
  properties: {
    communityId: ni,
    totals: { type: 'object', properties: { units: int, pledges: int, delivered: int } },
    units: { type: 'array', items: { type: 'object', properties: { unitId: int, unitName: s, summary: summarySchema, teams: teamsSchema, latest: { type: 'array', items: pledgeSchema } } } },
    nextCursor: ns,
  },
} as const;

export const unitPledgesSchema = {
  type: 'object',
  properties: { unitId: int, unitName: s, communityId: ni, summary: summarySchema, teams: teamsSchema, items: { type: 'array', items: pledgeSchema }, nextCursor: ns },
} as const;
