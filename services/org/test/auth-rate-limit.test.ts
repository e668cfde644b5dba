import request from 'supertest';
import { seedFixture, setup, type TestContext } from './helper';

let t: TestContext;
beforeAll(async () => {
  t = await setup({ loginRateLimit: 3 });
  await seedFixture(t.ds);
});
afterAll(async () => t.close());

describe('POST /api/auth/login rate limit', () => {
  it('answers 429 once a client exceeds the per-minute limit', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      codes.push((await request(t.app.server).post('/api/auth/login').send({ username: 'member', password: `x${i}` })).status);
    }
    expect(codes.slice(0, 3)).toEqual([401, 401, 401]);
    expect(codes[3]).toBe(429);
    expect((await request(t.app.server).post('/api/auth/login').send({ username: 'MEMBER', password: 'y' })).status).toBe(429);
  });

  it('counts per client and username: another account behind the same address can still log in', async () => {
    const other = await request(t.app.server).post('/api/auth/login').send({ username: 'admin', password: 'wrong' });
    expect(other.status).toBe(401);
  });
});
