/**
 * `node services/household/dist/scripts/seed-demo.js`: migrates the household database and loads
 * the demo (once). The communities come the way the running service gets them — the org service's
 * internal list (ORG_URL + INTERNAL_TOKEN) — or, when org is not running, the copy already in
 * community_ref. `npm start` / `npm run seed` do the same through scripts/lib/platform.mjs.
 */
import 'reflect-metadata';
import { type OrgCommunity, PiiVault } from '@redheart/shared';
import { loadConfig } from '../src/config';
import { createHouseholdDataSource, migrateHousehold } from '../src/data-source';
import { seedDemo } from '../src/seed/demo';

const out = (line: string) => process.stdout.write(`${line}\n`);

async function main() {
  const config = loadConfig();
  const ran = await migrateHousehold(config.databaseUrl);
  if (ran.length) out(`applied ${ran.join(', ')}`);
  let communities: OrgCommunity[] | undefined;
  try {
    const res = await fetch(`${config.orgUrl}/api/org/internal/communities`, {
      headers: { 'x-internal-token': config.internalToken },
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`org answered ${res.status}`);
    communities = (await res.json()) as OrgCommunity[];
  } catch (e) {
    out(`org service not reachable (${e instanceof Error ? e.message : String(e)}); using the communities already copied`);
  }
  const ds = createHouseholdDataSource(config.databaseUrl, { poolSize: 2 });
  await ds.initialize();
  try {
    const vault = new PiiVault({ encryptionKey: config.piiEncryptionKey, hashKey: config.piiHashKey });
    const summary = await seedDemo(ds, { vault, communities, log: out });
    out(summary.skipped ? `skipped: ${summary.reason}` : 'done');
  } finally {
    await ds.destroy();
  }
}

main().catch((err) => {
  process.stderr.write(`household seed failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
