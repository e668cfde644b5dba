#!/usr/bin/env node
// Web load: bytes over the wire and first contentful paint of the pages a clerk and an admin open
// first, with a cold cache, in headless Chromium against a running platform (`npm start`; BASE_URL,
// default http://127.0.0.1:8080). Each page is loaded in a fresh browser context (empty cache),
// after a login through the API whose tokens are handed to the page — so the figures are those of
// the page itself, not of the login page before it.
//
//   node bench/web-load/run.mjs            prints the table and writes docs/benchmarks.md
//   node bench/web-load/run.mjs --check    prints the table and exits 1 when a page is over its
//                                          budget (CI's bundle budget; docs untouched)
import os from 'node:os';
import { chromium, request } from 'playwright-core';
import { machine, stamp, writeDocs } from '../lib/common.mjs';

const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const PASSWORD = 'Qixia@2020';
const check = process.argv.includes('--check');
const KB = 1024;
/** The budgets of issue 14: the login page ≤ 150 KB of JS + CSS over the wire, any page ≤ 400 KB. */
const LOGIN_BUDGET = 150 * KB;
const PAGE_BUDGET = 400 * KB;

const PAGES = [
  { name: 'login', path: '/login', user: null, ready: '[data-testid="login-submit"]', budget: LOGIN_BUDGET },
  { name: 'org tree', path: '/org', user: 'admin', ready: '[data-testid="org-tree"] .el-tree-node', budget: PAGE_BUDGET },
  { name: 'case queue', path: '/household/cases', user: 'clerk.longteng', ready: '[data-testid="case-refresh"]', budget: PAGE_BUDGET },
  { name: 'statistics', path: '/household/stats', user: 'clerk.longteng', ready: 'canvas', budget: PAGE_BUDGET },
];

async function session(username) {
  const ctx = await request.newContext({ baseURL: BASE });
  const res = await ctx.post('/api/auth/login', { data: { username, password: PASSWORD } });
  if (!res.ok()) throw new Error(`login ${username}: ${res.status()} ${await res.text()}`);
  const body = await res.json();
  await ctx.dispose();
  return body;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
});

async function measure(p) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1400, height: 900 } });
  if (p.user) {
    const s = await session(p.user);
    await context.addInitScript(
      ([token, user]) => {
        sessionStorage.setItem('rh.accessToken', token);
        sessionStorage.setItem('rh.user', user);
      },
      [s.accessToken, JSON.stringify(s.user)],
    );
  }
  const page = await context.newPage();
  await page.goto(`${BASE}${p.path}`);
  await page.locator(p.ready).first().waitFor({ timeout: 60_000 });
  await page.waitForLoadState('networkidle');
  // Resource Timing of the page itself: encodedBodySize is the body as it crossed the wire
  // (compressed when it was), transferSize adds the headers. A fresh context has an empty cache.
  const { entries, fcp } = await page.evaluate(() => ({
    entries: [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].map((e) => ({
      name: e.name,
      body: e.encodedBodySize,
      transfer: e.transferSize,
      decoded: e.decodedBodySize,
    })),
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
  }));
  const bytes = { js: 0, css: 0, other: 0, api: 0, transfer: 0, decoded: 0 };
  let files = 0;
  for (const e of entries) {
    const path = new URL(e.name).pathname;
    const kind = path.startsWith('/api/') ? 'api' : path.endsWith('.js') ? 'js' : path.endsWith('.css') ? 'css' : 'other';
    bytes[kind] += e.body;
    bytes.transfer += e.transfer;
    if (kind === 'js' || kind === 'css') {
      bytes.decoded += e.decoded;
      files++;
    }
  }
  await context.close();
  // WEB_LOAD_FILES=1: each JS/CSS file of the page, largest first (what to cut when a page is over its budget)
  if (process.env.WEB_LOAD_FILES) {
    const list = entries.filter((e) => /\.(js|css)$/.test(new URL(e.name).pathname)).sort((a, b) => b.body - a.body);
    process.stdout.write(`${p.name}:\n${list.map((e) => `  ${(e.body / KB).toFixed(1).padStart(7)} KB  ${new URL(e.name).pathname}`).join('\n')}\n`);
  }
  return { ...p, bytes, files, jsCss: bytes.js + bytes.css, total: bytes.transfer, fcp };
}

const load0 = os.loadavg();
const rows = [];
for (const p of PAGES) rows.push(await measure(p));
await browser.close();
const load1 = os.loadavg();

const kb = (n) => (n / KB).toFixed(1);
const table = [
  '| page | JS | CSS | JS + CSS over the wire | budget | JS + CSS files (uncompressed size) | everything with headers, API answers, fonts | first contentful paint |',
  '| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.name} (\`${r.path}\`) | ${kb(r.bytes.js)} KB | ${kb(r.bytes.css)} KB | ${kb(r.jsCss)} KB | ≤ ${kb(r.budget)} KB — ${r.jsCss <= r.budget ? 'pass' : '**over**'} | ${r.files} (${kb(r.bytes.decoded)} KB) | ${kb(r.total)} KB | ${r.fcp === null ? '—' : `${Math.round(r.fcp)} ms`} |`),
].join('\n');
process.stdout.write(`\n${table}\n\n`);
const over = rows.filter((r) => r.jsCss > r.budget);

if (check) {
  if (over.length) {
    process.stdout.write(`over budget: ${over.map((r) => `${r.name} ${kb(r.jsCss)} KB > ${kb(r.budget)} KB`).join('; ')}\n`);
    process.exit(1);
  }
  process.stdout.write('every page within its budget\n');
  process.exit(0);
}

const m = machine('—', {});
writeDocs(
  { name: 'web-load', title: 'Web load', indexRow: '| [Web load](#web-load-benchweb-load) | `npm run bench:web-load` (against `npm start`) |' },
  `## Web load (bench/web-load)

\`npm run bench:web-load\` against \`npm start\` — each page in a fresh Chromium context (cold cache, cache
disabled), signed in through the API first (so the login page's own bytes are not counted twice).
Bytes are the bodies as they crossed the wire (Resource Timing \`encodedBodySize\`: compressed when
the gateway sent them compressed); the "everything" column is \`transferSize\` of every request (headers included). Run ${stamp()}.

${table}

**Machine:** ${m.cpu}, ${m.nproc} CPUs, ${m.memory} RAM; Node.js ${m.node}; Chromium headless on loopback (no
network latency: the paint times show CPU work, not a slow line). Load average (1 min) ${load0[0].toFixed(2)}
before, ${load1[0].toFixed(2)} after.`,
);
