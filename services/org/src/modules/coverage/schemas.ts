/** Response schemas of the coverage routes: answers are serialised through them and documented. */
import { int, list, nullableNum, nullableStr, str } from '../schemas';

const coverageCounts = {
  compounds: int, withBranch: int, planned: int, propertyManaged: int, propertyManagedCovered: int,
  coverageRate: nullableNum, coverageRateWhenPlannedDone: nullableNum,
} as const;

export const coverageSchema = {
  type: 'object',
  properties: {
    totals: { type: 'object', properties: coverageCounts },
    streets: list({
      type: 'object',
      properties: {
        id: int, name: str, ...coverageCounts,
        communities: list({ type: 'object', properties: { id: int, name: str, ...coverageCounts } }),
      },
    }),
  },
} as const;

export const countyCoverageSchema = {
  type: 'object',
  properties: {
    totals: { type: 'object', properties: { streets: int, communities: int, ...coverageCounts } },
    counties: list({ type: 'object', properties: { id: int, name: str, divisionCode: nullableStr, streets: int, communities: int, ...coverageCounts } }),
  },
} as const;
