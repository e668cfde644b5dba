/**
 * Loads the Qixia demo (栖霞市 divisions, branches, grids, services, desks, accounts) once:
 *   node services/org/dist/scripts/seed.js [--desks N]
 * Migrates the org database first; a second run reports that the demo is already there.
 */
import 'reflect-metadata';
import { databaseName, serviceDatabaseUrl } from '@redheart/shared';
import { createOrgDataSource, migrateOrg } from '../src/data-source';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from '../src/seed/demo';

const out = (line: string) => process.stdout.write(`${line}\n`);
const USAGE = 'usage: seed [--desks N]   (N convenience desks, default 300; the programme has 2000+)';

class UsageError extends Error {}

function parseArgs(argv: string[]): { desks?: number } {
  const opts: { desks?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--desks(?:=(.*))?$/.exec(a);
    if (m) {
      const v = m[1] ?? argv[++i];
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 100_000) throw new UsageError(`--desks needs a whole number from 0 to 100000, got "${v ?? ''}"`);
      opts.desks = n;
    } else {
      throw new UsageError(`unknown argument ${a}`);
    }
  }
  return opts;
}

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    out(USAGE);
    return;
  }
  const opts = parseArgs(argv);
  const url = serviceDatabaseUrl(process.env, 'org');
  const ran = await migrateOrg(url);
  if (ran.length) out(`[seed] migrated ${databaseName(url)}: ${ran.join(', ')}`);
  const ds = createOrgDataSource(url, { poolSize: 2 });
  await ds.initialize();
  try {
    const summary = await seedDemo(ds, { log: out, ...opts });
    const c = summary.counts;
    out(`[seed] ${databaseName(url)}${summary.skipped ? ' (already seeded)' : ''}: ${c.street_committee ?? 0} streets, ${c.community_committee ?? 0} communities, `
      + `${c.compound_branch ?? 0} compound branches, ${c.property_company_branch ?? 0} property-company branches, ${c.grid} grids, ${c.catalogue_service} services, ${c.desk} desks, ${c.work_unit ?? 0} work units`);
    out(`[seed] demo accounts (password ${DEMO_PASSWORD}):`);
    for (const a of DEMO_ACCOUNTS) out(`  ${a.username.padEnd(20)} ${a.role.padEnd(20)} ${a.orgName}  ${a.description}`);
  } finally {
    await ds.destroy();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    process.stderr.write(`error: ${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`seed failed (nothing was written): ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
