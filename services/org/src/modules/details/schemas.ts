/** Response schemas of the details routes (see ../schemas.ts): output is serialised through them and documented. */
const int = { type: 'integer' } as const;
const str = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;
const nullableInt = { type: ['integer', 'null'] } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const nullableNum = { type: ['number', 'null'] } as const;

const arrayOf = <T extends object>(items: T) => ({ type: 'array', items } as const);

export const positionSchema = {
  type: 'object',
  properties: {
    id: int, orgId: int, personName: str, phone: nullableStr, kind: str, fullTime: bool,
    fromUnitId: nullableInt, fromUnitName: nullableStr, termStart: str, termEnd: nullableStr, version: int,
  },
} as const;

export const gridSchema = {
  type: 'object',
  properties: {
    id: int, communityId: int, code: str, name: str, households: int, workerName: nullableStr, workerPhone: nullableStr,
    cadreName: nullableStr, cadrePhone: nullableStr, validFrom: str, validTo: nullableStr, version: int,
  },
} as const;

export const cadreSchema = {
  type: 'object',
  properties: {
    id: int, cadreName: str, phone: nullableStr, streetId: int, streetName: str, communityId: int, communityName: str,
    gridId: nullableInt, gridCode: nullableStr, gridName: nullableStr, startDate: str, endDate: nullableStr,
  },
} as const;

const workerSchema = { type: 'object', properties: { name: str, role: str, phone: str } } as const;
const hotlineSchema = { type: 'object', properties: { name: str, phone: str } } as const;

export const deskSchema = {
  type: 'object',
  properties: {
    id: int, code: str, building: str, communityId: int, buildingGroupId: nullableInt, buildingGroupName: nullableStr,
    workers: arrayOf(workerSchema), hotlines: arrayOf(hotlineSchema), version: int,
  },
} as const;

export const publicDeskSchema = {
  type: 'object',
  properties: { code: str, building: str, communityName: str, streetName: str, workers: arrayOf(workerSchema), hotlines: arrayOf(hotlineSchema) },
} as const;

export const catalogueServiceSchema = {
  type: 'object',
  properties: {
    id: int, code: str, name: str, category: str, materials: arrayOf(str), timeLimitDays: int, description: nullableStr,
    communityCount: int, version: int,
  },
} as const;

export const compoundSchema = {
  type: 'object',
  properties: {
    id: int, communityId: int, name: str, households: int, propertyManaged: bool, propertyCompany: nullableStr,
    branchId: nullableInt, branchName: nullableStr, branchStatus: { type: 'string', enum: ['founded', 'planned', 'none'] },
    branchFoundedOn: nullableStr, branchPlanned: bool, version: int,
  },
} as const;

const coverageCounts = {
  compounds: int, withBranch: int, planned: int, propertyManaged: int, propertyManagedCovered: int,
  coverageRate: nullableNum, coverageRateWhenPlannedDone: nullableNum,
} as const;

export const coverageSchema = {
  type: 'object',
  properties: {
    totals: { type: 'object', properties: coverageCounts },
    streets: arrayOf({
      type: 'object',
      properties: {
        id: int, name: str, ...coverageCounts,
        communities: arrayOf({ type: 'object', properties: { id: int, name: str, ...coverageCounts } }),
      },
    }),
  },
} as const;

export const countyCoverageSchema = {
  type: 'object',
  properties: {
    totals: { type: 'object', properties: { streets: int, communities: int, ...coverageCounts } },
    counties: arrayOf({ type: 'object', properties: { id: int, name: str, divisionCode: nullableStr, streets: int, communities: int, ...coverageCounts } }),
  },
} as const;

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

export const auditEntrySchema = {
  type: 'object',
  properties: {
    id: int, occurredAt: { type: 'string', format: 'date-time' }, actorId: nullableStr, actorUsername: nullableStr, actorRole: nullableStr,
    action: str, entityType: str, entityId: str, before: {}, after: {}, reason: nullableStr, requestId: nullableStr,
  },
} as const;

export const list = arrayOf;
