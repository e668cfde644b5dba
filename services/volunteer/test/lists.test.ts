import { C, setup, type TestContext, U } from './helper';
import { client } from './client';

let t: TestContext;
let c: ReturnType<typeof client>;
beforeAll(async () => {
  t = await setup();
  c = client(t);
});
afterAll(async () => t.close());

describe('service categories (/api/volunteer/categories)', () => {
  it('anyone signed in reads them; only admins add and edit, with the version guarding edits', async () => {
    const list = await c.api().get('/api/volunteer/categories').set(c.as('unit'));
    expect(list.status).toBe(200);
    expect(list.body.map((x: { code: string }) => x.code)).toEqual(['C01', 'C02']);
    expect((await c.api().get('/api/volunteer/categories')).status).toBe(401);
    expect((await c.api().post('/api/volunteer/categories').set(c.as('clerk')).send({ code: 'C03', name: '法律援助' })).status).toBe(403);
    const made = await c.api().post('/api/volunteer/categories').set(c.as('admin')).send({ code: 'C03', name: '法律援助', nameEn: 'Legal aid', sort: 3 });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ code: 'C03', name: '法律援助', nameEn: 'Legal aid', sort: 3, active: true, version: 1 });
    // a code taken: 409 CODE_TAKEN on the form's code field (the SPA says so there)
    const taken = await c.api().post('/api/volunteer/categories').set(c.as('admin')).send({ code: 'C03', name: '重复' });
    expect({ status: taken.status, code: taken.body.code, details: taken.body.details }).toEqual({ status: 409, code: 'CODE_TAKEN', details: [{ field: 'code', code: 'CODE_TAKEN', errors: ['taken'] }] });
    expect((await c.api().post('/api/volunteer/categories').set(c.as('admin')).send({ code: 'C', name: '' })).status).toBe(400);
    const id = made.body.id;
    expect((await c.api().patch(`/api/volunteer/categories/${id}`).set(c.as('street')).send({ version: 1, name: '法律服务' })).status).toBe(403);
    const edited = await c.api().patch(`/api/volunteer/categories/${id}`).set(c.as('admin')).send({ version: 1, name: '法律服务', active: false });
    expect(edited.body).toMatchObject({ name: '法律服务', nameEn: 'Legal aid', active: false, version: 2 });
    const stale = await c.api().patch(`/api/volunteer/categories/${id}`).set(c.as('admin')).send({ version: 1, name: '法律援助' });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('STALE_VERSION');
    expect((await c.api().patch('/api/volunteer/categories/999999').set(c.as('admin')).send({ version: 1 })).status).toBe(404);
    expect((await c.api().patch(`/api/volunteer/categories/${id}`).set(c.as('admin')).send({ name: 'x' })).status).toBe(400);
    // An inactive category takes no new needs.
    expect((await c.api().post('/api/volunteer/items').set(c.as('grid')).send({ categoryId: id, place: '龙腾花园1号楼', description: '需要法律咨询' })).status).toBe(400);
  });
});

describe('practical projects (/api/volunteer/practical-projects)', () => {
  it('only admins add and edit them; a stale version is 409', async () => {
    const body = { code: 'HM01', name: '老旧小区道路硬化', launchedOn: '2019-12-31', description: '双报到单位协调资金硬化道路' };
    expect((await c.api().post('/api/volunteer/practical-projects').set(c.as('secretary')).send(body)).status).toBe(403);
    expect((await c.api().post('/api/volunteer/practical-projects').set(c.as('admin')).send({ ...body, launchedOn: '2019-13-31' })).status).toBe(400);
    const made = await c.api().post('/api/volunteer/practical-projects').set(c.as('admin')).send(body);
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ code: 'HM01', launchedOn: '2019-12-31', progress: 0, status: 'ongoing', version: 1 });
    const taken = await c.api().post('/api/volunteer/practical-projects').set(c.as('admin')).send(body);
    expect({ status: taken.status, code: taken.body.code, field: taken.body.details[0].field }).toEqual({ status: 409, code: 'CODE_TAKEN', field: 'code' });
    const id = made.body.id;
    const edited = await c.api().patch(`/api/volunteer/practical-projects/${id}`).set(c.as('admin')).send({ version: 1, progress: 100, status: 'done' });
    expect(edited.body).toMatchObject({ progress: 100, status: 'done', version: 2 });
    expect((await c.api().patch(`/api/volunteer/practical-projects/${id}`).set(c.as('admin')).send({ version: 1, progress: 50 })).body.code).toBe('STALE_VERSION');
    expect((await c.api().patch(`/api/volunteer/practical-projects/${id}`).set(c.as('admin')).send({ version: 2, progress: 101 })).status).toBe(400);
    expect((await c.api().patch(`/api/volunteer/practical-projects/${id}`).set(c.as('clerk')).send({ version: 2, progress: 50 })).status).toBe(403);
    const list = await c.api().get('/api/volunteer/practical-projects').set(c.as('member'));
    expect(list.body).toEqual([expect.objectContaining({ code: 'HM01', name: '老旧小区道路硬化', progress: 100 })]);
  });
});

describe('resources (/api/volunteer/resources)', () => {
  it('unit staff offer resources in the communities their unit reported to (or to all); others may not', async () => {
    const ok = await c.api().post('/api/volunteer/resources').set(c.as('unit')).send({ title: '道路硬化技术指导', communityId: C.longteng, categoryId: t.category, capacity: 3 });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ id: expect.any(Number), title: '道路硬化技术指导', communityId: C.longteng, capacity: 3 });
    const everywhere = await c.api().post('/api/volunteer/resources').set(c.as('unit')).send({ title: '不动产登记政策咨询' });
    expect(everywhere.status).toBe(201);
    // Not reported to 万达 (404, as if it did not exist); other roles (403); bad input (400).
    expect((await c.api().post('/api/volunteer/resources').set(c.as('unit')).send({ title: '道路硬化', communityId: C.wanda })).status).toBe(404);
    expect((await c.api().post('/api/volunteer/resources').set(c.as('unitOther')).send({ title: '课业辅导', communityId: C.longteng })).status).toBe(404);
    expect((await c.api().post('/api/volunteer/resources').set(c.as('clerk')).send({ title: '社区活动室' })).status).toBe(403);
    expect((await c.api().post('/api/volunteer/resources').set(c.as('unit')).send({ title: 'x', capacity: 0 })).status).toBe(400);
    expect((await c.api().post('/api/volunteer/resources').set(c.as('unit')).send({ title: '未知类别', categoryId: 999999 })).status).toBe(400);
    // a category withdrawn since the form listed it: 400 on categoryId, nothing written
    const withdrawn = await c.api().post('/api/volunteer/categories').set(c.as('admin')).send({ code: 'RES_WITHDRAWN', name: '已停用类别' });
    await c.api().patch(`/api/volunteer/categories/${withdrawn.body.id}`).set(c.as('admin')).send({ version: withdrawn.body.version, active: false });
    const before = (await c.api().get('/api/volunteer/resources').set(c.as('unit'))).body.length;
    const refused = await c.api().post('/api/volunteer/resources').set(c.as('unit')).send({ title: '停用类别的资源', categoryId: withdrawn.body.id });
    expect(refused.status).toBe(400);
    expect(refused.body.details).toEqual([{ field: 'categoryId', errors: ['不存在或已停用'], code: 'inactiveCategory' }]);
    expect((await c.api().get('/api/volunteer/resources').set(c.as('unit'))).body.length).toBe(before);
    // The unit sees its own; 龙腾 sees what is offered to it and to all; 翠亭 only what is offered to all.
    const own = (await c.api().get('/api/volunteer/resources').set(c.as('unit'))).body.map((r: { id: number }) => r.id);
    expect(own).toEqual(expect.arrayContaining([ok.body.id, everywhere.body.id]));
    expect((await c.api().get('/api/volunteer/resources').set(c.as('unit2'))).body).toEqual([]);
    const longteng = (await c.api().get('/api/volunteer/resources').set(c.as('clerk'))).body;
    expect(longteng.find((r: { id: number }) => r.id === ok.body.id)).toMatchObject({ unitId: U.ziran, unitName: '栖霞市自然资源和规划局党组' });
    const cuiting = (await c.api().get('/api/volunteer/resources').set(c.as('clerkCuiting'))).body.map((r: { id: number }) => r.id);
    expect(cuiting).toContain(everywhere.body.id);
    expect(cuiting).not.toContain(ok.body.id);
  });
});

describe('projects (/api/volunteer/projects)', () => {
  const milestones = [
    { title: '现场勘察、测量', due: '2020-03-25', done: true },
    { title: '协调资金10.86万元到位', due: '2020-04-20', done: false },
    { title: '路面硬化施工', due: '2020-05-25' },
  ];

  it('the community matches a need with a unit’s resource into a project with budget and milestones, and updates it with its version', async () => {
    const res = await c.api().post('/api/volunteer/resources').set(c.as('unit')).send({ title: '道路硬化资金协调', communityId: C.longteng });
    const made = await c.api().post('/api/volunteer/projects').set(c.as('clerk')).send({ communityId: C.longteng, name: '龙腾花园北侧道路硬化', resourceId: res.body.id, budgetYuan: 108600, milestones });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ id: expect.any(Number), version: 1, unitId: U.ziran, budgetYuan: 108600 });
    const list = await c.api().get('/api/volunteer/projects').set(c.as('street'));
    const p = list.body.find((x: { id: number }) => x.id === made.body.id);
    expect(p).toMatchObject({ communityName: '龙腾社区党委', unitName: '栖霞市自然资源和规划局党组', resourceId: res.body.id, budgetYuan: 108600, status: 'ongoing' });
    expect(p.milestones).toEqual(milestones);
    const done = milestones.map((m) => ({ ...m, done: true }));
    const upd = await c.api().patch(`/api/volunteer/projects/${made.body.id}`).set(c.as('secretary')).send({ version: 1, status: 'done', milestones: done });
    expect(upd.body).toEqual({ id: made.body.id, version: 2 });
    expect((await c.api().patch(`/api/volunteer/projects/${made.body.id}`).set(c.as('secretary')).send({ version: 1, status: 'ongoing' })).body.code).toBe('STALE_VERSION');
    const after = (await c.api().get('/api/volunteer/projects').set(c.as('clerk'))).body.find((x: { id: number }) => x.id === made.body.id);
    expect(after).toMatchObject({ status: 'done', budgetYuan: 108600, version: 2 });
    expect(after.milestones.every((m: { done: boolean }) => m.done)).toBe(true);
    expect((await c.api().get('/api/volunteer/projects').set(c.as('clerkCuiting'))).body.map((x: { id: number }) => x.id)).not.toContain(made.body.id);
    expect((await c.api().patch(`/api/volunteer/projects/${made.body.id}`).set(c.as('clerkCuiting')).send({ version: 2, status: 'ongoing' })).status).toBe(404);
  });

  it('refuses units that did not report to the community and resources that are not theirs (400), other communities (404), other roles (403), bad milestones (400)', async () => {
    const base = { communityId: C.longteng, name: '龙腾嘉苑楼道亮灯改造' };
    const notHere = await c.api().post('/api/volunteer/projects').set(c.as('clerk')).send({ ...base, unitId: U.jiaoyu });
    expect(notHere.status).toBe(400);
    expect(notHere.body.code).toBe('UNIT_NOT_REPORTED');
    expect(notHere.body.details).toEqual([{ field: 'unitId', errors: ['尚未向本社区报到'], code: 'UNIT_NOT_REPORTED' }]);
    const res = await c.api().post('/api/volunteer/resources').set(c.as('unit2')).send({ title: '楼道电路检修', communityId: C.longteng });
    expect((await c.api().post('/api/volunteer/projects').set(c.as('clerk')).send({ ...base, unitId: U.ziran, resourceId: res.body.id })).status).toBe(400);
    expect((await c.api().post('/api/volunteer/projects').set(c.as('clerk')).send({ ...base, unitId: U.gongdian, resourceId: res.body.id })).status).toBe(201);
    expect((await c.api().post('/api/volunteer/projects').set(c.as('clerk')).send({ ...base, communityId: C.cuiting })).status).toBe(404);
    expect((await c.api().post('/api/volunteer/projects').set(c.as('unit')).send(base)).status).toBe(403);
    expect((await c.api().post('/api/volunteer/projects').set(c.as('grid')).send(base)).status).toBe(403);
    expect((await c.api().post('/api/volunteer/projects').set(c.as('clerk')).send({ ...base, milestones: [{ title: '施工', due: '2020-02-30' }] })).status).toBe(400);
    expect((await c.api().post('/api/volunteer/projects').set(c.as('clerk')).send({ ...base, budgetYuan: -1 })).status).toBe(400);
    expect((await c.api().post('/api/volunteer/projects').send(base)).status).toBe(401);
  });
});
