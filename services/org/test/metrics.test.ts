import request from 'supertest';
import { metricsScraper, metricValue } from '@redheart/shared';
import { ALL_USERS, seedFixture, setup, tokens, type Fixture, type TestContext } from './helper';

let t: TestContext;
let f: Fixture;
let tok: Record<string, string>;
let scrape: () => Promise<string>;

beforeAll(async () => {
  t = await setup();
  f = await seedFixture(t.ds);
  tok = await tokens(t.app, ALL_USERS);
  scrape = await metricsScraper(t.app);
});
afterAll(async () => t.close());

const count = (text: string, labels: Record<string, string>) => metricValue(text, 'http_request_duration_seconds_count', { service: 'org', ...labels }) ?? 0;

describe('org /metrics (internal port)', () => {
  it('counts each request under its route pattern and status, not its raw URL', async () => {
    const route = { method: 'GET', route: '/api/org/units/:id' };
    const before = await scrape();
    for (const id of [f.county, f.longteng]) {
      await request(t.app.server).get(`/api/org/units/${id}`).set({ Authorization: `Bearer ${tok.admin}` }).expect(200);
    }
    await request(t.app.server).get('/api/org/units/987654321').set({ Authorization: `Bearer ${tok.admin}` }).expect(404);
    const after = await scrape();
    expect(count(after, { ...route, status_code: '200' }) - count(before, { ...route, status_code: '200' })).toBe(2);
    expect(count(after, { ...route, status_code: '404' }) - count(before, { ...route, status_code: '404' })).toBe(1);
    expect(after).not.toContain('987654321');
    // the sum of durations grew with them
    expect(metricValue(after, 'http_request_duration_seconds_sum', { ...route, status_code: '200' })).toBeGreaterThan(0);
  });

  it('shows the database pool (in use, waiting, max) and the event-loop lag', async () => {
    const held = t.app.db.createQueryRunner();
    await held.connect();
    try {
      const text = await scrape();
      expect(metricValue(text, 'db_pool_connections', { pool: 'primary', state: 'in_use' })).toBeGreaterThanOrEqual(1);
      expect(metricValue(text, 'db_pool_connections', { pool: 'primary', state: 'waiting' })).toBe(0);
      expect(metricValue(text, 'db_pool_connections', { pool: 'primary', state: 'max' })).toBe(20);
      expect(metricValue(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
      expect(metricValue(text, 'eventloop_lag_max_seconds')).toBeGreaterThanOrEqual(0);
      expect(metricValue(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    } finally {
      await held.release();
    }
    // released: the gauge comes back to 0 (the service's own background reads — the session feed's poll, the outbox
    // relay — may hold a connection for a moment, so it is read until they are done)
    let inUse = metricValue(await scrape(), 'db_pool_connections', { pool: 'primary', state: 'in_use' });
    for (let i = 0; inUse !== 0 && i < 200; i++) {
      await new Promise((r) => setTimeout(r, 25));
      inUse = metricValue(await scrape(), 'db_pool_connections', { pool: 'primary', state: 'in_use' });
    }
    expect(inUse).toBe(0);
  });

  it('is not served on the public port', async () => {
    await request(t.app.server).get('/metrics').expect(404);
    await request(t.app.server).get('/api/org/metrics').set({ Authorization: `Bearer ${tok.admin}` }).expect(404);
  });
});
