import request from 'supertest';
import { recordTransactions, verifyAuditChain } from '@redheart/shared';
import sharp from 'sharp';
import { C, setup, type TestContext, U, USERS } from './helper';
import { gpsJpeg, hugePng, polyglotPngHtml, realPng } from './images';

let t: TestContext;
let PNG: Buffer;
beforeAll(async () => {
  t = await setup();
  PNG = await realPng();
});
afterAll(async () => t.close());

const as = (who: keyof typeof USERS) => ({ Authorization: `Bearer ${t.token(who)}` });
const api = () => request(t.app.server);

async function report(over: Record<string, unknown> = {}, who: keyof typeof USERS = 'grid') {
  const r = await api().post('/api/volunteer/items').set(as(who)).send({ categoryId: t.category, place: `龙腾小区${Math.floor(Math.random() * 1e6)}号楼`, description: '楼道照明损坏，老人夜间出行不便', ...over });
  if (r.status !== 201) throw new Error(`report failed ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
const act = (id: number, body: Record<string, unknown>, who: keyof typeof USERS, headers: Record<string, string> = {}) =>
  api().post(`/api/volunteer/items/${id}/transitions`).set(as(who)).set(headers).send(body);

async function published(over: Record<string, unknown> = {}) {
  const item = await report();
  const r = await act(item.id, { action: 'publish', version: item.version, ...over }, 'clerk');
  if (r.status !== 200) throw new Error(`publish failed ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

describe('POST /api/volunteer/items', () => {
  it('reports a need and flags possible duplicates (same place and category within 7 days)', async () => {
    const a = await report({ place: '龙腾小区2号楼' });
    expect(a).toMatchObject({ status: 'REPORTED', communityId: C.longteng, source: 'grid_worker', categoryName: '环境整治' });
    expect(a.itemNo).toMatch(/^FW\d{6}-\d{6}$/);
    const b = await report({ place: '龙腾小区2号楼' }, 'clerk');
    expect(b.possibleDuplicates.map((d: { id: number }) => d.id)).toContain(a.id);
    const merged = await act(b.id, { action: 'merge', version: b.version, mergeIntoId: a.id }, 'clerk');
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ status: 'MERGED', mergedIntoId: a.id });
  });

  it('returns 400 for bad input, 401 without token, 403 for unit staff, 404 for another community', async () => {
    expect((await api().post('/api/volunteer/items').set(as('grid')).send({ categoryId: t.category, place: 'x' })).status).toBe(400);
    const unknownCategory = await api().post('/api/volunteer/items').set(as('grid')).send({ categoryId: 9999, place: '某处', description: '描述描述' });
    expect({ status: unknownCategory.status, details: unknownCategory.body.details }).toEqual({ status: 400, details: [{ field: 'categoryId', code: 'inactiveCategory', errors: ['unknown'] }] });
    expect((await api().post('/api/volunteer/items').send({ categoryId: t.category, place: '某处', description: '描述描述' })).status).toBe(401);
    expect((await api().post('/api/volunteer/items').set(as('unit')).send({ categoryId: t.category, place: '某处', description: '描述描述' })).status).toBe(403);
    expect((await api().post('/api/volunteer/items').set(as('clerk')).send({ categoryId: t.category, place: '某处', description: '描述描述', communityId: C.cuiting })).status).toBe(404);
  });
});

describe('POST /api/volunteer/items/:id/transitions', () => {
  it('runs the whole life: publish → claim → schedule (next service day) → start → complete with hours and a photo → confirm → closed', async () => {
    const item = await published({ pledge: true });
    expect(item.status).toBe('PUBLISHED');
    let r = await act(item.id, { action: 'claim', version: item.version }, 'unit');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'CLAIMED', unitId: U.ziran, unitName: '栖霞市自然资源和规划局党组' });
    r = await act(item.id, { action: 'schedule', version: r.body.version }, 'unit');
    expect(r.status).toBe(200);
    expect(['15', '25']).toContain(r.body.scheduledDate.slice(8));
    expect(r.body.checkinCode).toEqual(expect.any(String));
    r = await act(item.id, { action: 'start', version: r.body.version }, 'unit');
    expect(r.body.status).toBe('IN_PROGRESS');
    // Complete needs evidence.
    expect((await act(item.id, { action: 'complete', version: r.body.version, hours: [{ name: '王科长', hours: 2 }] }, 'unit')).body.code).toBe('EVIDENCE_REQUIRED');
    const up = await api().post(`/api/volunteer/items/${item.id}/evidence`).set(as('unit')).attach('file', PNG, { filename: 'after.png', contentType: 'image/png' });
    expect(up.status).toBe(201);
    r = await act(item.id, { action: 'complete', version: r.body.version, hours: [{ memberId: 1, name: '刘党员', hours: 2.5 }, { name: '王科长', hours: 2 }], note: '更换楼道灯12盏' }, 'unit');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('DONE');
    expect(r.body.hours.map((h: { hours: number }) => h.hours)).toEqual([2.5, 2]);
    expect((await act(item.id, { action: 'confirm', version: r.body.version }, 'clerk')).status).toBe(400);
    r = await act(item.id, { action: 'confirm', version: r.body.version, rating: 5 }, 'clerk');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('CLOSED');
    expect(r.body.hours.every((h: { posted: boolean }) => h.posted)).toBe(true);
    expect(r.body.timeline.map((e: { action: string }) => e.action)).toEqual(['report', 'publish', 'claim', 'schedule', 'start', 'complete', 'confirm', 'close']);
    // `close` is the system's step inside confirm, never an action to ask for: not offered, and refused naming the field.
    expect(r.body.allowedActions).toEqual([]);
    const closed = r.body;
    const close = await act(item.id, { action: 'close', version: closed.version }, 'clerk');
    expect(close.status).toBe(400);
    expect(close.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect(JSON.stringify(close.body)).toContain('action');
    const after = await api().get(`/api/volunteer/items/${item.id}`).set(as('clerk'));
    expect(after.body).toMatchObject({ status: 'CLOSED', version: closed.version });
    expect(after.body.timeline.filter((e: { action: string }) => e.action === 'close')).toHaveLength(1);
    // Scorecard and the public board show it.
    const card = await api().get(`/api/volunteer/scorecards/units/${U.ziran}`).set(as('unit'));
    expect(card.status).toBe(200);
    expect(card.body).toMatchObject({ claims: 1, completed: 1, onTime: 1, averageRating: 5, hours: 4.5, releases: 0, rework: 0 });
    const member = await api().get('/api/volunteer/scorecards/members/1').set(as('member'));
    expect(member.body.hours).toBe(2.5);
    const board = await api().get('/api/volunteer/public/pledges');
    expect(board.status).toBe(200);
    const unit = board.body.units.find((u: { unitId: number }) => u.unitId === U.ziran);
    expect(unit.summary.delivered).toBe(1);
    const pledge = unit.latest.find((p: { id: number }) => p.id === item.id);
    expect(pledge.evidence.map((e: { kind: string }) => e.kind)).toEqual(['photo', 'note']);
    const photo = await api().get(`/api/volunteer/public/pledges/${item.id}/evidence/${pledge.evidence[0].id}`);
    expect(photo.status).toBe(200);
    expect(photo.headers['content-type']).toBe('image/jpeg');
    const audits = await t.ds.query(`SELECT count(*)::int AS n FROM audit_entry WHERE entity_type = 'item' AND entity_id = $1`, [String(item.id)]);
    expect(audits[0].n).toBeGreaterThanOrEqual(7);
  });

  it('lets exactly one of 50 concurrent claims win', async () => {
    const item = await published();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => act(item.id, { action: 'claim', version: item.version }, i % 2 ? 'unit' : 'unit2')));
    const codes = results.map((r) => r.status);
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(49);
    const claims = await t.ds.query(`SELECT count(*)::int AS n FROM item_event WHERE item_id = $1 AND action = 'claim'`, [item.id]);
    expect(claims[0].n).toBe(1);
  });

  it('never exceeds the places of an individual item under concurrent sign-ups', async () => {
    const item = await published({ kind: 'individual', capacity: 3 });
    await t.ds.query(`INSERT INTO member (username, name, community_id, status) SELECT 'm' || g, '党员' || g, 7, 'approved' FROM generate_series(1, 10) g`);
    const users = Array.from({ length: 10 }, (_, i) => ({ ...USERS.member, sub: `m${i + 1}`, username: `m${i + 1}` }));
    const res = await Promise.all(users.map((u) => api().post(`/api/volunteer/items/${item.id}/transitions`)
      .set({ Authorization: `Bearer ${t.sign(u)}` }).send({ action: 'signup', version: item.version })));
    expect(res.filter((r) => r.status === 200)).toHaveLength(3);
    expect(res.filter((r) => r.status === 409).every((r) => r.body.code === 'CAPACITY_FULL')).toBe(true);
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM item_signup WHERE item_id = $1`, [item.id]))[0].n).toBe(3);
    // A unit cannot claim an individual item; a member who did not report cannot sign up.
    expect((await act(item.id, { action: 'claim', version: item.version }, 'unit')).status).toBe(409);
    const stranger = { ...USERS.member, sub: 'x', username: 'nobody' };
    expect((await api().post(`/api/volunteer/items/${item.id}/transitions`).set({ Authorization: `Bearer ${t.sign(stranger)}` }).send({ action: 'signup', version: 1 })).status).toBe(403);
  });

  it('counts a release against the unit, and only the claimer may release', async () => {
    const item = await published();
    const c = await act(item.id, { action: 'claim', version: item.version }, 'unit2');
    expect((await act(item.id, { action: 'release', version: c.body.version, reason: '人手不足' }, 'unit')).status).toBe(403);
    const r = await act(item.id, { action: 'release', version: c.body.version, reason: '人手不足' }, 'unit2');
    expect(r.body).toMatchObject({ status: 'PUBLISHED', unitId: null, releaseCount: 1 });
    const card = await api().get(`/api/volunteer/scorecards/units/${U.gongdian}`).set(as('admin'));
    expect(card.body.releases).toBeGreaterThanOrEqual(1);
  });

  it('escalates unclaimed items past the deadline once, even when the job runs twice; the street assigns a unit with a response deadline', async () => {
    const item = await published({ deadline: new Date(Date.now() + 60_000).toISOString() });
    const later = new Date(Date.now() + 120_000);
    const first = await t.app.volunteer.items.escalateOverdue(later);
    const second = await t.app.volunteer.items.escalateOverdue(later);
    expect(first).toContain(item.id);
    expect(second).not.toContain(item.id);
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM item_event WHERE item_id = $1 AND action = 'escalate'`, [item.id]))[0].n).toBe(1);
    const cur = (await api().get(`/api/volunteer/items/${item.id}`).set(as('street'))).body;
    expect(cur.status).toBe('ESCALATED');
    expect((await act(item.id, { action: 'assign', version: cur.version, unitId: U.ziran }, 'clerk')).status).toBe(403);
    expect((await act(item.id, { action: 'assign', version: cur.version, unitId: U.jiaoyu }, 'street')).body.code).toBe('UNIT_NOT_REPORTED');
    expect((await act(item.id, { action: 'assign', version: cur.version, unitId: U.ziran }, 'streetCuiping')).status).toBe(404);
    const r = await act(item.id, { action: 'assign', version: cur.version, unitId: U.ziran, responseDays: 2 }, 'street');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'CLAIMED', unitId: U.ziran, assignedBy: 'street.zhuangyuan' });
    expect(Date.parse(r.body.responseDeadline) - Date.now()).toBeGreaterThan(86400_000);
  });

  it('counts a reopen as rework', async () => {
    let item = await published();
    for (const [body, who] of [[{ action: 'claim' }, 'unit'], [{ action: 'schedule' }, 'clerk'], [{ action: 'start' }, 'unit'],
      [{ action: 'complete', hours: [{ name: '王科长', hours: 1 }], note: '已处理' }, 'unit']] as const) {
      const r = await act(item.id, { version: item.version, ...body }, who);
      expect(r.status).toBe(200);
      item = r.body;
    }
    expect((await act(item.id, { action: 'reopen', version: item.version }, 'clerk')).status).toBe(400);
    const r = await act(item.id, { action: 'reopen', version: item.version, reason: '居民反映灯仍不亮' }, 'clerk');
    expect(r.body).toMatchObject({ status: 'SCHEDULED', reworkCount: 1 });
    expect(r.body.hours).toEqual([]);
  });

  it('refuses wrong states, stale versions, other roles, units not reported to the community, and missing items', async () => {
    const item = await report();
    expect((await act(item.id, { action: 'claim', version: item.version }, 'unit')).body).toMatchObject({ code: 'WRONG_STATE', params: { entity: 'item', from: item.status, action: 'claim' } });
    expect((await act(item.id, { action: 'publish', version: item.version + 1 }, 'clerk')).body.code).toBe('STALE_VERSION');
    expect((await act(item.id, { action: 'publish', version: item.version }, 'grid')).status).toBe(403);
    expect((await act(item.id, { action: 'publish', version: item.version }, 'clerkCuiting')).status).toBe(404);
    expect((await act(item.id, { action: 'publish', version: item.version }, 'unitOther')).status).toBe(404);
    expect((await act(item.id, { action: 'refer', version: item.version }, 'clerk')).status).toBe(400);
    expect((await act(item.id, { action: 'jump', version: item.version }, 'clerk')).status).toBe(400);
    expect((await act(999999, { action: 'publish', version: 1 }, 'clerk')).status).toBe(404);
    expect((await api().post(`/api/volunteer/items/${item.id}/transitions`).send({ action: 'publish', version: 1 })).status).toBe(401);
    const referred = await act(item.id, { action: 'refer', version: item.version, referralBody: '栖霞市住房和城乡建设局' }, 'clerk');
    expect(referred.body).toMatchObject({ status: 'REFERRED', referralBody: '栖霞市住房和城乡建设局' });
    const other = await report();
    expect((await act(other.id, { action: 'cancel', version: other.version }, 'clerk')).status).toBe(400);
    expect((await act(other.id, { action: 'cancel', version: other.version, reason: '居民已自行解决' }, 'clerk')).body.status).toBe('CANCELLED');
  });

  it('returns the first answer to a retried claim with the same Idempotency-Key', async () => {
    const item = await published();
    const a = await act(item.id, { action: 'claim', version: item.version }, 'unit', { 'Idempotency-Key': `claim-${item.id}` });
    const b = await act(item.id, { action: 'claim', version: item.version }, 'unit', { 'Idempotency-Key': `claim-${item.id}` });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.headers['idempotent-replay']).toBe('true');
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM item_event WHERE item_id = $1 AND action = 'claim'`, [item.id]))[0].n).toBe(1);
  });
});

describe('evidence uploads', () => {
  async function scheduled() {
    let item = await published();
    for (const [body, who] of [[{ action: 'claim' }, 'unit'], [{ action: 'schedule' }, 'unit']] as const) {
      item = (await act(item.id, { version: item.version, ...body }, who)).body;
    }
    return item;
  }
  const upload = (id: number, file: Buffer, filename: string, contentType: string, who: keyof typeof USERS = 'unit') =>
    api().post(`/api/volunteer/items/${id}/evidence`).set(as(who)).attach('file', file, { filename, contentType });
  const photoCount = async (id: number) => (await t.ds.query(`SELECT count(*)::int AS n FROM item_evidence WHERE item_id = $1`, [id]))[0].n;

  it('refuses files that are not images (415) and too large ones (413)', async () => {
    const item = await scheduled();
    const txt = await upload(item.id, Buffer.from('not an image'), 'x.png', 'image/png');
    expect(txt.status).toBe(415);
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024 + 10)]);
    expect((await upload(item.id, big, 'big.png', 'image/png')).status).toBe(413);
    expect((await upload(item.id, PNG, 'a.png', 'image/png', 'unit2')).status).toBe(403);
    expect(await photoCount(item.id)).toBe(0);
  });

  it('decodes the upload: a PNG signature followed by HTML is refused (415), nothing is stored', async () => {
    const item = await scheduled();
    const r = await upload(item.id, polyglotPngHtml(), 'after.png', 'image/png');
    expect(r.status).toBe(415);
    expect(r.body).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_FILE_TYPE' });
    expect(r.body.message).toContain('file');
    // A JPEG signature on a PNG body does not pass either: the bytes must decode as what they claim.
    const lying = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), PNG]);
    expect((await upload(item.id, lying, 'after.jpg', 'image/jpeg')).status).toBe(415);
    expect(await photoCount(item.id)).toBe(0);
  });

  it('refuses an image declaring more than 40 megapixels (413) without decoding it', async () => {
    const item = await scheduled();
    const bomb = hugePng(50_000, 50_000);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const r = await upload(item.id, bomb, 'bomb.png', 'image/png');
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ statusCode: 413, code: 'IMAGE_TOO_LARGE' });
    expect(r.body.message).toContain('50000×50000');
    expect(await photoCount(item.id)).toBe(0);
  });

  it('stores a re-encoded JPEG without EXIF: the GPS position of a phone photo is gone, the photo upright', async () => {
    const item = await scheduled();
    const phone = await gpsJpeg();
    const sent = await sharp(phone).metadata();
    expect(sent.exif?.includes(Buffer.from('RedHeartPhone'))).toBe(true);
    expect(sent.exif?.includes(Buffer.from([0x25, 0x88]))).toBe(true); // the GPS IFD pointer tag (0x8825)
    expect(sent.orientation).toBe(6);
    const up = await upload(item.id, phone, 'IMG_0001.jpg', 'image/jpeg');
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ kind: 'photo', mime: 'image/jpeg' });
    const back = await api().get(`/api/volunteer/items/${item.id}/evidence/${up.body.id}`).set(as('clerk'));
    expect(back.status).toBe(200);
    expect(back.headers['content-type']).toBe('image/jpeg');
    const stored = back.body as Buffer;
    expect(stored.length).toBe(up.body.size);
    const meta = await sharp(stored).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 48, height: 64 });
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(stored.includes(Buffer.from('Exif'))).toBe(false);
    expect(stored.includes(Buffer.from('RedHeartPhone'))).toBe(false);
    // What the service wrote to disk is that same copy, not the upload.
    const row = (await t.ds.query(`SELECT file_name, size FROM item_evidence WHERE id = $1`, [up.body.id]))[0];
    expect(row.file_name).toMatch(/^[0-9a-f]{64}\.jpg$/);
    expect(row.size).toBe(stored.length);
  });

  it('refuses a note with NUL (400 naming the field) and stores no photo', async () => {
    let item = await published();
    for (const [body, who] of [[{ action: 'claim' }, 'unit'], [{ action: 'schedule' }, 'unit']] as const) {
      item = (await act(item.id, { version: item.version, ...body }, who)).body;
    }
    const res = await api().post(`/api/volunteer/items/${item.id}/evidence`).set(as('unit')).field('note', '清扫\u0000完成').attach('file', PNG, { filename: 'a.png', contentType: 'image/png' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_CHARACTERS', details: { field: 'note' } });
    expect((await t.ds.query('SELECT count(*)::int AS n FROM item_evidence WHERE item_id = $1', [item.id]))[0].n).toBe(0);
  });
});

describe('GET /api/volunteer/items', () => {
  it('lists open items in a unit’s reported communities, keyset pages, and scope', async () => {
    const open = await api().get('/api/volunteer/items?view=open&limit=2').set(as('unit'));
    expect(open.status).toBe(200);
    expect(open.body.items.every((i: { status: string }) => ['PUBLISHED', 'ESCALATED'].includes(i.status))).toBe(true);
    const none = await api().get('/api/volunteer/items').set(as('unitOther'));
    expect(none.body.items).toEqual([]);
    expect((await api().get('/api/volunteer/items').set(as('clerkCuiting'))).body.items).toEqual([]);
    const p1 = await api().get('/api/volunteer/items?limit=3').set(as('clerk'));
    const p2 = await api().get(`/api/volunteer/items?limit=3&cursor=${p1.body.nextCursor}`).set(as('clerk'));
    expect(p2.body.items.some((i: { id: number }) => p1.body.items.some((j: { id: number }) => j.id === i.id))).toBe(false);
    expect((await api().get('/api/volunteer/items?status=NOPE').set(as('clerk'))).status).toBe(400);
    expect((await api().get('/api/volunteer/items')).status).toBe(401);
  });

  it('pages through items created within the same millisecond without skipping any (the cursor keeps microseconds)', async () => {
    const before: { id: number; created_at: Date }[] = await t.ds.query(`SELECT id, created_at FROM item`);
    await t.ds.query(`UPDATE item SET created_at = timestamptz '2031-01-01 00:00:00.123' + id * interval '1 microsecond'`);
    const whole = await api().get('/api/volunteer/items?limit=100').set(as('clerk'));
    expect(whole.body.items.length).toBeGreaterThan(4);
    const seen: number[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: { body: { items: { id: number }[]; nextCursor: string | null } } = await api().get(`/api/volunteer/items?limit=2${cursor ? `&cursor=${cursor}` : ''}`).set(as('clerk'));
      seen.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    }
    expect(seen).toEqual(whole.body.items.map((i: { id: number }) => i.id));
    // Back as they were: other tests compare creation times (duplicates within 7 days, timelines).
    for (const r of before) await t.ds.query(`UPDATE item SET created_at = $2 WHERE id = $1`, [r.id, r.created_at]);
  });
});


describe('round trips of a claim (issue 12)', () => {
  /** START, the item (locked), the item's update with its event, outbox row and audit entry, COMMIT. */
  const CLAIM_STATEMENTS = 4;

  it(`claims in ${CLAIM_STATEMENTS} statements with the same event, audit entry and answer as a read`, async () => {
    const item = await published();
    let r: request.Response | undefined;
    const txs = await recordTransactions(async () => {
      r = await act(item.id, { action: 'claim', version: item.version }, 'unit');
    });
    const claim = txs.filter((s) => s.some((q) => /^(WITH u AS \()?UPDATE item\b/.test(q)));
    expect(claim).toHaveLength(1);
    expect(claim[0].length).toBeLessThanOrEqual(CLAIM_STATEMENTS);
    expect(r!.status).toBe(200);
    expect(r!.body).toMatchObject({ status: 'CLAIMED', unitId: U.ziran, unitName: '栖霞市自然资源和规划局党组', version: item.version + 1 });
    expect(r!.body.timeline.map((e: { action: string }) => e.action)).toEqual(['report', 'publish', 'claim']);
    const read = await api().get(`/api/volunteer/items/${item.id}`).set(as('unit'));
    expect(r!.body).toEqual(read.body);
    const [event] = await t.ds.query(`SELECT org_path AS "orgPath", actor, payload FROM outbox_event WHERE type = 'volunteer.item.claimed' AND aggregate_id = $1`, [String(item.id)]);
    expect(event).toMatchObject({
      orgPath: '/1/3/7/', actor: USERS.unit.username,
      payload: { itemId: item.id, itemNo: item.itemNo, communityId: C.longteng, unitId: U.ziran, actorId: USERS.unit.sub, action: 'claim', from: 'PUBLISHED', to: 'CLAIMED', place: item.place, rating: null, reason: null },
    });
    const [audit] = await t.ds.query(`SELECT before, after FROM audit_entry WHERE entity_type = 'item' AND entity_id = $1 AND action = 'item.claim'`, [String(item.id)]);
    expect(audit).toEqual({ before: { status: 'PUBLISHED', version: item.version, unitId: null }, after: { status: 'CLAIMED' } });
    expect((await verifyAuditChain((sql, params) => t.ds.query(sql, params))).broken).toBeUndefined();
  });
});
