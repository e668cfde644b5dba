import request from 'supertest';
import { mergeOpenApi, type OpenApiDocument } from '../src/openapi-merge';
import { buildGateway, closedPortUrl, startUpstream, type FakeUpstream, type GatewayContext } from './helper';

const householdDoc: OpenApiDocument = {
  openapi: '3.0.3',
  info: { title: 'household', version: '1' },
  tags: [{ name: 'cases', description: 'Household cases' }],
  security: [{ bearer: [] }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: {
      Error: { type: 'object', properties: { code: { type: 'string' } } },
      Case: { type: 'object', properties: { id: { type: 'integer' } } },
    },
  },
  paths: {
    '/api/household/cases': {
      get: { tags: ['cases'], responses: { 200: { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Case' } } } } } },
      post: { tags: ['cases'], security: [], responses: { 201: { description: 'created' } } },
    },
  },
};

const orgDoc: OpenApiDocument = {
  openapi: '3.0.3',
  info: { title: 'org', version: '1' },
  security: [{ bearer: [] }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    // same name as household's, different shape: must not overwrite it
    schemas: { Case: { type: 'object', properties: { code: { type: 'string' } } }, Error: { type: 'object', properties: { code: { type: 'string' } } } },
  },
  paths: {
    '/api/org/units/roots': { get: { responses: { 200: { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Case' } } } } } } },
  },
};

describe('mergeOpenApi', () => {
  const own: OpenApiDocument = { openapi: '3.0.3', info: { title: 'gw', version: '1' }, tags: [{ name: 'gateway' }], paths: { '/api/health': { get: { tags: ['gateway'] } } } };

  it('merges paths, tags each operation with its service and keeps the gateway’s own paths', () => {
    const { document, conflicts } = mergeOpenApi(own, [
      { service: 'org', document: orgDoc },
      { service: 'household', document: householdDoc },
      { service: 'volunteer', document: null },
    ]);
    expect(conflicts).toEqual([]);
    expect(Object.keys(document.paths!)).toEqual(['/api/health', '/api/household/cases', '/api/org/units/roots']);
    const cases = document.paths!['/api/household/cases'] as Record<string, Record<string, unknown>>;
    expect(cases.get.tags).toEqual(['household/cases']);
    expect(cases.get['x-service']).toBe('household');
    expect((document.paths!['/api/org/units/roots'] as Record<string, Record<string, unknown>>).get.tags).toEqual(['org']);
    expect(document.tags!.map((t) => t.name)).toEqual(['gateway', 'household/cases', 'org']);
    expect(document['x-upstreams']).toEqual({ org: 'included', household: 'included', volunteer: 'unavailable' });
  });

  it('copies a service’s default security onto operations that set none, and keeps explicit ones', () => {
    const { document } = mergeOpenApi(own, [{ service: 'household', document: householdDoc }]);
    const cases = document.paths!['/api/household/cases'] as Record<string, Record<string, unknown>>;
    expect(cases.get.security).toEqual([{ bearer: [] }]);
    expect(cases.post.security).toEqual([]);
    expect(document.security).toBeUndefined();
  });

  it('shares identical components and renames a clashing one, rewriting that service’s $refs', () => {
    const { document } = mergeOpenApi(own, [
      { service: 'org', document: orgDoc },
      { service: 'household', document: householdDoc },
    ]);
    const schemas = document.components!.schemas;
    expect(Object.keys(schemas).sort()).toEqual(['Case', 'Error', 'household.Case']);
    expect(schemas.Case).toEqual(orgDoc.components!.schemas.Case);
    expect(schemas['household.Case']).toEqual(householdDoc.components!.schemas.Case);
    const get = (document.paths!['/api/household/cases'] as Record<string, { responses: Record<string, { content: Record<string, { schema: unknown }> }> }>).get;
    expect(get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/household.Case' });
    const orgGet = (document.paths!['/api/org/units/roots'] as Record<string, { responses: Record<string, { content: Record<string, { schema: unknown }> }> }>).get;
    expect(orgGet.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Case' });
    expect(Object.keys(document.components!.securitySchemes)).toEqual(['bearer']);
  });

  it('reports a path claimed twice and keeps the first', () => {
    const thief: OpenApiDocument = { paths: { '/api/org/units/roots': { get: { summary: 'stolen' } } } };
    const { document, conflicts } = mergeOpenApi(own, [
      { service: 'org', document: orgDoc },
      { service: 'volunteer', document: thief },
    ]);
    expect(conflicts).toHaveLength(1);
    expect((document.paths!['/api/org/units/roots'] as Record<string, unknown>)['x-service']).toBe('org');
  });

  it('skips a document without paths', () => {
    const { document } = mergeOpenApi(own, [{ service: 'org', document: { error: 'nope' } as OpenApiDocument }]);
    expect(document['x-upstreams']).toEqual({ org: 'unavailable' });
  });
});

describe('GET /api/health', () => {
  let org: FakeUpstream;
  let household: FakeUpstream;
  let gw: GatewayContext;
  beforeAll(async () => {
    org = await startUpstream('org');
    household = await startUpstream('household', { healthStatus: 503 });
  });
  afterAll(async () => {
    await gw?.close();
    await org.close();
    await household.close();
  });

  it('says ok when every service is up', async () => {
    const up = await startUpstream('household');
    const volunteer = await startUpstream('volunteer');
    const all = await buildGateway({ upstreams: { org: org.url, household: up.url, volunteer: volunteer.url } });
    try {
      const res = await request(all.app.server).get('/api/health');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ok');
      for (const name of ['org', 'household', 'volunteer']) {
        expect(res.body.upstreams[name]).toEqual({
          status: 'up',
          latencyMs: expect.any(Number),
          replicas: [{ index: 0, status: 'up', latencyMs: expect.any(Number), inRotation: true, pending: 0 }],
        });
      }
      expect(res.headers['cache-control']).toBe('no-store');
    } finally {
      await all.close();
      await Promise.all([up.close(), volunteer.close()]);
    }
  });

  it('says degraded with 503 and Retry-After (not ready: a load balancer takes the instance out) when a service is down or not ready, without waiting for the down one', async () => {
    gw = await buildGateway({ upstreams: { org: org.url, household: household.url, volunteer: await closedPortUrl() } });
    const res = await request(gw.app.server).get('/api/health');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.status).toBe('degraded');
    expect(res.body.upstreams.org.status).toBe('up');
    expect(res.body.upstreams.household).toMatchObject({ status: 'down', error: 'HTTP 503' });
    expect(res.body.upstreams.volunteer).toMatchObject({ status: 'down', error: 'ECONNREFUSED' });
  });

  it('gives up on a stalled service after the health timeout', async () => {
    const stalled = await startUpstream('volunteer', { healthDelayMs: 5000 });
    const gw3 = await buildGateway({ upstreams: { org: org.url, household: household.url, volunteer: stalled.url }, healthTimeoutMs: 300 });
    try {
      const res = await request(gw3.app.server).get('/api/health');
      expect(res.body.upstreams.volunteer).toMatchObject({ status: 'down', error: 'timeout' });
    } finally {
      await gw3.close();
      await stalled.close();
    }
  });
});

describe('GET /api/openapi.json and /api/docs', () => {
  let org: FakeUpstream;
  let household: FakeUpstream;
  let gw: GatewayContext;
  beforeAll(async () => {
    org = await startUpstream('org', { openapi: orgDoc });
    household = await startUpstream('household', { openapi: householdDoc });
    gw = await buildGateway({ upstreams: { org: org.url, household: household.url, volunteer: await closedPortUrl() } });
  });
  afterAll(async () => {
    await gw.close();
    await org.close();
    await household.close();
  });

  it('merges the services’ documents with the gateway’s own and skips absent services', async () => {
    const res = await request(gw.app.server).get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.0.3');
    expect(Object.keys(res.body.paths)).toEqual(['/api/health', '/api/household/cases', '/api/openapi.json', '/api/org/units/roots']);
    expect(res.body['x-upstreams']).toEqual({ org: 'included', household: 'included', volunteer: 'unavailable' });
    expect(res.body.paths['/api/health'].get.tags).toEqual(['gateway']);
    expect(res.body.components.schemas['household.Case']).toBeDefined();
    // the proxy, SPA and CORS catch-alls are not documented
    expect(Object.keys(res.body.paths).some((p: string) => p.includes('*'))).toBe(false);
  });

  it('does not need a token', async () => {
    expect((await request(gw.app.server).get('/api/openapi.json')).status).toBe(200);
  });

  it('serves Swagger UI at /api/docs over the merged document', async () => {
    for (const path of ['/api/docs', '/api/docs/']) {
      const page = await request(gw.app.server).get(path);
      expect([path, page.status]).toEqual([path, 200]);
      expect(page.text).toContain('swagger-ui');
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    }
    const json = await request(gw.app.server).get('/api/docs/json');
    expect(json.status).toBe(200);
    expect(Object.keys(json.body.paths)).toContain('/api/household/cases');
    const bundle = await request(gw.app.server).get('/api/docs/static/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    const init = await request(gw.app.server).get('/api/docs/static/swagger-initializer.js');
    expect(init.status).toBe(200);
  });
});
