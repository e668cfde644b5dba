import request from 'supertest';
import { seedFixture, setup, tokens, type TestContext } from './helper';

// Malformed input answered with a 4xx naming the problem, never a 500.
let t: TestContext;
let tk: Record<string, string>;
beforeAll(async () => {
  t = await setup();
  await seedFixture(t.ds);
  tk = await tokens(t.app, ['admin', 'member']);
});
afterAll(async () => t.close());

const api = () => request(t.app.server);

describe('malformed input to the org service', () => {
  it('refuses NUL in a login body with 400 naming the field, before any lookup or failure count', async () => {
    const res = await api().post('/api/auth/login').send({ username: 'admin\u0000', password: 'x' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'INVALID_CHARACTERS', details: { field: 'body.username' } });
    expect(res.body.message).toContain('body.username');
    expect((await api().post('/api/auth/login').send({ username: 'admin', password: 'Qixia@2020' })).status).toBe(200);
  });

  it('refuses NUL and other controls in query strings with 400 INVALID_CHARACTERS', async () => {
    for (const [path, who] of [['/api/org/accounts?q=%00', 'admin'], ['/api/org/catalogue?q=a%07', 'member']] as const) {
      const res = await api().get(path).set('Authorization', `Bearer ${tk[who]}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_CHARACTERS', details: { field: 'query.q' } });
    }
  });

  it('refuses JSON nested 20,000 deep with 400 JSON_TOO_DEEP and a body over 1 MB with 413', async () => {
    const deep = await api().post('/api/auth/login').set('Content-Type', 'application/json').send(`{"username":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`);
    expect(deep.status).toBe(400);
    expect(deep.body.code).toBe('JSON_TOO_DEEP');
    const big = await api().post('/api/auth/login').send({ username: 'admin', password: 'p'.repeat(1024 * 1024) });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
