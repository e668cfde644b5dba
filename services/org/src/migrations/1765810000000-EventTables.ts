import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createEventTables, dropEventTables } from '@redheart/shared';

/** The event tables (shared/src/events): outbox_event, inbox_event, dead_letter, outbox_cursor. */
export class EventTablesOrg1765810000000 implements MigrationInterface {
  name = 'EventTablesOrg1765810000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createEventTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropEventTables(queryRunner);
  }
}
