import type { EntityManager } from 'typeorm';
import { notEnded, scopePatterns } from '../org-records';
import type { STAT_KEYS } from './schemas';

export type OrgStats = Record<(typeof STAT_KEYS)[number], number>;

/**
 * Every figure of the programme (12 full-time secretaries, 97 grids, 2000+ desks …) counted from
 * the records inside the caller's scope. Organisations count while current (valid_to IS NULL);
 * a position counts while its holder is in office today; records of archived organisations do not count.
 */
const STATS_SQL = `
  WITH su AS (SELECT id, type FROM org_unit WHERE valid_to IS NULL AND path LIKE ANY($1::text[])),
       communities AS (SELECT id FROM su WHERE type = 'community_committee'),
       grids AS (SELECT g.* FROM grid g JOIN communities c ON c.id = g.community_id WHERE g.valid_to IS NULL),
       positions AS (
         SELECT p.* FROM position p JOIN su ON su.id = p.org_id
          WHERE p.term_start <= current_date AND ${notEnded('p.term_end')})
  SELECT
    (SELECT count(*) FROM su WHERE type = 'street_committee')::int AS streets,
    (SELECT count(*) FROM communities)::int AS communities,
    (SELECT count(*) FROM su WHERE type = 'compound_branch')::int AS "compoundBranches",
    (SELECT count(*) FROM su WHERE type = 'property_company_branch')::int AS "propertyCompanyBranches",
    (SELECT count(*) FROM su WHERE type = 'business_district_branch')::int AS "businessDistrictBranches",
    (SELECT count(*) FROM su WHERE type = 'building_group')::int AS "buildingGroups",
    (SELECT count(*) FROM su WHERE type = 'member_household')::int AS "memberHouseholds",
    (SELECT count(*) FROM su WHERE type = 'work_unit')::int AS "workUnits",
    (SELECT count(*) FROM positions WHERE kind = 'secretary' AND full_time)::int AS "fullTimeSecretaries",
    (SELECT count(*) FROM positions WHERE kind = 'part_time_member')::int AS "partTimeMembers",
    (SELECT count(*) FROM grids)::int AS grids,
    -- one person looking after two grids is one grid worker
    (SELECT count(DISTINCT (community_id, btrim(worker_name), coalesce(worker_phone, ''))) FROM grids
      WHERE worker_name IS NOT NULL AND btrim(worker_name) <> '')::int AS "gridWorkers",
    (SELECT coalesce(sum(households), 0) FROM grids)::int AS "gridHouseholds",
    (SELECT count(DISTINCT cs.service_id) FROM community_service cs JOIN communities c ON c.id = cs.community_id)::int AS "catalogueServices",
    (SELECT count(*) FROM desk d JOIN communities c ON c.id = d.community_id)::int AS desks`;

export class StatsRepository {
  constructor(private readonly db: EntityManager) {}

  async counts(scopePaths: string[]): Promise<OrgStats> {
    const rows: OrgStats[] = await this.db.query(STATS_SQL, [scopePatterns(scopePaths)]);
    return rows[0];
  }
}
