import request from 'supertest';
import { metricsScraper, metricValue } from '@redheart/shared';
import { setup, type TestContext } from './helper';

let t: TestContext;
let scrape: () => Promise<string>;

beforeAll(async () => {
  t = await setup();
  scrape = await metricsScraper(t.app);
});
afterAll(async () => t.close());

const count = (text: string, labels: Record<string, string>) => metricValue(text, 'http_request_duration_seconds_count', { service: 'volunteer', ...labels }) ?? 0;

describe('volunteer /metrics (internal port)', () => {
  it('counts requests under their route pattern (one series for every id) and shows the pool', async () => {
    const labels = { method: 'GET', route: '/api/volunteer/items/:id', status_code: '404' };
    const before = count(await scrape(), labels);
    for (const id of [313131, 323232]) {
      await request(t.app.server).get(`/api/volunteer/items/${id}`).set({ Authorization: `Bearer ${t.token('admin')}` }).expect(404);
    }
    const text = await scrape();
    expect(count(text, labels) - before).toBe(2);
    expect(text).not.toMatch(/313131|323232/);
    expect(metricValue(text, 'db_pool_connections', { service: 'volunteer', pool: 'primary', state: 'max' })).toBe(30);
    expect(metricValue(text, 'db_pool_connections', { pool: 'primary', state: 'waiting' })).toBe(0);
    expect(metricValue(text, 'eventloop_lag_max_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('counts requests that matched no route as one "unmatched" series', async () => {
    const labels = { method: 'GET', route: 'unmatched', status_code: '404' };
    const before = count(await scrape(), labels);
    await request(t.app.server).get('/api/volunteer/no-such/777').expect(404);
    const text = await scrape();
    expect(count(text, labels) - before).toBe(1);
    expect(text).not.toContain('no-such');
  });
});
