/** Response schema of the cadre-assignment routes: answers are serialised through it and documented. */
import { int, nullableInt, nullableStr, str } from '../schemas';

export const cadreSchema = {
  type: 'object',
  properties: {
    id: int, cadreName: str, phone: nullableStr, streetId: int, streetName: str, communityId: int, communityName: str,
    gridId: nullableInt, gridCode: nullableStr, gridName: nullableStr, startDate: str, endDate: nullableStr,
  },
} as const;
