import type { MigrationInterface, QueryRunner } from 'typeorm';
import { chainAuditTable, unchainAuditTable } from '@redheart/shared';

/** The audit trail becomes a hash chain (shared/src/audit.ts); entries already there are chained in id order. */
export class AuditHashChain1765000000000 implements MigrationInterface {
  name = 'AuditHashChain1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await chainAuditTable(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await unchainAuditTable(queryRunner);
  }
}
