import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Division imports started from the API (POST /api/org/division-imports): one row per import job,
 * its progress while it runs and its result when done. The job itself runs on pg-boss.
 */
export class DivisionImports1765760000001 implements MigrationInterface {
  name = 'DivisionImports1765760000001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE division_import (
      id uuid PRIMARY KEY,
      code text NOT NULL CHECK (code ~ '^[0-9]{6}$'),
      include_towns boolean NOT NULL DEFAULT false,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','done','failed')),
      progress jsonb NOT NULL DEFAULT '{}'::jsonb,
      result jsonb,
      error text,
      requested_by bigint REFERENCES account(id),
      requested_by_username text,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz
    )`);
    await q.query(`CREATE INDEX division_import_created_idx ON division_import (created_at DESC, id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE division_import`);
  }
}
