import request from 'supertest';
import { newId, setup, type TestContext, USERS } from './helper';

let t: TestContext;
beforeAll(async () => {
  t = await setup();
});
afterAll(async () => t.close());

const as = (who: keyof typeof USERS) => ({ Authorization: `Bearer ${t.token(who)}` });
const api = () => request(t.app.server);
let ip = 0;
/** Each test its own client address (the services trust X-Forwarded-For from the gateway), so the limit is per test. */
const fromNewAddress = () => `10.0.0.${++ip}`;
const lookup = (body: unknown, addr: string) => api().post('/api/household/public/case-lookup').set('x-forwarded-for', addr).send(body as object);

const ID_HEAD = newId('M', '1980-02-02');
async function openCase(phone: string | null) {
  const res = await api().post('/api/household/cases').set(as('clerk')).send({
    type: 'purchased_flat', applicantName: '张卫国', ...(phone ? { applicantPhone: phone } : {}),
    persons: [{ name: '张卫国', idNumber: ID_HEAD, relation: 'head' }],
    newHousehold: { kind: 'family', building: '3', unit: '2', room: '501', address: '庄园街道龙腾小区3号楼2单元501' },
    propertyCertificateNo: `鲁(2020)栖霞市不动产权第${Math.floor(Math.random() * 1e7)}号`,
    provided: ['id_card', 'hukou_booklet'],
  });
  if (res.status !== 201) throw new Error(`create failed ${res.status} ${JSON.stringify(res.body)}`);
  let c = res.body;
  const act = async (body: Record<string, unknown>) => {
    const r = await api().post(`/api/household/cases/${c.id}/transitions`).set(as('clerk')).send({ version: c.version, ...body });
    if (r.status !== 200) throw new Error(`${String(body.action)} failed ${r.status} ${JSON.stringify(r.body)}`);
    c = r.body;
  };
  await act({ action: 'submit' });
  await act({ action: 'request_supplement', missingItems: ['property_certificate', 'purchase_contract'] });
  return c as { id: number; caseNo: string; status: string };
}

describe('POST /api/household/public/case-lookup (居民查件, no login)', () => {
  let c: { id: number; caseNo: string; status: string };
  beforeAll(async () => {
    c = await openCase('0535-138 0535 6789');
  });

  it('shows the case\'s status and steps by its number and the last 4 digits of the phone, without a token; no ID number, the name masked', async () => {
    const r = await lookup({ caseNumber: c.caseNo.toLowerCase(), phoneLast4: '6789' }, fromNewAddress());
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.body).toMatchObject({
      caseNo: c.caseNo, type: 'purchased_flat', status: 'NEEDS_SUPPLEMENT', communityName: '龙腾社区党委', applicantName: '张**', persons: 1,
      missingItems: expect.arrayContaining(['property_certificate', 'purchase_contract']), settledAt: null,
    });
    expect(r.body.steps.map((s: { action: string }) => s.action)).toEqual(['create', 'submit', 'request_supplement']);
    expect(r.body.steps.at(-1)).toMatchObject({ fromStatus: 'SUBMITTED', toStatus: 'NEEDS_SUPPLEMENT' });
    expect(new Date(r.body.steps[0].at).toISOString()).toBe(r.body.steps[0].at);
    const text = JSON.stringify(r.body);
    expect(text).not.toContain(ID_HEAD.slice(6, 14));
    expect(text).not.toContain('张卫国');
    expect(text).not.toContain('6789');
    expect(text).not.toMatch(/clerk|actor/);
  });

  it('answers a wrong phone exactly as an unknown case number (no oracle), and a case without a phone cannot be looked up', async () => {
    const addr = fromNewAddress();
    const wrong = await lookup({ caseNumber: c.caseNo, phoneLast4: '6788' }, addr);
    const unknown = await lookup({ caseNumber: 'HJ2000-999999', phoneLast4: '6789' }, addr);
    expect(wrong.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.code).toBe('CASE_NOT_FOUND');
    const noPhone = await openCase(null);
    const r = await lookup({ caseNumber: noPhone.caseNo, phoneLast4: '0000' }, addr);
    expect(r.status).toBe(404);
    expect(r.body).toEqual(unknown.body);
  });

  it('refuses bad input with 400 naming the field', async () => {
    const addr = fromNewAddress();
    const cases: [unknown, string][] = [
      [{ caseNumber: c.caseNo, phoneLast4: '123' }, 'phoneLast4'],
      [{ caseNumber: c.caseNo, phoneLast4: 'abcd' }, 'phoneLast4'],
      [{ caseNumber: c.caseNo }, 'phoneLast4'],
      [{ caseNumber: 'nope', phoneLast4: '6789' }, 'caseNumber'],
      [{ phoneLast4: '6789' }, 'caseNumber'],
      [{ caseNumber: c.caseNo, phoneLast4: '6789', idNumber: ID_HEAD }, 'idNumber'],
    ];
    for (const [body, field] of cases) {
      const r = await lookup(body, addr);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('VALIDATION_FAILED');
      expect(r.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    // a number of the wrong shape: its own code, which the lookup page words on the number's field
    const shape = await lookup({ caseNumber: 'HJ26-12', phoneLast4: '6789' }, addr);
    expect(shape.body.details).toEqual([expect.objectContaining({ field: 'caseNumber', code: 'caseNumber' })]);
    expect(shape.body.message).toMatch(/HJ2026-000123/);
  });

  it('answers 429 with Retry-After after 10 tries a minute from one address; another address is not affected', async () => {
    const addr = fromNewAddress();
    for (let i = 0; i < 10; i++) {
      const r = await lookup({ caseNumber: c.caseNo, phoneLast4: String(1000 + i) }, addr);
      expect(r.status).toBe(404);
    }
    const over = await lookup({ caseNumber: c.caseNo, phoneLast4: '6789' }, addr);
    expect(over.status).toBe(429);
    expect(over.body.code).toBe('RATE_LIMITED');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // even the right answer is refused while the address is over its budget; elsewhere it works
    const other = await lookup({ caseNumber: c.caseNo, phoneLast4: '6789' }, fromNewAddress());
    expect(other.status).toBe(200);
  });

  it('is in the service\'s OpenAPI document with its body and answers, and needs no token', async () => {
    const doc = (await api().get('/api/household/openapi.json')).body;
    const op = doc.paths['/api/household/public/case-lookup'].post;
    expect(op.security).toEqual([]);
    expect(op.requestBody.content['application/json'].schema.required).toEqual(['caseNumber', 'phoneLast4']);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '429']));
  });
});
