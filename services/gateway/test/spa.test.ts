import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import request from 'supertest';
import { buildGateway, makeWebDist, type GatewayContext } from './helper';

describe('the SPA from WEB_DIST', () => {
  let web: ReturnType<typeof makeWebDist>;
  let gw: GatewayContext;
  beforeAll(async () => {
    web = makeWebDist();
    gw = await buildGateway({ webDist: web.dir });
  });
  afterAll(async () => {
    await gw.close();
    web.remove();
  });

  it('serves index.html at / without long-term caching', async () => {
    const res = await request(gw.app.server).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('<div id="app">SPA</div>');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it.each(['/org', '/desk/abc', '/coverage', '/org/units/17?tab=grids', '/%E7%BA%A2%E5%BF%83'])('falls back to index.html for the client route %s', async (path) => {
    const res = await request(gw.app.server).get(path).set('Accept', 'text/html,application/xhtml+xml');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<div id="app">SPA</div>');
  });

  it('falls back for a client route even without an Accept header', async () => {
    expect((await request(gw.app.server).get('/desk/QX-0001')).text).toContain('SPA');
  });

  it('serves hashed assets with immutable caching', async () => {
    const res = await request(gw.app.server).get('/assets/index-abc123.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.text).toBe('console.log("app")');
    expect(res.headers['cache-control']).toMatch(/max-age=31536000/);
    expect(res.headers['cache-control']).toMatch(/immutable/);
  });

  it('serves the build\'s precompressed copy that the browser accepts, the plain file to others', async () => {
    const source = `console.log(${JSON.stringify('红心社区 '.repeat(400))})`;
    writeFileSync(join(web.dir, 'assets', 'big-abc123.js'), source);
    writeFileSync(join(web.dir, 'assets', 'big-abc123.js.br'), brotliCompressSync(source));
    writeFileSync(join(web.dir, 'assets', 'big-abc123.js.gz'), gzipSync(source));
    // supertest decodes what it is sent; the headers tell what crossed the wire.
    const br = await request(gw.app.server).get('/assets/big-abc123.js').set('Accept-Encoding', 'gzip, deflate, br');
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['cache-control']).toMatch(/immutable/);
    expect(Number(br.headers['content-length'])).toBe(brotliCompressSync(source).length);
    expect(br.text).toBe(source);

    const gz = await request(gw.app.server).get('/assets/big-abc123.js').set('Accept-Encoding', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(Number(gz.headers['content-length'])).toBe(gzipSync(source).length);
    expect(gz.text).toBe(source);

    const plain = await request(gw.app.server).get('/assets/big-abc123.js').set('Accept-Encoding', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(Number(plain.headers['content-length'])).toBe(Buffer.byteLength(source));
    expect(plain.text).toBe(source);
  });

  it('serves other files revalidated', async () => {
    const res = await request(gw.app.server).get('/favicon.svg');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('answers HEAD like GET', async () => {
    const res = await request(gw.app.server).head('/org');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });

  it('returns 404 (not index.html) for a missing asset', async () => {
    const res = await request(gw.app.server).get('/assets/index-old999.js').set('Accept', '*/*');
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('SPA');
    expect((await request(gw.app.server).get('/missing.css')).status).toBe(404);
  });

  it('never serves dotfiles or paths outside WEB_DIST', async () => {
    for (const path of ['/.env', '/assets/../.env', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd', '/assets/%2e%2e%2f.env']) {
      const res = await request(gw.app.server).get(path);
      expect([path, res.text.includes('SECRET')]).toEqual([path, false]);
      expect(res.text).not.toContain('root:');
    }
  });

  it('returns a JSON 404 for unknown /api/ paths, whatever the method', async () => {
    for (const [method, path] of [['get', '/api/nope'], ['get', '/api'], ['post', '/api/nope'], ['delete', '/api/health/x']] as const) {
      const res = await request(gw.app.server)[method](path).set('Accept', 'text/html');
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body).toMatchObject({ statusCode: 404, code: 'ROUTE_NOT_FOUND' });
    }
  });

  it('returns 404 JSON for a non-GET outside /api/', async () => {
    const res = await request(gw.app.server).post('/org').send({});
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('when WEB_DIST has no index.html', () => {
  it('serves a 503 page explaining how to build the SPA, and the API still works', async () => {
    const web = makeWebDist(false);
    const gw = await buildGateway({ webDist: web.dir });
    try {
      for (const path of ['/', '/org']) {
        const res = await request(gw.app.server).get(path).set('Accept', 'text/html');
        expect(res.status).toBe(503);
        expect(res.headers['content-type']).toMatch(/text\/html/);
        expect(res.text).toContain('npm run build -w web');
      }
      expect((await request(gw.app.server).get('/assets/index-abc123.js')).status).toBe(200);
      // The API answers JSON (here 503 degraded: no service runs behind this gateway), not the page.
      const health = await request(gw.app.server).get('/api/health');
      expect(health.status).toBe(503);
      expect(health.body.status).toBe('degraded');
    } finally {
      await gw.close();
      web.remove();
    }
  });

  it('also when the folder does not exist at all', async () => {
    const gw = await buildGateway({ webDist: '/nonexistent/web/dist' });
    try {
      const res = await request(gw.app.server).get('/coverage');
      expect(res.status).toBe(503);
      expect(res.text).toContain('npm run build -w web');
    } finally {
      await gw.close();
    }
  });
});
