import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropRollupColumnTriggerSql, dropRollupTriggerSql, incrementSql, rollupColumnTriggerSql, rollupTriggerSql } from '@redheart/shared';

/**
 * The county comparison of compound-branch coverage (CoverageService.counties) reads maintained totals instead of every
 * compound of the county and its branch (issue 13): `compound_coverage_rollup` holds, per community and per day its
 * branch counts from (`branch_from`: the branch's valid_from while it is not archived, 'infinity' without a branch or
 * with an archived one), the compounds, the planned ones, the property-managed ones and the property-managed planned
 * ones. "Founded" (compounds.ts BRANCH_LIVE: a branch, not archived, valid from today or earlier) is `branch_from <=
 * current_date` at read time, so a branch founded with a future date counts from that day on without a write.
 *
 * Triggers keep it exact: statement triggers on compound (its rows before and after, with their branch as it is now) and a
 * row trigger on org_unit that fires only when a unit's valid_from or valid_to changes (its compounds, if it is a branch, move
 * from the old day to the new; a path rewrite of a moved subtree does not fire it). Each trigger
 * first takes a share lock on the rows of the other table it reads (the branches of the compounds written; the
 * compounds of the branches written), and reads them in a statement of its own after that lock: a compound and its
 * branch changed by two transactions at once cannot leave a count that mixes the two (one waits for the other, or
 * PostgreSQL breaks the deadlock by failing one). That deadlock was real whenever both were edited at once: migration
 * CoverageRollupLockOrder keeps only the compound side's lock.
 */
const COLS = ['compounds', 'planned', 'property_managed', 'pm_planned'];
const upsert = (select: string) => incrementSql('compound_coverage_rollup', ['community_id', 'branch_from'], COLS, select);

/** The day a branch counts from (`b`: the org_unit row of the branch, or NULL). */
const branchFrom = (b: string) => `CASE WHEN ${b}.id IS NOT NULL AND ${b}.valid_to IS NULL THEN ${b}.valid_from ELSE 'infinity'::date END`;
/** The contribution of compounds `k` with branch `b`, times `sign`. */
const contribution = (sign: number, b: string) => `k.community_id, ${branchFrom(b)} AS branch_from, ${sign} AS compounds, ${sign} * k.branch_planned::int AS planned,
  ${sign} * k.property_managed::int AS property_managed, ${sign} * (k.property_managed AND k.branch_planned)::int AS pm_planned`;
const compoundRows = (rel: string, sign: number) => `SELECT ${contribution(sign, 'b')} FROM ${rel} k LEFT JOIN org_unit b ON b.id = k.branch_id`;
/** A branch's day changed (`OLD`, `NEW`: its org_unit row): its compounds, as they are now, leave the old day for the new one. */
export const branchMoved = upsert(`SELECT ${contribution(-1, 'OLD')} FROM compound k WHERE k.branch_id = NEW.id
          UNION ALL SELECT ${contribution(1, 'NEW')} FROM compound k WHERE k.branch_id = NEW.id`);
/** branchMoved after a share lock on the branch's compounds, as this migration wrote it (CoverageRollupLockOrder drops the lock). */
export const branchMovedLocking = `PERFORM 1 FROM compound WHERE branch_id = NEW.id ORDER BY id FOR SHARE;
        ${branchMoved}`;
const lockBranches = (rels: string[]) =>
  `PERFORM 1 FROM org_unit WHERE id IN (${rels.map((r) => `SELECT branch_id FROM ${r}`).join(' UNION ')}) ORDER BY id FOR SHARE;\n      `;

export class CoverageRollup1765910000000 implements MigrationInterface {
  name = 'CoverageRollup1765910000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE compound_coverage_rollup (
        community_id bigint NOT NULL,
        branch_from date NOT NULL,
        compounds int NOT NULL DEFAULT 0,
        planned int NOT NULL DEFAULT 0,
        property_managed int NOT NULL DEFAULT 0,
        pm_planned int NOT NULL DEFAULT 0,
        PRIMARY KEY (community_id, branch_from)
      )`);
    for (const s of rollupTriggerSql('compound', 'compound_coverage_rollup_fn', {
      insert: lockBranches(['new_rows']) + upsert(compoundRows('new_rows', 1)),
      update: lockBranches(['old_rows', 'new_rows']) + upsert(`${compoundRows('old_rows', -1)} UNION ALL ${compoundRows('new_rows', 1)}`),
      delete: lockBranches(['old_rows']) + upsert(compoundRows('old_rows', -1)),
    })) await q.query(s);
    // A branch's day changed (archived, restored, re-dated): its compounds (as they are now) leave the old day and count from
    // the new one. A row trigger that fires only then: a subtree move rewrites thousands of paths and must not pay for it.
    for (const s of rollupColumnTriggerSql('org_unit', 'coverage', 'org_unit_coverage_rollup_fn', ['valid_from', 'valid_to'], branchMovedLocking)) await q.query(s);
    await q.query(upsert(compoundRows('compound', 1)));
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const s of dropRollupColumnTriggerSql('org_unit', 'coverage', 'org_unit_coverage_rollup_fn')) await q.query(s);
    for (const s of dropRollupTriggerSql('compound', 'compound_coverage_rollup_fn')) await q.query(s);
    await q.query(`DROP TABLE IF EXISTS compound_coverage_rollup`);
  }
}
