import { Column, Entity, PrimaryGeneratedColumn, type EntityManager, type QueryRunner } from 'typeorm';
import type { AuthUser } from './auth';

/**
 * Append-only audit trail. Every service keeps its own `audit_entry` table (each owns its data)
 * but shares this entity, the writer and the migration that makes UPDATE/DELETE impossible.
 */
@Entity({ name: 'audit_entry' })
export class AuditEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;

  @Column({ name: 'actor_id', type: 'text', nullable: true })
  actorId: string | null;

  @Column({ name: 'actor_username', type: 'text', nullable: true })
  actorUsername: string | null;

  @Column({ name: 'actor_role', type: 'text', nullable: true })
  actorRole: string | null;

  @Column({ type: 'text' })
  action: string;

  @Column({ name: 'entity_type', type: 'text' })
  entityType: string;

  @Column({ name: 'entity_id', type: 'text' })
  entityId: string;

  @Column({ type: 'jsonb', nullable: true })
  before: unknown;

  @Column({ type: 'jsonb', nullable: true })
  after: unknown;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;
}

export interface AuditInput {
  actor: Pick<AuthUser, 'sub' | 'username' | 'role'> | null;
  action: string;
  entityType: string;
  entityId: string | number;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  requestId?: string | null;
}

/** Writes one entry inside the caller's transaction, so the change and its audit land together or not at all. */
export async function writeAudit(manager: EntityManager, input: AuditInput): Promise<void> {
  await manager.query(
    `INSERT INTO audit_entry (actor_id, actor_username, actor_role, action, entity_type, entity_id, before, after, reason, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      input.actor?.sub ?? null,
      input.actor?.username ?? null,
      input.actor?.role ?? null,
      input.action,
      input.entityType,
      String(input.entityId),
      input.before === undefined ? null : JSON.stringify(input.before),
      input.after === undefined ? null : JSON.stringify(input.after),
      input.reason ?? null,
      input.requestId ?? null,
    ],
  );
}

/** Used by each service's first migration. */
export async function createAuditTable(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`
    CREATE TABLE audit_entry (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      actor_id text,
      actor_username text,
      actor_role text,
      action text NOT NULL,
      entity_type text NOT NULL,
      entity_id text NOT NULL,
      before jsonb,
      after jsonb,
      reason text,
      request_id text
    )`);
  await queryRunner.query(`CREATE INDEX audit_entry_entity_idx ON audit_entry (entity_type, entity_id, occurred_at DESC)`);
  await queryRunner.query(`CREATE INDEX audit_entry_time_idx ON audit_entry (occurred_at DESC)`);
  await queryRunner.query(`
    CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_entry is append-only' USING ERRCODE = 'insufficient_privilege';
    END $$`);
  await queryRunner.query(`
    CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()`);
  await queryRunner.query(`
    CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()`);
}

export async function dropAuditTable(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`DROP TABLE IF EXISTS audit_entry`);
  await queryRunner.query(`DROP FUNCTION IF EXISTS audit_entry_append_only()`);
}
