import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * catalogue_ref follows the org service's `org.catalogue.*` events (no more polling): each row keeps the
 * catalogue service's version it copied, so an event delivered late (or a full resync read before a change)
 * never overwrites a newer copy. Null: copied before versions were carried.
 */
export class CatalogueRefVersion1765870000000 implements MigrationInterface {
  name = 'CatalogueRefVersion1765870000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE catalogue_ref ADD COLUMN version int`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE catalogue_ref DROP COLUMN IF EXISTS version`);
  }
}
