import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rules of the organisation details that the database should hold even against a racing writer:
 * the service checks them first (for a precise 400/409), these indexes are the backstop.
 */
export class OrgDetailRules1764210000000 implements MigrationInterface {
  name = 'OrgDetailRules1764210000000';

  public async up(q: QueryRunner): Promise<void> {
    // The catalogue is edited by several admins: optimistic versions like every other edited table.
    await q.query(`ALTER TABLE catalogue_service ADD COLUMN version int NOT NULL DEFAULT 1`);
    // At most one open-ended secretary per organisation (overlapping dated terms are checked under a row lock).
    await q.query(`CREATE UNIQUE INDEX position_open_secretary_uq ON position (org_id) WHERE kind = 'secretary' AND term_end IS NULL`);
    await q.query(`CREATE INDEX position_from_unit_idx ON position (from_unit_id) WHERE from_unit_id IS NOT NULL`);
    // A compound branch is the party branch of one compound; a building group keeps one desk.
    await q.query(`CREATE UNIQUE INDEX compound_branch_uq ON compound (branch_id) WHERE branch_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX desk_building_group_uq ON desk (building_group_id) WHERE building_group_id IS NOT NULL`);
    await q.query(`CREATE INDEX cadre_assignment_grid_idx ON cadre_assignment (grid_id) WHERE grid_id IS NOT NULL`);
    await q.query(`CREATE INDEX cadre_assignment_street_idx ON cadre_assignment (street_id)`);
    await q.query(`CREATE INDEX community_service_service_idx ON community_service (service_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const i of ['community_service_service_idx', 'cadre_assignment_street_idx', 'cadre_assignment_grid_idx', 'desk_building_group_uq',
      'compound_branch_uq', 'position_from_unit_idx', 'position_open_secretary_uq']) {
      await q.query(`DROP INDEX IF EXISTS ${i}`);
    }
    await q.query(`ALTER TABLE catalogue_service DROP COLUMN IF EXISTS version`);
  }
}
