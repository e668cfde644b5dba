/** Response schema of the compound routes: answers are serialised through it and documented. */
import { bool, int, nullableInt, nullableStr, str } from '../schemas';
import { BRANCH_STATUSES } from './repository';

export const compoundSchema = {
  type: 'object',
  properties: {
    id: int, communityId: int, name: str, households: int, propertyManaged: bool, propertyCompany: nullableStr,
    branchId: nullableInt, branchName: nullableStr, branchStatus: { type: 'string', enum: BRANCH_STATUSES },
    branchFoundedOn: nullableStr, branchPlanned: bool, version: int,
  },
} as const;
