#!/usr/bin/env node
// `npm run api:check`: the merged OpenAPI document (docs/openapi.json, kept equal to the running platform's
// /api/openapi.json by tests/e2e/openapi.test.ts, or the file given) is valid OpenAPI (@seriousme/openapi-schema-validator),
// and every operation declares what the contract requires. Prints per service how many operations declare their path
// parameters, request body (POST/PUT/PATCH: a DTO's schema, a file, or x-no-body), a schema for every success answer
// and for their error answers; exits 1 when the document is invalid or a required part is missing
// (`--list` names the gaps, `--report` only prints).
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const report = args.includes('--report');
/** The parts every operation must declare. */
const REQUIRED = ['params', 'body', 'response'];
const file = args.find((a) => !a.startsWith('--')) ?? join(root, 'docs/openapi.json');
const doc = JSON.parse(readFileSync(file, 'utf8'));

/** Counts and the operations missing each part, per service. */
function coverage(document) {
  const out = {};
  const methods = ['get', 'put', 'post', 'delete', 'patch'];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const m of methods) {
      const op = item[m];
      if (!op) continue;
      const svc = op['x-service'] ?? 'gateway';
      const s = (out[svc] ??= { operations: 0, params: [0, 0], body: [0, 0], response: [0, 0], errors: [0, 0], missing: [] });
      const name = `${m.toUpperCase()} ${path}`;
      s.operations++;
      const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((x) => x[1]);
      if (pathParams.length) {
        s.params[1]++;
        const declared = new Set((op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name));
        if (pathParams.every((p) => declared.has(p))) s.params[0]++;
        else s.missing.push(`${name}: params`);
      }
      if (['post', 'put', 'patch'].includes(m)) {
        s.body[1]++;
        if (op.requestBody || op['x-no-body']) s.body[0]++;
        else s.missing.push(`${name}: body`);
      }
      s.response[1]++;
      const ok = Object.entries(op.responses ?? {}).filter(([code]) => /^2/.test(code));
      if (ok.length && ok.every(([, r]) => r.content || code204(r))) s.response[0]++;
      else s.missing.push(`${name}: response`);
      s.errors[1]++;
      const errs = Object.entries(op.responses ?? {}).filter(([code]) => /^[45]/.test(code));
      if (errs.length) s.errors[0]++;
      else s.missing.push(`${name}: errors`);
    }
  }
  return out;
}
const code204 = (r) => r.description && !r.content && r['x-empty'] === true;

const validation = await new Validator().validate(doc);
if (!validation.valid) {
  console.error(`${file} is not a valid OpenAPI document:`);
  console.error(JSON.stringify(validation.errors, null, 2).slice(0, 20000));
  if (!report) process.exit(1);
} else console.log(`${file}: valid OpenAPI ${doc.openapi}`);

const cov = coverage(doc);
let missing = 0;
console.log('service        ops   params    body       response   errors');
for (const [svc, s] of Object.entries(cov).sort()) {
  const f = ([a, b]) => `${a}/${b}`.padEnd(10);
  console.log(`${svc.padEnd(14)} ${String(s.operations).padEnd(5)} ${f(s.params)}${f(s.body)} ${f(s.response)} ${f(s.errors)}`);
  missing += s.missing.filter((m) => REQUIRED.includes(m.split(': ').pop())).length;
}
if (args.includes('--list')) for (const [svc, s] of Object.entries(cov)) for (const m of s.missing) console.log(`  ${svc}: ${m}`);
if (missing && !report) {
  console.error(`${missing} operations miss a part the contract requires (${REQUIRED.join(', ')}); run node scripts/api-check.mjs --list`);
  process.exit(1);
}
