import { enumSchema, POSITION_KINDS } from '@redheart/shared';
import { orgTypeSchema } from '../schemas';
import { ATTENDANCE, MEETING_STATUSES, WORK_KINDS } from './dto';

const int = { type: 'integer' } as const;
const str = { type: 'string' } as const;
const nStr = { type: ['string', 'null'] } as const;
const nInt = { type: ['integer', 'null'] } as const;

const meetingProps = {
  id: int, orgId: int, orgName: str, orgType: orgTypeSchema, title: str, heldAt: str, place: nStr,
  agenda: { type: 'array', items: str }, minutes: nStr, status: { type: 'string', enum: MEETING_STATUSES }, convenedBy: nStr, version: int,
} as const;

export const meetingListSchema = {
  type: 'object',
  properties: {
    items: { type: 'array', items: { type: 'object', properties: { ...meetingProps, attendeeCount: int, presentCount: int, decisionCount: int } } },
    total: int, page: int, limit: int,
  },
} as const;

export const meetingDetailSchema = {
  type: 'object',
  properties: {
    ...meetingProps,
    attendees: {
      type: 'array',
      items: { type: 'object', properties: { id: int, positionId: nInt, personName: str, kind: enumSchema(POSITION_KINDS), fromUnitName: nStr, attendance: { type: 'string', enum: ATTENDANCE } } },
    },
    decisions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: int, seq: int, text: str, owner: nStr, dueOn: nStr, workKind: { type: ['string', 'null'], enum: [...WORK_KINDS, null] }, workId: nInt, workNo: nStr,
          workCommunityId: nInt, workCommunityName: nStr, version: int,
        },
      },
    },
  },
} as const;
