import type { FastifyInstance } from 'fastify';
import { type CommunityDirectory, parseDto, parseId, parseQuery } from '@redheart/shared';
import { requireMay } from '../../policy';
import { idParams } from '../../schemas';
import { DecisionDto, ListQuery, MemberReportDto, UnitReportDto } from './dto';
import { memberDecidedSchema, memberListSchema, memberReportSchema, unitReportCreatedSchema, unitReportDecidedSchema, unitReportListSchema } from './schemas';
import { ReportService } from './service';

/**
 * 双报到: a work unit reports to communities (with what it offers and a contact), a member reports
 * where they live; the community approves (reports/service.ts).
 */
export default async function reportRoutes(app: FastifyInstance, opts: { communities: CommunityDirectory }) {
  const reports = new ReportService(app.db, opts.communities);
  app.addHook('onRequest', app.authenticate);

  app.post('/api/volunteer/reports', {
    schema: { tags: ['reports'], summary: 'A unit reports to a community (unit staff, for their own unit)', response: { 201: unitReportCreatedSchema }, dto: { body: UnitReportDto } },
    preValidation: requireMay('unitReport.create'),
    handler: async (req, reply) => reply.status(201).send(await reports.reportUnit({ user: req.user, requestId: req.id }, await parseDto(UnitReportDto, req.body))),
  });

  app.get('/api/volunteer/reports', {
    schema: {
      tags: ['reports'], summary: 'Unit reports: a community sees those to it, a unit its own (filters status, communityId, q; page mode: page, limit → total)',
      response: { 200: unitReportListSchema }, dto: { query: ListQuery },
    },
    handler: async (req) => reports.unitReports(req.user, await parseQuery(ListQuery, req.query)),
  });

  app.post<{ Params: { id: string } }>('/api/volunteer/reports/:id/decision', {
    schema: { tags: ['reports'], summary: 'The community approves, rejects or ends a unit report', params: idParams, response: { 200: unitReportDecidedSchema }, dto: { body: DecisionDto } },
    preValidation: requireMay('report.decide'),
    handler: async (req) => {
      const id = parseId(req.params.id, 'Report');
      return reports.decideUnitReport({ user: req.user, requestId: req.id }, id, await parseDto(DecisionDto, req.body));
    },
  });

  app.post('/api/volunteer/members', {
    schema: { tags: ['reports'], summary: 'A party member reports to the community where they live', response: { 201: memberReportSchema }, dto: { body: MemberReportDto } },
    preValidation: requireMay('memberReport.create'),
    handler: async (req, reply) => reply.status(201).send(await reports.reportMember({ user: req.user, requestId: req.id }, await parseDto(MemberReportDto, req.body))),
  });

  app.get('/api/volunteer/members', {
    schema: {
      tags: ['reports'],
      summary: 'Members reported to communities in scope, with their group (服务队) and its colour (filters status, communityId, q; page mode: page, limit → total)',
      response: { 200: memberListSchema }, dto: { query: ListQuery },
    },
    preValidation: requireMay('member.list'),
    handler: async (req) => reports.members(req.user, await parseQuery(ListQuery, req.query)),
  });

  app.post<{ Params: { id: string } }>('/api/volunteer/members/:id/decision', {
    schema: { tags: ['reports'], summary: 'The community approves or rejects a member report', params: idParams, response: { 200: memberDecidedSchema }, dto: { body: DecisionDto } },
    preValidation: requireMay('report.decide'),
    handler: async (req) => {
      const id = parseId(req.params.id, 'Member');
      return reports.decideMember({ user: req.user, requestId: req.id }, id, await parseDto(DecisionDto, req.body));
    },
  });
}
