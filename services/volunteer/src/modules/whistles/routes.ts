import type { FastifyInstance } from 'fastify';
import { bodyCheckedByDto, parseDto, parseId, parseQuery, requireRole, sendIdempotent } from '@redheart/shared';
import { DEPARTMENT_SCORECARD_READERS, RESPONSE_ACTORS, WHISTLE_RAISERS, WHISTLE_READERS, WHISTLE_RULES } from '../../domain';
import { CreateWhistleDto, DepartmentScorecardQuery, ListWhistlesQuery, ResponseTransitionDto, WhistleTransitionDto } from './dto';
import {
  createBody, departmentScorecardSchema, departmentsSchema, idParams, responseBody, responseParams, transitionBody, whistleDetailSchema, whistleListSchema,
} from './schemas';
import type { WhistleService } from './service';

/**
 * 街呼县应、上下联动: a street whistles an issue to county departments, each answers (报到) by the deadline, overdue
 * answers go up to the county, the street rates them; department scorecards beside the unit scorecards. The rules
 * are WHISTLE_RULES and RESPONSE_RULES in domain.ts.
 */
export default async function whistleRoutes(app: FastifyInstance, opts: { whistles: WhistleService }) {
  const { whistles } = opts;
  app.addHook('onRequest', app.authenticate);
  // A role that may not do something at all is told so (403) before its body or the record is looked at.
  const readers = requireRole(...WHISTLE_READERS);
  const streetActors = requireRole(...new Set(Object.values(WHISTLE_RULES).flatMap((r) => r.roles)));

  app.get('/api/volunteer/whistles/departments', {
    schema: { tags: ['whistles'], summary: 'The county departments a street may whistle to (work units the organisation department marked)', response: { 200: departmentsSchema } },
    preValidation: readers,
    handler: async (req) => whistles.departments(req.user),
  });

  app.get('/api/volunteer/whistles', {
    schema: {
      tags: ['whistles'],
      summary: 'Whistles in scope (a street its own, a community its own and its proposals, a department those sent to it, the county all): status, view=open, q; numbered pages',
      response: { 200: whistleListSchema }, dto: { query: ListWhistlesQuery }
    },
    preValidation: readers,
    handler: async (req) => whistles.list(req.user, await parseQuery(ListWhistlesQuery, req.query)),
  });

  app.post('/api/volunteer/whistles', {
    ...bodyCheckedByDto,
    schema: {
      tags: ['whistles'],
      summary: 'A street whistles an issue to county departments with a deadline (SENT); a community proposes one to its street (PROPOSED); Idempotency-Key supported',
      body: createBody,
      response: { 201: whistleDetailSchema }, dto: { body: CreateWhistleDto }
    },
    preValidation: requireRole(...WHISTLE_RAISERS),
    handler: async (req, reply) => {
      const dto = await parseDto(CreateWhistleDto, req.body);
      return sendIdempotent(app.db, req, reply, 201, (m) => whistles.create({ user: req.user, requestId: req.id }, dto, m));
    },
  });

  app.get<{ Params: { id: string } }>('/api/volunteer/whistles/:id', {
    schema: { tags: ['whistles'], summary: 'A whistle with every department\'s answer, the timeline and the actions you may take', params: idParams, response: { 200: whistleDetailSchema } },
    preValidation: readers,
    handler: async (req) => whistles.detail(app.db.manager, req.user, parseId(req.params.id, 'Whistle')),
  });

  app.post<{ Params: { id: string } }>('/api/volunteer/whistles/:id/transitions', {
    ...bodyCheckedByDto,
    schema: {
      tags: ['whistles'],
      summary: 'The street\'s actions {action: send|decline|withdraw|close, version, …}; stale version → 409',
      params: idParams,
      body: transitionBody,
      response: { 200: whistleDetailSchema }, dto: { body: WhistleTransitionDto }
    },
    preValidation: streetActors,
    handler: async (req, reply) => {
      const id = parseId(req.params.id, 'Whistle');
      const dto = await parseDto(WhistleTransitionDto, req.body);
      return sendIdempotent(app.db, req, reply, 200, (m) => whistles.transition({ user: req.user, requestId: req.id }, id, dto, m), { id });
    },
  });

  app.post<{ Params: { id: string; unitId: string } }>('/api/volunteer/whistles/:id/responses/:unitId/transitions', {
    ...bodyCheckedByDto,
    schema: {
      tags: ['whistles'],
      summary: 'One department\'s answer: its staff accept / act / report / refuse (报到), the street rates or returns it, the county supervises an overdue one (督办); the response\'s version, stale → 409',
      params: responseParams,
      body: responseBody,
      response: { 200: whistleDetailSchema }, dto: { body: ResponseTransitionDto }
    },
    preValidation: requireRole(...RESPONSE_ACTORS),
    handler: async (req, reply) => {
      const id = parseId(req.params.id, 'Whistle');
      const unitId = parseId(req.params.unitId, 'Department');
      const dto = await parseDto(ResponseTransitionDto, req.body);
      return sendIdempotent(app.db, req, reply, 200, (m) => whistles.respond({ user: req.user, requestId: req.id }, id, unitId, dto, m), { id, unitId });
    },
  });

  app.get('/api/volunteer/scorecards/departments', {
    schema: {
      tags: ['scorecards'],
      summary: 'Department scorecards (街呼县应): whistles answered, on time, overdue, refused, returned, average rating; over the whistles you may see (from, to: dates)',
      response: { 200: departmentScorecardSchema }, dto: { query: DepartmentScorecardQuery }
    },
    preValidation: requireRole(...DEPARTMENT_SCORECARD_READERS),
    handler: async (req) => whistles.scorecards(req.user, await parseQuery(DepartmentScorecardQuery, req.query)),
  });
}
