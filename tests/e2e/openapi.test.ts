import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Platform, startPlatform } from './platform';

/**
 * The merged OpenAPI document (/api/openapi.json through the gateway, every service running) is kept in
 * docs/openapi.json: the SPA's types (web/src/api/types.ts, `npm run api:types`) and the API reference are generated
 * from that file, and `npm run api:check` validates it and counts its coverage. This test fails when the file is stale;
 * `UPDATE_OPENAPI=1 npm test -- tests/e2e/openapi` writes it anew.
 */
const FILE = join(__dirname, '../../docs/openapi.json');
let platform: Platform;
let live: string;

beforeAll(async () => {
  platform = await startPlatform({ notify: true });
  // On a busy machine a service's first document can miss the gateway's probe timeout: asked again until all are in.
  for (let attempt = 0; attempt < 10; attempt++) {
    const res = await fetch(`${platform.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { 'x-upstreams': Record<string, string> };
    live = `${JSON.stringify(doc, null, 2)}\n`;
    if (Object.values(doc['x-upstreams']).every((s) => s === 'included')) break;
  }
  if (process.env.UPDATE_OPENAPI && (JSON.parse(live) as { 'x-upstreams': Record<string, string> })['x-upstreams'].notify === 'included') writeFileSync(FILE, live);
}, 600_000);
afterAll(async () => platform?.close());

describe('docs/openapi.json', () => {
  it('is the document the running platform serves (UPDATE_OPENAPI=1 npm test -- tests/e2e/openapi to regenerate)', () => {
    const doc = JSON.parse(live) as { 'x-upstreams': Record<string, string> };
    expect(doc['x-upstreams']).toEqual({ org: 'included', household: 'included', volunteer: 'included', notify: 'included' });
    expect(readFileSync(FILE, 'utf8')).toBe(live);
  });
});
