import Fastify, { type FastifyInstance } from 'fastify';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { accessToken, buildGateway, startUpstream, type FakeUpstream, type GatewayContext } from './helper';

// The notification service's live stream (GET /api/notify/stream, text/event-stream) through the gateway:
// no token needed here (the service checks the ?ticket=), passed on chunk by chunk (never buffered nor
// compressed), not cut by the short upstream deadline, not counted as a request in flight, and closed
// at the service when the browser goes away.
const DEADLINE_MS = 300;

let org: FakeUpstream;
let notify: FastifyInstance;
let notifyUrl: string;
let gw: GatewayContext;
const hits: string[] = [];
/** The open streams at the fake service, and whether each was closed from the other side. */
const streams: { body: PassThrough; closed: boolean }[] = [];

beforeAll(async () => {
  org = await startUpstream('org');
  notify = Fastify({ forceCloseConnections: true });
  notify.addHook('onRequest', async (req) => {
    if (!req.url.endsWith('/health')) hits.push(`${req.method} ${req.url.split('?', 1)[0]}`);
  });
  notify.get('/api/notify/health', async () => ({ status: 'ok' }));
  notify.post('/api/notify/stream/ticket', async () => ({ ticket: 't', expiresIn: 30 }));
  notify.get('/api/notify/stream', async (req, reply) => {
    const body = new PassThrough();
    const entry = { body, closed: false };
    streams.push(entry);
    req.raw.once('close', () => {
      entry.closed = true;
      body.end();
    });
    body.write(`retry: 3000\n: connected ${(req.query as { ticket?: string }).ticket}\n\n`);
    return reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-store').send(body);
  });
  await notify.listen({ port: 0, host: '127.0.0.1' });
  notifyUrl = `http://127.0.0.1:${(notify.server.address() as AddressInfo).port}`;
  gw = await buildGateway({ upstreams: { org: org.url, household: org.url, volunteer: org.url, notify: notifyUrl }, upstreamTimeoutMs: DEADLINE_MS });
  await gw.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await gw.close();
  await notify.close();
  await org.close();
});

/** Opens the stream through the gateway as a browser would (accepting compression); resolves with the response once the headers arrived. */
function openStream(path: string): Promise<{ res: http.IncomingMessage; req: http.ClientRequest; next: () => Promise<string> }> {
  const { port } = gw.app.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers: { accept: 'text/event-stream', 'accept-encoding': 'gzip, br' } }, (res) => {
      const chunks: string[] = [];
      const waiting: ((s: string) => void)[] = [];
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        const w = waiting.shift();
        if (w) w(c);
        else chunks.push(c);
      });
      const next = () => new Promise<string>((r) => (chunks.length ? r(chunks.shift() as string) : waiting.push(r)));
      resolve({ res, req, next });
    });
    req.on('error', reject);
  });
}

const until = async (pred: () => boolean) => {
  while (!pred()) await new Promise((r) => setTimeout(r, 20));
};

describe('GET /api/notify/stream through the gateway', () => {
  it('needs no token at the gateway (the service checks the ticket); the ticket route and its neighbours still do', async () => {
    await request(gw.app.server).post('/api/notify/stream/ticket').expect(401);
    await request(gw.app.server).get('/api/notify/streams').expect(401);
    await request(gw.app.server).get('/api/notify/stream/').expect(401);
    expect(hits).toEqual([]);
    const ok = await request(gw.app.server).post('/api/notify/stream/ticket').set('authorization', `Bearer ${accessToken(gw.keys)}`);
    expect(ok.status).toBe(200);
    expect(hits).toEqual(['POST /api/notify/stream/ticket']);
  });

  it('passes each event on as it is written, uncompressed, past the upstream deadline, and closes the service’s stream when the browser leaves', async () => {
    const before = streams.length;
    const { res, req, next } = await openStream('/api/notify/stream?ticket=abc');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['content-length']).toBeUndefined();
    expect(await next()).toContain(': connected abc');
    const s = streams[before];
    // longer than the deadline of an ordinary request: the stream is still open and still delivers
    await new Promise((r) => setTimeout(r, DEADLINE_MS * 3));
    s.body.write('id: 7\nevent: notification\ndata: {"id":7}\n\n');
    expect(await next()).toBe('id: 7\nevent: notification\ndata: {"id":7}\n\n');
    s.body.write(': heartbeat\n\n');
    expect(await next()).toBe(': heartbeat\n\n');
    expect(s.closed).toBe(false);
    // the browser goes away: the service's side is closed too
    req.destroy();
    await until(() => s.closed);
  });

  it('an open stream does not count as a request in flight for the balancer', async () => {
    const before = streams.length;
    const { req, next } = await openStream('/api/notify/stream?ticket=x');
    await next();
    const health = await request(gw.app.server).get('/api/health');
    expect(health.body.upstreams.notify.replicas[0].pending).toBe(0);
    // ordinary requests still go through while it is open
    const ok = await request(gw.app.server).post('/api/notify/stream/ticket').set('authorization', `Bearer ${accessToken(gw.keys)}`);
    expect(ok.status).toBe(200);
    req.destroy();
    await until(() => streams[before].closed);
  });
});
