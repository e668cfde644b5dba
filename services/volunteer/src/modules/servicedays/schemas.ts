import { ITEM_STATUSES } from '../../domain';
import { bool, groupOrNullSchema, int, listOf, ns, s } from '../../schemas';

const itemStatus = { type: 'string', enum: ITEM_STATUSES } as const;
const rosterMember = { type: 'object', properties: { id: int, name: s, checkedIn: bool, group: groupOrNullSchema } } as const;

export const serviceDaysSchema = listOf({
  type: 'object',
  properties: {
    date: { type: 'string', description: 'YYYY-MM-DD (a 15th or 25th)' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: { scheduledDate: s, id: int, itemNo: s, place: s, status: itemStatus, unitName: ns, communityName: s, categoryName: s, signups: int, checkedIn: int },
      },
    },
    roster: {
      type: 'array',
      description: 'one group per convenience desk (the building the places name; `place` = the desk\'s building), else per place (`desk` null)',
      items: {
        type: 'object',
        properties: {
          desk: ns, place: s,
          items: { type: 'array', items: { type: 'object', properties: { id: int, itemNo: s, place: s, unitName: ns, status: itemStatus, members: listOf(rosterMember) } } },
        },
      },
    },
    attendance: int,
  },
} as const);
