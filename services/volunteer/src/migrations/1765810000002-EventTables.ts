import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createEventTables, dropEventTables } from '@redheart/shared';

/** The event tables (shared/src/events): outbox_event, inbox_event, dead_letter, outbox_cursor. */
export class EventTablesVolunteer1765810000002 implements MigrationInterface {
  name = 'EventTablesVolunteer1765810000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createEventTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropEventTables(queryRunner);
  }
}
