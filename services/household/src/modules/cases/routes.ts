import type { FastifyInstance } from 'fastify';
import { parseDto, parseId, parseQuery, sendIdempotent } from '@redheart/shared';
import { requireMay } from '../../policy';
import { CreateCaseDto, ListCasesQuery, TransitionDto } from './dto';
import type { CaseService } from './service';
import { caseDetailSchema, caseListSchema, noticeSchema, receiptSchema } from './schemas';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;

export default async function caseRoutes(app: FastifyInstance, opts: { cases: CaseService }) {
  const { cases } = opts;
  app.addHook('onRequest', app.authenticate);
  // The role first (403), before the body is read or validated.
  app.addHook('preValidation', requireMay('readRegister'));

  app.post('/api/household/cases', {
    preValidation: requireMay('openCase'),
    schema: { tags: ['cases'], summary: 'Open a registration case (DRAFT); Idempotency-Key makes retries safe', response: { 201: caseDetailSchema, 200: caseDetailSchema }, dto: { body: CreateCaseDto } },
    handler: async (req, reply) => {
      const dto = await parseDto(CreateCaseDto, req.body);
      return sendIdempotent(app.db, req, reply, 201, (m) => cases.create({ user: req.user, requestId: req.id }, dto, m));
    },
  });

  app.get('/api/household/cases', {
    schema: { tags: ['cases'], summary: 'Work queue: filters, free text on name / ID number / case number, keyset pages (limit, cursor) or numbered pages (page, limit: total, totalExact)', response: { 200: caseListSchema }, dto: { query: ListCasesQuery } },
    handler: async (req) => cases.list(req.user, await parseQuery(ListCasesQuery, req.query)),
  });

  app.get<{ Params: { id: string } }>('/api/household/cases/:id', {
    schema: { tags: ['cases'], summary: 'A case with persons (masked), checklist, timeline and the actions you may take', params: idParams, response: { 200: caseDetailSchema } },
    handler: async (req) => cases.detail(app.db.manager, req.user, parseId(req.params.id, 'Case')),
  });

  app.post<{ Params: { id: string } }>('/api/household/cases/:id/transitions', {
    schema: { tags: ['cases'], summary: 'Every state change: {action, version, …}; stale version → 409', params: idParams, response: { 200: caseDetailSchema }, dto: { body: TransitionDto } },
    handler: async (req, reply) => {
      const id = parseId(req.params.id, 'Case');
      const dto = await parseDto(TransitionDto, req.body);
      return sendIdempotent(app.db, req, reply, 200, (m) => cases.transition({ user: req.user, requestId: req.id }, id, dto, m), { id });
    },
  });

  app.get<{ Params: { id: string } }>('/api/household/cases/:id/receipt', {
    schema: { tags: ['cases'], summary: 'The acceptance receipt (受理回执) as data, for printing elsewhere', params: idParams, response: { 200: receiptSchema } },
    handler: async (req) => cases.receipt(req.user, parseId(req.params.id, 'Case')),
  });

  app.get<{ Params: { id: string; noticeId: string } }>('/api/household/cases/:id/notices/:noticeId', {
    schema: { tags: ['cases'], summary: 'The one-time notice (一次性告知) for printing', response: { 200: noticeSchema } },
    handler: async (req) => cases.notice(req.user, parseId(req.params.id, 'Case'), parseId(req.params.noticeId, 'Notice')),
  });
}
