import request from 'supertest';
import { accessToken, buildGateway, makeWebDist, startUpstream, type FakeUpstream, type GatewayContext } from './helper';

let web: ReturnType<typeof makeWebDist>;
let household: FakeUpstream;

beforeAll(async () => {
  web = makeWebDist();
  household = await startUpstream('household');
});
afterAll(async () => {
  web.remove();
  await household.close();
});

describe('security headers', () => {
  let gw: GatewayContext;
  beforeAll(async () => {
    gw = await buildGateway({ webDist: web.dir, upstreams: { org: household.url, household: household.url, volunteer: household.url } });
  });
  afterAll(async () => gw.close());

  it('sends a CSP that allows the self-hosted SPA and Element Plus inline styles, nothing else', async () => {
    const res = await request(gw.app.server).get('/org');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("img-src 'self' data: blob:");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    // plain http here: no upgrade, no HSTS
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('sends them on proxied answers too', async () => {
    const res = await request(gw.app.server).get('/api/household/echo').set('Authorization', `Bearer ${accessToken(gw.keys)}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('CORS: same origin only (no PUBLIC_ORIGIN)', () => {
  let gw: GatewayContext;
  let org: FakeUpstream;
  let volunteer: FakeUpstream;
  beforeAll(async () => {
    [org, volunteer] = await Promise.all([startUpstream('org'), startUpstream('volunteer')]);
    gw = await buildGateway({ webDist: web.dir, upstreams: { org: org.url, household: household.url, volunteer: volunteer.url } });
  });
  afterAll(async () => {
    await gw.close();
    await Promise.all([org.close(), volunteer.close()]);
  });

  it('refuses a preflight from another origin with 403', async () => {
    const res = await request(gw.app.server)
      .options('/api/household/echo')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('CORS_ORIGIN_DENIED');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a state-changing request from another origin before it reaches the service', async () => {
    const before = org.hits.length;
    const res = await request(gw.app.server).post('/api/auth/logout').set('Origin', 'https://evil.example').set('Cookie', 'rh_refresh=x');
    expect(res.status).toBe(403);
    expect(org.hits.length).toBe(before);
  });

  it('lets a same-origin POST through (the browser sends Origin on it)', async () => {
    const res = await request(gw.app.server)
      .post('/api/household/echo')
      .set('Host', 'gw.example:8080')
      .set('Origin', 'http://gw.example:8080')
      .set('Authorization', `Bearer ${accessToken(gw.keys)}`)
      .send({ ok: true });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('adds no CORS headers to a cross-origin GET, so the browser cannot read it', async () => {
    const res = await request(gw.app.server).get('/api/health').set('Origin', 'https://evil.example');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS with PUBLIC_ORIGIN', () => {
  let gw: GatewayContext;
  beforeAll(async () => {
    gw = await buildGateway({
      webDist: web.dir,
      publicOrigin: 'https://app.redheart.example',
      upstreams: { org: household.url, household: household.url, volunteer: household.url },
    });
  });
  afterAll(async () => gw.close());

  it('answers the preflight of that origin', async () => {
    const res = await request(gw.app.server)
      .options('/api/household/echo')
      .set('Origin', 'https://app.redheart.example')
      .set('Access-Control-Request-Method', 'PATCH')
      .set('Access-Control-Request-Headers', 'authorization,content-type');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.redheart.example');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-allow-methods']).toContain('PATCH');
  });

  it('still refuses other origins', async () => {
    const res = await request(gw.app.server).options('/api/household/echo').set('Origin', 'https://app.redheart.example.evil.com').set('Access-Control-Request-Method', 'GET');
    expect(res.status).toBe(403);
  });

  it('switches on upgrade-insecure-requests for an https origin (HSTS only on an answer over TLS)', async () => {
    const res = await request(gw.app.server).get('/');
    expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });
});
