/**
 * Imports a county's party organisations from the national division codes:
 *   node services/org/dist/scripts/import-divisions.js 370686 [--with-towns]
 *   npm run import:divisions -- 370686
 * Migrates the org database first; safe to run again (finds units by division code).
 */
import 'reflect-metadata';
import { AppError, databaseName, serviceDatabaseUrl } from '@redheart/shared';
import { createOrgDataSource, migrateOrg } from '../src/data-source';
import { chinaDivisionSource } from '../src/seed/division-source';
import { importDivisions, planImport } from '../src/seed/import-divisions';

const out = (line: string) => process.stdout.write(`${line}\n`);
const USAGE = 'usage: import-divisions <6-digit county code> [--with-towns]   e.g. import-divisions 370686';

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    out(USAGE);
    return;
  }
  const flags = argv.filter((a) => a.startsWith('-'));
  const unknown = flags.filter((f) => f !== '--with-towns');
  if (unknown.length) throw new UsageError(`unknown option ${unknown.join(', ')}`);
  const codes = argv.filter((a) => !a.startsWith('-'));
  if (codes.length !== 1) throw new UsageError(codes.length ? 'give exactly one county code' : 'missing county code');
  const [code] = codes;
  const includeTowns = flags.includes('--with-towns');

  // Check the code before touching the database: a typo fails fast with the reason.
  planImport(chinaDivisionSource(), code, includeTowns);

  const url = serviceDatabaseUrl(process.env, 'org');
  const ran = await migrateOrg(url);
  if (ran.length) out(`[import] migrated ${databaseName(url)}: ${ran.join(', ')}`);
  const ds = createOrgDataSource(url, { poolSize: 2 });
  await ds.initialize();
  try {
    const r = await importDivisions(ds, code, { log: out, includeTowns });
    out(`[import] ${databaseName(url)}: ${r.countyName} (${r.countyCode}) root #${r.rootId}: created ${r.created}, updated ${r.updated}, unchanged ${r.unchanged}${r.skipped ? `, skipped ${r.skipped}` : ''}`);
  } finally {
    await ds.destroy();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    process.stderr.write(`error: ${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (err instanceof AppError && err.statusCode === 400) {
    // The same 400 the API would give: bad input, not a crash.
    process.stderr.write(`error ${err.code}: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`import failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
