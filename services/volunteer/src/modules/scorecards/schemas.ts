import { pageSchemaProperties } from '@redheart/shared';
import { ITEM_STATUSES } from '../../domain';
import { bool, int, listOrPage, nn, ns, num, s } from '../../schemas';

const figures = {
  claims: int, releases: int, completed: int, onTime: int,
  onTimeRate: { ...nn, description: 'share of completed items done by their scheduled day (0..1), null when none completed' },
  rework: int, averageRating: nn, rated: int,
  residentAverageRating: { ...nn, description: 'the residents\' own stars, given through the link on the completion notice' }, residentRated: int,
  hours: num, inHand: int,
} as const;
const unitRef = { type: 'object', properties: { id: int, name: s } } as const;

export const unitCardSchema = {
  type: 'object',
  properties: {
    unit: unitRef, from: ns, to: ns, ...figures,
    members: {
      type: ['array', 'null'], description: 'null while the caller\'s community is still deciding the unit\'s report: the card without its members',
      items: { type: 'object', properties: { id: int, name: s, hours: num, items: int } },
    },
  },
} as const;

export const unitCardListSchema = listOrPage({ type: 'object', properties: { unit: unitRef, ...figures } } as const, pageSchemaProperties);

export const memberCardSchema = {
  type: 'object',
  properties: {
    id: int, name: s, communityName: s, hours: num,
    items: { type: 'array', items: { type: 'object', properties: { id: int, itemNo: s, place: s, status: { type: 'string', enum: ITEM_STATUSES }, hours: num, posted: bool, doneAt: ns } } },
  },
} as const;
