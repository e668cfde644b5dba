import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify `genReqId`: keep the id the gateway passed on (so one request has one id in every log), else make one. */
export function genReqId(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  const id = Array.isArray(incoming) ? incoming[0] : incoming;
  return id && SAFE.test(id) ? id : randomUUID();
}
