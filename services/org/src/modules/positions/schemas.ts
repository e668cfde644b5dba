/** Response schema of the position routes: answers are serialised through it and documented. */
import { POSITION_KINDS } from '../../domain';
import { bool, int, nullableInt, nullableStr, str } from '../schemas';

export const positionSchema = {
  type: 'object',
  properties: {
    id: int, orgId: int, personName: str, phone: nullableStr, kind: { type: 'string', enum: POSITION_KINDS }, fullTime: bool,
    fromUnitId: nullableInt, fromUnitName: nullableStr, termStart: str, termEnd: nullableStr, version: int,
  },
} as const;
