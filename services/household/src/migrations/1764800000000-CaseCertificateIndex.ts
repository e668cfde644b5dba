import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The potential-duplicate flag looks for another open case with the same property certificate number on
 * every case it lists; this partial index answers that from open cases only.
 */
export class CaseCertificateIndex1764800000000 implements MigrationInterface {
  name = 'CaseCertificateIndex1764800000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX move_case_open_certificate_idx ON move_case (property_certificate_no)
      WHERE property_certificate_no IS NOT NULL AND status IN ('DRAFT', 'SUBMITTED', 'NEEDS_SUPPLEMENT', 'ACCEPTED', 'APPROVED')`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS move_case_open_certificate_idx`);
  }
}
