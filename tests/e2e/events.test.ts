import 'reflect-metadata';
import { natsForTests, streamName, testEventsPrefix } from '@redheart/shared';
import { connect } from 'nats';
import { DEMO_PASSWORD, type Platform, startPlatform } from './platform';

// Events between the services, end to end: on NATS JetStream when it answers (CI: REQUIRE_NATS=1),
// else (or with TEST_EVENTS=http, which CI runs too) on the HTTP fallback that `npm start` uses without NATS.

let platform: Platform;
let natsUrl: string | undefined;
const prefix = testEventsPrefix();
const tokens = new Map<string, string>();

const until = async (what: string, ok: () => Promise<boolean>, timeoutMs = 60_000) => {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

async function login(username: string): Promise<string> {
  const res = await fetch(`${platform.url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function api(username: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${platform.url}${path}`, {
    method, headers: { authorization: `Bearer ${tokens.get(username)}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> };
}

/** A valid resident ID number (a 1985 birth in 栖霞) ending in `seq`. */
const residentId = (seq: string) => {
  const first17 = `37068619850312${seq}`;
  const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  return first17 + '10X98765432'[[...first17].reduce((sum, d, i) => sum + Number(d) * W[i], 0) % 11];
};
/** A purchased-flat case of 龙腾 opened by clerk.longteng (a draft) for a resident whose ID number ends in `seq`. */
const openCase = (seq: string, certificate: string) =>
  api('clerk.longteng', 'POST', '/api/household/cases', {
    type: 'purchased_flat', applicantName: '事件测试', persons: [{ name: '事件测试', idNumber: residentId(seq), relation: 'head' }],
    newHousehold: { kind: 'family', address: '栖霞市庄园街道龙腾小区9号楼2单元302' }, propertyCertificateNo: `鲁(2020)栖霞市不动产权第${certificate}号`,
    provided: ['id_card', 'hukou_booklet', 'property_certificate', 'purchase_contract', 'application_form'],
  });

beforeAll(async () => {
  natsUrl = await natsForTests();
  platform = await startPlatform({ notify: true, ...(natsUrl ? { nats: { url: natsUrl, prefix } } : {}) });
  for (const u of ['admin', 'unit.staff', 'clerk.cuiting', 'clerk.longteng', 'secretary.longteng', 'street.zhuangyuan']) tokens.set(u, await login(u));
}, 600_000);
afterAll(async () => {
  await platform?.close();
  if (natsUrl) {
    const nc = await connect({ servers: natsUrl });
    const jsm = await nc.jetstreamManager();
    for (const s of ['org', 'household', 'volunteer', 'notify']) await jsm.streams.delete(streamName(prefix, s)).catch(() => false);
    await nc.close();
  }
});

describe(`events between the services (${process.env.TEST_EVENTS === 'http' ? 'the HTTP fallback: TEST_EVENTS=http' : process.env.NATS_URL ?? 'NATS at 127.0.0.1:4222 if it answers, else the HTTP fallback'})`, () => {
  it('a community moved to another street in org reaches the household and volunteer copies', async () => {
    const { org, household, volunteer } = platform.db;
    const [c] = await org.query(`SELECT c.id::int AS id, c.version, c.parent_id::int AS "parentId" FROM org_unit c WHERE c.type = 'community_committee' AND c.valid_to IS NULL AND c.id NOT IN (SELECT org_id FROM account WHERE username IN ('clerk.cuiting', 'unit.staff')) ORDER BY c.id DESC LIMIT 1`);
    const [street] = await org.query(`SELECT id::int AS id, path, name FROM org_unit WHERE type = 'street_committee' AND valid_to IS NULL AND id <> $1 ORDER BY id LIMIT 1`, [c.parentId]);
    const moved = await api('admin', 'POST', `/api/org/units/${c.id}/move`, { version: c.version, newParentId: street.id, reason: '区划调整：事件测试' });
    expect(moved.status).toBe(200);
    const newPath = `${street.path}${c.id}/`;
    for (const [name, ds] of [['household', household], ['volunteer', volunteer]] as const) {
      await until(`${name} to see the move`, async () => {
        const [ref] = await ds.query(`SELECT path, street_name AS "streetName" FROM community_ref WHERE id = $1`, [c.id]);
        return ref?.path === newPath && ref.streetName === street.name;
      });
    }
    // The org outbox was drained (published or delivered), and nothing was parked anywhere.
    await until('the org outbox to drain', async () => (await org.query(`SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL`))[0].n === 0);
    for (const ds of [org, household, volunteer]) expect((await ds.query(`SELECT count(*)::int AS n FROM dead_letter`))[0].n).toBe(0);
  }, 120_000);

  it('a service of the catalogue edited and added in org reaches the household copy (一网通办) without polling', async () => {
    const { org, household } = platform.db;
    const [s] = await org.query(`SELECT id::int AS id, version, time_limit_days AS days FROM catalogue_service ORDER BY id LIMIT 1`);
    const edited = await api('admin', 'PATCH', `/api/org/catalogue/${s.id}`, { version: s.version, timeLimitDays: s.days + 3, materials: ['居民身份证', '事件测试材料'] });
    expect(edited.status).toBe(200);
    const added = await api('admin', 'POST', '/api/org/catalogue', { code: 'E2E-EV-1', name: '事件测试事项', category: '户籍服务', materials: ['户口簿'], timeLimitDays: 2 });
    expect(added.status).toBe(201);
    await until('household to copy the edit and the addition', async () => {
      const rows: { id: number; days: number; materials: string[]; version: number }[] = await household.query(
        `SELECT id::int AS id, time_limit_days AS days, materials, version FROM catalogue_ref WHERE id = ANY($1::bigint[]) ORDER BY id`, [[s.id, added.body.id]]);
      return rows.length === 2 && rows[0].days === s.days + 3 && rows[0].materials.includes('事件测试材料') && rows[0].version === edited.body.version && rows[1].days === 2;
    });
    // and the clerk's 一网通办 screen offers the new service
    const listed = await api('clerk.longteng', 'GET', `/api/household/service-catalogue?q=${encodeURIComponent('事件测试事项')}`);
    expect((listed.body.items as { id: number }[]).map((x) => x.id)).toEqual([added.body.id]);
    expect((await household.query(`SELECT count(*)::int AS n FROM inbox_event WHERE consumer = 'household-catalogue-ref'`))[0].n).toBe(2);
    expect((await household.query(`SELECT count(*)::int AS n FROM dead_letter`))[0].n).toBe(0);
  }, 120_000);

  it('a dual report approved while org is down commits; org applies the scope when it returns', async () => {
    const { org, volunteer } = platform.db;
    const [unit] = await org.query(`SELECT org_id::int AS id FROM account WHERE username = 'unit.staff'`);
    const [clerk] = await org.query(`SELECT a.org_id::int AS id FROM account a WHERE a.username = 'clerk.cuiting'`);
    await org.query(`DELETE FROM unit_community_report WHERE unit_id = $1 AND community_id = $2`, [unit.id, clerk.id]);
    const reported = await api('unit.staff', 'POST', '/api/volunteer/reports', { communityId: clerk.id, resources: ['政策宣讲'], contactName: '王科长', contactPhone: '0535-5212345' });
    expect(reported.status).toBe(201);
    const list = await api('clerk.cuiting', 'GET', '/api/volunteer/reports?status=pending');
    const pending = (list.body as unknown as { id: number; version: number; unitId: number | string }[]).find((r) => Number(r.unitId) === unit.id)!;
    if (!pending) throw new Error(`no pending report of unit ${unit.id} in ${JSON.stringify(list).slice(0, 500)} after ${JSON.stringify(reported)}`);

    await platform.stopOrg();
    const approved = await api('clerk.cuiting', 'POST', `/api/volunteer/reports/${pending.id}/decision`, { decision: 'approve', version: pending.version });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect((await volunteer.query(`SELECT status FROM unit_report WHERE id = $1`, [pending.id]))[0].status).toBe('approved');
    expect((await org.query(`SELECT count(*)::int AS n FROM unit_community_report WHERE unit_id = $1 AND community_id = $2 AND ended_on IS NULL`, [unit.id, clerk.id]))[0].n).toBe(0);

    await platform.startOrg();
    await until('org to apply the approval', async () =>
      (await org.query(`SELECT count(*)::int AS n FROM unit_community_report WHERE unit_id = $1 AND community_id = $2 AND ended_on IS NULL`, [unit.id, clerk.id]))[0].n === 1);
    expect((await org.query(`SELECT count(*)::int AS n FROM inbox_event WHERE consumer = 'org-unit-reports' AND type = 'volunteer.report.approved'`))[0].n).toBe(1);
    // and the unit's staff are told, through the gateway
    await until('the unit to be told', async () => {
      const mine = await api('unit.staff', 'GET', '/api/notify/notifications?kind=report_approved');
      return ((mine.body?.items ?? []) as { recordId: string }[]).some((n) => n.recordId === String(clerk.id));
    });
  }, 180_000);

  it('the secretary approves a clerk’s case: the clerk is told (and the secretary was told it waited), through the gateway', async () => {
    const { household } = platform.db;
    // a case of 龙腾 opened and submitted by clerk.longteng
    const created = await openCase('135', 'E2E-1');
    expect(created.status).toBe(201);
    const submitted = await api('clerk.longteng', 'POST', `/api/household/cases/${created.body.id}/transitions`, { action: 'submit', version: created.body.version });
    expect(submitted.status).toBe(200);
    const c = { id: created.body.id as number, version: submitted.body.version as number };
    expect((await household.query(`SELECT count(*)::int AS n FROM outbox_event WHERE aggregate_id = $1`, [String(c.id)]))[0].n).toBe(2);
    const before = (await api('clerk.longteng', 'GET', '/api/notify/notifications/unread-count')).body.unread as number;
    const accepted = await api('clerk.longteng', 'POST', `/api/household/cases/${c.id}/transitions`, { action: 'accept', version: c.version, originalsVerified: true });
    expect(accepted.status).toBe(200);
    await until('the secretary to be told the case waits', async () => {
      const mine = await api('secretary.longteng', 'GET', '/api/notify/notifications?kind=case_awaiting_approval');
      return ((mine.body?.items ?? []) as { recordId: string }[]).some((n) => n.recordId === String(c.id));
    });
    const approved = await api('secretary.longteng', 'POST', `/api/household/cases/${c.id}/transitions`, { action: 'approve', version: accepted.body.version, approvalNo: '栖准迁E2E1' });
    expect(approved.status).toBe(200);
    await until('the clerk to be told', async () => (await api('clerk.longteng', 'GET', '/api/notify/notifications/unread-count')).body.unread === before + 1);
    const [n] = ((await api('clerk.longteng', 'GET', '/api/notify/notifications?limit=1')).body.items as { kind: string; recordId: string; params: { caseNo: string } }[]);
    expect(n).toMatchObject({ kind: 'case_approved', recordId: String(c.id) });
    // nobody else in another community is told
    expect(((await api('clerk.cuiting', 'GET', '/api/notify/notifications')).body.items as { recordId: string }[]).some((x) => x.recordId === String(c.id))).toBe(false);
    expect((await platform.db.notify!.query(`SELECT count(*)::int AS n FROM dead_letter`))[0].n).toBe(0);
  }, 180_000);

  it('the system log (系统日志) follows every service’s audit on events: a household case reaches org’s log without polling, scoped, with no clear ID number', async () => {
    const { org, household } = platform.db;
    const created = await openCase('246', 'E2E-AUDIT');
    expect(created.status).toBe(201);
    const caseId = String(created.body.id);
    // household's outbox: the entry went out as household.audit.recorded, without the clear number
    const [ev] = await household.query(`SELECT payload, org_path AS "orgPath", aggregate_id AS "aggregateId" FROM outbox_event WHERE type = 'household.audit.recorded' AND payload->>'entityId' = $1`, [caseId]);
    expect(ev.payload).toMatchObject({ service: 'household', action: 'case.create', entityType: 'move_case', actorUsername: 'clerk.longteng' });
    expect(ev.payload).not.toHaveProperty('after');
    expect(JSON.stringify(ev)).not.toContain(residentId('246'));
    await until('org’s system log to hold the household entry', async () =>
      (await org.query(`SELECT count(*)::int AS n FROM system_log WHERE service = 'household' AND entity_type = 'move_case' AND entity_id = $1`, [caseId]))[0].n === 1);
    // a transition (its update, timeline event, bus event and audit entry written in one statement) reaches it too
    const submitted = await api('clerk.longteng', 'POST', `/api/household/cases/${caseId}/transitions`, { action: 'submit', version: created.body.version });
    expect(submitted.status).toBe(200);
    const [sev] = await household.query(
      `SELECT payload, org_path AS "orgPath", aggregate_id AS "aggregateId" FROM outbox_event WHERE type = 'household.audit.recorded' AND payload->>'entityId' = $1 AND payload->>'action' <> 'case.create'`,
      [caseId],
    );
    const [entry] = await household.query(`SELECT id::int AS id, action FROM audit_entry WHERE entity_type = 'move_case' AND entity_id = $1 AND action <> 'case.create'`, [caseId]);
    expect(sev.payload).toMatchObject({ service: 'household', auditId: entry.id, action: entry.action, entityType: 'move_case', actorUsername: 'clerk.longteng' });
    expect(sev.orgPath).toBe(ev.orgPath);
    // each entry an aggregate of its own (the relay publishes the trail side by side, not one acknowledged publish after another)
    expect(sev.aggregateId).toBe(`audit-${entry.id}`);
    expect(ev.aggregateId).toBe(`audit-${ev.payload.auditId}`);
    await until('org’s system log to hold the transition too', async () =>
      (await org.query(`SELECT count(*)::int AS n FROM system_log WHERE service = 'household' AND entity_type = 'move_case' AND entity_id = $1`, [caseId]))[0].n === 2);
    // through the gateway: the admin and 龙腾’s street admin see it; 翠亭’s clerk may not read the log at all
    const mine = (who: string) => api(who, 'GET', `/api/org/system-log?service=household&recordType=move_case&recordId=${caseId}`);
    const admin = await mine('admin');
    expect(admin.status).toBe(200);
    expect(admin.body.items).toEqual([
      expect.objectContaining({ service: 'household', action: entry.action, entityId: caseId, actorUsername: 'clerk.longteng' }),
      expect.objectContaining({ service: 'household', action: 'case.create', entityId: caseId, actorUsername: 'clerk.longteng' }),
    ]);
    expect(((await mine('street.zhuangyuan')).body.items as unknown[]).length).toBe(2);
    expect((await mine('clerk.cuiting')).status).toBe(403);
    // the org service's own entries are there too (written with them), and the notification service's arrive the same way
    const [u] = await org.query(`SELECT id::int AS id, path, name FROM org_unit WHERE type = 'community_committee' AND name LIKE '龙腾社区%' AND valid_to IS NULL LIMIT 1`);
    expect(ev.orgPath).toBe(u.path);
    const published = await api('admin', 'POST', '/api/notify/announcements', {
      title: '系统日志测试', body: '系统日志测试正文。', scopeOrgId: u.id, scopePath: u.path, scopeName: u.name, roles: ['community_clerk'],
    });
    expect(published.status).toBe(201);
    await until('org’s system log to hold the notification service’s entry', async () =>
      (await org.query(`SELECT count(*)::int AS n FROM system_log WHERE service = 'notify' AND action = 'announcement.publish' AND entity_id = $1`, [String(published.body.id)]))[0].n === 1);
    const services = ((await api('admin', 'GET', '/api/org/system-log?limit=200')).body.items as { service: string }[]).map((e) => e.service);
    expect(services).toEqual(expect.arrayContaining(['household', 'notify']));
    for (const ds of [org, platform.db.notify!]) expect((await ds.query(`SELECT count(*)::int AS n FROM dead_letter`))[0].n).toBe(0);
  }, 180_000);

  it('a session ended by an admin through the gateway: the next request with its token is 401 at the gateway and at each service', async () => {
    const token = await login('secretary.longteng'); // a session of its own
    const { sid } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sid: string };
    const probes: Record<string, string> = {
      org: '/api/auth/me', household: '/api/household/cases?limit=1', volunteer: '/api/volunteer/items?limit=1', notify: '/api/notify/notifications/unread-count',
    };
    const ask = async (base: string, path: string) => {
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, code: ((await res.json().catch(() => ({}))) as { code?: string }).code };
    };
    const everywhere = () => Object.entries(probes).flatMap(([service, path]) => [
      { where: `${service} (gateway)`, base: platform.url, path },
      { where: `${service} (direct)`, base: platform.services[service as 'org']!, path },
    ]);
    for (const p of everywhere()) expect({ where: p.where, status: (await ask(p.base, p.path)).status }).toEqual({ where: p.where, status: 200 });

    const ended = await api('admin', 'DELETE', `/api/org/sessions/${sid}`);
    expect(ended.status).toBe(204);
    expect((await platform.db.org.query(`SELECT count(*)::int AS n FROM outbox_event WHERE type = 'org.session.ended' AND payload->>'sessionId' = $1`, [sid]))[0].n).toBe(1);
    if (natsUrl) {
      // Over the bus: every process (not one replica of a queue group) hears of it without asking org.
      for (const r of platform.revocations) await until(`${r.name} to hear org.session.ended`, async () => r.seen.some((e) => e.sessionId === sid));
    } else {
      // The fallback: the feed polled every 250 ms; catch up now instead of waiting a tick.
      await Promise.all(platform.revocations.map((r) => r.source.sync()));
    }
    for (const p of everywhere()) {
      expect({ where: p.where, ...(await ask(p.base, p.path)) }).toEqual({ where: p.where, status: 401, code: 'SESSION_ENDED' });
    }
  }, 180_000);

  it('an announcement through the gateway: published to 龙腾’s clerks, in their bell, not another community’s; public without login', async () => {
    const [u] = await platform.db.org.query(`SELECT id::int AS id, path, name FROM org_unit WHERE type = 'community_committee' AND name LIKE '龙腾社区%' AND valid_to IS NULL LIMIT 1`);
    const published = await api('admin', 'POST', '/api/notify/announcements', {
      title: '龙腾社区工作人员例会', body: '本周五下午三点在社区党群服务中心开会。', scopeOrgId: u.id, scopePath: u.path, scopeName: u.name, roles: ['community_clerk'], public: true,
    });
    expect(published.status).toBe(201);
    const id = published.body.id as number;
    const mine = await api('clerk.longteng', 'GET', '/api/notify/notifications?kind=announcement&page=1&limit=20');
    expect((mine.body.items as { recordId: string }[]).map((n) => n.recordId)).toContain(String(id));
    expect(((await api('clerk.cuiting', 'GET', '/api/notify/announcements')).body.items as { id: number }[]).map((a) => a.id)).not.toContain(id);
    expect(((await api('secretary.longteng', 'GET', '/api/notify/announcements')).body.items as { id: number }[]).map((a) => a.id)).not.toContain(id);
    expect((await api('clerk.longteng', 'GET', `/api/notify/announcements/${id}`)).body).toMatchObject({ read: true });
    // read 1 of M: M the enabled clerks under 龙腾, as the org service counts them
    const [clerks] = await platform.db.org.query(
      `SELECT count(*)::int AS n FROM account a JOIN org_unit o ON o.id = a.org_id WHERE NOT a.disabled AND a.role = 'community_clerk' AND o.path LIKE $1 || '%'`, [u.path]);
    expect(clerks.n).toBeGreaterThanOrEqual(1);
    expect((await api('admin', 'GET', `/api/notify/announcements/${id}/receipts`)).body).toMatchObject({ readCount: 1, addressedCount: clerks.n, items: [{ username: 'clerk.longteng' }] });
    const pub = await fetch(`${platform.url}/api/notify/public/announcements`);
    expect(pub.status).toBe(200);
    expect(((await pub.json()) as { items: { id: number }[] }).items.map((a) => a.id)).toContain(id);
    // the rest of /api/notify still needs a token at the gateway
    expect((await fetch(`${platform.url}/api/notify/announcements`)).status).toBe(401);
  }, 180_000);
});
