import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropRollupColumnTriggerSql, dropRollupTriggerSql, rollupColumnTriggerSql, rollupTriggerSql } from '@redheart/shared';

/**
 * The separation rates "now" of the statistics read maintained totals instead of re-measuring the registers on every
 * request (issue 13): `separation_rollup` holds, per community, the four counts of the live measure (flats with an
 * owner, flats none of whose owners is registered in the community, distinct owners, owners registered elsewhere or
 * nowhere), exactly as the separation service's OWNERS_CTE counts them.
 *
 * The counts are distinct counts, which cannot be kept by adding deltas; instead the triggers find the
 * communities a write can change (the communities of the flats owned by the persons whose active registration, household
 * or ID hash changed, or of the flats whose owners or community changed) and re-measure only those: their rollup rows are
 * locked first (in community order) and the measure runs after the lock as a statement of its own, so it sees every
 * committed change of a transaction that held the lock before (READ COMMITTED: a new snapshot per statement) and two
 * transactions re-measuring one community cannot leave a stale count. A settle of persons who own no flat costs one index
 * probe per person; one who owns a flat re-measures that flat's community (its owners, one index path each).
 */
const MEASURE = (ids: string) => `
  WITH own AS (
    SELECT pr.community_id, pr.id AS property_id, o.id_hash, reg.community_id AS reg_community
      FROM property pr
      JOIN property_owner o ON o.property_id = pr.id
      LEFT JOIN LATERAL (
        SELECT h.community_id FROM person p
          JOIN registration r ON r.person_id = p.id AND r.status = 'active'
          JOIN household h ON h.id = r.household_id
         WHERE p.id_hash = o.id_hash LIMIT 1) reg ON true
     WHERE pr.community_id = ANY(${ids})
  ),
  flat AS (
    SELECT community_id, property_id, coalesce(bool_or(reg_community = community_id), false) AS any_here FROM own GROUP BY community_id, property_id
  )
  SELECT o.community_id, count(DISTINCT o.property_id)::int AS flats,
         count(DISTINCT o.property_id) FILTER (WHERE NOT f.any_here)::int AS flats_separated,
         count(DISTINCT o.id_hash)::int AS residents,
         count(DISTINCT o.id_hash) FILTER (WHERE o.reg_community IS DISTINCT FROM o.community_id)::int AS residents_elsewhere
    FROM own o JOIN flat f ON f.community_id = o.community_id AND f.property_id = o.property_id
   GROUP BY o.community_id`;

/** The communities of the flats owned by the persons `persons` (a query of person ids) names. */
const ownedBy = (persons: string) => `ARRAY(SELECT DISTINCT pr.community_id FROM person p
    JOIN property_owner o ON o.id_hash = p.id_hash JOIN property pr ON pr.id = o.property_id
   WHERE p.id IN (${persons}))`;
/** The communities of the flats owned by the ID hashes `hashes` (a query) names. */
const ownedByHash = (hashes: string) => `ARRAY(SELECT DISTINCT pr.community_id FROM property_owner o JOIN property pr ON pr.id = o.property_id
   WHERE o.id_hash IN (${hashes}))`;

const refresh = (ids: string) => `PERFORM separation_refresh(${ids})`;

export class SeparationRollup1765910000000 implements MigrationInterface {
  name = 'SeparationRollup1765910000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE separation_rollup (
        community_id bigint PRIMARY KEY,
        flats int NOT NULL DEFAULT 0,
        flats_separated int NOT NULL DEFAULT 0,
        residents int NOT NULL DEFAULT 0,
        residents_elsewhere int NOT NULL DEFAULT 0
      )`);
    await q.query(`
      CREATE FUNCTION separation_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $fn$
      BEGIN
        IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
        INSERT INTO separation_rollup (community_id) SELECT DISTINCT x FROM unnest(ids) x ORDER BY 1 ON CONFLICT (community_id) DO NOTHING;
        PERFORM 1 FROM separation_rollup WHERE community_id = ANY(ids) ORDER BY community_id FOR UPDATE;
        UPDATE separation_rollup r
           SET flats = coalesce(m.flats, 0), flats_separated = coalesce(m.flats_separated, 0),
               residents = coalesce(m.residents, 0), residents_elsewhere = coalesce(m.residents_elsewhere, 0)
          FROM unnest(ids) k(community_id) LEFT JOIN (${MEASURE('ids')}) m USING (community_id)
         WHERE r.community_id = k.community_id;
      END $fn$`);
    // Registrations: the persons of the active rows before and after the statement.
    for (const s of rollupTriggerSql('registration', 'separation_rollup_registration', {
      insert: refresh(ownedBy(`SELECT person_id FROM new_rows WHERE status = 'active'`)),
      update: refresh(ownedBy(`SELECT person_id FROM old_rows WHERE status = 'active' UNION SELECT person_id FROM new_rows WHERE status = 'active'`)),
      delete: refresh(ownedBy(`SELECT person_id FROM old_rows WHERE status = 'active'`)),
    })) await q.query(s);
    // Owners of flats: the flats' communities.
    const flatsOf = (rel: string) => `SELECT property_id FROM ${rel}`;
    const ofFlats = (rels: string) => `ARRAY(SELECT DISTINCT pr.community_id FROM property pr WHERE pr.id IN (${rels}))`;
    for (const s of rollupTriggerSql('property_owner', 'separation_rollup_owner', {
      insert: refresh(ofFlats(flatsOf('new_rows'))),
      update: refresh(ofFlats(`${flatsOf('old_rows')} UNION ${flatsOf('new_rows')}`)),
      delete: refresh(ofFlats(flatsOf('old_rows'))),
    })) await q.query(s);
    // A flat moved to another community, a household moved to another, a person's ID hash changed (none done by the services;
    // kept exact all the same): row triggers that fire only when that column changes, so that bulk updates of other columns
    // (a register import updating thousands of persons) pay nothing.
    for (const [table, column, body] of [
      ['property', 'community_id', refresh('ARRAY[OLD.community_id, NEW.community_id]')],
      ['household', 'community_id', refresh(ownedBy(`SELECT r.person_id FROM registration r WHERE r.household_id = NEW.id AND r.status = 'active'`))],
      ['person', 'id_hash', refresh(ownedByHash('VALUES (OLD.id_hash), (NEW.id_hash)'))],
    ]) {
      for (const s of rollupColumnTriggerSql(table, 'separation', `separation_rollup_${table}`, [column], body)) await q.query(s);
    }
    // What is there already.
    await q.query(`SELECT separation_refresh(ARRAY(SELECT DISTINCT community_id FROM property ORDER BY 1))`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of ['person', 'household', 'property']) {
      for (const s of dropRollupColumnTriggerSql(table, 'separation', `separation_rollup_${table}`)) await q.query(s);
    }
    for (const s of dropRollupTriggerSql('property_owner', 'separation_rollup_owner')) await q.query(s);
    for (const s of dropRollupTriggerSql('registration', 'separation_rollup_registration')) await q.query(s);
    await q.query(`DROP FUNCTION IF EXISTS separation_refresh(bigint[])`);
    await q.query(`DROP TABLE IF EXISTS separation_rollup`);
  }
}
