import type { MigrationInterface, QueryRunner } from 'typeorm';
import { indexAuditTable, unindexAuditTable } from '@redheart/shared';

/** The operation log's filters (who, which action) walk an index newest first (shared/src/audit-route.ts). */
export class VolunteerAuditLogIndexes1765740000000 implements MigrationInterface {
  name = 'VolunteerAuditLogIndexes1765740000000';

  async up(q: QueryRunner): Promise<void> {
    await indexAuditTable(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await unindexAuditTable(q);
  }
}
