import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import multipart from '@fastify/multipart';
import { AppError, IMPORT_BODY_LIMIT, IMPORT_KINDS, parseId, multipartBody } from '@redheart/shared';
import { requireMay } from '../../policy';
import { XLSX_TYPE, streamWorkbook } from '../bulk/sheet';
import { jobError, langOf, type Lang } from './messages';
import type { ExportKind, ImportKind } from './repository';
import {
  confirmBody, errors, exportBody, exportListSchema, exportSchema, fileErrors, fileResponse, idParams, importDetailSchema, importListSchema, importSummarySchema,
  listQuery, reportQuery, templateQuery,
} from './schemas';
import { type ExportJobService, exportView, type ImportJobService, importView, templateWorkbook } from './service';

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** CSV as Excel opens it (UTF-8 with a BOM, CRLF). */
function csvOf(columns: { header: string; key: string }[], rows: Record<string, unknown>[]): Buffer {
  const lines = [columns.map((c) => csvCell(c.header)).join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c.key])).join(','))];
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

function attachment(reply: FastifyReply, type: string, ascii: string, name: string) {
  return reply
    .header('content-type', type)
    .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`)
    .header('cache-control', 'no-store');
}

const isImportKind = (k: string | undefined): k is ImportKind => (IMPORT_KINDS as readonly (string | undefined)[]).includes(k);

const KIND_ZH: Record<ImportKind, string> = { households: '户籍登记', properties: '不动产登记' };

/**
 * Imports and exports as jobs: an upload answers 202 with a job at once, the dry run, the import and
 * the export run on the job engine (pg-boss) and report progress, which the screen polls.
 */

export default async function jobRoutes(app: FastifyInstance, opts: { imports: ImportJobService; exports: ExportJobService }) {
  const { imports } = opts;
  const exportJobs = opts.exports;
  app.addHook('onRequest', app.authenticate);
  await app.register(multipart, { limits: { fileSize: IMPORT_BODY_LIMIT, files: 1, fields: 5 } });

  app.post('/api/household/imports', {
    schema: {
      tags: ['bulk'],
      summary: 'Upload a register (multipart: field "file" = CSV or .xlsx, field or query "kind" = households | properties): 202 with an import job whose dry run (every row checked, nothing written) starts at once; confirm it to write',
      consumes: ['multipart/form-data'],
      querystring: { type: 'object', properties: { kind: { type: 'string', enum: IMPORT_KINDS }, dryRun: { type: 'string', enum: ['true'] } } },
      response: { 202: importSummarySchema, ...errors },
      dto: { body: multipartBody('file', ['kind']) },
    },
    preValidation: requireMay('importRegisters'),
    handler: async (req, reply) => {
      const lang = langOf(req);
      imports.assertImporter(req.user, lang);
      if (!req.isMultipart()) throw jobError(415, 'UNSUPPORTED_MEDIA_TYPE', 'notMultipart', lang, 'file');
      let kind = (req.query as { kind?: string }).kind;
      let file: Buffer | undefined;
      let fileName = '';
      for await (const part of req.parts()) {
        if (part.type === 'file') {
          if (part.fieldname !== 'file') {
            await part.toBuffer().catch(() => undefined);
            continue;
          }
          try {
            file = await part.toBuffer();
          } catch {
            throw jobError(413, 'PAYLOAD_TOO_LARGE', 'tooLarge', lang, 'file');
          }
          if (part.file.truncated) throw jobError(413, 'PAYLOAD_TOO_LARGE', 'tooLarge', lang, 'file');
          fileName = part.filename || 'upload';
        } else if (part.fieldname === 'kind') {
          kind = String(part.value);
        }
      }
      if (!isImportKind(kind)) throw jobError(400, 'VALIDATION_FAILED', 'badKind', lang, 'kind');
      if (!file) throw jobError(400, 'NO_FILE', 'noFile', lang, 'file');
      const job = await imports.create(app.jobs, req.user, kind, fileName, file, lang);
      return reply.status(202).header('location', `/api/household/imports/${job.id}`).send(importView(job, lang, false));
    },
  });

  app.get('/api/household/imports', {
    schema: { tags: ['bulk'], summary: 'My imports, newest first (keyset: ?before=<id>)', querystring: listQuery, response: { 200: importListSchema } },
    handler: async (req) => {
      const q = req.query as { limit?: number; before?: number };
      const limit = q.limit ?? 20;
      const { rows, nextBefore } = await imports.mine(req.user, limit, q.before);
      const lang = langOf(req);
      return { items: rows.map((r) => importView(r, lang, false)), nextBefore };
    },
  });

  app.get('/api/household/imports/template', {
    schema: { tags: ['bulk'], summary: 'The file to fill in: the header row the import reads and a sheet explaining each column (.xlsx, or ?format=csv)', querystring: templateQuery, produces: [XLSX_TYPE, 'text/csv'], response: fileResponse },
    handler: async (req, reply) => {
      const q = req.query as { kind: ImportKind; format?: 'xlsx' | 'csv' };
      const name = `${KIND_ZH[q.kind]}导入模板`;
      if (q.format === 'csv') {
        const { REGISTER_COLUMNS, PROPERTY_COLUMNS } = await import('../bulk/columns');
        const cols = Object.values(q.kind === 'households' ? REGISTER_COLUMNS : PROPERTY_COLUMNS).map((a) => ({ header: a[0], key: a[0] }));
        return attachment(reply, 'text/csv; charset=utf-8', `${q.kind}-template.csv`, `${name}.csv`).send(csvOf(cols, []));
      }
      return attachment(reply, XLSX_TYPE, `${q.kind}-template.xlsx`, `${name}.xlsx`).send(templateWorkbook(q.kind));
    },
  });

  app.get<{ Params: { id: string } }>('/api/household/imports/:id', {
    schema: { tags: ['bulk'], summary: "An import: status, progress, counts, the preview rows and every error in the caller's language", params: idParams, response: { 200: importDetailSchema, ...errors } },
    // a role that imports nothing gets 403 before any import is looked up
    preValidation: requireMay('importRegisters'),
    handler: async (req) => {
      const lang = langOf(req);
      return importView(await imports.visible(req.user, parseId(req.params.id, 'Import'), lang), lang, true);
    },
  });

  app.post<{ Params: { id: string }; Body: { version: number } }>('/api/household/imports/:id/confirm', {
    schema: {
      tags: ['bulk'],
      summary: 'Write a dry-run-clean import (re-checked, then one transaction, exactly once); version as last read, 409 when it changed or the import is not validated',
      params: idParams, body: confirmBody, response: { 202: importSummarySchema, ...errors },
    },
    preValidation: requireMay('importRegisters'),
    handler: async (req, reply) => {
      const lang = langOf(req);
      const job = await imports.confirm(app.jobs, req.user, parseId(req.params.id, 'Import'), req.body.version, lang);
      return reply.status(202).send(importView(job, lang, false));
    },
  });

  app.get<{ Params: { id: string } }>('/api/household/imports/:id/report', {
    schema: { tags: ['bulk'], summary: "The error report: every row with errors as the file had it and what is wrong, in the caller's language (.xlsx, or ?format=csv)", params: idParams, querystring: reportQuery, produces: [XLSX_TYPE, 'text/csv'], response: { ...fileResponse, ...fileErrors } },
    preValidation: requireMay('importRegisters'),
    handler: async (req, reply) => {
      const lang: Lang = langOf(req);
      const job = await imports.visible(req.user, parseId(req.params.id, 'Import'), lang);
      const { rows, columns } = await imports.report(job, lang);
      const base = lang === 'en' ? `import-${job.id}-errors` : `导入${job.id}-错误报告`;
      if ((req.query as { format?: string }).format === 'csv') {
        return attachment(reply, 'text/csv; charset=utf-8', `import-${job.id}-errors.csv`, `${base}.csv`).send(csvOf(columns, rows));
      }
      const body: Readable = streamWorkbook([{ name: lang === 'en' ? 'Errors' : '错误行', columns, rows }]);
      return attachment(reply, XLSX_TYPE, `import-${job.id}-errors.xlsx`, `${base}.xlsx`).send(body);
    },
  });

  app.post<{ Body: { kind: ExportKind; filters?: Record<string, unknown> } }>('/api/household/exports', {
    schema: { tags: ['bulk'], summary: 'Start an export (cases, households or outreach tasks with the filters of their list): 202 with the job; poll it, then download its file', body: exportBody, response: { 202: exportSchema, ...errors } },
    preValidation: async (req) => exportJobs.assertReader(req.user),
    handler: async (req, reply) => {
      const lang = langOf(req);
      const job = await exportJobs.create(app.jobs, req.user, req.body.kind, req.body.filters ?? {}, lang);
      return reply.status(202).header('location', `/api/household/exports/${job.id}`).send(exportView(job, lang));
    },
  });

  app.get('/api/household/exports', {
    schema: { tags: ['bulk'], summary: 'My exports, newest first (keyset: ?before=<id>)', querystring: listQuery, response: { 200: exportListSchema } },
    handler: async (req) => {
      const q = req.query as { limit?: number; before?: number };
      const limit = q.limit ?? 20;
      const { rows, nextBefore } = await exportJobs.mine(req.user, limit, q.before);
      const lang = langOf(req);
      return { items: rows.map((r) => exportView(r, lang)), nextBefore };
    },
  });

  app.get<{ Params: { id: string } }>('/api/household/exports/:id', {
    schema: { tags: ['bulk'], summary: 'An export: status, progress, and the download link once done', params: idParams, response: { 200: exportSchema, ...errors } },
    // a role that exports nothing gets 403 before any export is looked up
    preValidation: async (req) => exportJobs.assertReader(req.user),
    handler: async (req) => {
      const lang = langOf(req);
      return exportView(await exportJobs.visible(req.user, parseId(req.params.id, 'Export'), lang), lang);
    },
  });

  app.get<{ Params: { id: string } }>('/api/household/exports/:id/file', {
    schema: { tags: ['bulk'], summary: 'The exported workbook, streamed; 409 while not ready, 410 once expired (EXPORT_TTL_HOURS)', params: idParams, produces: [XLSX_TYPE], response: { ...fileResponse, ...fileErrors } },
    preValidation: async (req) => exportJobs.assertReader(req.user),
    handler: async (req, reply) => {
      const lang = langOf(req);
      const job = await exportJobs.visible(req.user, parseId(req.params.id, 'Export'), lang);
      const view = exportView(job, lang);
      if (view.status === 'expired') throw jobError(410, 'EXPIRED', 'expired', lang);
      if (job.status === 'failed') throw new AppError(409, 'EXPORT_FAILED', job.failure?.message ?? jobError(409, 'EXPORT_FAILED', 'exportFailed', lang).message);
      if (job.status !== 'done' || !job.fileSize) throw jobError(409, 'NOT_READY', 'notReady', lang);
      const zh = { cases: '户籍案件', households: '户籍登记', tasks: '走访任务' }[job.kind];
      const name = `${zh}-${(job.finishedAt ? new Date(job.finishedAt) : new Date()).toISOString().slice(0, 10)}.xlsx`;
      return attachment(reply, XLSX_TYPE, job.fileName ?? `export-${job.id}.xlsx`, name)
        .header('content-length', String(job.fileSize))
        .send(exportJobs.fileStream(job.id, job.fileSize));
    },
  });
}
