/**
 * Imports a county's party organisations, or those of every county of a city, from the national
 * division codes, each county under its city committee:
 *   node services/org/dist/scripts/import-divisions.js 370686 [--with-towns] [--dry-run]
 *   npm run import:divisions -- 370600          (烟台市: all its county-level divisions)
 *   npm run import:divisions -- 370687 --dry-run  (what would be created, renamed, archived; nothing written)
 * Migrates the org database first; safe to run again (finds units by division code).
 */
import 'reflect-metadata';
import { AppError, databaseName, serviceDatabaseUrl } from '@redheart/shared';
import { createOrgDataSource, migrateOrg } from '../src/data-source';
import { chinaDivisionSource } from '../src/seed/division-source';
import { countyCodesFor, importDivisionCode } from '../src/seed/import-divisions';

const out = (line: string) => process.stdout.write(`${line}\n`);
const USAGE = 'usage: import-divisions <6-digit county or city code> [--with-towns] [--dry-run]   e.g. import-divisions 370686, import-divisions 370600';

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    out(USAGE);
    return;
  }
  const flags = argv.filter((a) => a.startsWith('-'));
  const unknown = flags.filter((f) => f !== '--with-towns' && f !== '--dry-run');
  if (unknown.length) throw new UsageError(`unknown option ${unknown.join(', ')}`);
  const codes = argv.filter((a) => !a.startsWith('-'));
  if (codes.length !== 1) throw new UsageError(codes.length ? 'give exactly one division code' : 'missing division code');
  const [code] = codes;
  const includeTowns = flags.includes('--with-towns');
  const dryRun = flags.includes('--dry-run');

  // Check the code before touching the database: a typo fails fast with the reason.
  const target = countyCodesFor(chinaDivisionSource(), code);
  if (target.kind === 'city') out(`[import] ${code} ${target.name}: ${target.counties.length} county-level divisions: ${target.counties.map((c) => `${c.code} ${c.name}`).join(', ')}`);

  const url = serviceDatabaseUrl(process.env, 'org');
  const ran = await migrateOrg(url);
  if (ran.length) out(`[import] migrated ${databaseName(url)}: ${ran.join(', ')}`);
  const ds = createOrgDataSource(url, { poolSize: 2 });
  await ds.initialize();
  try {
    const r = await importDivisionCode(ds, code, { log: out, includeTowns, dryRun });
    const t = r.totals;
    out(`[import] ${databaseName(url)}: ${r.name} (${r.code}, ${r.counties.length} ${r.counties.length === 1 ? 'county' : 'counties'})${dryRun ? ' DRY RUN, nothing written:' : ':'} `
      + `${dryRun ? 'would create' : 'created'} ${t.created}, renamed ${t.renamed + t.adopted}, archived ${t.archived}, placed under the city ${t.placed}, unchanged ${t.unchanged}${t.skipped ? `, skipped ${t.skipped}` : ''}`);
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
