import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A name search of the work queue (issue 13: `GET /cases?q=张伟`) reads the matches of the caller's communities by
 * index: `move_case (community_id, applicant_name)` for the applicant and `case_person (community_id, name)` for the
 * persons, each a range per community whatever the community's history. Before, a search walked the community's
 * cases newest first, testing the applicant and every person of each case until a page matched (one case in about
 * 200 matches a two-character name): a 498 ms median at 32 clients in bench:city's 20,669-case community.
 *
 * case_person gets its case's community (`community_id`), set on insert from move_case by a trigger whatever inserts
 * the row (the service, the demo seed, an import), and kept when a case's community changes (no route changes it
 * today; the trigger keeps the copy true if one ever does). The global `case_person_name_idx` (name only), which only
 * this search read, is replaced.
 */
export class CaseNameSearch1767500000000 implements MigrationInterface {
  name = 'CaseNameSearch1767500000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_person ADD COLUMN community_id bigint`);
    await q.query(`UPDATE case_person cp SET community_id = c.community_id FROM move_case c WHERE c.id = cp.case_id`);
    await q.query(`ALTER TABLE case_person ALTER COLUMN community_id SET NOT NULL`);
    await q.query(`
      CREATE FUNCTION case_person_community() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        SELECT c.community_id INTO NEW.community_id FROM move_case c WHERE c.id = NEW.case_id;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER case_person_community BEFORE INSERT OR UPDATE OF case_id ON case_person
      FOR EACH ROW EXECUTE FUNCTION case_person_community()`);
    await q.query(`
      CREATE FUNCTION move_case_community_moved() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE case_person SET community_id = NEW.community_id WHERE case_id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER move_case_community_moved AFTER UPDATE OF community_id ON move_case
      FOR EACH ROW WHEN (OLD.community_id IS DISTINCT FROM NEW.community_id) EXECUTE FUNCTION move_case_community_moved()`);
    await q.query(`CREATE INDEX case_person_community_name_idx ON case_person (community_id, name text_pattern_ops)`);
    await q.query(`CREATE INDEX move_case_applicant_idx ON move_case (community_id, applicant_name text_pattern_ops)`);
    await q.query(`DROP INDEX case_person_name_idx`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX case_person_name_idx ON case_person (name text_pattern_ops)`);
    await q.query(`DROP INDEX move_case_applicant_idx`);
    await q.query(`DROP TRIGGER move_case_community_moved ON move_case`);
    await q.query(`DROP FUNCTION move_case_community_moved()`);
    await q.query(`DROP TRIGGER case_person_community ON case_person`);
    await q.query(`DROP FUNCTION case_person_community()`);
    await q.query(`ALTER TABLE case_person DROP COLUMN community_id`);
  }
}
