/** Response schema of the catalogue routes: answers are serialised through it and documented. */
import { int, list, nullableStr, str } from '../schemas';

export const catalogueServiceSchema = {
  type: 'object',
  properties: {
    id: int, code: str, name: str, category: str, materials: list(str), timeLimitDays: int, description: nullableStr,
    communityCount: int, version: int,
  },
} as const;
