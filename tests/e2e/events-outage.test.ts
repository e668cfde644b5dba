import 'reflect-metadata';
import { freePort, natsServerAvailable, type PrivateNatsServer, privateNatsServer, testEventsPrefix } from '@redheart/shared';
import { DEMO_PASSWORD, type Platform, startPlatform } from './platform';

// The outage test, through the API: a platform on a NATS server of the test's own; the server is
// stopped, 100 real changes are made through the gateway (they succeed, their events wait in the outbox),
// the server is started again on the same store, and the consumer shows exactly 100 effects (the
// secretary's notifications of 100 accepted cases), none twice. Needs `nats-server` on PATH: under
// REQUIRE_NATS=1 (CI) its absence fails; TEST_EVENTS=http (the fallback's run) skips it.

const CHANGES = 100;
const wanted = process.env.TEST_EVENTS !== 'http';
const runnable = wanted && natsServerAvailable();
if (wanted && !runnable && process.env.REQUIRE_NATS === '1') throw new Error('REQUIRE_NATS=1 but nats-server is not on PATH');

let platform: Platform;
let nats: PrivateNatsServer;
const tokens = new Map<string, string>();

const until = async (what: string, ok: () => Promise<boolean>, timeoutMs = 120_000) => {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
};

async function api(username: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${platform.url}${path}`, {
    method, headers: { authorization: `Bearer ${tokens.get(username)}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> };
}

/** A valid resident ID number (GB 11643) of someone born `i` days after 1970-01-01. */
function residentId(i: number): string {
  const d = new Date(Date.UTC(1970, 0, 1) + i * 86400_000);
  const first17 = `370686${d.toISOString().slice(0, 10).replace(/-/g, '')}${String(700 + (i % 200)).padStart(3, '0')}`;
  const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  return first17 + '10X98765432'[[...first17].reduce((sum, c, k) => sum + Number(c) * W[k], 0) % 11];
}

/** `n` calls of `f`, `width` at a time. */
async function inBatches<T>(n: number, width: number, f: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += width) out.push(...(await Promise.all(Array.from({ length: Math.min(width, n - i) }, (_, k) => f(i + k)))));
  return out;
}

(runnable ? describe : describe.skip)('NATS stopped → 100 changes through the API → NATS started → exactly 100 effects at the consumer', () => {
  beforeAll(async () => {
    nats = privateNatsServer(await freePort(0));
    await nats.start();
    platform = await startPlatform({ notify: true, nats: { url: nats.url, prefix: testEventsPrefix() } });
    for (const u of ['clerk.longteng', 'secretary.longteng']) {
      const res = await fetch(`${platform.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: u, password: DEMO_PASSWORD }) });
      if (res.status !== 200) throw new Error(`login ${u}: ${res.status}`);
      tokens.set(u, ((await res.json()) as { accessToken: string }).accessToken);
    }
  }, 600_000);
  afterAll(async () => {
    await platform?.close();
    await nats?.destroy();
  });

  it('requests succeed while the bus is down, the events wait in the outbox, and each is applied once after it returns', async () => {
    const { household, notify } = platform.db;
    // 100 cases opened and submitted by a clerk of 龙腾 while the bus is up
    const cases = await inBatches(CHANGES, 10, async (i) => {
      const created = await api('clerk.longteng', 'POST', '/api/household/cases', {
        type: 'purchased_flat', applicantName: `断线测试${i}`, persons: [{ name: `断线测试${i}`, idNumber: residentId(20_000 + i), relation: 'head' }],
        newHousehold: { kind: 'family', address: `栖霞市庄园街道龙腾小区断线测试${i}号` }, propertyCertificateNo: `鲁(2020)栖霞市不动产权第E2E-OUT-${i}号`,
        provided: ['id_card', 'hukou_booklet', 'property_certificate', 'purchase_contract', 'application_form'],
      });
      if (created.status !== 201) throw new Error(`create ${i}: ${created.status} ${JSON.stringify(created.body)}`);
      const submitted = await api('clerk.longteng', 'POST', `/api/household/cases/${created.body.id}/transitions`, { action: 'submit', version: created.body.version });
      if (submitted.status !== 200) throw new Error(`submit ${i}: ${submitted.status} ${JSON.stringify(submitted.body)}`);
      return { id: created.body.id as number, version: submitted.body.version as number };
    });
    const ids = cases.map((c) => String(c.id));
    await until('the household outbox to drain before the outage', async () => (await household.query(`SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL`))[0].n === 0);

    await nats.stop();
    // 100 changes through the gateway with the bus down: every one succeeds
    const accepted = await inBatches(CHANGES, 10, (i) => api('clerk.longteng', 'POST', `/api/household/cases/${cases[i].id}/transitions`, { action: 'accept', version: cases[i].version, originalsVerified: true }));
    expect(accepted.map((r) => r.status)).toEqual(Array(CHANGES).fill(200));
    // their events wait in the outbox, none published, and nobody has been told yet
    const waiting = await household.query(`SELECT count(*)::int AS n FROM outbox_event WHERE type = 'household.case.accepted' AND aggregate_id = ANY($1) AND published_at IS NULL`, [ids]);
    expect(waiting[0].n).toBe(CHANGES);
    const told = async () => (await notify!.query(
      `SELECT count(*)::int AS n, count(DISTINCT record_id)::int AS cases, count(DISTINCT event_id)::int AS events FROM notification WHERE rule = 'case-awaiting-secretary' AND record_id = ANY($1)`, [ids],
    ))[0] as { n: number; cases: number; events: number };
    expect((await told()).n).toBe(0);

    // the bus returns on the same store: the relay catches up, the consumer applies each event once
    await nats.start();
    await until('the secretary to be told of all 100 cases', async () => (await told()).n >= CHANGES, 180_000);
    await until('the household outbox to drain after the outage', async () => (await household.query(`SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL`))[0].n === 0);
    // a little longer for any redelivery to land (it must not add anything)
    await new Promise((r) => setTimeout(r, 3000));
    expect(await told()).toEqual({ n: CHANGES, cases: CHANGES, events: CHANGES });
    expect((await notify!.query(`SELECT count(*)::int AS n FROM dead_letter`))[0].n).toBe(0);
    // and the secretary sees them through the gateway
    const mine = await api('secretary.longteng', 'GET', '/api/notify/notifications?kind=case_awaiting_approval&limit=100');
    expect(mine.status).toBe(200);
    expect((mine.body.items as { recordId: string }[]).filter((n) => ids.includes(n.recordId))).toHaveLength(CHANGES);
  }, 600_000);
});
