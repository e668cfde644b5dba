import fp from 'fastify-plugin';
import { REQUEST_ID_HEADER } from '@redheart/shared/dist/request-id';

/**
 * Every answer carries the request's id (Fastify made it with shared `genReqId`: a safe incoming
 * x-request-id is kept, else a new UUID). The proxy passes the same id to the service, so one
 * request has one id in the browser, the gateway log and the service log.
 */
export default fp(
  async (app) => {
    // a callback hook, not an async one: no promise per request
    app.addHook('onRequest', (request, reply, done) => {
      reply.header(REQUEST_ID_HEADER, request.id);
      done();
    });
  },
  { name: 'gateway-request-id' },
);
