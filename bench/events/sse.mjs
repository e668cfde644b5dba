#!/usr/bin/env node
// bench/events, phase "commit → notification on an open SSE stream" (issue 10: p99 < 1 s at 200 changes/s
// through the API). Against a running platform (`npm start` with NATS; BASE_URL, default http://127.0.0.1:8080):
//
// - the demo member opens the live stream through the gateway (POST /api/notify/stream/ticket, then
//   GET /api/notify/stream?ticket=…), as the SPA's bell does;
// - a clerk of 龙腾 publishes BENCH_SSE_ITEMS individual items (sign-ups);
// - BENCH_SSE_RATE (200) changes a second for BENCH_SSE_SECONDS (30) go through the gateway: the member signs up
//   for an item and withdraws again, in turn, each item's changes one after another (a sign-up is
//   `volunteer.item.signed_up`, which the notification service turns into `signup_confirmed` for the member;
//   a withdrawal makes none);
// - each sign-up's latency is from sending its request (an upper bound of its commit) to its notification
//   arriving on the stream (matched by the item's number: one sign-up per item is outstanding at a time).
//
// Not a timed test: it prints p50/p95/p99 and the achieved rate and writes them to docs/benchmarks.md with the
// machine's load.
//
//   BASE_URL=http://127.0.0.1:9280 node bench/events/sse.mjs   (BENCH_SSE_RATE, BENCH_SSE_SECONDS, BENCH_SSE_ITEMS)
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { envInt, fmt, log, machine, ms, runMain, stamp, stats, writeDocs } from '../lib/common.mjs';

const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const PASSWORD = process.env.DEMO_PASSWORD ?? 'Qixia@2020';
const RATE = envInt('BENCH_SSE_RATE', 200);
const SECONDS = envInt('BENCH_SSE_SECONDS', 30);
const ITEMS = envInt('BENCH_SSE_ITEMS', 60);
const sleep = (n) => new Promise((r) => setTimeout(r, n));

async function login(username) {
  const res = await fetch(`${BASE}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return (await res.json()).accessToken;
}

async function call(token, method, path, body) {
  const res = await fetch(`${BASE}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** The member's live stream: calls `onNotification(n, arrivedAt)` for each `event: notification`. */
async function openStream(token, onNotification) {
  const { ticket } = (await call(token, 'POST', '/api/notify/stream/ticket')).body;
  const ac = new AbortController();
  const res = await fetch(`${BASE}/api/notify/stream?ticket=${encodeURIComponent(ticket)}`, { signal: ac.signal, headers: { accept: 'text/event-stream' } });
  if (res.status !== 200) throw new Error(`stream: ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const done = (async () => {
    for (;;) {
      const { value, done: end } = await reader.read().catch(() => ({ done: true }));
      if (end) return;
      const now = performance.now();
      buf += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const lines = block.split('\n');
        if (!lines.includes('event: notification')) continue;
        const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        onNotification(JSON.parse(data), now);
      }
    }
  })();
  return { close: async () => { ac.abort(); await done; } };
}

runMain(async () => {
  const health = await fetch(`${BASE}/api/health`).catch(() => null);
  if (!health?.ok) throw new Error(`no platform answers at ${BASE} (start one: npm start, with NATS)`);
  const load0 = os.loadavg();
  const [clerk, member] = [await login('clerk.longteng'), await login('member')];
  const categories = (await call(clerk, 'GET', '/api/volunteer/categories')).body;
  // an active category (the browser tests withdraw the ones they create)
  const categoryId = (Array.isArray(categories) ? categories : categories.items).find((c) => c.active).id;
  log(`publishing ${ITEMS} individual items as clerk.longteng …`);
  const items = [];
  for (let i = 0; i < ITEMS; i++) {
    const r = await call(clerk, 'POST', '/api/volunteer/items', { categoryId, place: `龙腾小区压测${Date.now() % 100000}-${i}号楼`, description: '通知时延压测：报名服务' });
    if (r.status !== 201) throw new Error(`report: ${r.status} ${JSON.stringify(r.body)}`);
    const p = await call(clerk, 'POST', `/api/volunteer/items/${r.body.id}/transitions`, { action: 'publish', version: r.body.version, kind: 'individual', capacity: 50 });
    if (p.status !== 200) throw new Error(`publish: ${p.status} ${JSON.stringify(p.body)}`);
    items.push({ id: p.body.id, itemNo: p.body.itemNo, version: p.body.version, signedUp: false, pending: [] });
  }
  const byNo = new Map(items.map((it) => [it.itemNo, it]));
  const latencies = [];
  /** sending a sign-up → its answer (200): the API's share of the latency */
  const answered = [];
  let unmatched = 0;
  const stream = await openStream(member, (n, at) => {
    if (n.kind !== 'signup_confirmed') return;
    const it = byNo.get(n.params?.itemNo);
    const sent = it?.pending.shift();
    if (sent === undefined) unmatched++;
    else latencies.push(at - sent);
  });
  await sleep(500);

  log(`driving ${RATE} changes/s for ${SECONDS} s through the gateway (sign-up / withdraw in turn on ${ITEMS} items) …`);
  const total = RATE * SECONDS;
  let next = 0;
  let sent = 0;
  let failed = 0;
  let signups = 0;
  const byStatus = {};
  const t0 = performance.now();
  const free = [...items];
  const waiters = [];
  const inFlight = new Set();
  // one change every 1/RATE s on an item whose previous change has answered
  while (next < total) {
    const due = t0 + (next * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    let it = free.shift();
    if (!it) {
      await new Promise((r) => waiters.push(r));
      it = free.shift();
    }
    next++;
    const action = it.signedUp ? 'withdraw_signup' : 'signup';
    const at = performance.now();
    if (action === 'signup') it.pending.push(at);
    const p = call(member, 'POST', `/api/volunteer/items/${it.id}/transitions`, { action, version: it.version }).then((r) => {
      sent++;
      if (r.status === 200) {
        it.signedUp = action === 'signup';
        if (action === 'signup') {
          signups++;
          answered.push(performance.now() - at);
        }
      } else {
        failed++;
        byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
        // a 503 saved nothing; a 504 (the gateway gave up) may have committed: its notification may still come
        if (action === 'signup' && r.status !== 504) it.pending.pop();
        else if (action === 'signup') it.signedUp = true;
        if (failed <= 5) log(`${action} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}`);
      }
    }, () => { sent++; failed++; if (action === 'signup') it.pending.pop(); }).finally(() => {
      inFlight.delete(p);
      free.push(it);
      waiters.shift()?.();
    });
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  const driveS = (performance.now() - t0) / 1000;
  // the last notifications
  const end = performance.now() + 30_000;
  while (items.some((it) => it.pending.length) && performance.now() < end) await sleep(100);
  await stream.close();
  const load1 = os.loadavg();
  const missing = items.reduce((n, it) => n + it.pending.length, 0);
  const st = stats(latencies);
  const p95 = latencies.slice().sort((a, b) => a - b)[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.95))];
  const achieved = sent / driveS;
  log(`${fmt(sent)} changes in ${driveS.toFixed(1)} s = ${achieved.toFixed(0)} changes/s (${failed} failed); ${fmt(signups)} sign-ups, ${fmt(latencies.length)} notifications on the stream, ${missing} missing, ${unmatched} unmatched`);
  log(`commit → on the stream: p50 ${ms(st.median)} ms, p95 ${ms(p95)} ms, p99 ${ms(st.p99)} ms, max ${ms(st.max ?? Math.max(...latencies))} ms`);
  const api = stats(answered);
  log(`of which the sign-up's own answer (request → 200): p50 ${ms(api.median)} ms, p99 ${ms(api.p99)} ms`);
  const pass = st.p99 < 1000 && achieved >= RATE * 0.95 && missing === 0;
  const m = machine('(the platform’s)', {});
  writeDocs({ name: 'events-sse', title: 'Events: commit → notification on an SSE stream', indexRow: '| [Events: commit → notification on an SSE stream](#events-commit--notification-on-an-sse-stream-benchevents) | `npm run bench:events:sse` |' }, [
    '## Events: commit → notification on an SSE stream (bench/events)',
    '',
    `Measured ${stamp()}.`,
    '',
    `\`BASE_URL=… node bench/events/sse.mjs\` against \`npm start\` with NATS (JetStream), through the gateway: the demo member's live stream`,
    `open (\`/api/notify/stream\`), ${RATE} changes/s asked for ${SECONDS} s (the member's sign-up and withdrawal on ${ITEMS} individual items in turn;`,
    'each sign-up → `volunteer.item.signed_up` → outbox → relay → JetStream → notification consumer → `signup_confirmed` → `pg_notify` → the stream).',
    'Latency: from sending the sign-up request (an upper bound of its commit) to its notification arriving on the stream.',
    '',
    '| measure | value |',
    '| --- | --- |',
    `| changes asked / achieved | ${RATE}/s / **${achieved.toFixed(0)}/s** (${fmt(sent)} in ${driveS.toFixed(1)} s, ${failed} failed${failed ? `: ${Object.entries(byStatus).map(([k, v]) => `${v}× ${k}`).join(', ')}` : ''}) |`,
    `| sign-ups answered 200 → notifications on the stream | ${fmt(signups)} → ${fmt(latencies.length)} (sign-ups still without one after 30 s: ${missing}; notifications matching no sign-up: ${unmatched}) |`,
    `| p50 / p95 / p99 | ${ms(st.median)} / ${ms(p95)} / **${ms(st.p99)}** ms |`,
    `| of which the sign-up's own answer (request → 200), p50 / p99 | ${ms(api.median)} / ${ms(api.p99)} ms |`,
    `| target (p99 < 1 s at 200 changes/s) | ${pass ? 'met' : '**not met**'} |`,
    `| machine load (1-min loadavg, before / after) | ${load0[0].toFixed(1)} / ${load1[0].toFixed(1)} on ${os.cpus().length} cores (the platform's and the bench's own work included; a shared machine, where other work may run too) |`,
    '',
    `**Machine:** ${m.cpu}, ${m.nproc} CPUs (\`nproc\`), ${m.memory} RAM, ${m.os}; Node.js ${m.node}. The platform (gateway, four services, PostgreSQL, NATS) and the bench share it.`,
  ].join('\n'));
  return 0;
});
