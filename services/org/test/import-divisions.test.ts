import { AppError } from '@redheart/shared';
import { setup, type TestContext } from './helper';
import { importDivisions } from '../src/seed/import-divisions';
import { chinaDivisionSource, type DivisionSource } from '../src/seed/division-source';

let t: TestContext;
beforeAll(async () => {
  t = await setup();
});
afterAll(async () => t.close());

const q = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> => t.ds.query(sql, params);
const snapshot = async () => ({
  units: await q(`SELECT id, type, name, division_code, parent_id, path, depth, valid_from, valid_to, version, contacts, attributes FROM org_unit ORDER BY id`),
  versions: await q(`SELECT id, org_id, parent_id, name, type, effective_from, effective_to FROM org_unit_version ORDER BY id`),
  audit: (await q<{ n: number }>(`SELECT count(*)::int AS n FROM audit_entry`))[0].n,
});
const namesUnder = async (code: string) =>
  (await q<{ name: string }>(
    `SELECT c.name FROM org_unit c JOIN org_unit p ON p.id = c.parent_id WHERE p.division_code = $1 AND c.valid_to IS NULL ORDER BY c.division_code`, [code],
  )).map((r) => r.name);

/** The package's data with one name changed, as a later edition of the codes might have it. */
function renamedSource(code: string, newName: string): DivisionSource {
  const base = chinaDivisionSource();
  return {
    label: `${base.label}+test`,
    cityName: (c) => base.cityName(c),
    countiesOfCity: (c) => base.countiesOfCity(c),
    county: (c) => {
      const d = base.county(c);
      return d && { ...d, villages: d.villages.map((v) => (v.code === code ? { ...v, name: newName } : v)) };
    },
  };
}

describe('importDivisions(370686 栖霞市)', () => {
  const lines: string[] = [];

  it('creates the county committee under the city committee of 烟台市, 翠屏/庄园/松山 street working committees and the 12 urban communities under the right streets', async () => {
    const r = await importDivisions(t.ds, '370686', { log: (l) => lines.push(l) });
    expect(r).toMatchObject({ countyCode: '370686', countyName: '栖霞市', created: 17, updated: 0, unchanged: 0, skipped: 0, cityCreated: true, placed: false });
    expect(r.createdByType).toEqual({ city_committee: 1, county_committee: 1, street_committee: 3, community_committee: 12 });

    const [city] = await q(`SELECT id, name, type, parent_id, path, depth FROM org_unit WHERE division_code = '370600'`);
    expect(city).toMatchObject({ name: '中共烟台市委员会', type: 'city_committee', parent_id: null, depth: 0, path: `/${city.id}/` });
    expect(r.cityId).toBe(city.id);
    const [county] = await q(`SELECT id, name, type, parent_id, path, depth FROM org_unit WHERE division_code = '370686'`);
    expect(county).toMatchObject({ name: '中共栖霞市委员会', type: 'county_committee', parent_id: city.id, depth: 1, path: `/${city.id}/${county.id}/` });
    expect(r.rootId).toBe(county.id);
    expect(await namesUnder('370686')).toEqual(['翠屏街道党工委', '庄园街道党工委', '松山街道党工委']);
    expect(await namesUnder('370686001')).toEqual(['翠亭社区党委', '迎宾社区党委', '涌泉社区党委', '东盛社区党委', '向阳社区党委']);
    expect(await namesUnder('370686002')).toEqual(['万达社区党委', '龙腾社区党委', '文水社区党委', '英炜社区党委', '东山社区党委', '安泰社区党委', '果都社区党委']);
    // 松山街道 has only villages (村委会) in the national data: none by default.
    expect(await namesUnder('370686003')).toEqual([]);

    const [longteng] = await q(`SELECT type, attributes FROM org_unit WHERE division_code = '370686002002'`);
    expect(longteng).toEqual({ type: 'community_committee', attributes: { divisionName: '龙腾社区居民委员会', divisionKind: 'community' } });
    expect(lines.at(-1)).toMatch(/370686 栖霞市: created 17 .* updated 0, unchanged 0/);
  });

  it('writes materialised paths, one current version row per unit (effective_from = valid_from) and an audit entry per insert', async () => {
    const bad = await q(`SELECT c.id FROM org_unit c JOIN org_unit p ON p.id = c.parent_id WHERE c.path <> p.path || c.id || '/' OR c.depth <> p.depth + 1`);
    expect(bad).toEqual([]);
    const unversioned = await q(
      `SELECT u.id FROM org_unit u LEFT JOIN org_unit_version v ON v.org_id = u.id AND v.effective_to IS NULL
        WHERE v.id IS NULL OR v.effective_from <> u.valid_from OR v.name <> u.name OR v.type <> u.type OR v.parent_id IS DISTINCT FROM u.parent_id`,
    );
    expect(unversioned).toEqual([]);
    const audit = await q<{ n: number; actors: number }>(`SELECT count(*)::int AS n, count(actor_id)::int AS actors FROM audit_entry WHERE action = 'org.import' AND entity_type = 'org_unit'`);
    expect(audit[0]).toEqual({ n: 17, actors: 0 });
  });

  it('creates nothing and changes nothing on a second run', async () => {
    const before = await snapshot();
    const r = await importDivisions(t.ds, '370686', {});
    expect(r).toMatchObject({ created: 0, updated: 0, unchanged: 16 });
    expect(await snapshot()).toEqual(before);
  });

  it('keeps a name an admin gave by hand', async () => {
    await q(`UPDATE org_unit SET name = '龙腾社区大党委' WHERE division_code = '370686002002'`);
    const r = await importDivisions(t.ds, '370686', {});
    expect(r).toMatchObject({ created: 0, updated: 0, unchanged: 16 });
    expect((await q(`SELECT name FROM org_unit WHERE division_code = '370686002002'`))[0].name).toBe('龙腾社区大党委');
    await q(`UPDATE org_unit SET name = '龙腾社区党委' WHERE division_code = '370686002002'`);
  });

  it('renames a unit whose name changed in the source and records the change as a new version', async () => {
    const [{ id, version }] = await q<{ id: number; version: number }>(`SELECT id, version FROM org_unit WHERE division_code = '370686001005'`);
    const source = renamedSource('370686001005', '向阳新区社区居民委员会');
    const r = await importDivisions(t.ds, '370686', { source });
    expect(r).toMatchObject({ created: 0, updated: 1, unchanged: 15 });
    const [unit] = await q(`SELECT name, version, attributes FROM org_unit WHERE id = $1`, [id]);
    expect(unit).toMatchObject({ name: '向阳新区社区党委', version: version + 1, attributes: { divisionName: '向阳新区社区居民委员会' } });
    const versions = await q(`SELECT name, effective_to FROM org_unit_version WHERE org_id = $1 ORDER BY id`, [id]);
    // Imported and renamed on the same day: the version of the day is rewritten, never a zero-length one.
    expect(versions.at(-1)).toEqual({ name: '向阳新区社区党委', effective_to: null });
    const audit = await q(`SELECT before, after FROM audit_entry WHERE action = 'org.import' AND entity_id = $1 ORDER BY id DESC LIMIT 1`, [String(id)]);
    expect(audit[0]).toEqual({ before: { name: '向阳社区党委', divisionName: '向阳社区居民委员会' }, after: { name: '向阳新区社区党委', divisionName: '向阳新区社区居民委员会' } });

    // The same source again: nothing more to do.
    expect(await importDivisions(t.ds, '370686', { source })).toMatchObject({ created: 0, updated: 0, unchanged: 16 });
    // And back to the package's name.
    expect(await importDivisions(t.ds, '370686', {})).toMatchObject({ updated: 1 });
    expect((await q(`SELECT name FROM org_unit WHERE id = $1`, [id]))[0].name).toBe('向阳社区党委');
  });

  it('adopts a hand-made unit that carries the division code instead of duplicating it', async () => {
    // e.g. typed in before the importer existed: same code, other name, no source name recorded.
    await q(`UPDATE org_unit SET name = '中共栖霞市委', attributes = '{}'::jsonb WHERE division_code = '370686'`);
    const r = await importDivisions(t.ds, '370686', {});
    expect(r).toMatchObject({ created: 0, updated: 1, unchanged: 15 });
    expect((await q(`SELECT name, attributes FROM org_unit WHERE division_code = '370686'`))[0]).toEqual({
      name: '中共栖霞市委', attributes: { divisionName: '栖霞市', divisionKind: 'county' },
    });
    expect(await importDivisions(t.ds, '370686', {})).toMatchObject({ created: 0, updated: 0, unchanged: 16 });
  });

  it('leaves an archived community archived', async () => {
    const [{ id }] = await q<{ id: number }>(`SELECT id FROM org_unit WHERE division_code = '370686002007'`);
    await q(`UPDATE org_unit SET valid_to = valid_from WHERE id = $1`, [id]);
    const r = await importDivisions(t.ds, '370686', {});
    expect(r).toMatchObject({ created: 0, skipped: 1, unchanged: 15 });
    expect((await q(`SELECT count(*)::int AS n FROM org_unit WHERE division_code = '370686002007'`))[0].n).toBe(1);
    await q(`UPDATE org_unit SET valid_to = NULL WHERE id = $1`, [id]);
  });
});

describe('importDivisions for other counties', () => {
  it('imports 七星区 of 桂林市 (广西) beside 栖霞市, under a 桂林市 city committee: district committee named with its city, 街道 only', async () => {
    const r = await importDivisions(t.ds, '450305', {});
    expect(r.createdByType).toEqual({ city_committee: 1, county_committee: 1, street_committee: 4, community_committee: 33 });
    const [city] = await q(`SELECT id, name FROM org_unit WHERE division_code = '450300'`);
    expect(city.name).toBe('中共桂林市委员会');
    const [root] = await q(`SELECT name, parent_id FROM org_unit WHERE division_code = '450305'`);
    expect(root).toEqual({ name: '中共桂林市七星区委员会', parent_id: city.id });
    expect(await namesUnder('450305')).toEqual(['七星区街道党工委', '东江街道党工委', '穿山街道党工委', '漓东街道党工委']);
    expect((await q(`SELECT count(*)::int AS n FROM org_unit WHERE parent_id IS NULL`))[0].n).toBe(2);
    expect(await importDivisions(t.ds, '450305', {})).toMatchObject({ created: 0, updated: 0, unchanged: 38 });
  });

  it('imports towns, townships and villages of 栾城区 (河北) with includeTowns, after a default run found no 街道', async () => {
    const lines: string[] = [];
    const first = await importDivisions(t.ds, '130111', { log: (l) => lines.push(l) });
    expect(first.createdByType).toEqual({ city_committee: 1, county_committee: 1 });
    expect(lines.join('\n')).toMatch(/no 街道 .*--with-towns/);

    const r = await importDivisions(t.ds, '130111', { includeTowns: true });
    expect(r).toMatchObject({ unchanged: 1, updated: 0 });
    expect(r.createdByType).toEqual({ street_committee: 7, community_committee: 177 });
    expect(await namesUnder('130111')).toEqual(['栾城镇党委', '冶河镇党委', '窦妪镇党委', '楼底镇党委', '南高乡党委', '柳林屯乡党委', '西营乡党委']);
    const kinds = await q(`SELECT attributes->>'divisionKind' AS kind, count(*)::int AS n FROM org_unit WHERE division_code LIKE '130111%' AND length(division_code) = 12 GROUP BY 1 ORDER BY 1`);
    // 4xx codes are residents' committees of special areas (a school, an industrial zone): 虚拟 in the coding rules.
    expect(kinds).toEqual([{ kind: 'community', n: 10 }, { kind: 'village', n: 163 }, { kind: 'virtual', n: 4 }]);
    expect((await q(`SELECT name FROM org_unit WHERE division_code = '130111104400'`))[0].name).toBe('窦妪工业区社区党委');
    const villages = await q<{ name: string }>(`SELECT name FROM org_unit WHERE division_code LIKE '130111%' AND attributes->>'divisionKind' = 'village' LIMIT 20`);
    for (const v of villages) expect(v.name).toMatch(/村党支部$/);
    expect(await importDivisions(t.ds, '130111', { includeTowns: true })).toMatchObject({ created: 0, updated: 0, unchanged: 185 });
  });
});

describe('importDivisions with a bad code', () => {
  const expectError = async (code: string, errCode: string, message: RegExp) => {
    const before = await snapshot();
    const err = await importDivisions(t.ds, code, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ statusCode: 400, code: errCode });
    expect((err as AppError).message).toMatch(message);
    expect(await snapshot()).toEqual(before);
  };

  it('rejects an unknown county code with 400 UNKNOWN_DIVISION and writes nothing', async () => {
    await expectError('999999', 'UNKNOWN_DIVISION', /No county-level division 999999/);
  });

  it('names the counties when given a city code', async () => {
    await expectError('370600', 'UNKNOWN_DIVISION', /烟台市.*370686 栖霞市/);
  });

  it('rejects a code that is not 6 digits with 400 INVALID_DIVISION_CODE', async () => {
    await expectError('3706', 'INVALID_DIVISION_CODE', /6 digits/);
    await expectError('37068600100', 'INVALID_DIVISION_CODE', /6 digits/);
  });
});
