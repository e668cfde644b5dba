/** Response schema of the grid routes: answers are serialised through it and documented. */
import { int, nullableStr, str } from '../schemas';

export const gridSchema = {
  type: 'object',
  properties: {
    id: int, communityId: int, code: str, name: str, households: int, workerName: nullableStr, workerPhone: nullableStr,
    cadreName: nullableStr, cadrePhone: nullableStr, validFrom: str, validTo: nullableStr, version: int,
  },
} as const;
