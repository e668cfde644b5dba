import type { FastifyInstance } from 'fastify';
import { parseId, parseQuery } from '@redheart/shared';
import { requireMay } from '../../policy';
import { idParams } from '../../schemas';
import { RangeQuery, UnitListQuery } from './dto';
import { memberCardSchema, unitCardListSchema, unitCardSchema } from './schemas';
import { ScorecardService } from './service';

export default async function scorecardRoutes(app: FastifyInstance) {
  const cards = new ScorecardService(app.dbRead);
  app.addHook('onRequest', app.authenticate);

  app.get<{ Params: { id: string } }>('/api/volunteer/scorecards/units/:id', {
    schema: {
      tags: ['scorecards'], summary: 'A unit’s scorecard (its staff, or communities/streets it reported to, admins)',
      params: idParams, response: { 200: unitCardSchema }, dto: { query: RangeQuery },
    },
    preValidation: requireMay('scorecard.unit.read'),
    handler: async (req) => {
      const unitId = parseId(req.params.id, 'Unit');
      return cards.unitCard(req.user, unitId, await parseQuery(RangeQuery, req.query));
    },
  });

  app.get('/api/volunteer/scorecards/units', {
    schema: {
      tags: ['scorecards'], summary: 'All units that reported to communities in scope, with their scorecards (from, to, q: a unit name; page mode: page, limit → total, in name order)',
      response: { 200: unitCardListSchema }, dto: { query: UnitListQuery },
    },
    preValidation: requireMay('scorecard.unit.list'),
    handler: async (req) => cards.unitCards(req.user, await parseQuery(UnitListQuery, req.query)),
  });

  app.get<{ Params: { id: string } }>('/api/volunteer/scorecards/members/:id', {
    schema: { tags: ['scorecards'], summary: 'A member’s hours and items', params: idParams, response: { 200: memberCardSchema } },
    handler: async (req) => cards.memberCard(req.user, parseId(req.params.id, 'Member')),
  });
}
