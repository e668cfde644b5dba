import type { FastifyInstance } from 'fastify';
import { pageQueryDoc, parseDto, parseId, parseQuery, sendIdempotent, NO_BODY } from '@redheart/shared';
import { assertMay, requireMay } from '../../policy';
import { CommunityQuery, DryRunQuery, ImportPropertiesDto, ListTasksQuery, TaskTransitionDto } from './dto';
import type { PropertyRegister } from './properties';
import { compareSchema, funnelSchema, importResultSchema, snapshotListSchema, taskListSchema, taskSchema } from './schemas';
import type { SeparationService } from './service';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;

/** 人户分离 / 房户分离: the property register, the comparison, the outreach funnel and its tasks. */
export default async function separationRoutes(app: FastifyInstance, opts: { separation: SeparationService; properties: PropertyRegister }) {
  const { separation, properties } = opts;
  app.addHook('onRequest', app.authenticate);

  app.post('/api/household/separation/properties', {
    schema: {
      tags: ['separation'], summary: 'Load the property register (flats and owners) as JSON: validated all first, then upserted by certificate number; ?dryRun=true only validates',
      response: { 200: importResultSchema, 201: importResultSchema }, dto: { body: ImportPropertiesDto, query: DryRunQuery }
    },
    handler: async (req, reply) => {
      assertMay(req.user, 'importRegisters');
      const q = await parseQuery(DryRunQuery, req.query);
      const dto = await parseDto(ImportPropertiesDto, req.body);
      const input = dto.properties.map((p, i) => ({
        row: i + 1, certificateNo: p.certificateNo, community: p.community ?? p.communityId, address: p.address, building: p.building, unit: p.unit,
        room: p.room, area: p.area, gridCode: p.gridCode, owners: p.owners.map((o) => ({ row: i + 1, name: o.name, idNumber: o.idNumber })),
      }));
      const dryRun = q.dryRun === 'true';
      const out = await app.db.transaction((m) => properties.import(m, { user: req.user, requestId: req.id }, input, input.length, dryRun));
      return reply.status(dryRun ? 200 : 201).send(out);
    },
  });

  app.post('/api/household/separation/compare', {
    schema: {
      tags: ['separation'], summary: 'Compare the property register with the household register: a snapshot of the rates, and an outreach task per separated owner (a second run adds none)',
      response: { 200: compareSchema }, dto: { body: NO_BODY, query: CommunityQuery }
    },
    handler: async (req) => {
      assertMay(req.user, 'compareRegisters');
      const q = await parseQuery(CommunityQuery, req.query);
      return app.db.transaction(async (m) => {
        const communities = await separation.targetCommunities(m, req.user, q.communityId);
        return separation.compare(m, { username: req.user.username, user: req.user, requestId: req.id }, communities);
      });
    },
  });

  app.get('/api/household/separation/funnel', {
    schema: { tags: ['separation'], summary: 'Outreach funnel per grid: identified, contacted, applied, settled, declined, and rates of identified', response: { 200: funnelSchema }, dto: { query: CommunityQuery } },
    handler: async (req) => separation.funnel(req.user, (await parseQuery(CommunityQuery, req.query)).communityId),
  });

  app.get('/api/household/separation/snapshots', {
    schema: { tags: ['separation'], summary: 'Every comparison (oldest first): the separation rates over time', response: { 200: snapshotListSchema }, dto: { query: CommunityQuery } },
    handler: async (req) => separation.snapshots(req.user, (await parseQuery(CommunityQuery, req.query)).communityId),
  });

  app.get('/api/household/separation/tasks', {
    schema: { tags: ['separation'], summary: 'Outreach tasks in scope by grid, status and kind: keyset by id (?after=&limit=, → nextAfter), or ' + pageQueryDoc, response: { 200: taskListSchema }, dto: { query: ListTasksQuery } },
    handler: async (req) => separation.listTasks(req.user, await parseQuery(ListTasksQuery, req.query)),
  });

  app.get<{ Params: { id: string } }>('/api/household/separation/tasks/:id', {
    schema: { tags: ['separation'], summary: 'One outreach task with the actions you may take', params: idParams, response: { 200: taskSchema } },
    handler: async (req) => separation.getTask(req.user, parseId(req.params.id, 'Task')),
  });

  app.post<{ Params: { id: string } }>('/api/household/separation/tasks/:id/transitions', {
    schema: {
      tags: ['separation'], summary: '{action: contact|apply|settle|decline, version, caseId?, note?}; settle needs a SETTLED move-in of the same person; stale or wrong state → 409; Idempotency-Key supported',
      params: idParams, response: { 200: taskSchema }, dto: { body: TaskTransitionDto }
    },
    preValidation: requireMay('workTasks'),
    handler: async (req, reply) => {
      const id = parseId(req.params.id, 'Task');
      const dto = await parseDto(TaskTransitionDto, req.body);
      // A grid worker on a phone retries on a flaky connection: the same key gets the first answer.
      return sendIdempotent(app.db, req, reply, 200, (m) => separation.transition({ user: req.user, requestId: req.id }, id, dto, m), { id });
    },
  });
}
