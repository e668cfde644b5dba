import type { FastifyInstance } from 'fastify';
import { parseDto, parseId, parseQuery } from '@redheart/shared';
import { requireMay } from '../../policy';
import { idParams } from '../schemas';
import { ConveneMeetingDto, DecisionDto, DecisionWorkDto, MeetingsQuery, UpdateMeetingDto } from './dto';
import { MeetingService } from './service';
import { meetingDetailSchema, meetingListSchema } from './schemas';
import type { VolunteerWork } from './volunteer-client';

const decisionParams = { type: 'object', required: ['id', 'decisionId'], properties: { id: { type: 'string' }, decisionId: { type: 'string' } } } as const;

/** 大党委 / 大工委 meetings: convene, attendance, minutes, decisions, and a decision turned into work in the volunteer service. */
export default async function meetingRoutes(app: FastifyInstance, opts: { volunteerWork: VolunteerWork }) {
  const meetings = new MeetingService(app.db, opts.volunteerWork);
  app.addHook('onRequest', app.authenticate);
  // A role that may not take part is refused first (403), before its body or ids are looked at.
  app.addHook('preValidation', requireMay('meetings.takePart'));
  const ctx = (req: import('fastify').FastifyRequest) => ({ user: req.user, requestId: req.id });

  app.get('/api/org/meetings', {
    schema: { tags: ['meetings'], summary: 'Joint committee meetings in scope (orgId: one committee; status), newest first, numbered pages', response: { 200: meetingListSchema }, dto: { query: MeetingsQuery } },
    handler: async (req) => meetings.list(req.user, await parseQuery(MeetingsQuery, req.query)),
  });

  app.post<{ Params: { id: string } }>('/api/org/units/:id/meetings', {
    schema: { tags: ['meetings'], summary: 'Convene a meeting of a community committee (大党委) or street working committee (大工委); its current seats are invited', params: idParams, response: { 201: meetingDetailSchema }, dto: { body: ConveneMeetingDto } },
    handler: async (req, reply) => {
      const orgId = parseId(req.params.id, 'Organisation');
      const created = await meetings.convene(ctx(req), orgId, await parseDto(ConveneMeetingDto, req.body));
      return reply.status(201).send(created);
    },
  });

  app.get<{ Params: { id: string } }>('/api/org/meetings/:id', {
    schema: { tags: ['meetings'], summary: 'A meeting with its attendance, minutes and decisions (and what each became)', params: idParams, response: { 200: meetingDetailSchema } },
    handler: async (req) => meetings.detail(req.user, parseId(req.params.id, 'Meeting')),
  });

  app.patch<{ Params: { id: string } }>('/api/org/meetings/:id', {
    schema: { tags: ['meetings'], summary: 'Agenda, minutes, status (held / cancelled) and attendance; stale version → 409', params: idParams, response: { 200: meetingDetailSchema }, dto: { body: UpdateMeetingDto } },
    handler: async (req) => meetings.update(ctx(req), parseId(req.params.id, 'Meeting'), await parseDto(UpdateMeetingDto, req.body)),
  });

  app.post<{ Params: { id: string } }>('/api/org/meetings/:id/decisions', {
    schema: { tags: ['meetings'], summary: 'Record a decision of the meeting (the meeting’s version; stale → 409)', params: idParams, response: { 201: meetingDetailSchema }, dto: { body: DecisionDto } },
    handler: async (req, reply) => {
      const id = parseId(req.params.id, 'Meeting');
      return reply.status(201).send(await meetings.decide(ctx(req), id, await parseDto(DecisionDto, req.body)));
    },
  });

  app.post<{ Params: { id: string; decisionId: string } }>('/api/org/meetings/:id/decisions/:decisionId/work', {
    schema: {
      tags: ['meetings'],
      summary: 'Turn a decision into owned work in the volunteer service (a service item or a project, linked back); volunteer service down → 503, nothing written',
      params: decisionParams, response: { 200: meetingDetailSchema }, dto: { body: DecisionWorkDto }
    },
    handler: async (req) => {
      const id = parseId(req.params.id, 'Meeting');
      const decisionId = parseId(req.params.decisionId, 'Decision');
      const dto = await parseDto(DecisionWorkDto, req.body);
      return meetings.toWork({ ...ctx(req), bearer: req.headers.authorization ?? '' }, id, decisionId, dto);
    },
  });
}
