import type { FastifyRequest } from 'fastify';
import type { Ctx } from './common';

/** Who acts and under which request id: what every write records in its audit entry. */
export const requestCtx = (req: FastifyRequest): Ctx => ({ user: req.user, requestId: req.id });
