#!/usr/bin/env node
// Malformed-input sweep against a running platform (`npm start`; BASE_URL, default http://127.0.0.1:8080):
// every operation of the gateway's merged OpenAPI document, as five demo roles, with odd path ids, odd query
// strings and odd JSON bodies. Bad input must get a clear 4xx (a JSON body with code and message), never a 5xx.
// Run it after the browser tests: some bodies are valid enough to act (e.g. run the escalation job).
// Also NUL and other control characters in ids, query strings and bodies, JSON nested 20,000 deep, and, once per
// operation, bodies over the route's limit (a 10 MB JSON body; 11 MB to the imports and the import jobs' upload) that must get a JSON 413.
// Exit code 1 when any answer is a 5xx, a 4xx without the error shape, or an oversize body not answered 413.
const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const PASSWORD = 'Qixia@2020';
const USERS = ['admin', 'street.zhuangyuan', 'clerk.longteng', 'unit.staff', 'member'];

const spec = await (await fetch(`${BASE}/api/openapi.json`)).json();
const tokens = {};
for (const u of USERS) {
  const r = await fetch(`${BASE}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: u, password: PASSWORD }) });
  if (r.status !== 200) throw new Error(`login ${u}: ${r.status} ${await r.text()}`);
  tokens[u] = (await r.json()).accessToken;
}

const IDS = ['0', '-1', 'abc', '1.5', '1e3', '99999999999999999999', '%27', '1%00', '1'];
const QUERIES = ['', '?limit=-1', '?limit=abc', '?limit=100000', '?cursor=%25%25', '?cursor=eyJ4IjoxfQ', '?from=2020-02-30&to=x', '?status=NOPE&communityId=abc',
  `?q=${encodeURIComponent("%'_\\")}`, '?asOf=notadate', '?communityId=99999999999999999999', '?communityId=1&communityId=2',
  '?q=%00', '?q=a%00b&status=%01&communityId=1%00', '?cursor=%00&after=1%1b'];
const BODIES = [undefined, '{}', '[]', 'null', '"x"', 'not json', '{"action":123,"version":"x"}', '{"action":"approve","version":-1}',
  JSON.stringify({ name: 'x'.repeat(5000), communityId: 'a', parentId: [], type: {}, limit: 1e9, date: '2020-13-45', idNumber: '123' }),
  JSON.stringify({ action: 'claim', version: 1e20 }),
  JSON.stringify({ communityId: 1e20, unitId: 1e20, categoryId: 1e20, parentId: 1e20, targetHouseholdId: 1e20, memberId: 1e20, version: 1 }),
  JSON.stringify({ hours: [{ name: 'a', hours: 1e300, memberId: 1e20 }], capacity: 1e300, rating: 1e300, budget: 1e300 }),
  JSON.stringify({ communityId: 1e20, categoryId: -5, place: '', description: null }),
  JSON.stringify({ username: 'admin\u0000', password: 'x\u0000', name: 'a\u0000b', place: '\u0000', description: 'x\u001by', applicantName: '\u0000', note: '\u0007', q: '\u0000' }),
  JSON.stringify({ persons: [{ name: '\u0000', idNumber: '\u0000', relation: 'head' }], properties: [{ certificateNo: '\u0000', address: 'a\u0000' }], 'k\u0000': 1 }),
  `{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
  '['.repeat(20_000)];

const param = /\{[^}]+\}|:[A-Za-z]+/g;
const problems = [];
let sent = 0;
const started = Date.now();
// Ending the sweep's own sessions would turn every later answer into a 401.
const SKIP = new Set(['post /api/auth/logout-everywhere']);
for (const [path, ops] of Object.entries(spec.paths)) {
  for (const method of Object.keys(ops).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))) {
    if (SKIP.has(`${method} ${path}`)) continue;
    const paths = param.test(path) ? IDS.map((v) => path.replace(param, v)) : [path];
    param.lastIndex = 0;
    const variants = method === 'get' || method === 'delete' ? QUERIES.map((q) => [q, undefined]) : BODIES.map((b) => ['', b]);
    for (const user of USERS) {
      for (const p of paths) {
        for (const [q, body] of variants) {
          sent++;
          const label = `${method.toUpperCase()} ${p}${q} as ${user}${body !== undefined ? ` body ${body.slice(0, 60)}` : ''}`;
          const r = await fetch(`${BASE}${p}${q}`, {
            method: method.toUpperCase(),
            headers: { authorization: `Bearer ${tokens[user]}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
            body,
          });
          const text = await r.text();
          if (r.status >= 500) problems.push(`${r.status} ${label} → ${text.slice(0, 200)}`);
          else if (r.status >= 400) {
            let err;
            try {
              err = JSON.parse(text);
            } catch {
              err = null;
            }
            if (!err || typeof err.code !== 'string' || typeof err.message !== 'string') problems.push(`${r.status} without {code, message}: ${label} → ${text.slice(0, 200)}`);
          }
        }
      }
    }
  }
}
// Bodies over the route's limit, once per operation (as admin): the gateway answers a JSON 413 itself.
const HUGE_JSON = JSON.stringify({ name: 'x'.repeat(10 * 1024 * 1024) });
// over every upload limit: 10 MB for a register import, 10 MB + 64 KB for an import job's multipart upload
const HUGE_FILE = Buffer.alloc(11 * 1024 * 1024, 0x61);
let oversize = 0;
for (const [path, ops] of Object.entries(spec.paths)) {
  for (const method of Object.keys(ops).filter((m) => ['post', 'put', 'patch', 'delete'].includes(m))) {
    const p = path.replace(param, '1');
    param.lastIndex = 0;
    const isImport = /\/import\//.test(p);
    // an import job's upload (POST /api/household/imports) is multipart: its oversize body is a file too
    const isUpload = method === 'post' && /\/imports$/.test(p);
    const [type, body] = isImport ? ['text/csv', HUGE_FILE] : isUpload ? ['multipart/form-data; boundary=fuzz', HUGE_FILE] : ['application/json', HUGE_JSON];
    sent++;
    oversize++;
    const label = `${method.toUpperCase()} ${p} as admin with a ${isImport ? '11 MB CSV' : isUpload ? '11 MB multipart' : '10 MB JSON'} body`;
    let r;
    try {
      r = await fetch(`${BASE}${p}`, { method: method.toUpperCase(), headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': type }, body });
    } catch (e) {
      problems.push(`no answer: ${label} → ${e.cause?.code ?? e.message}`);
      continue;
    }
    const text = await r.text();
    if (r.status !== 413 && r.status !== 404) problems.push(`${r.status} (not 413) ${label} → ${text.slice(0, 200)}`);
    else {
      let err;
      try {
        err = JSON.parse(text);
      } catch {
        err = null;
      }
      if (!err || typeof err.code !== 'string' || typeof err.message !== 'string') problems.push(`${r.status} without {code, message}: ${label} → ${text.slice(0, 200)}`);
    }
  }
}

const unique = [...new Set(problems)];
process.stdout.write(`${sent} requests (${oversize} with oversize bodies) to ${Object.keys(spec.paths).length} paths in ${((Date.now() - started) / 1000).toFixed(1)} s: ${unique.length} problems\n`);
for (const p of unique.slice(0, 100)) process.stdout.write(`  ${p}\n`);
process.stdout.write(`fuzz-api: ${unique.length ? 'FAILED' : 'passed'}\n`);
process.exit(unique.length ? 1 : 0);
