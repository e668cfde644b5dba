import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where a person works (机关事业单位 / 企业 / 其他), on the case's persons and copied to the register at the settle:
 * the programme counts the settled persons from public institutions (机关事业单位职工带头). Unknown stays NULL.
 */
export class PersonEmployer1765790000000 implements MigrationInterface {
  name = 'PersonEmployer1765790000000';

  public async up(q: QueryRunner): Promise<void> {
    for (const t of ['case_person', 'person']) {
      await q.query(`ALTER TABLE ${t} ADD COLUMN employer text CHECK (employer IN ('public_institution', 'enterprise', 'other'))`);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of ['case_person', 'person']) await q.query(`ALTER TABLE ${t} DROP COLUMN IF EXISTS employer`);
  }
}
