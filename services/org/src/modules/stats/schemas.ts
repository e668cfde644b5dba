/** Response schema of the stats route: the answer is serialised through it and documented. */
import { int } from '../schemas';

export const STAT_KEYS = [
  'streets', 'communities', 'compoundBranches', 'propertyCompanyBranches', 'businessDistrictBranches', 'buildingGroups',
  'memberHouseholds', 'fullTimeSecretaries', 'partTimeMembers', 'grids', 'gridWorkers', 'gridHouseholds', 'catalogueServices',
  'desks', 'workUnits',
] as const;

export const statsSchema = {
  type: 'object',
  required: [...STAT_KEYS],
  properties: Object.fromEntries(STAT_KEYS.map((k) => [k, int])),
} as const;
