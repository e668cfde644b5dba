#!/usr/bin/env node
// `npm run audit:verify`: walks the audit hash chain of every service's database (as the owner) and
// reports, per table, the first broken link (table, id, why). Exits 1 when a chain is broken.
import pg from 'pg';
import { databaseServer, log, shared } from './lib/platform.mjs';

const db = await databaseServer({ reuseRunning: true });
let broken = 0;
try {
  for (const service of ['org', 'household', 'volunteer']) {
    const url = shared.serviceDatabaseUrl({ ...process.env, DATABASE_URL: db.url }, service);
    const table = `${shared.databaseName(url)}.audit_entry`;
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
    } catch (e) {
      broken++;
      log(`${table}: cannot connect (${e.message})`);
      continue;
    }
    try {
      const report = await shared.verifyAuditChain(async (sql, params) => (await client.query(sql, params)).rows);
      if (report.broken) {
        broken++;
        log(`${table}: BROKEN at id ${report.broken.id} (position ${report.broken.seq}): ${report.broken.reason}; ${report.entries} entries before it verified`);
      } else {
        log(`${table}: ${report.entries} entries, chain intact`);
      }
    } catch (e) {
      broken++;
      log(`${table}: cannot verify (${e.message})`);
    } finally {
      await client.end();
    }
  }
} finally {
  await db.stop();
}
process.exit(broken ? 1 : 0);
