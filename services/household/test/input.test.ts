import request from 'supertest';
import { IMPORT_BODY_LIMIT, MAX_JSON_DEPTH } from '@redheart/shared';
import { newId, setup, type TestContext, USERS } from './helper';

// Malformed input answered with a 4xx naming the problem, never a 500 (PostgreSQL refuses NUL in
// text; a 20,000-deep body used to overflow the stack of the readers).
let t: TestContext;
beforeAll(async () => {
  t = await setup();
});
afterAll(async () => t.close());

const as = (who: keyof typeof USERS) => ({ Authorization: `Bearer ${t.token(who)}` });
const api = () => request(t.app.server);
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const family = () => [{ name: '张伟', idNumber: newId('M', '1980-02-02'), relation: 'head' }];
const newCase = (over: Record<string, unknown> = {}) => ({
  type: 'collective', applicantName: '张伟', applicantPhone: '13805351234', persons: family(), ...over,
});

describe('NUL and other control characters', () => {
  it('refuses NUL in a query string with 400 INVALID_CHARACTERS naming the parameter', async () => {
    for (const path of ['/api/household/cases?q=%00', '/api/household/households?q=a%00b', '/api/household/separation/tasks?q=%00']) {
      const res = await api().get(path).set(as('clerk'));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'INVALID_CHARACTERS', details: { field: 'query.q' } });
      expect(res.body.message).toContain('query.q');
    }
  });

  it('refuses NUL and other C0 controls in a body, naming the nested field; nothing is written', async () => {
    const before = (await t.ds.query('SELECT count(*)::int AS n FROM move_case'))[0].n;
    const top = await api().post('/api/household/cases').set(as('clerk')).send(newCase({ applicantName: '张\u0000伟' }));
    expect(top.status).toBe(400);
    expect(top.body).toMatchObject({ code: 'INVALID_CHARACTERS', details: { field: 'body.applicantName' } });
    const nested = await api().post('/api/household/cases').set(as('clerk')).send(newCase({ persons: [{ ...family()[0], name: '张\u001b伟' }] }));
    expect(nested.status).toBe(400);
    expect(nested.body.details.field).toBe('body.persons[0].name');
    expect(nested.body.message).toContain('body.persons[0].name');
    const key = await api().post('/api/household/cases').set(as('clerk')).send({ ...newCase(), 'a\u0000': 1 });
    expect(key.status).toBe(400);
    expect(key.body.code).toBe('INVALID_CHARACTERS');
    expect((await t.ds.query('SELECT count(*)::int AS n FROM move_case'))[0].n).toBe(before);
  });

  it('refuses NUL in a path parameter', async () => {
    const res = await api().get('/api/household/cases/1%00').set(as('clerk'));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_CHARACTERS', details: { field: 'params.id' } });
  });

  it('keeps tab, line feed and carriage return, which people type', async () => {
    const res = await api().post('/api/household/cases').set(as('clerk')).send(newCase({ applicantName: '张\t伟' }));
    expect(res.body.code).not.toBe('INVALID_CHARACTERS');
  });

  it('refuses a CSV import whose cells hold NUL with a 400 naming row and column; nothing is written', async () => {
    const before = (await t.ds.query('SELECT count(*)::int AS n FROM household'))[0].n;
    const csv = `户号,社区,户别,地址,姓名,身份证号,与户主关系\n370686100901,,家庭户,龙腾小区1号楼,张\u0000伟,${newId()},户主\n`;
    const res = await api().post('/api/household/import/register').set(as('clerk')).set('Content-Type', 'text/csv').send(Buffer.from(csv));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_CHARACTERS', details: { errors: [{ row: 2, field: '姓名' }] } });
    expect((await t.ds.query('SELECT count(*)::int AS n FROM household'))[0].n).toBe(before);
  });
});

describe('JSON depth', () => {
  it('refuses a body nested 20,000 deep with 400 JSON_TOO_DEEP', async () => {
    const res = await api().post('/api/household/cases').set(as('clerk')).set('Content-Type', 'application/json').send(deep(20_000));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'JSON_TOO_DEEP' });
  });

  it(`reads a body nested ${MAX_JSON_DEPTH} deep (then validates it as usual), and brackets inside strings do not count`, async () => {
    const atLimit = await api().post('/api/household/cases').set(as('clerk')).set('Content-Type', 'application/json').send(`{"a":${deep(MAX_JSON_DEPTH - 1)}}`);
    expect(atLimit.status).toBe(400);
    expect(atLimit.body.code).toBe('VALIDATION_FAILED');
    const inString = await api().post('/api/household/cases').set(as('clerk')).send(newCase({ applicantName: '['.repeat(100) }));
    expect(inString.body.code).not.toBe('JSON_TOO_DEEP');
  });
});

describe('body limits', () => {
  it('refuses a JSON body over 1 MB with a JSON 413', async () => {
    const res = await api().post('/api/household/cases').set(as('clerk')).send(newCase({ applicantName: 'x'.repeat(1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('takes a larger body where the route allows it (the property register, 5 MB)', async () => {
    const properties = Array.from({ length: 8000 }, (_, i) => ({ certificateNo: `鲁(2020)栖霞市不动产权第${i}号`, address: `龙腾小区${i}号楼`.padEnd(60, '某'), owners: [] }));
    const body = JSON.stringify({ properties });
    expect(Buffer.byteLength(body)).toBeGreaterThan(1024 * 1024);
    const res = await api().post('/api/household/separation/properties?dryRun=true').set(as('clerk')).set('Content-Type', 'application/json').send(body);
    expect(res.status).not.toBe(413);
    expect(res.status).toBeLessThan(500);
  });

  it('refuses an import over 10 MB with 413 before reading it', async () => {
    const res = await api().post('/api/household/import/register').set(as('clerk')).set('Content-Type', 'text/csv').send(Buffer.alloc(IMPORT_BODY_LIMIT + 1, 0x61));
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('parses a file with too many rows in the worker and reports its true row count', async () => {
    const lines = ['户号,地址,姓名,身份证号,与户主关系'];
    for (let i = 0; i < 25_000; i++) lines.push(`H${i},龙腾小区,某人,110101199001011234,户主`);
    const res = await api().post('/api/household/import/register?dryRun=true').set(as('clerk')).set('Content-Type', 'text/csv').send(Buffer.from(lines.join('\n')));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'IMPORT_INVALID', details: { rows: 25_000 } });
    expect(res.body.details.errors).toEqual([expect.objectContaining({ row: 1, field: '*' })]);
  });
});
