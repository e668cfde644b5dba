import request from 'supertest';
import { metricsScraper, metricValue } from '@redheart/shared';
import { isMetricsPath } from '../src/upstreams';
import { accessToken, buildGateway, startUpstream, type FakeUpstream, type GatewayContext } from './helper';

let household: FakeUpstream;
let volunteer: FakeUpstream;
let org: FakeUpstream;
let gw: GatewayContext;
let bearer: string;
let scrape: () => Promise<string>;

beforeAll(async () => {
  household = await startUpstream('household');
  volunteer = await startUpstream('volunteer');
  org = await startUpstream('org');
  gw = await buildGateway({ upstreams: { org: org.url, household: household.url, volunteer: volunteer.url } });
  bearer = `Bearer ${accessToken(gw.keys)}`;
  scrape = await metricsScraper(gw.app);
});
afterAll(async () => {
  await gw.close();
  await Promise.all([household.close(), volunteer.close(), org.close()]);
});

describe('metrics paths from outside', () => {
  const paths = ['/metrics', '/metrics?x=1', '/METRICS', '//metrics', '/api/metrics', '/api/org/metrics', '/api/household/metrics', '/api/volunteer/metrics/x',
    '/api/Org/%6Detrics', '/api//volunteer//metrics', '/api/auth/metrics', '/metrics.txt'];

  it.each(paths)('%s is a 404 and never reaches a service, token or not', async (path) => {
    const hitsBefore = [org, household, volunteer].map((u) => u.hits.length);
    for (const headers of [{}, { Authorization: bearer }]) {
      const res = await request(gw.app.server).get(path).set(headers);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    }
    expect([org, household, volunteer].map((u) => u.hits.length)).toEqual(hitsBefore);
  });

  it('leaves other paths alone', () => {
    for (const p of ['/api/volunteer/items/metrics-report', '/api/org/units/1/metricsx', '/assets/metrics-abc.js', '/api/household/echo?metrics=1']) expect(isMetricsPath(p)).toBe(false);
  });
});

describe('the gateway\'s own metrics (internal port)', () => {
  it('counts proxied requests by route pattern and status, and its own routes', async () => {
    const before = await scrape();
    await request(gw.app.server).get('/api/household/echo?id=qq7zz').set('Authorization', bearer).expect(200);
    await request(gw.app.server).get('/api/household/unavailable').set('Authorization', bearer).expect(503);
    await request(gw.app.server).get('/api/health').expect(200);
    const after = await scrape();
    const count = (text: string, labels: Record<string, string>) => metricValue(text, 'http_request_duration_seconds_count', { service: 'gateway', method: 'GET', ...labels }) ?? 0;
    const route = /route="(\/api\/household[^"]*)"/.exec(after)?.[1];
    expect(route).toBeDefined();
    expect(route).not.toContain('echo');
    expect(count(after, { route: route!, status_code: '200' }) - count(before, { route: route!, status_code: '200' })).toBe(1);
    expect(count(after, { route: route!, status_code: '503' }) - count(before, { route: route!, status_code: '503' })).toBe(1);
    expect(count(after, { route: '/api/health', status_code: '200' }) - count(before, { route: '/api/health', status_code: '200' })).toBe(1);
    expect(after).not.toMatch(/qq7zz|echo/);
    // no database of its own: no pool series
    expect(metricValue(after, 'db_pool_connections')).toBeUndefined();
    expect(metricValue(after, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });
});
