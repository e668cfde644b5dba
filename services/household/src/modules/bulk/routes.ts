import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, IMPORT_BODY_LIMIT, parseQuery } from '@redheart/shared';
import { ListCasesQuery } from '../cases/dto';
import { DryRunQuery } from '../separation/dto';
import { HouseholdExportQuery, TaskExportQuery } from './dto';
import { exportSchema, importSchema } from './schemas';
import type { BulkService, Exporter } from './service';
import { XLSX_TYPE } from './sheet';

/** Uploads are spreadsheets, well above the JSON limit but bounded (ROUTE_LIMITS; the gateway refuses larger ones first). */
const MAX_UPLOAD_BYTES = IMPORT_BODY_LIMIT;

/** An ASCII file name for old clients, the Chinese one (RFC 5987) for the rest; the workbook is streamed. */
function sendXlsx(reply: FastifyReply, ascii: string, name: string, body: Readable) {
  const stamp = new Date().toISOString().slice(0, 10);
  return reply
    .header('content-type', XLSX_TYPE)
    .header('content-disposition', `attachment; filename="${ascii}-${stamp}.xlsx"; filename*=UTF-8''${encodeURIComponent(`${name}-${stamp}.xlsx`)}`)
    .header('cache-control', 'no-store')
    .send(body);
}

function upload(req: FastifyRequest): Buffer {
  if (!Buffer.isBuffer(req.body)) {
    throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', `Send the file as text/csv or ${XLSX_TYPE}`);
  }
  return req.body;
}

/**
 * Spreadsheets in and out. The raw-body parser for CSV and .xlsx lives in this plugin only, so no
 * other route accepts a file. A file over the limit is refused (413) before it is read; an accepted
 * one is parsed in a worker thread (TableReaderPool).
 */
export default async function bulkRoutes(app: FastifyInstance, opts: { bulk: BulkService; exporter: Exporter }) {
  const { bulk, exporter } = opts;
  app.addContentTypeParser(['text/csv', XLSX_TYPE, 'application/vnd.ms-excel'], { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_req, body, done) => done(null, body));
  app.addHook('onRequest', app.authenticate);

  app.post('/api/household/import/register', {
    schema: importSchema('Load an existing household register (CSV or .xlsx, one row per person): every row checked first, a 400 report lists each bad row, nothing is written unless all are good; ?dryRun=true only checks'),
    handler: async (req, reply) => {
      bulk.assertImporter(req.user);
      const dryRun = (await parseQuery(DryRunQuery, req.query)).dryRun === 'true';
      const out = await bulk.importRegister({ user: req.user, requestId: req.id }, upload(req), dryRun);
      return reply.status(dryRun ? 200 : 201).send(out);
    },
  });

  app.post('/api/household/import/properties', {
    schema: importSchema('Load the property register (CSV or .xlsx, one row per owner; rows with one certificate number are one flat), upserted by certificate number; all or nothing; ?dryRun=true only checks'),
    handler: async (req, reply) => {
      bulk.assertImporter(req.user);
      const dryRun = (await parseQuery(DryRunQuery, req.query)).dryRun === 'true';
      const out = await bulk.importProperties({ user: req.user, requestId: req.id }, upload(req), dryRun);
      return reply.status(dryRun ? 200 : 201).send(out);
    },
  });

  app.get('/api/household/export/cases.xlsx', {
    schema: exportSchema('The case queue as Excel: the filters of GET /cases, every page, persons with masked ID numbers', ListCasesQuery),
    handler: async (req, reply) => sendXlsx(reply, 'cases', '户籍案件', await exporter.cases(req.user, await parseQuery(ListCasesQuery, req.query), req.id)),
  });

  app.get('/api/household/export/households.xlsx', {
    schema: exportSchema('Households and their current members as Excel (filters of GET /households; ID numbers masked)', HouseholdExportQuery),
    handler: async (req, reply) => {
      const { limit: _l, after: _a, ...q } = await parseQuery(HouseholdExportQuery, req.query);
      void _l;
      void _a;
      return sendXlsx(reply, 'households', '户籍登记', await exporter.households(req.user, q, req.id));
    },
  });

  app.get('/api/household/export/tasks.xlsx', {
    schema: exportSchema('Outreach tasks as Excel (filters of GET /separation/tasks; ID numbers masked)', TaskExportQuery),
    handler: async (req, reply) => {
      const { limit: _l, after: _a, ...f } = await parseQuery(TaskExportQuery, req.query);
      void _l;
      void _a;
      return sendXlsx(reply, 'outreach-tasks', '走访任务', await exporter.tasks(req.user, f, req.id));
    },
  });
}
