import request from 'supertest';
import { accessToken, buildGateway, closedPortUrl, type FakeUpstream, type GatewayContext, startUpstream } from './helper';

// Two real replicas of the household service behind one gateway: requests are spread over both, a
// replica that goes away costs no GET, a POST is sent again only with an Idempotency-Key, and with
// every replica gone the gateway answers 503 at once.
describe('gateway balancing across replicas', () => {
  let a: FakeUpstream;
  let b: FakeUpstream;
  let gw: GatewayContext;
  let auth: string;
  beforeEach(async () => {
    a = await startUpstream('household');
    b = await startUpstream('household');
    gw = await buildGateway({ upstreams: { org: await closedPortUrl(), household: [a.url, b.url], volunteer: await closedPortUrl() } });
    auth = `Bearer ${accessToken(gw.keys)}`;
  });
  afterEach(async () => {
    await gw.close();
    await a.close().catch(() => undefined);
    await b.close().catch(() => undefined);
  });
  const echoHits = (u: FakeUpstream) => u.hits.filter((h) => h.includes('/echo')).length;

  it('spreads requests over both replicas', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await request(gw.app.server).get(`/api/household/echo?i=${i}`).set('Authorization', auth);
      expect(res.status).toBe(200);
    }
    expect(echoHits(a) + echoHits(b)).toBe(20);
    expect(echoHits(a)).toBeGreaterThanOrEqual(5);
    expect(echoHits(b)).toBeGreaterThanOrEqual(5);
  });

  it('loses no GET while one replica goes away under load, then sends everything to the other', async () => {
    const statuses: number[] = [];
    let stop = false;
    // 4 clients in a loop, before, during and after the replica is closed
    const load = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const res = await request(gw.app.server).get('/api/household/echo').set('Authorization', auth);
        statuses.push(res.status);
      }
    });
    const waitFor = async (what: () => boolean) => {
      while (!what()) await new Promise((r) => setTimeout(r, 20));
    };
    await waitFor(() => echoHits(a) >= 5 && echoHits(b) >= 5);
    const before = statuses.length;
    await a.close();
    const bAfterClose = echoHits(b);
    await waitFor(() => echoHits(b) >= bAfterClose + 40);
    stop = true;
    await Promise.all(load);
    expect(before).toBeGreaterThan(0);
    expect(statuses.length).toBeGreaterThan(before);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // after the close only b answers
    expect(echoHits(b)).toBeGreaterThan(bAfterClose);
    const health = await request(gw.app.server).get('/api/health');
    expect(health.body.upstreams.household.status).toBe('up');
    expect(health.body.upstreams.household.replicas).toEqual([
      expect.objectContaining({ index: 0, status: 'down', error: 'ECONNREFUSED', inRotation: false }),
      expect.objectContaining({ index: 1, status: 'up', inRotation: true }),
    ]);
  });

  it('sends a POST that could not connect to another replica only when it carries an Idempotency-Key; DELETE always', async () => {
    const downUrl = await closedPortUrl();
    // a gateway whose first replica refuses connections and was not checked yet (no active checks)
    const gw2 = await buildGateway({ upstreams: { org: downUrl, household: [downUrl, b.url], volunteer: downUrl }, healthCheckIntervalMs: 0 });
    const auth2 = `Bearer ${accessToken(gw2.keys)}`;
    try {
      // Round robin starts at replica 0 (the dead one) for the first request; each request that
      // reaches it fails before anything was sent, ejecting it.
      const post = await request(gw2.app.server).post('/api/household/echo').set('Authorization', auth2).send({ x: 1 });
      expect(post.status).toBe(503);
      expect(post.body).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', message: '住户服务暂不可用，请稍后重试' });
      expect(b.hits.filter((h) => h.startsWith('POST'))).toEqual([]);
    } finally {
      await gw2.close();
    }
    const gw3 = await buildGateway({ upstreams: { org: downUrl, household: [downUrl, b.url], volunteer: downUrl }, healthCheckIntervalMs: 0 });
    const auth3 = `Bearer ${accessToken(gw3.keys)}`;
    try {
      const post = await request(gw3.app.server).post('/api/household/echo').set('Authorization', auth3).set('Idempotency-Key', 'k-1').send({ x: 2 });
      expect(post.status).toBe(200);
      // the body went through whole on the second attempt
      expect(post.body).toMatchObject({ method: 'POST', body: { x: 2 }, headers: { 'idempotency-key': 'k-1' } });
    } finally {
      await gw3.close();
    }
    const gw4 = await buildGateway({ upstreams: { org: downUrl, household: [downUrl, b.url], volunteer: downUrl }, healthCheckIntervalMs: 0 });
    try {
      const del = await request(gw4.app.server).delete('/api/household/echo').set('Authorization', `Bearer ${accessToken(gw4.keys)}`);
      expect(del.status).toBe(200);
      expect(del.body.method).toBe('DELETE');
    } finally {
      await gw4.close();
    }
  });

  it('answers 503 UPSTREAM_UNAVAILABLE at once when every replica is down, and takes a replica back when it answers again', async () => {
    const port = Number(new URL(a.url).port);
    await a.close();
    await b.close();
    const res = await request(gw.app.server).get('/api/household/echo').set('Authorization', auth);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    // once the checks (each second) have taken both out, each is still tried (refused at once): the
    // answer does not wait for any deadline (UPSTREAM_TIMEOUT_MS is 5 s here)
    await new Promise((r) => setTimeout(r, 1500));
    const health = await request(gw.app.server).get('/api/health');
    expect(health.body.upstreams.household.replicas.map((r: { inRotation: boolean }) => r.inRotation)).toEqual([false, false]);
    const t = Date.now();
    const res2 = await request(gw.app.server).get('/api/household/echo').set('Authorization', auth);
    expect(res2.status).toBe(503);
    expect(Date.now() - t).toBeLessThan(5000);
    // a replica back on its port is in rotation again after the next check
    const back = await import('fastify').then(({ default: Fastify }) => Fastify());
    back.get('/api/household/health', async () => ({ status: 'ok' }));
    back.get('/api/household/echo', async () => ({ back: true }));
    await back.listen({ port, host: '127.0.0.1' });
    try {
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = (await request(gw.app.server).get('/api/household/echo').set('Authorization', auth)).status;
      }
      expect(status).toBe(200);
    } finally {
      await back.close();
    }
  });
});
