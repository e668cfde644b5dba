import request from 'supertest';
import { setup, type TestContext, USERS } from './helper';

// Malformed input answered with a 4xx naming the problem, never a 500.
let t: TestContext;
beforeAll(async () => {
  t = await setup();
});
afterAll(async () => t.close());

const as = (who: keyof typeof USERS) => ({ Authorization: `Bearer ${t.token(who)}` });
const api = () => request(t.app.server);

describe('malformed input to the volunteer service', () => {
  it('refuses NUL in a query string, on a public page too, with 400 INVALID_CHARACTERS naming the parameter', async () => {
    const items = await api().get('/api/volunteer/items?q=%E6%A5%BC%00').set(as('clerk'));
    expect(items.status).toBe(400);
    expect(items.body).toMatchObject({ code: 'INVALID_CHARACTERS', details: { field: 'query.q' } });
    const pub = await api().get('/api/volunteer/public/pledges?communityId=7%00');
    expect(pub.status).toBe(400);
    expect(pub.body).toMatchObject({ code: 'INVALID_CHARACTERS', details: { field: 'query.communityId' } });
  });

  it('refuses NUL in a body field; nothing is written', async () => {
    const before = (await t.ds.query('SELECT count(*)::int AS n FROM item'))[0].n;
    const res = await api().post('/api/volunteer/items').set(as('grid')).send({ categoryId: t.category, place: '龙腾小区\u00003号楼', description: '楼道照明损坏，老人夜间出行不便' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'INVALID_CHARACTERS', details: { field: 'body.place' } });
    expect(res.body.message).toContain('body.place');
    expect((await t.ds.query('SELECT count(*)::int AS n FROM item'))[0].n).toBe(before);
  });

  it('refuses JSON nested 20,000 deep with 400 JSON_TOO_DEEP, and a body over 1 MB with a JSON 413', async () => {
    const deep = await api().post('/api/volunteer/items').set(as('grid')).set('Content-Type', 'application/json').send(`{"place":${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
    expect(deep.status).toBe(400);
    expect(deep.body.code).toBe('JSON_TOO_DEEP');
    const big = await api().post('/api/volunteer/items').set(as('grid')).send({ categoryId: t.category, place: '某处', description: 'x'.repeat(1024 * 1024) });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit: 1024 * 1024 } });
  });
});
