import type { FastifyInstance } from 'fastify';
import { parseDto } from '@redheart/shared';
import { requireMay } from '../../policy';
import { DivisionImportDto } from './dto';
import { DIVISION_IMPORT_QUEUE, DivisionImportService, type ImportJobData, READ_IMPORTS } from './service';
import { divisionImportJobSchema, divisionImportParams, divisionImportQueuedSchema, divisionImportSummarySchema } from './schemas';

/**
 * 区划导入: a county, or every county of a city (370600), from the national division codes.
 * A dry run answers at once with what would change; a real import is a job (pg-boss queue
 * `org-division-import`) whose progress and result are read back by id.
 */
export default async function divisionImportRoutes(app: FastifyInstance) {
  const service = new DivisionImportService(app.db, undefined, (err) => app.log.error({ err }, 'division import failed'));
  await app.jobs.createQueue(DIVISION_IMPORT_QUEUE);
  await app.jobs.work<ImportJobData>(DIVISION_IMPORT_QUEUE, { pollingIntervalSeconds: 0.5 }, async (jobs) => {
    for (const job of jobs) await service.run(job.data.importId);
  });

  app.addHook('onRequest', app.authenticate);

  app.post('/api/org/division-imports', {
    // other roles are refused first (403), before the body is read
    preValidation: requireMay('divisions.import'),
    // The DTO documents the body (OpenAPI) and validates it once, in parseDto, so a bad field gets the same
    // 400 (VALIDATION_FAILED, details naming the field, message in Chinese) as elsewhere.
    schema: {
      tags: ['org'], summary: 'Import a county or a whole city from the national division codes (dryRun: preview only)',
      response: { 200: divisionImportSummarySchema, 202: divisionImportQueuedSchema }, dto: { body: DivisionImportDto }
    },
    handler: async (req, reply) => {
      const dto = await parseDto(DivisionImportDto, req.body);
      await service.authorize(req.user, dto.code);
      const ctx = { user: req.user, requestId: req.id };
      if (dto.dryRun) return service.dryRun(dto);
      const id = await service.create(ctx, dto);
      try {
        await app.jobs.send(DIVISION_IMPORT_QUEUE, { importId: id } satisfies ImportJobData, { retryLimit: 0 });
      } catch (err) {
        await service.markFailed(id, '任务队列不可用，导入未开始').catch(() => undefined);
        throw err;
      }
      reply.status(202);
      return { id, status: 'queued', code: dto.code, includeTowns: dto.includeTowns ?? false };
    },
  });

  app.get<{ Params: { id: string } }>('/api/org/division-imports/:id', {
    preValidation: requireMay('divisions.import', READ_IMPORTS),
    schema: { tags: ['org'], summary: 'A division import: status, progress and result', params: divisionImportParams, response: { 200: divisionImportJobSchema } },
    handler: async (req) => service.get(req.user, req.params.id),
  });
}
