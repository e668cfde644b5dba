import { maskPublicText } from '../src/modules/public/routes';
import { setup, type TestContext, U } from './helper';
import { client } from './client';

let t: TestContext;
let c: ReturnType<typeof client>;
beforeAll(async () => {
  t = await setup();
  c = client(t);
});
afterAll(async () => t.close());

// A 1×1 PNG.
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4a40000000049454e44ae426082', 'hex');
const board = () => c.api().get('/api/volunteer/public/pledges');
const upload = (id: number) => c.api().post(`/api/volunteer/items/${id}/evidence`).set(c.as('unit')).attach('file', PNG, { filename: 'after.png', contentType: 'image/png' });

describe('GET /api/volunteer/public/pledges (公开履诺, no login)', () => {
  let delivered: { id: number };
  let inHand: { id: number };
  let plain: { id: number };
  let cancelled: { id: number };
  let unclaimed: { id: number };
  const photos: Record<string, number> = {};

  beforeAll(async () => {
    const pledged = await c.published({ pledge: true }, { reporterName: '王大爷', description: '二号楼楼道灯坏了，王大爷家住三楼，电话13805351234' });
    const scheduled = await c.run(pledged, [[{ action: 'claim' }, 'unit'], [{ action: 'schedule' }, 'unit']]);
    photos.delivered = (await upload(scheduled.id)).body.id;
    delivered = await c.run(scheduled, [[{ action: 'start' }, 'unit'], [{ action: 'complete', hours: [{ memberId: 1, name: '刘党员', hours: 2 }], note: '更换楼道灯12盏' }, 'unit'],
      [{ action: 'confirm', rating: 5 }, 'clerk']]);
    inHand = await c.run(await c.published({ pledge: true }), [[{ action: 'claim' }, 'unit2']]);
    plain = await c.run(await c.published(), [[{ action: 'claim' }, 'unit'], [{ action: 'schedule' }, 'unit']]);
    photos.plain = (await upload(plain.id)).body.id;
    const toCancel = await c.run(await c.published({ pledge: true }), [[{ action: 'claim' }, 'unit'], [{ action: 'schedule' }, 'unit']]);
    photos.cancelled = (await upload(toCancel.id)).body.id;
    cancelled = await c.run(toCancel, [[{ action: 'cancel', reason: '与物业维修计划重复' }, 'clerk']]);
    unclaimed = await c.published({ pledge: true });
  });

  it('shows the pledges units hold, with progress, without a token; no reporter fields, phone numbers masked', async () => {
    const r = await board();
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('public, max-age=60');
    expect(r.body.totals).toEqual({ units: 2, pledges: 2, delivered: 1 });
    const ziran = r.body.units.find((u: { unitId: number }) => u.unitId === U.ziran);
    expect(ziran).toMatchObject({ unitName: '栖霞市自然资源和规划局党组', total: 1, delivered: 1 });
    expect(ziran.pledges[0]).toMatchObject({ id: delivered.id, status: 'CLOSED', rating: 5, communityName: '龙腾社区党委', doneAt: expect.any(String) });
    expect(ziran.pledges[0].evidence).toEqual([{ id: photos.delivered, kind: 'photo', note: null }, { id: expect.any(Number), kind: 'note', note: '更换楼道灯12盏' }]);
    const gongdian = r.body.units.find((u: { unitId: number }) => u.unitId === U.gongdian);
    expect(gongdian).toMatchObject({ total: 1, delivered: 0, pledges: [expect.objectContaining({ id: inHand.id, status: 'CLAIMED' })] });
    const ids = r.body.units.flatMap((u: { pledges: { id: number }[] }) => u.pledges.map((p) => p.id));
    expect(ids).not.toContain(plain.id);
    expect(ids).not.toContain(cancelled.id);
    expect(ids).not.toContain(unclaimed.id);
    const keys = Object.keys(ziran.pledges[0]);
    for (const k of ['reporterName', 'reportedBy', 'checkinCode', 'source']) expect(keys).not.toContain(k);
    // The reporter's own words are shown, with the phone number masked; the reporter's name field is not.
    expect(ziran.pledges[0].description).toBe('二号楼楼道灯坏了，王大爷家住三楼，电话138****1234');
    expect(JSON.stringify(r.body)).not.toContain('13805351234');
  });

  it('serves the photos of pledges on the board, and 404 for other items’ photos and for pledges no longer on the board', async () => {
    const photo = await c.api().get(`/api/volunteer/public/pledges/${delivered.id}/evidence/${photos.delivered}`);
    expect(photo.status).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(photo.headers['cache-control']).toBe('public, max-age=3600');
    expect(Buffer.compare(photo.body as Buffer, PNG)).toBe(0);
    expect((await c.api().get(`/api/volunteer/public/pledges/${plain.id}/evidence/${photos.plain}`)).status).toBe(404);
    expect((await c.api().get(`/api/volunteer/public/pledges/${cancelled.id}/evidence/${photos.cancelled}`)).status).toBe(404);
    expect((await c.api().get(`/api/volunteer/public/pledges/${plain.id}/evidence/${photos.delivered}`)).status).toBe(404);
    expect((await c.api().get(`/api/volunteer/public/pledges/${delivered.id}/evidence/999999`)).status).toBe(404);
    expect((await c.api().get(`/api/volunteer/public/pledges/abc/evidence/1`)).status).toBe(400);
    // Signed in, the photo of the plain item is there for those who may see the item.
    expect((await c.api().get(`/api/volunteer/items/${plain.id}/evidence/${photos.plain}`).set(c.as('clerk'))).status).toBe(200);
    expect((await c.api().get(`/api/volunteer/items/${plain.id}/evidence/${photos.plain}`)).status).toBe(401);
  });
});

describe('maskPublicText', () => {
  it('masks mobiles, landlines and ID numbers, and leaves other numbers alone', () => {
    expect(maskPublicText('联系电话13805351234或0535-5212345')).toBe('联系电话138****1234或0535-****2345');
    expect(maskPublicText('身份证370686198503150011')).toBe('身份证370686********0011');
    expect(maskPublicText('更换楼道灯12盏，3号楼2单元')).toBe('更换楼道灯12盏，3号楼2单元');
  });
});
