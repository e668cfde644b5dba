import type { FastifyInstance } from 'fastify';
import { parseQuery } from '@redheart/shared';
import { CalendarQuery } from './dto';
import { serviceDaysSchema } from './schemas';
import { ServiceDayService } from './service';

/** 集中服务日: the calendar with the items scheduled, and a roster per convenience desk (servicedays/service.ts). */
export default async function serviceDayRoutes(app: FastifyInstance) {
  const days = new ServiceDayService(app.db, app.volunteer.communities);
  app.addHook('onRequest', app.authenticate);

  app.get('/api/volunteer/service-days', {
    schema: {
      tags: ['service-days'],
      summary: 'The 15th and 25th in a range, with what is scheduled on each and its roster (per desk; each item\'s members with their group and its colour)',
      response: { 200: serviceDaysSchema }, dto: { query: CalendarQuery },
    },
    handler: async (req) => days.calendar(req.user, await parseQuery(CalendarQuery, req.query)),
  });
}
