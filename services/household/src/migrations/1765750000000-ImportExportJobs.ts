import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Imports and exports run as background jobs (pg-boss) with progress the SPA polls. The uploaded
 * file and the produced file live in these rows (bytea), so every replica of the service can serve
 * them and nothing is left on a disk; old rows and expired files are removed by a scheduled job.
 */
export class ImportExportJobs1765750000000 implements MigrationInterface {
  name = 'ImportExportJobs1765750000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE import_job (
      id bigserial PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('households', 'properties')),
      status text NOT NULL CHECK (status IN ('queued', 'validating', 'validated', 'invalid', 'applying', 'done', 'failed')),
      file_name text NOT NULL,
      file bytea NOT NULL,
      file_size integer NOT NULL,
      progress_done integer NOT NULL DEFAULT 0,
      progress_total integer NOT NULL DEFAULT 0,
      rows integer,
      rows_with_errors integer,
      result jsonb,
      errors jsonb,
      errors_truncated boolean NOT NULL DEFAULT false,
      preview jsonb,
      failure text,
      actor jsonb NOT NULL,
      created_by text NOT NULL,
      community_id bigint,
      scope_path text NOT NULL,
      confirmed_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      version integer NOT NULL DEFAULT 1
    )`);
    await q.query(`CREATE INDEX import_job_creator_idx ON import_job (created_by, id DESC)`);
    await q.query(`CREATE INDEX import_job_running_idx ON import_job (updated_at) WHERE status IN ('queued', 'validating', 'applying')`);
    await q.query(`CREATE TABLE export_job (
      id bigserial PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('cases', 'households', 'tasks')),
      filters jsonb NOT NULL DEFAULT '{}',
      status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
      progress_done integer NOT NULL DEFAULT 0,
      progress_total integer NOT NULL DEFAULT 0,
      rows integer,
      file_name text,
      file bytea,
      file_size integer,
      failure jsonb,
      actor jsonb NOT NULL,
      created_by text NOT NULL,
      scope_path text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      expires_at timestamptz,
      version integer NOT NULL DEFAULT 1
    )`);
    await q.query(`CREATE INDEX export_job_creator_idx ON export_job (created_by, id DESC)`);
    await q.query(`CREATE INDEX export_job_running_idx ON export_job (updated_at) WHERE status IN ('queued', 'running')`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS export_job`);
    await q.query(`DROP TABLE IF EXISTS import_job`);
  }
}
