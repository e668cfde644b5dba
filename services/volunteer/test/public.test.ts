import sharp from 'sharp';
import { encodeCursor } from '@redheart/shared';
import { maskPublicText } from '../src/modules/public/routes';
import { C, setup, type TestContext, U } from './helper';
import { client } from './client';
import { realPng } from './images';

let t: TestContext;
let c: ReturnType<typeof client>;
let PNG: Buffer;
beforeAll(async () => {
  t = await setup();
  c = client(t);
  PNG = await realPng();
});
afterAll(async () => t.close());

const board = (query = '') => c.api().get(`/api/volunteer/public/pledges${query}`);
const unitPage = (unitId: number | string, query = '') => c.api().get(`/api/volunteer/public/pledges/units/${unitId}${query}`);
const upload = (id: number) => c.api().post(`/api/volunteer/items/${id}/evidence`).set(c.as('unit')).attach('file', PNG, { filename: 'after.png', contentType: 'image/png' });

interface Pledge { id: number; communityId: number; status: string; description: string; evidence: { id: number; kind: string; note: string | null }[] }
interface BoardUnit { unitId: number; unitName: string; summary: { total: number; delivered: number; inProgress: number }; latest: Pledge[] }
const DELIVERED = ['DONE', 'CONFIRMED', 'CLOSED'];

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

  it('shows totals and a page of units with their summary and latest pledges, without a token; no reporter fields, phone numbers masked', async () => {
    const r = await board();
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('public, max-age=60');
    expect(r.body).toEqual({ communityId: null, totals: { units: 2, pledges: 2, delivered: 1 }, units: expect.any(Array), nextCursor: null });
    // units in name order: 国网栖霞市供电公司党委 < 栖霞市自然资源和规划局党组 (as the database collates them)
    expect(r.body.units.map((u: BoardUnit) => u.unitId).sort()).toEqual([U.ziran, U.gongdian].sort());
    const ziran = r.body.units.find((u: BoardUnit) => u.unitId === U.ziran);
    expect(ziran).toMatchObject({ unitName: '栖霞市自然资源和规划局党组', summary: { total: 1, delivered: 1, inProgress: 0 } });
    expect(ziran.latest).toHaveLength(1);
    expect(ziran.latest[0]).toMatchObject({ id: delivered.id, status: 'CLOSED', rating: 5, communityId: C.longteng, communityName: '龙腾社区党委', categoryName: '环境整治', doneAt: expect.any(String) });
    expect(new Date(ziran.latest[0].doneAt).toISOString()).toBe(ziran.latest[0].doneAt);
    expect(ziran.latest[0].evidence).toEqual([{ id: photos.delivered, kind: 'photo', note: null }, { id: expect.any(Number), kind: 'note', note: '更换楼道灯12盏' }]);
    const gongdian = r.body.units.find((u: BoardUnit) => u.unitId === U.gongdian);
    expect(gongdian).toMatchObject({ summary: { total: 1, delivered: 0, inProgress: 1 }, latest: [expect.objectContaining({ id: inHand.id, status: 'CLAIMED', doneAt: null, rating: null })] });
    const ids = r.body.units.flatMap((u: BoardUnit) => u.latest.map((p) => p.id));
    expect(ids).not.toContain(plain.id);
    expect(ids).not.toContain(cancelled.id);
    expect(ids).not.toContain(unclaimed.id);
    const keys = Object.keys(ziran.latest[0]);
    for (const k of ['reporterName', 'reportedBy', 'checkinCode', 'source', 'unitId']) expect(keys).not.toContain(k);
    // The reporter's own words are shown, with the phone number masked; the reporter's name field is not.
    expect(ziran.latest[0].description).toBe('二号楼楼道灯坏了，王大爷家住三楼，电话138****1234');
    expect(JSON.stringify(r.body)).not.toContain('13805351234');
  });

  it('pages one unit’s pledges with its summary (no login), and 404 for a unit with no pledges on the board or no unit', async () => {
    const r = await unitPage(U.ziran);
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('public, max-age=60');
    expect(r.body).toMatchObject({ unitId: U.ziran, unitName: '栖霞市自然资源和规划局党组', communityId: null, summary: { total: 1, delivered: 1, inProgress: 0 }, nextCursor: null });
    expect(r.body.items.map((p: Pledge) => p.id)).toEqual([delivered.id]);
    expect(r.body.items[0].description).toBe('二号楼楼道灯坏了，王大爷家住三楼，电话138****1234');
    expect(JSON.stringify(r.body)).not.toContain('13805351234');
    // 教育局 has no pledge at all; 999 is no unit; a unit's pledges in a community where it has none
    expect((await unitPage(U.jiaoyu)).status).toBe(404);
    expect((await unitPage(999999)).status).toBe(404);
    expect((await unitPage(U.ziran, `?communityId=${C.wanda}`)).status).toBe(404);
    expect((await unitPage('abc')).status).toBe(400);
    expect((await unitPage(U.ziran, '?limit=101')).status).toBe(400);
    expect((await unitPage(U.ziran, '?communityId=99999999999999999999')).status).toBe(400);
    expect((await board('?communityId=99999999999999999999')).status).toBe(400);
    expect((await unitPage(U.ziran, '?cursor=not-a-cursor')).status).toBe(400);
  });

  it('serves the photos of pledges on the board, and 404 for other items’ photos and for pledges no longer on the board', async () => {
    const photo = await c.api().get(`/api/volunteer/public/pledges/${delivered.id}/evidence/${photos.delivered}`);
    expect(photo.status).toBe(200);
    expect(photo.headers['content-type']).toBe('image/jpeg');
    expect(photo.headers['cache-control']).toBe('public, max-age=3600');
    // The stored copy: the uploaded 8×8 PNG, re-encoded as a JPEG.
    expect(await sharp(photo.body as Buffer).metadata()).toMatchObject({ format: 'jpeg', width: 8, height: 8 });
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

/**
 * A bigger board, written straight into the tables: 40 more units (names repeat, so the keyset's id
 * breaks ties), each with pledges in 翠亭 and some in 万达, in every status; cancelled, merged and
 * rejected pledges and plain items next to them; 5 units whose only pledges are off the board.
 */
describe('the board in pages', () => {
  interface Spec { id: number; unitId: number; communityId: number; status: string; board: boolean }
  const specs: Spec[] = [];
  const FIRST_UNIT = 2001;
  const UNITS = 40;
  const OFF_BOARD_UNITS = [2041, 2042, 2043, 2044, 2045];
  const BUSY = 2007; // 25 pledges in 翠亭
  const HELD = ['CLAIMED', 'SCHEDULED', 'IN_PROGRESS', 'DONE', 'CONFIRMED', 'CLOSED'];
  const onBoard = (s: Spec) => s.board;
  // What the first describe put on the board (龙腾, units 11 and 13).
  const EARLIER = { units: 2, pledges: 2, delivered: 1 };

  beforeAll(async () => {
    const units = [...Array.from({ length: UNITS }, (_, k) => FIRST_UNIT + k), ...OFF_BOARD_UNITS];
    await t.ds.query(`INSERT INTO unit_ref (id, name, path) SELECT u, '测试单位' || lpad((u % 13)::text, 2, '0') || '党支部', '/1/' || u || '/' FROM unnest($1::bigint[]) u`, [units]);
    const rows: unknown[][] = [];
    let n = 0;
    const add = (unitId: number, communityId: number, status: string, pledge = true) => {
      n++;
      const description = n % 7 === 0 ? `住户电话1391234${String(n % 10000).padStart(4, '0')}，楼道灯不亮` : '楼道灯不亮，需要更换';
      rows.push([`GS${String(n).padStart(6, '0')}`, communityId, status, unitId, pledge, description]);
      specs.push({ id: 0, unitId, communityId, status, board: pledge && !['CANCELLED', 'MERGED', 'REJECTED'].includes(status) });
    };
    // Interleaved over units, so a unit's pledges are not one id range.
    for (let round = 0; round < 4; round++) {
      for (let k = 0; k < UNITS; k++) {
        const unitId = FIRST_UNIT + k;
        if (round < 1 + (k % 3)) add(unitId, C.cuiting, HELD[(k + round) % HELD.length]);
        if (round < k % 4) add(unitId, C.wanda, HELD[(k * 3 + round) % HELD.length]);
        if (round === 0 && k % 5 === 0) add(unitId, C.cuiting, ['CANCELLED', 'MERGED', 'REJECTED'][k % 3]);
        if (round === 1 && k % 6 === 0) add(unitId, C.wanda, 'CLAIMED', false);
      }
    }
    for (let j = 0; j < 22; j++) add(BUSY, C.cuiting, HELD[j % HELD.length]);
    for (const unitId of OFF_BOARD_UNITS) add(unitId, C.wanda, 'CANCELLED');
    const ids: { id: number }[] = await t.ds.query(
      `INSERT INTO item (item_no, community_id, category_id, kind, place, description, status, source, reported_by, unit_id, pledge, done_at, rating)
       SELECT r->>0, (r->>1)::bigint, $2, 'unit', '翠亭小区' || ord || '号楼', r->>5, r->>2, 'community', 'clerk', (r->>3)::bigint, (r->>4)::boolean,
              CASE WHEN r->>2 IN ('DONE', 'CONFIRMED', 'CLOSED') THEN now() END, CASE WHEN r->>2 = 'CLOSED' THEN 4 END
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(r, ord) ORDER BY ord RETURNING id`,
      [JSON.stringify(rows), t.category],
    );
    ids.forEach((r, i) => (specs[i].id = r.id));
    // A note with a phone number in it, on the busy unit's newest pledge.
    const newest = Math.max(...specs.filter((s) => s.unitId === BUSY).map((s) => s.id));
    await t.ds.query(`INSERT INTO item_evidence (item_id, kind, note, uploaded_by) VALUES ($1, 'note', '已完成，联系人13912345678', 'unit')`, [newest]);
  });

  const summaryOf = (list: Spec[]) => {
    const total = list.length;
    const delivered = list.filter((s) => DELIVERED.includes(s.status)).length;
    return { total, delivered, inProgress: total - delivered };
  };
  const expectedUnits = (communityId?: number) => {
    const mine = specs.filter(onBoard).filter((s) => communityId === undefined || s.communityId === communityId);
    return new Map([...new Set(mine.map((s) => s.unitId))].map((u) => [u, mine.filter((s) => s.unitId === u)]));
  };
  async function walk(query: string) {
    const pages: { units: BoardUnit[]; totals: unknown; nextCursor: string | null }[] = [];
    let cursor: string | null = null;
    do {
      const r = await board(`?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(r.status).toBe(200);
      pages.push(r.body);
      cursor = r.body.nextCursor;
    } while (cursor && pages.length < 50);
    return pages;
  }
  const orderOf = async (ids: number[]) =>
    (await t.ds.query(`SELECT id FROM unit_ref WHERE id = ANY($1::bigint[]) ORDER BY name, id`, [ids])).map((r: { id: number }) => r.id);

  it('walks every unit on the board exactly once, in (name, id) order, with the same totals on every page', async () => {
    const pages = await walk('limit=7');
    const expected = expectedUnits();
    const seen = pages.flatMap((p) => p.units.map((u) => u.unitId));
    const all = [...expected.keys(), U.ziran, U.gongdian];
    expect(seen).toHaveLength(all.length); // no duplicates, no gaps
    expect(new Set(seen)).toEqual(new Set(all));
    expect(seen).toEqual(await orderOf(all));
    expect(pages.map((p) => p.units.length)).toEqual([...Array(pages.length - 1).fill(7), all.length - 7 * (pages.length - 1)]);
    expect(pages.at(-1)!.nextCursor).toBeNull();
    const listed = specs.filter(onBoard);
    const totals = {
      units: expected.size + EARLIER.units,
      pledges: listed.length + EARLIER.pledges,
      delivered: listed.filter((s) => DELIVERED.includes(s.status)).length + EARLIER.delivered,
    };
    for (const p of pages) expect(p.totals).toEqual(totals);
    for (const unitId of OFF_BOARD_UNITS) expect(seen).not.toContain(unitId);
    // Each unit: its summary from its board pledges, its 3 newest of them, nothing cancelled, merged, rejected or not pledged.
    for (const u of pages.flatMap((p) => p.units)) {
      const mine = expected.get(u.unitId);
      if (!mine) continue; // the first describe's units
      expect(u.summary).toEqual(summaryOf(mine));
      expect(u.latest.map((p) => p.id)).toEqual(mine.map((s) => s.id).sort((a, b) => b - a).slice(0, 3));
    }
  });

  it('keeps its pages apart with a big page size too, and the default page is 20 units', async () => {
    const first = await board();
    expect(first.body.units).toHaveLength(20);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await board(`?cursor=${first.body.nextCursor}`);
    const ids = [...first.body.units, ...second.body.units].map((u: BoardUnit) => u.unitId);
    expect(new Set(ids).size).toBe(ids.length);
    const whole = await board('?limit=100');
    expect(whole.status).toBe(200);
    expect(whole.body.nextCursor).toBeNull();
    expect(whole.body.units.map((u: BoardUnit) => u.unitId).slice(0, ids.length)).toEqual(ids);
  });

  it('?communityId= narrows the totals, the units, their summaries and latest pledges to that community', async () => {
    const expected = expectedUnits(C.wanda);
    const pages = await walk(`communityId=${C.wanda}&limit=4`);
    const seen = pages.flatMap((p) => p.units);
    expect(seen.map((u) => u.unitId)).toEqual(await orderOf([...expected.keys()]));
    const mine = [...expected.values()].flat();
    for (const p of pages) {
      expect(p).toMatchObject({ communityId: C.wanda, totals: { units: expected.size, pledges: mine.length, delivered: mine.filter((s) => DELIVERED.includes(s.status)).length } });
    }
    for (const u of seen) {
      const list = expected.get(u.unitId)!;
      expect(u.summary).toEqual(summaryOf(list));
      expect(u.latest.map((p) => p.id)).toEqual(list.map((s) => s.id).sort((a, b) => b - a).slice(0, 3));
      for (const p of u.latest) expect(p.communityId).toBe(C.wanda);
    }
    // 龙腾 has only the first describe's two units; a community with no pledges has an empty board
    expect((await board(`?communityId=${C.longteng}`)).body).toMatchObject({ totals: EARLIER, nextCursor: null });
    expect((await board('?communityId=999999')).body).toEqual({ communityId: 999999, totals: { units: 0, pledges: 0, delivered: 0 }, units: [], nextCursor: null });
  });

  it('refuses bad paging and filters with 400', async () => {
    for (const q of ['limit=101', 'limit=0', 'limit=abc', 'limit=2.5', 'cursor=not-a-cursor', `cursor=${encodeCursor(new Date(0), 987654)}`, 'communityId=abc', 'communityId=0', 'foo=1']) {
      const r = await board(`?${q}`);
      expect([q, r.status]).toEqual([q, 400]);
      expect(r.body.code).toBe('VALIDATION_FAILED');
    }
    expect((await board('?limit=100')).status).toBe(200);
  });

  it('pages a unit’s pledges newest first without duplicates or gaps; masks phone numbers in descriptions and notes', async () => {
    const mine = specs.filter(onBoard).filter((s) => s.unitId === BUSY);
    const seen: Pledge[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await unitPage(BUSY, `?limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.body.summary).toEqual(summaryOf(mine));
      expect(r.body.items.length).toBeLessThanOrEqual(10);
      seen.push(...r.body.items);
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(Math.ceil(mine.length / 10));
    expect(seen.map((p) => p.id)).toEqual(mine.map((s) => s.id).sort((a, b) => b - a));
    const text = JSON.stringify(seen);
    expect(text).not.toMatch(/1391234\d{4}/);
    expect(seen[0].evidence).toEqual([{ id: expect.any(Number), kind: 'note', note: '已完成，联系人139****5678' }]);
    expect(seen.some((p) => p.description.startsWith('住户电话139****'))).toBe(true);
    // within one community; a unit whose pledges are all off the board is not there
    const inWanda = specs.filter(onBoard).filter((s) => s.unitId === FIRST_UNIT + 3 && s.communityId === C.wanda);
    const w = await unitPage(FIRST_UNIT + 3, `?communityId=${C.wanda}`);
    expect(w.body).toMatchObject({ communityId: C.wanda, summary: summaryOf(inWanda), nextCursor: null });
    expect(w.body.items.map((p: Pledge) => p.id)).toEqual(inWanda.map((s) => s.id).sort((a, b) => b - a));
    expect((await unitPage(OFF_BOARD_UNITS[0])).status).toBe(404);
  });
});

describe('maskPublicText', () => {
  it('masks mobiles, landlines and ID numbers, and leaves other numbers alone', () => {
    expect(maskPublicText('联系电话13805351234或0535-5212345')).toBe('联系电话138****1234或0535-****2345');
    expect(maskPublicText('身份证370686198503150011')).toBe('身份证370686********0011');
    expect(maskPublicText('更换楼道灯12盏，3号楼2单元')).toBe('更换楼道灯12盏，3号楼2单元');
  });
});

describe('GET /api/volunteer/public/communities', () => {
  it('lists every community with its street, without login (the board filter; where a unit may report)', async () => {
    const r = await c.api().get('/api/volunteer/public/communities');
    expect(r.status).toBe(200);
    const inDb: { id: number; name: string; street_name: string }[] = await t.ds.query(`SELECT id, name, street_name FROM community_ref`);
    expect(r.body).toHaveLength(inDb.length);
    expect(inDb.length).toBeGreaterThan(1);
    expect(r.body).toContainEqual({ id: C.longteng, name: '龙腾社区党委', streetName: '庄园街道党工委' });
    expect(r.headers['cache-control']).toBe('public, max-age=300');
  });
});
