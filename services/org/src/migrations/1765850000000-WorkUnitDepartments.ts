import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 街呼县应: a street whistles to the county's departments (县直部门: 公安局, 住建局, 民政局 …), which are work
 * units marked as such. Only a work unit can be a department; state-owned companies, hospitals and schools
 * that dual-report stay plain work units.
 */
export class WorkUnitDepartments1765850000000 implements MigrationInterface {
  name = 'WorkUnitDepartments1765850000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE org_unit ADD COLUMN department boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE org_unit ADD CONSTRAINT org_unit_department_work_unit CHECK (NOT department OR type = 'work_unit')`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE org_unit DROP CONSTRAINT org_unit_department_work_unit`);
    await q.query(`ALTER TABLE org_unit DROP COLUMN department`);
  }
}
