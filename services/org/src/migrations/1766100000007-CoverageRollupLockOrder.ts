import type { MigrationInterface, QueryRunner } from 'typeorm';
import { rollupRowFunctionSql } from '@redheart/shared';
import { branchMoved, branchMovedLocking } from './1765910000000-CoverageRollup';

/**
 * The coverage rollup's org_unit trigger (CoverageRollup) no longer takes a share lock on the branch's compounds: with it, a
 * compound and its branch edited at once deadlocked (the compound's UPDATE holds the compound and its trigger waits for the
 * branch; the branch's UPDATE holds the branch and its trigger waited for the compound), and PostgreSQL failed one of them.
 * Locks are now taken in one order only, the branch before the compound's count: the compound trigger alone locks (the
 * branches of the compounds written, FOR SHARE, before it reads them and adds), the branch trigger only reads.
 *
 * The count still cannot mix the two: while a branch's day changes, the compound trigger of a concurrent compound write
 * waits for the branch's row, and reads it (a statement of its own, so a new snapshot) once that commits. The branch
 * trigger reads the compounds as committed: a compound write still open is counted by that write's own trigger against the
 * branch's new day (it waits for it); one committed before is in what the branch trigger reads (it waited for the branch
 * the compound trigger held, READ COMMITTED: the trigger's statement sees it).
 */
export class CoverageRollupLockOrder1766100000007 implements MigrationInterface {
  name = 'CoverageRollupLockOrder1766100000007';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(rollupRowFunctionSql('org_unit_coverage_rollup_fn', branchMoved, true));
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(rollupRowFunctionSql('org_unit_coverage_rollup_fn', branchMovedLocking, true));
  }
}
