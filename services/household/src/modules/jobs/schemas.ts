/** JSON schemas of the import and export job routes (the gateway's merged OpenAPI document lists them). */
import { errorResponseSchema, EXPORT_KINDS, EXPORT_STATUSES, IMPORT_KINDS, IMPORT_STATUSES } from '@redheart/shared';

const progress = {
  type: 'object',
  required: ['done', 'total'],
  properties: { done: { type: 'integer' }, total: { type: 'integer', description: '0 while unknown' } },
} as const;

const localizedError = {
  type: 'object',
  properties: {
    row: { type: 'integer', description: 'the spreadsheet row (header = 1)' },
    field: { type: 'string', description: "the column's field name, * for the whole file" },
    fieldLabel: { type: 'string', description: "the column's name in the caller's language" },
    code: { type: 'string', description: 'what is wrong, as a stable code (bulk/issue-codes.ts; a refusal of the whole file: its error code); absent on jobs stored before the codes' },
    params: { type: 'object', additionalProperties: { type: ['string', 'integer', 'number'] }, description: "the values the code's words name (a row, a household number …)" },
    message: { type: 'string', description: "what is wrong, in the caller's language (Accept-Language: zh-CN or en)" },
  },
} as const;

const importBase = {
  id: { type: 'integer' },
  kind: { type: 'string', enum: IMPORT_KINDS },
  status: { type: 'string', enum: IMPORT_STATUSES },
  fileName: { type: 'string' },
  fileSize: { type: 'integer' },
  progress,
  rows: { type: ['integer', 'null'] },
  rowsWithErrors: { type: ['integer', 'null'] },
  result: { type: ['object', 'null'], additionalProperties: true },
  failure: { type: ['string', 'null'] },
  createdBy: { type: 'string' },
  confirmedBy: { type: ['string', 'null'] },
  createdAt: { type: 'string', format: 'date-time' },
  updatedAt: { type: 'string', format: 'date-time' },
  finishedAt: { type: ['string', 'null'], format: 'date-time' },
  version: { type: 'integer', description: 'send it back with confirm' },
} as const;

export const importSummarySchema = { type: 'object', properties: importBase } as const;

export const importDetailSchema = {
  type: 'object',
  properties: {
    ...importBase,
    errors: { type: 'array', description: 'every problem found (at most 1000)', items: localizedError },
    errorsTruncated: { type: 'boolean' },
    preview: {
      type: ['object', 'null'],
      description: 'the rows with errors and the first rows of the file, cells by field (ID numbers masked except where wrong)',
      properties: {
        columns: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, header: { type: 'string' }, label: { type: 'string' } } } },
        rows: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              row: { type: 'integer' },
              cells: { type: 'object', additionalProperties: { type: 'string' } },
              errors: { type: 'array', items: localizedError },
            },
          },
        },
      },
    },
  },
} as const;

export const importListSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: importSummarySchema }, nextBefore: { type: ['integer', 'null'] } },
} as const;

export const exportSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    kind: { type: 'string', enum: EXPORT_KINDS },
    filters: { type: 'object', additionalProperties: true },
    status: { type: 'string', enum: [...EXPORT_STATUSES, 'expired'] },
    progress,
    rows: { type: ['integer', 'null'] },
    fileName: { type: ['string', 'null'] },
    fileSize: { type: ['integer', 'null'] },
    failure: { type: ['object', 'null'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
    downloadUrl: { type: ['string', 'null'] },
    createdBy: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: ['string', 'null'], format: 'date-time' },
    expiresAt: { type: ['string', 'null'], format: 'date-time' },
    version: { type: 'integer' },
  },
} as const;

export const exportListSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: exportSchema }, nextBefore: { type: ['integer', 'null'] } },
} as const;

export const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,17}$' } } } as const;

export const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 100 }, before: { type: 'integer', minimum: 1 } },
} as const;

export const confirmBody = {
  type: 'object',
  required: ['version'],
  additionalProperties: false,
  properties: { version: { type: 'integer', minimum: 1 } },
} as const;

export const exportBody = {
  type: 'object',
  required: ['kind'],
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: EXPORT_KINDS },
    filters: { type: 'object', description: 'the filters of the list the export copies (GET /cases, /households, /separation/tasks)', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }] } },
  },
} as const;

export const reportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { format: { type: 'string', enum: ['xlsx', 'csv'] } },
} as const;

export const templateQuery = {
  type: 'object',
  required: ['kind'],
  additionalProperties: false,
  properties: { kind: { type: 'string', enum: IMPORT_KINDS }, format: { type: 'string', enum: ['xlsx', 'csv'] } },
} as const;

export const fileResponse = { 200: { type: 'string', format: 'binary', description: 'the file' } } as const;

const errorBody = errorResponseSchema;
export const errors = { 400: errorBody, 404: errorBody, 409: errorBody } as const;
export const fileErrors = { 404: errorBody, 409: errorBody, 410: errorBody } as const;
