/** JSON schemas of the division-import routes (the gateway merges them into its OpenAPI document). */
import { DIVISION_CHANGE_ACTIONS, ORG_TYPES } from '../../domain';
import { IMPORT_STATUSES } from './repository';

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;

export const divisionImportParams = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;

const change = {
  type: 'object',
  properties: { action: { type: 'string', enum: DIVISION_CHANGE_ACTIONS }, code: str, type: { type: 'string', enum: ORG_TYPES }, name: str, before: str, parentCode: { type: ['string', 'null'] } },
} as const;

const countyResult = {
  type: 'object',
  properties: {
    countyCode: str, countyName: str, rootId: int, created: int, updated: int, unchanged: int, skipped: int, archived: int, keptWithChildren: int,
    cityId: int, cityCreated: bool, placed: bool, createdByType: { type: 'object', additionalProperties: int },
  },
} as const;

export const divisionImportSummarySchema = {
  type: 'object',
  properties: {
    code: str, name: str, kind: { type: 'string', enum: ['county', 'city'] }, dryRun: bool, includeTowns: bool,
    counties: { type: 'array', items: countyResult },
    totals: {
      type: 'object',
      properties: { created: int, renamed: int, adopted: int, archived: int, unchanged: int, skipped: int, placed: int },
    },
    samples: {
      type: 'object',
      properties: { created: { type: 'array', items: change }, renamed: { type: 'array', items: change }, archived: { type: 'array', items: change }, placed: { type: 'array', items: change } },
    },
  },
} as const;

export const divisionImportQueuedSchema = {
  type: 'object',
  properties: { id: str, status: { type: 'string', enum: IMPORT_STATUSES }, code: str, includeTowns: bool },
} as const;

export const divisionImportJobSchema = {
  type: 'object',
  properties: {
    id: str, code: str, includeTowns: bool, status: { type: 'string', enum: IMPORT_STATUSES },
    progress: {
      type: 'object',
      properties: { countiesDone: int, countiesTotal: int, county: str, unitsDone: int, unitsTotal: int, percent: int },
    },
    result: { anyOf: [{ type: 'null' }, divisionImportSummarySchema] },
    error: { type: ['string', 'null'] },
    requestedBy: { type: ['string', 'null'] },
    createdAt: str, startedAt: { type: ['string', 'null'] }, finishedAt: { type: ['string', 'null'] },
  },
} as const;
