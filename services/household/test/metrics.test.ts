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

const count = (text: string, labels: Record<string, string>) => metricValue(text, 'http_request_duration_seconds_count', { service: 'household', ...labels }) ?? 0;

describe('household /metrics (internal port)', () => {
  it('counts a request under its route pattern and shows the pool and the job queues', async () => {
    const labels = { method: 'GET', route: '/api/household/households/:id', status_code: '404' };
    const before = count(await scrape(), labels);
    await request(t.app.server).get('/api/household/households/424242').set({ Authorization: `Bearer ${t.token('admin')}` }).expect(404);
    const text = await scrape();
    expect(count(text, labels) - before).toBe(1);
    expect(text).not.toContain('424242');
    expect(metricValue(text, 'db_pool_connections', { service: 'household', pool: 'primary', state: 'max' })).toBe(30);
    expect(metricValue(text, 'db_pool_connections', { pool: 'primary', state: 'waiting' })).toBe(0);
    expect(metricValue(text, 'db_pool_connections', { pool: 'primary', state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('is not served on the public port', async () => {
    await request(t.app.server).get('/metrics').expect(404);
  });
});
