#!/usr/bin/env node
// A tiny OTLP/HTTP (JSON) trace receiver for checking tracing by hand: prints each span received
// (service, trace id, span id ← parent, name) and, with --tree, the span trees every 2 s.
//   node scripts/otlp-receiver.mjs [port=4318] [--tree]
//   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 npm start
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 4318);
const spans = new Map();
const hex = (v) => (typeof v === 'string' && /^[0-9a-f]+$/i.test(v) ? v : Buffer.from(v ?? '', 'base64').toString('hex'));
createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method !== 'POST' || !req.url.startsWith('/v1/traces')) return res.writeHead(404).end();
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const rs of body.resourceSpans ?? []) {
        const service = rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value?.stringValue ?? '?';
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            const span = { service, name: s.name, traceId: hex(s.traceId), spanId: hex(s.spanId), parent: s.parentSpanId ? hex(s.parentSpanId) : '' };
            spans.set(span.spanId, span);
            process.stdout.write(`${span.traceId} ${span.spanId} <- ${span.parent || '(root)'} [${service}] ${span.name}\n`);
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } catch (err) {
      process.stdout.write(`unreadable export (${err.message}); only OTLP/HTTP JSON is understood\n`);
      res.writeHead(400).end();
    }
  });
}).listen(port, '127.0.0.1', () => process.stdout.write(`OTLP/HTTP receiver on http://127.0.0.1:${port}/v1/traces\n`));

/** Prints every trace as an indented tree (children under their parent). */
function printTrees() {
  const byTrace = new Map();
  for (const s of spans.values()) byTrace.set(s.traceId, [...(byTrace.get(s.traceId) ?? []), s]);
  for (const [traceId, list] of byTrace) {
    process.stdout.write(`trace ${traceId}\n`);
    const walk = (parent, depth) => {
      for (const s of list.filter((x) => x.parent === parent)) {
        process.stdout.write(`${'  '.repeat(depth + 1)}[${s.service}] ${s.name}\n`);
        walk(s.spanId, depth + 1);
      }
    };
    const roots = list.filter((s) => !s.parent || !spans.has(s.parent));
    for (const r of roots) {
      process.stdout.write(`  [${r.service}] ${r.name}\n`);
      walk(r.spanId, 1);
    }
  }
  spans.clear();
}
if (process.argv.includes('--tree')) setInterval(printTrees, 2000).unref();
process.on('SIGTERM', () => {
  printTrees();
  process.exit(0);
});
