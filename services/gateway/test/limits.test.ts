import request from 'supertest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_BODY_LIMIT, IMPORT_BODY_LIMIT } from '@redheart/shared';
import { accessToken, buildGateway, startUpstream, type FakeUpstream, type GatewayContext } from './helper';

// Body limits and deadlines at the gateway: an oversize body is a JSON 413 from the gateway itself
// (it never reaches a service, whose early refusal would break the proxied stream into a 502), and
// imports / exports wait longer than the short deadline meant for stalled services.
let household: FakeUpstream;
let org: FakeUpstream;
let gw: GatewayContext;
let bearer: string;

beforeAll(async () => {
  household = await startUpstream('household', { slowMs: 1200 });
  org = await startUpstream('org');
  gw = await buildGateway({ upstreams: { org: org.url, household: household.url, volunteer: org.url }, upstreamTimeoutMs: 400 });
  bearer = `Bearer ${accessToken(gw.keys)}`;
});
afterAll(async () => {
  await gw.close();
  await Promise.all([household.close(), org.close()]);
});

/** A raw HTTP request with a chunked body (no Content-Length), as supertest cannot send one. */
async function sendChunked(path: string, chunks: Buffer[], headers: Record<string, string>): Promise<{ status: number; body: string }> {
  await gw.app.listen({ port: 0, host: '127.0.0.1' }).catch(() => undefined);
  const { port } = gw.app.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    (async () => {
      for (const c of chunks) {
        if (!req.write(c)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })().catch(reject);
  });
}

describe('body limits at the gateway', () => {
  it('answers a JSON body over 1 MB with a JSON 413 naming the limit, without calling the service', async () => {
    const before = household.hits.length;
    const big = JSON.stringify({ name: 'x'.repeat(DEFAULT_BODY_LIMIT + 10) });
    const res = await request(gw.app.server).post('/api/household/echo').set('Authorization', bearer).set('Content-Type', 'application/json').send(big);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE', details: { limit: DEFAULT_BODY_LIMIT } });
    expect(res.body.message).toMatch(/1 MB/);
    expect(household.hits.length).toBe(before);
  });

  it('answers a 10 MB JSON body with 413 (it used to be a 502)', async () => {
    const res = await request(gw.app.server).post('/api/org/echo').set('Authorization', bearer).set('Content-Type', 'application/json')
      .send(JSON.stringify({ rows: 'y'.repeat(10 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('lets a body under its route limit through: 3 MB to an import (10 MB limit), and refuses one over 10 MB', async () => {
    const ok = await request(gw.app.server).post('/api/household/import/register').set('Authorization', bearer).set('Content-Type', 'text/csv')
      .send(Buffer.alloc(3 * 1024 * 1024, 0x61));
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ bytes: 3 * 1024 * 1024 });
    const tooBig = await request(gw.app.server).post('/api/household/import/register').set('Authorization', bearer).set('Content-Type', 'text/csv')
      .send(Buffer.alloc(IMPORT_BODY_LIMIT + 1, 0x61));
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit: IMPORT_BODY_LIMIT } });
  });

  it('counts a chunked body (no Content-Length): refused with 413 past the limit, passed on whole under it', async () => {
    const headers = { authorization: bearer, 'content-type': 'application/json' };
    const over = await sendChunked('/api/household/echo', Array.from({ length: 20 }, () => Buffer.alloc(64 * 1024, 0x20)), headers);
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    const under = await sendChunked('/api/household/echo', [Buffer.from('{"name":'), Buffer.from('"张三"}')], headers);
    expect(under.status).toBe(200);
    expect(JSON.parse(under.body).body).toEqual({ name: '张三' });
  });

  it('gives a client that goes on sending its oversize body the 413, not a broken pipe', async () => {
    await gw.app.listen({ port: 0, host: '127.0.0.1' }).catch(() => undefined);
    const { port } = gw.app.server.address() as AddressInfo;
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/api/household/echo`, {
        method: 'POST', headers: { authorization: bearer, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x'.repeat(10 * 1024 * 1024) }),
      });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    }
  });

  it('checks the token before the size: an anonymous oversize body is a 401', async () => {
    const res = await request(gw.app.server).post('/api/household/echo').set('Content-Type', 'application/json').send(JSON.stringify({ x: 'z'.repeat(2 * 1024 * 1024) }));
    expect(res.status).toBe(401);
  });
});

describe('deadlines at the gateway', () => {
  it('cuts a stalled ordinary request at the short deadline (504) but waits for an export that takes longer', async () => {
    const stalled = await request(gw.app.server).get('/api/household/slow').set('Authorization', bearer);
    expect(stalled.status).toBe(504);
    const exported = await request(gw.app.server).get('/api/household/export/late.xlsx').set('Authorization', bearer);
    expect(exported.status).toBe(200);
    expect(exported.body).toEqual({ late: true });
  });
});
