import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createEventTables, dropEventTables } from '@redheart/shared';

/** The event tables (shared/src/events): outbox_event, inbox_event, dead_letter, outbox_cursor. */
export class EventTablesHousehold1765810000001 implements MigrationInterface {
  name = 'EventTablesHousehold1765810000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createEventTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropEventTables(queryRunner);
  }
}
