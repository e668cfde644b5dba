import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The city level (issue 13): an organisation type `city_committee` (市委, whose organisation
 * department 市委组织部 runs the programme county by county) above the county committees, and the
 * role `city_admin`. Every county committee that is a root today is placed under the committee of its
 * city (烟台市 370600 for a county without a Shandong/Yantai code), so every path gains the city's id
 * in front: `/1/4/17/` becomes `/<city>/1/4/17/`. Scope is a path prefix, so a county admin keeps
 * seeing exactly what they saw; but access tokens carry the old paths (`scopePaths`), so every
 * session is ended and everyone signs in again (docs/architecture.md, "City level").
 *
 * The history (org_unit_version) records the county as always having stood under its city: the city
 * is a level of the chart that existed all along, not a move made today.
 */
export const CITY_FALLBACK = { code: '370600', name: '中共烟台市委员会', divisionName: '烟台市' };

/** Prefecture-level cities the migration may need to name (the importer names any from the source). */
const CITY_NAMES: Record<string, string> = { '370600': '烟台市' };

export class CityLevel1765760000000 implements MigrationInterface {
  name = 'CityLevel1765760000000';

  public async up(q: QueryRunner): Promise<void> {
    await dropChecksMentioning(q, 'org_unit', 'county_committee');
    await q.query(`ALTER TABLE org_unit DROP CONSTRAINT IF EXISTS org_unit_city_root_check`);
    await q.query(`ALTER TABLE org_unit
      ADD CONSTRAINT org_unit_type_check CHECK (type IN ('city_committee','county_committee','street_committee','community_committee',
        'compound_branch','property_company_branch','business_district_branch','building_group','member_household','work_unit')),
      ADD CONSTRAINT org_unit_root_type_check CHECK (parent_id IS NOT NULL OR type IN ('city_committee','county_committee')),
      ADD CONSTRAINT org_unit_city_root_check CHECK (type <> 'city_committee' OR parent_id IS NULL)`);
    await dropChecksMentioning(q, 'account', 'street_admin');
    await q.query(`ALTER TABLE account ADD CONSTRAINT account_role_check
      CHECK (role IN ('city_admin','admin','street_admin','community_secretary','community_clerk','grid_worker','unit_staff','member'))`);

    const roots: { id: string; code: string | null; validFrom: string }[] = await q.query(
      `SELECT id, division_code AS code, to_char(valid_from, 'YYYY-MM-DD') AS "validFrom" FROM org_unit
        WHERE parent_id IS NULL AND type = 'county_committee' ORDER BY id`,
    );
    if (!roots.length) return;
    const byCity = new Map<string, typeof roots>();
    for (const r of roots) {
      const city = r.code && CITY_NAMES[`${r.code.slice(0, 4)}00`] ? `${r.code.slice(0, 4)}00` : CITY_FALLBACK.code;
      byCity.set(city, [...(byCity.get(city) ?? []), r]);
    }
    for (const [code, counties] of byCity) {
      const divisionName = CITY_NAMES[code];
      const validFrom = counties.map((c) => c.validFrom).sort()[0];
      const existing: { id: string; path: string }[] = await q.query(
        `SELECT id, path FROM org_unit WHERE type = 'city_committee' AND division_code = $1 AND valid_to IS NULL`, [code],
      );
      let cityId: number;
      if (existing.length) {
        cityId = Number(existing[0].id);
      } else {
        const rows: { id: string }[] = await q.query(`SELECT nextval(pg_get_serial_sequence('org_unit', 'id')) AS id`);
        cityId = Number(rows[0].id);
        await q.query(
          `INSERT INTO org_unit (id, type, name, division_code, parent_id, path, depth, attributes, valid_from)
           VALUES ($1, 'city_committee', $2, $3, NULL, $4, 0, $5, $6)`,
          [cityId, `中共${divisionName}委员会`, code, `/${cityId}/`, JSON.stringify({ divisionName, divisionKind: 'city' }), validFrom],
        );
        await q.query(
          `INSERT INTO org_unit_version (org_id, parent_id, name, type, effective_from) VALUES ($1, NULL, $2, 'city_committee', $3)`,
          [cityId, `中共${divisionName}委员会`, validFrom],
        );
      }
      for (const c of counties) {
        // one statement per county subtree: every path gains the city's id in front, one level deeper
        await q.query(
          `UPDATE org_unit SET path = $2 || substr(path, 2), depth = depth + 1,
                  parent_id = CASE WHEN id = $3 THEN $4::bigint ELSE parent_id END
            WHERE path LIKE $1`,
          [`/${c.id}/%`, `/${cityId}/`, c.id, cityId],
        );
        await q.query(`UPDATE org_unit_version SET parent_id = $2 WHERE org_id = $1 AND parent_id IS NULL`, [c.id, cityId]);
      }
    }
    // Access tokens carry scope paths: end every session (refresh tokens revoked, epochs raised, the
    // feed tells the other services at once), so everyone signs in again with the new paths.
    await q.query(`UPDATE refresh_token SET revoked_at = now() WHERE revoked_at IS NULL`);
    await q.query(`UPDATE account SET session_epoch = session_epoch + 1`);
    await q.query(
      `INSERT INTO session_revocation (account_id, session_id, epoch, reason) SELECT id, NULL, session_epoch, 'restructure' FROM account ORDER BY id`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    const cityAccounts: { n: number }[] = await q.query(`SELECT count(*)::int AS n FROM account WHERE role = 'city_admin'`);
    if (cityAccounts[0].n > 0) {
      throw new Error(`CityLevel down: ${cityAccounts[0].n} city_admin account(s) exist; change their role or remove them first`);
    }
    const cities: { id: string }[] = await q.query(`SELECT id FROM org_unit WHERE type = 'city_committee' ORDER BY id`);
    for (const city of cities) {
      const counties: { id: string }[] = await q.query(`SELECT id FROM org_unit WHERE parent_id = $1`, [city.id]);
      for (const c of counties) {
        await q.query(
          `UPDATE org_unit SET path = substr(path, length($2)), depth = depth - 1,
                  parent_id = CASE WHEN id = $3 THEN NULL ELSE parent_id END
            WHERE path LIKE $1`,
          [`/${city.id}/${c.id}/%`, `/${city.id}/`, c.id],
        );
        await q.query(`UPDATE org_unit_version SET parent_id = NULL WHERE org_id = $1 AND parent_id = $2`, [c.id, city.id]);
      }
      await q.query(`DELETE FROM org_unit_version WHERE org_id = $1`, [city.id]);
      await q.query(`DELETE FROM org_unit WHERE id = $1`, [city.id]);
    }
    await q.query(`ALTER TABLE account DROP CONSTRAINT account_role_check`);
    await q.query(`ALTER TABLE account ADD CONSTRAINT account_role_check
      CHECK (role IN ('admin','street_admin','community_secretary','community_clerk','grid_worker','unit_staff','member'))`);
    await q.query(`ALTER TABLE org_unit DROP CONSTRAINT org_unit_type_check, DROP CONSTRAINT org_unit_root_type_check, DROP CONSTRAINT org_unit_city_root_check`);
    await q.query(`ALTER TABLE org_unit
      ADD CONSTRAINT org_unit_type_check CHECK (type IN ('county_committee','street_committee','community_committee','compound_branch',
        'property_company_branch','business_district_branch','building_group','member_household','work_unit')),
      ADD CONSTRAINT org_unit_root_check CHECK ((parent_id IS NULL) = (type = 'county_committee'))`);
  }
}

/** CHECK constraints of `table` whose definition mentions `word` (their names were generated). */
async function dropChecksMentioning(q: QueryRunner, table: string, word: string): Promise<void> {
  const rows: { name: string }[] = await q.query(
    `SELECT conname AS name FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE $2`,
    [table, `%${word}%`],
  );
  for (const r of rows) await q.query(`ALTER TABLE ${table} DROP CONSTRAINT "${r.name.replace(/"/g, '""')}"`);
}
