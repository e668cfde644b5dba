import request from 'supertest';
import { C, setup, type TestContext, USERS } from './helper';

let t: TestContext;
const SERVICES = [
  { id: 9001, code: 'QX-JY-001', name: '就业创业证申领', category: '就业创业', materials: ['居民身份证', '近期一寸免冠彩色照片1张', '《就业创业登记表》'], timeLimitDays: 1 },
  { id: 9002, code: 'QX-SB-001', name: '城乡居民基本养老保险参保登记', category: '社会保险', materials: ['居民身份证', '户口簿'], timeLimitDays: 0 },
  { id: 9003, code: 'QX-YL-004', name: '高龄津贴申领', category: '养老服务', materials: ['居民身份证', '户口簿', '本人银行账户（一卡通）'], timeLimitDays: 15 },
];
beforeAll(async () => {
  t = await setup();
  await t.app.catalogue.upsert(t.ds.manager, SERVICES);
});
afterAll(async () => t.close());

const as = (who: keyof typeof USERS) => ({ Authorization: `Bearer ${t.token(who)}` });
const api = () => request(t.app.server);
const ALL = SERVICES[0].materials;

async function createApp(over: Record<string, unknown> = {}, who: keyof typeof USERS = 'clerk') {
  const res = await api().post('/api/household/service-applications').set(as(who)).send({
    serviceId: 9001, applicantName: '王秀英', applicantPhone: '13905358888', provided: ALL, ...over,
  });
  if (res.status !== 201) throw new Error(`create failed ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
const act = (id: number, body: Record<string, unknown>, who: keyof typeof USERS = 'clerk') =>
  api().post(`/api/household/service-applications/${id}/transitions`).set(as(who)).send(body);

describe('一网通办 service applications', () => {
  it('takes an application with the service\'s materials as a checklist, a light, a timeline and an audit entry', async () => {
    const a = await createApp({ provided: ['居民身份证'] });
    expect(a).toMatchObject({
      status: 'SUBMITTED', serviceId: 9001, serviceCode: 'QX-JY-001', serviceName: '就业创业证申领', communityId: C.longteng, communityName: '龙腾社区党委',
      applicantName: '王秀英', applicantPhone: '13905358888', version: 1, light: 'green', timeLimitDays: 1,
    });
    expect(a.applicationNo).toMatch(/^FW\d{4}-\d{6}$/);
    expect(a.checklist).toEqual([
      { item: '居民身份证', provided: true }, { item: '近期一寸免冠彩色照片1张', provided: false }, { item: '《就业创业登记表》', provided: false },
    ]);
    expect(a.missingItems).toEqual(['近期一寸免冠彩色照片1张', '《就业创业登记表》']);
    expect(a.allowedActions).toEqual(['request_supplement', 'accept', 'reject', 'withdraw']);
    expect(a.timeline).toHaveLength(1);
    expect(a.timeline[0]).toMatchObject({ action: 'create', toStatus: 'SUBMITTED', actorUsername: 'clerk.longteng' });
    const audit = await t.ds.query(`SELECT action, entity_type FROM audit_entry WHERE entity_type = 'service_application' AND entity_id = $1`, [String(a.id)]);
    expect(audit).toEqual([{ action: 'service_application.create', entity_type: 'service_application' }]);
  });

  it('goes supplement → accept → hand over to the county department → done, each step on the timeline and in the audit', async () => {
    let a = await createApp({ provided: ['居民身份证'] });
    // Accepting with materials missing is refused, naming them.
    const early = await act(a.id, { action: 'accept', version: a.version });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('MATERIALS_INCOMPLETE');
    expect(early.body.details.missing).toEqual(['近期一寸免冠彩色照片1张', '《就业创业登记表》']);

    let r = await act(a.id, { action: 'request_supplement', version: a.version, note: '请补交照片和登记表' });
    expect(r.status).toBe(200);
    a = r.body;
    expect(a).toMatchObject({ status: 'NEEDS_SUPPLEMENT', light: 'none', version: 2 });
    expect(a.allowedActions).toEqual(['supplement', 'reject', 'withdraw']);

    r = await act(a.id, { action: 'supplement', version: a.version, provided: ['近期一寸免冠彩色照片1张', '《就业创业登记表》'] });
    expect(r.status).toBe(200);
    a = r.body;
    expect(a.status).toBe('SUBMITTED');
    expect(a.missingItems).toEqual([]);

    r = await act(a.id, { action: 'accept', version: a.version });
    expect(r.status).toBe(200);
    a = r.body;
    expect(a).toMatchObject({ status: 'ACCEPTED', light: 'green' });
    expect(a.acceptedAt).toEqual(expect.any(String));
    expect(new Date(a.dueAt).getTime() - new Date(a.acceptedAt).getTime()).toBe(86400_000);

    const noDept = await act(a.id, { action: 'hand_over', version: a.version });
    expect(noDept.status).toBe(400);
    expect(noDept.body.details).toEqual([{ field: 'department', code: 'required', errors: ['必填'] }]);
    expect(noDept.body.message).toMatch(/department/);

    r = await act(a.id, { action: 'hand_over', version: a.version, department: '栖霞市人力资源和社会保障局' });
    expect(r.status).toBe(200);
    a = r.body;
    expect(a).toMatchObject({ status: 'HANDED_OVER', department: '栖霞市人力资源和社会保障局' });
    expect(a.allowedActions).toEqual(['complete', 'reject']);

    r = await act(a.id, { action: 'complete', version: a.version, result: '就业创业证已制发，编号 3706860012345' });
    expect(r.status).toBe(200);
    a = r.body;
    expect(a).toMatchObject({ status: 'DONE', light: 'none', result: '就业创业证已制发，编号 3706860012345', allowedActions: [] });
    expect(a.timeline.map((e: { action: string }) => e.action)).toEqual(['create', 'request_supplement', 'supplement', 'accept', 'hand_over', 'complete']);
    const audit: { action: string }[] = await t.ds.query(`SELECT action FROM audit_entry WHERE entity_type = 'service_application' AND entity_id = $1 ORDER BY id`, [String(a.id)]);
    expect(audit.map((x) => x.action)).toEqual([
      'service_application.create', 'service_application.request_supplement', 'service_application.supplement', 'service_application.accept',
      'service_application.hand_over', 'service_application.complete',
    ]);
  });

  it('refuses transitions the table does not allow: wrong state 409, stale version 409, missing reason 400, a role 403', async () => {
    const a = await createApp();
    const wrong = await act(a.id, { action: 'complete', version: a.version });
    expect(wrong.status).toBe(409);
    expect(wrong.body.code).toBe('WRONG_STATE');
    const handOverEarly = await act(a.id, { action: 'hand_over', version: a.version, department: '栖霞市民政局' });
    expect(handOverEarly.body.code).toBe('WRONG_STATE');
    const accepted = (await act(a.id, { action: 'accept', version: a.version })).body;
    const stale = await act(a.id, { action: 'complete', version: a.version });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('STALE_VERSION');
    const noReason = await act(a.id, { action: 'reject', version: accepted.version });
    expect(noReason.status).toBe(400);
    expect(noReason.body.details[0].field).toBe('reason');
    const nothing = await act(a.id, { action: 'request_supplement', version: accepted.version });
    expect(nothing.body.code).toBe('WRONG_STATE');
    // a street admin reads but does not act; a grid worker does not even read
    expect((await act(a.id, { action: 'complete', version: accepted.version }, 'street')).status).toBe(403);
    expect((await act(a.id, { action: 'complete', version: accepted.version }, 'grid')).status).toBe(403);
    const rejected = await act(a.id, { action: 'reject', version: accepted.version, reason: '申请人不符合条件' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'REJECTED', allowedActions: [] });
    expect((await act(a.id, { action: 'complete', version: rejected.body.version })).body.code).toBe('WRONG_STATE');
    // a 即办 service (0 days) gets the day
    const quick = await createApp({ serviceId: 9002, provided: ['居民身份证', '户口簿'] });
    const qa = (await act(quick.id, { action: 'accept', version: quick.version })).body;
    expect(new Date(qa.dueAt).getTime() - new Date(qa.acceptedAt).getTime()).toBe(86400_000);
    const done = await act(quick.id, { action: 'complete', version: qa.version });
    expect(done.body.status).toBe('DONE');
  });

  it('answers bad input with 400 naming the field in zh-CN, and writes nothing', async () => {
    const before = (await t.ds.query(`SELECT count(*)::int AS n FROM service_application`))[0].n;
    const post = (body: unknown) => api().post('/api/household/service-applications').set(as('clerk')).send(body as object);
    let r = await post({ applicantName: '王秀英' });
    expect(r.status).toBe(400);
    expect(r.body.details.map((d: { field: string }) => d.field)).toContain('serviceId');
    expect(r.body.message).toMatch(/serviceId/);
    expect(r.body.message).toMatch(/目录清单/);
    r = await post({ serviceId: 9001, applicantName: '', applicantPhone: 'abc' });
    expect(r.status).toBe(400);
    expect(r.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['applicantName', 'applicantPhone']);
    expect(r.body.message).toMatch(/申请人姓名/);
    r = await post({ serviceId: 424242, applicantName: '王秀英' });
    expect(r.status).toBe(400);
    expect(r.body.details).toEqual([{ field: 'serviceId', code: 'invalid', errors: ['不在目录清单中'] }]);
    r = await post({ serviceId: 9001, applicantName: '王秀英', provided: ['结婚证'] });
    expect(r.status).toBe(400);
    // the field named, with a code and params the SPA words it from (the service, the items it does not ask for)
    expect(r.body.details).toEqual([{ field: 'provided', code: 'notRequiredMaterial', params: { service: expect.any(String), items: ['结婚证'] }, errors: ['结婚证'] }]);
    expect(r.body.details[0].params.service).toMatch(/[\u4e00-\u9fff]/);
    r = await post({ serviceId: 9001, applicantName: '王秀英', extra: 1 });
    expect(r.status).toBe(400);
    const a = await createApp();
    const bad = await act(a.id, { action: 'teleport', version: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['action', 'version']);
    const q = await api().get('/api/household/service-applications?status=LOST').set(as('clerk'));
    expect(q.status).toBe(400);
    expect(q.body.details[0].field).toBe('status');
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM service_application`))[0].n).toBe(before + 1);
  });

  it('keeps to scope: a clerk their community, a street admin their street, the county admin all; 404 outside', async () => {
    const longteng = await createApp();
    const cuiting = await createApp({ applicantName: '刘芳' }, 'clerkCuiting');
    expect(cuiting.communityId).toBe(C.cuiting);
    for (const [who, id] of [['clerk', cuiting.id], ['street', cuiting.id], ['clerkCuiting', longteng.id], ['streetCuiping', longteng.id], ['clerkWanda', longteng.id]] as const) {
      expect((await api().get(`/api/household/service-applications/${id}`).set(as(who))).status).toBe(404);
    }
    expect((await act(longteng.id, { action: 'accept', version: 1 }, 'clerkCuiting')).status).toBe(404);
    expect((await act(cuiting.id, { action: 'accept', version: 1 }, 'clerk')).status).toBe(404);
    expect((await api().get(`/api/household/service-applications/${longteng.id}`).set(as('street'))).status).toBe(200);
    expect((await api().get(`/api/household/service-applications/${cuiting.id}`).set(as('admin'))).status).toBe(200);
    expect((await api().get('/api/household/service-applications/99999999').set(as('admin'))).status).toBe(404);
    // the list holds only what is in scope; a filter naming a community outside is 404
    const mine = await api().get('/api/household/service-applications?limit=100').set(as('clerk'));
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((x: { communityId: number }) => x.communityId === C.longteng)).toBe(true);
    expect(mine.body.total).toBeGreaterThanOrEqual(mine.body.items.length);
    const street = await api().get('/api/household/service-applications?limit=100').set(as('street'));
    expect(street.body.items.every((x: { communityId: number }) => x.communityId === C.longteng || x.communityId === C.wanda)).toBe(true);
    expect((await api().get(`/api/household/service-applications?communityId=${C.cuiting}`).set(as('clerk'))).status).toBe(404);
    const all = await api().get(`/api/household/service-applications?q=${cuiting.applicationNo}`).set(as('admin'));
    expect(all.body.items.map((x: { id: number }) => x.id)).toEqual([cuiting.id]);
    // roles without the service (grid worker, member, unit staff) get 403
    for (const who of ['grid', 'member', 'unit'] as const) {
      expect((await api().get('/api/household/service-applications').set(as(who))).status).toBe(403);
    }
    expect((await api().get('/api/household/service-applications')).status).toBe(401);
    // a clerk of another community cannot take an application for 龙腾
    const r = await api().post('/api/household/service-applications').set(as('clerkCuiting')).send({ serviceId: 9001, applicantName: '王秀英', communityId: C.longteng });
    expect(r.status).toBe(404);
  });

  it('counts per service and per community, in scope, with overdue ones by the same rule as the light', async () => {
    const a = await createApp({ serviceId: 9003, provided: SERVICES[2].materials });
    const accepted = (await act(a.id, { action: 'accept', version: a.version })).body;
    // 20 days ago: past the 15-day limit → red and overdue
    await t.ds.query(`UPDATE service_application SET accepted_at = now() - interval '20 days' WHERE id = $1`, [a.id]);
    const red = await api().get(`/api/household/service-applications/${a.id}`).set(as('clerk'));
    expect(red.body.light).toBe('red');
    expect(accepted.light).toBe('green');
    const overdue = await api().get('/api/household/service-applications?overdue=true&limit=100').set(as('clerk'));
    expect(overdue.body.items.map((x: { id: number }) => x.id)).toContain(a.id);
    expect(overdue.body.items.every((x: { light: string }) => x.light === 'red')).toBe(true);

    const s = await api().get('/api/household/service-applications/stats').set(as('clerk'));
    expect(s.status).toBe(200);
    const rows: { total: number; open: number; done: number; rejected: number; overdue: number }[] = s.body.byCommunity;
    expect(s.body.byCommunity.map((x: { communityId: number }) => x.communityId)).toEqual([C.longteng]);
    const [db] = await t.ds.query(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'DONE')::int AS done, count(*) FILTER (WHERE status = 'REJECTED')::int AS rejected
         FROM service_application WHERE community_id = $1`, [C.longteng],
    );
    expect(rows[0]).toMatchObject(db);
    expect(rows[0].overdue).toBe(overdue.body.total);
    const elderly = s.body.byService.find((x: { serviceId: number }) => x.serviceId === 9003);
    expect(elderly).toMatchObject({ serviceName: '高龄津贴申领', overdue: 1, open: 1 });
    expect(s.body.totals.total).toBe(db.total);
    const county = await api().get('/api/household/service-applications/stats').set(as('admin'));
    expect(county.body.byCommunity.map((x: { communityId: number }) => x.communityId).sort()).toEqual(expect.arrayContaining([C.longteng, C.cuiting]));
    expect((await api().get(`/api/household/service-applications/stats?communityId=${C.cuiting}`).set(as('street'))).status).toBe(404);
  });

  it('lists the catalogue for the new-application form', async () => {
    const r = await api().get('/api/household/service-catalogue?q=养老').set(as('clerk'));
    expect(r.status).toBe(200);
    expect(r.body.items.map((x: { code: string }) => x.code)).toEqual(['QX-SB-001']);
    expect(r.body.items[0].materials).toEqual(['居民身份证', '户口簿']);
  });
});

describe('POST /api/household/public/case-lookup for a service application (FW…)', () => {
  const lookup = (body: unknown, addr: string) => api().post('/api/household/public/case-lookup').set('x-forwarded-for', addr).send(body as object);

  it('finds it by its number and the last 4 digits of the phone, with the missing materials and the steps; nothing else about people', async () => {
    let a = await createApp({ applicantName: '赵德明', applicantPhone: '0535-139 0535 4321', provided: ['居民身份证'] });
    a = (await act(a.id, { action: 'request_supplement', version: a.version })).body;
    const r = await lookup({ caseNumber: a.applicationNo.toLowerCase(), phoneLast4: '4321' }, '10.1.0.1');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      kind: 'service', caseNo: a.applicationNo, type: 'service', serviceName: '就业创业证申领', status: 'NEEDS_SUPPLEMENT', communityName: '龙腾社区党委',
      applicantName: '赵**', missingItems: ['近期一寸免冠彩色照片1张', '《就业创业登记表》'], light: 'none', settledAt: null,
    });
    expect(r.body.steps.map((s: { action: string }) => s.action)).toEqual(['create', 'request_supplement']);
    const text = JSON.stringify(r.body);
    expect(text).not.toContain('赵德明');
    expect(text).not.toContain('4321');
    expect(text).not.toMatch(/clerk|actor/);
    // a wrong phone is the same 404 as an unknown number; a malformed number is a 400 naming the field
    const wrong = await lookup({ caseNumber: a.applicationNo, phoneLast4: '0000' }, '10.1.0.2');
    const unknown = await lookup({ caseNumber: 'FW2020-999999', phoneLast4: '4321' }, '10.1.0.3');
    expect(wrong.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(wrong.body).toEqual(unknown.body);
    const bad = await lookup({ caseNumber: 'XX-1', phoneLast4: '4321' }, '10.1.0.4');
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('caseNumber');
  });
});
