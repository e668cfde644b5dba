/** JSON schemas of the bulk routes (the gateway's merged OpenAPI document lists them); a fresh object for each route. */
import { BINARY_BODY, type DtoClass } from '@redheart/shared';
import { importResultSchema } from '../separation/schemas';
import { XLSX_TYPE } from './sheet';

/** An upload: the file as the raw body (CSV or .xlsx); ?dryRun=true only checks. */
export const importSchema = (summary: string) => ({
  tags: ['bulk'], summary, consumes: ['text/csv', XLSX_TYPE],
  querystring: { type: 'object', properties: { dryRun: { type: 'string', enum: ['true', 'false'] } } },
  response: { 200: importResultSchema, 201: importResultSchema },
  dto: { body: BINARY_BODY },
});

const xlsxResponse = { 200: { type: 'string', format: 'binary', description: 'an .xlsx workbook' } };

/** A download: an .xlsx workbook, the filters (`query`: the DTO class of the query string) as the list route takes them. */
export const exportSchema = (summary: string, query: DtoClass) => ({
  tags: ['bulk'], summary, produces: [XLSX_TYPE], response: xlsxResponse, dto: { query },
});
