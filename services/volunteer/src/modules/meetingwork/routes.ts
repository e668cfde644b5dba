import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { notFound, parseDto } from '@redheart/shared';
import type { ItemService } from '../items/service';
import { MeetingWorkDto } from './dto';
import { meetingWorkSchema } from './schemas';
import { MeetingWorkService } from './service';

/**
 * The org service turns a joint committee meeting's decision into work here (never routed by the gateway: the
 * internal secret, which the gateway strips, plus the caller's own token, so the caller's role and scope rules
 * apply as if they had made the item or project themselves; meetingwork/service.ts).
 */
export default async function meetingWorkRoutes(app: FastifyInstance, opts: { items: ItemService; internalToken?: string }) {
  const work = new MeetingWorkService(app.db, opts.items, app.volunteer.communities);
  const expected = opts.internalToken ? Buffer.from(opts.internalToken) : undefined;
  app.addHook('onRequest', async (req) => {
    const given = req.headers['x-internal-token'];
    const buf = typeof given === 'string' ? Buffer.from(given) : undefined;
    if (!expected || !buf || buf.length !== expected.length || !timingSafeEqual(buf, expected)) throw notFound('Route');
  });
  app.addHook('onRequest', app.authenticate);

  app.post('/api/volunteer/internal/meeting-work', {
    schema: { hide: true, response: { 200: meetingWorkSchema, 201: meetingWorkSchema }, dto: { body: MeetingWorkDto } },
    handler: async (req, reply) => {
      const { made, work: answer } = await work.make({ user: req.user, requestId: req.id }, await parseDto(MeetingWorkDto, req.body));
      return reply.status(made ? 201 : 200).send(answer);
    },
  });
}
