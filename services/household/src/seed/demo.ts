import type { DataSource, EntityManager } from 'typeorm';
import { CommunityDirectory, makeResidentId, maskResidentId, mobile, type OrgCommunity, type PiiVault, Prng, writeAudit } from '@redheart/shared';
import { type Action, type CaseStatus, type CaseType, CHECKLISTS, type Relation, TRANSITIONS } from '../domain';
import { SeparationService } from '../modules/separation/service';
import { CaseLimitReminders } from '../modules/reminders/service';
import {
  COMPOUND_SUFFIXES, CONTACT_NOTES, DECLINE_NOTES, ELSEWHERE, FIRST_COMPARISON, LONGTENG_CODE, MONTHS, QIXIA, TARGET, TYPE_WEIGHTS, URBAN, type UrbanCommunity,
} from './demo-data';
import { personName, surname } from './names';

export interface HouseholdSeedOptions {
  /** Encrypts and hashes the ID numbers exactly as the running service will read them. */
  vault: PiiVault;
  log?: (line: string) => void;
  /** The org chart's communities (the service has no access to the org database; the caller reads them). */
  communities?: OrgCommunity[];
  /** "Now" for the open cases of the demo queue (tests pin it). */
  now?: Date;
}

export interface HouseholdSeedSummary {
  skipped: boolean;
  reason?: string;
  counts: Record<string, number>;
}

const SEED_LOCK = 7712150;
const HOUR = 3600_000;
const DAY = 86400_000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** A wall-clock time in Qixia (UTC+8, no DST). */
const at = (date: string, hour = 9, minute = 0) => new Date(`${date}T${pad(hour)}:${pad(minute)}:00+08:00`);
/** The business date of an instant in Qixia. */
const dayOf = (d: Date) => new Date(d.getTime() + 8 * HOUR).toISOString().slice(0, 10);

interface Person {
  id: number;
  name: string;
  idNo: string;
  sex: 'M' | 'F';
  birth: string;
  hash: string;
  /** Set once the person row is to be written (registered, or created by a settle). */
  stored: boolean;
  createdAt: Date;
}

/**
 * Where a case's person works: adults of working age only (18–60 when the case opened; others not given),
 * 机关事业单位职工带头 — staff of public institutions moved first, so they are a larger share of the first three
 * months' cases (35 %) than later (12 %); half of the rest work for enterprises. A hash of the person's id, not the
 * seed's random stream, so every other figure of the demo stays as it was.
 */
function employerOf(p: Person, at: Date): 'public_institution' | 'enterprise' | 'other' | null {
  const age = at.getUTCFullYear() - Number(p.birth.slice(0, 4));
  if (age < 18 || age > 60) return null;
  const h = ((p.id * 2654435761) >>> 0) % 100;
  const publicShare = at < new Date('2020-04-01T00:00:00+08:00') ? 35 : 12;
  if (h < publicShare) return 'public_institution';
  return h < publicShare + Math.round((100 - publicShare) * 0.6) ? 'enterprise' : 'other';
}

interface Flat {
  building: string;
  unit: string;
  room: string;
  address: string;
  grid: string;
}

interface Household {
  id: number;
  no: string;
  communityId: number;
  kind: 'family' | 'collective';
  flat: Flat | null;
  address: string;
  createdAt: Date;
}

interface Registration {
  id: number;
  personId: number;
  householdId: number;
  relation: Relation;
  status: 'active' | 'ended';
  start: string;
  end: string | null;
  caseId: number | null;
  endedByCaseId: number | null;
  endReason: string | null;
}

interface Property {
  id: number;
  communityId: number;
  cert: string;
  flat: Flat;
  area: number;
  owners: Person[];
}

interface CasePerson {
  person: Person;
  relation: Relation;
  sourceRegistration: Registration | null;
}

interface CaseEvent {
  action: Action | 'create';
  from: CaseStatus | null;
  to: CaseStatus;
  actor: string;
  role: string;
  at: Date;
  reason: string | null;
  data: Record<string, unknown> | null;
}

interface CaseRecord {
  id: number;
  no: string;
  type: CaseType;
  status: CaseStatus;
  communityId: number;
  targetHousehold: Household | null;
  newHousehold: Record<string, unknown> | null;
  sourceHouseholdId: number | null;
  destination: string | null;
  property: Property | null;
  cert: string | null;
  applicantPhone: string;
  green: boolean;
  checklist: Record<string, { provided: boolean; verified: boolean }>;
  approvalNo: string | null;
  revokeRequestedBy: string | null;
  revokeReason: string | null;
  stepStartedAt: Date;
  settledAt: Date | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  persons: CasePerson[];
  events: CaseEvent[];
  notices: { items: string[]; note: string; by: string; at: Date }[];
}

interface Community {
  id: number;
  name: string;
  spec: UrbanCommunity;
  streetName: string;
  divisionCode: string;
  compounds: string[];
  usedFlats: Set<string>;
  families: { household: Household; members: { person: Person; reg: Registration }[] }[];
  collective: Household;
  /** Separated flats nobody moves in from in the demo's half year: the open part of the funnel. */
  openFlats: Property[];
  clerk: string;
  secretary: string;
  streetAdmin: string;
}

/** Multi-row INSERT in chunks; table and column names are constants of this file, never input. */
async function insertMany(m: EntityManager, table: string, cols: string[], rows: unknown[][]): Promise<void> {
  const per = Math.max(1, Math.floor(60000 / cols.length));
  for (let i = 0; i < rows.length; i += per) {
    const params: unknown[] = [];
    const values = rows.slice(i, i + per).map((r) => `(${r.map((v) => `$${params.push(v)}`).join(',')})`);
    await m.query(`INSERT INTO ${table} (${cols.join(', ')}) VALUES ${values.join(', ')}`, params);
  }
}

/**
 * Ids handed out by the seed itself (the rows reference each other before they are written); the
 * tables are locked for the transaction and the sequences set past the last id at the end.
 */
class Ids {
  private next = new Map<string, number>();
  private start = new Map<string, number>();
  private constructor(private readonly seqs: Record<string, string>) {}

  static async load(m: EntityManager): Promise<Ids> {
    const seqs: Record<string, string> = {
      household: "pg_get_serial_sequence('household', 'id')", person: "pg_get_serial_sequence('person', 'id')",
      registration: "pg_get_serial_sequence('registration', 'id')", property: "pg_get_serial_sequence('property', 'id')",
      move_case: "pg_get_serial_sequence('move_case', 'id')", case_no: "'move_case_no_seq'", household_no: "'household_no_seq'",
    };
    const ids = new Ids(seqs);
    for (const [k, seq] of Object.entries(seqs)) {
      const v = Number((await m.query(`SELECT nextval(${seq}) AS v`))[0].v);
      ids.next.set(k, v);
      ids.start.set(k, v);
    }
    return ids;
  }

  take(kind: string): number {
    const v = this.next.get(kind)!;
    this.next.set(kind, v + 1);
    return v;
  }

  async finish(m: EntityManager): Promise<void> {
    for (const [k, seq] of Object.entries(this.seqs)) {
      const last = this.next.get(k)! - 1;
      if (last >= this.start.get(k)!) await m.query(`SELECT setval(${seq}, $1)`, [last]);
      else await m.query(`SELECT setval(${seq}, $1, false)`, [this.start.get(k)]);
    }
  }
}

/**
 * The demo of 户籍进社区, written once (skipped when the register already holds anything):
 * each of the 12 urban communities' register as the communities took it over, the property
 * register with owners registered elsewhere, the first comparison on 2019-12-30, the move-in
 * cases settled 2019-12-31 … 2020-06-30 that add up to the article's 1067 households / 2576
 * people (the statistics compute it from these records), a comparison at each month's end, the
 * outreach funnel, and a live queue in every state for 龙腾社区's clerk. One transaction: all or none.
 */
export async function seedDemo(ds: DataSource, opts: HouseholdSeedOptions): Promise<HouseholdSeedSummary> {
  const log = opts.log ?? (() => undefined);
  const started = Date.now();
  return ds.transaction(async (m) => {
    await m.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
    if (opts.communities?.length) {
      await new CommunityDirectory().upsert(m, opts.communities);
      log(`[seed] ${opts.communities.length} communities copied from the org chart`);
    }
    const used: { n: number }[] = await m.query(`SELECT ((SELECT count(*) FROM household) + (SELECT count(*) FROM move_case))::int AS n`);
    if (used[0].n > 0) {
      log('[seed] the household register already holds data; demo not loaded again');
      return { skipped: true, reason: 'already seeded', counts: await counts(m) };
    }
    const refs: { id: number; name: string; path: string; streetName: string | null; divisionCode: string | null }[] = await m.query(
      `SELECT id, name, path, street_name AS "streetName", division_code AS "divisionCode" FROM community_ref ORDER BY path, id`,
    );
    if (!refs.length) {
      log('[seed] no communities known yet (seed the org chart first); household demo skipped');
      return { skipped: true, reason: 'no communities', counts: await counts(m) };
    }
    await m.query(`LOCK TABLE household, person, registration, property, property_owner, move_case, case_person IN EXCLUSIVE MODE`);
    const builder = new DemoBuilder(m, opts.vault, log, opts.now ?? new Date(), await Ids.load(m));
    await builder.run(refs);
    // The demo's cases that are already due or overdue count as told: the first time-limit run of a fresh
    // platform tells the clerks only of what falls due from now on, not of every case the demo was born with.
    const told = await CaseLimitReminders.markTold(m, opts.now ?? new Date());
    log(`[seed] ${told} demo cases already past 80 % of their step's limit marked as told`);
    const summary = await counts(m);
    log(`[seed] household demo ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${Object.entries(summary).map(([k, v]) => `${v} ${k}`).join(', ')}`);
    return { skipped: false, counts: summary };
  });
}

async function counts(m: EntityManager): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['household', 'person', 'registration', 'property', 'property_owner', 'move_case', 'case_person', 'case_event', 'outreach_task', 'separation_snapshot']) {
    out[t] = (await m.query(`SELECT count(*)::int AS n FROM ${t}`))[0].n;
  }
  return out;
}

class DemoBuilder {
  private readonly rnd = new Prng(20191231);
  private readonly usedIds = new Set<string>();
  private readonly persons: Person[] = [];
  private readonly households: Household[] = [];
  private readonly registrations: Registration[] = [];
  private readonly properties: Property[] = [];
  private readonly cases: CaseRecord[] = [];
  private readonly communities: Community[] = [];
  /** Adult children registered with their parents: some buy a flat in another community and move (a move within the system). */
  private readonly adultChildren: { person: Person; reg: Registration; communityId: number }[] = [];
  private certSeq = 1_200_000;
  private approvalSeq = new Map<string, number>();

  constructor(
    private readonly m: EntityManager,
    private readonly vault: PiiVault,
    private readonly log: (line: string) => void,
    private readonly now: Date,
    private readonly ids: Ids,
  ) {}

  async run(refs: { id: number; name: string; path: string; streetName: string | null; divisionCode: string | null }[]) {
    this.pickCommunities(refs);
    for (const c of this.communities) this.preRegister(c);
    this.propertyRegister();
    const plan = this.planSettledCases();
    await this.writeBase();
    const separation = new SeparationService(this.m.connection, new CommunityDirectory());
    const targets = this.communities.map((c) => ({ id: c.id, name: c.name }));
    const first = await separation.compare(this.m, { username: 'seed' }, targets, new Date(FIRST_COMPARISON));
    this.log(`[seed] first comparison (${dayOf(new Date(FIRST_COMPARISON))}): ${this.rates(first.communities)} → ${first.tasksCreated} outreach tasks`);

    await this.writeCases(plan);
    // Month by month, the registrations the settled cases made, and a comparison at each month's end.
    for (const { month } of MONTHS) {
      const due = plan.filter((c) => dayOf(c.settledAt!).slice(0, 7) === month);
      await this.applySettlements(due);
      const [y, mo] = month.split('-').map(Number);
      const monthEnd = at(`${month}-${pad(new Date(Date.UTC(y, mo, 0)).getUTCDate())}`, 18);
      const snap = await separation.compare(this.m, { username: 'seed' }, targets, monthEnd);
      this.log(`[seed] ${month}: ${due.length} households / ${due.reduce((n, c) => n + c.persons.length, 0)} persons settled; ${this.rates(snap.communities)}`);
    }
    const open = this.openCases();
    await this.writeCases(open);
    await this.applyOpenCaseRegistrations(open);
    await this.workTasks(plan, open);
    const last = await separation.compare(this.m, { username: 'seed' }, targets, this.now);
    this.log(`[seed] comparison now: ${this.rates(last.communities)}; ${last.tasksCreated} new tasks`);
    await this.ids.finish(this.m);
    await this.check();
    await writeAudit(this.m, {
      actor: null, action: 'seed.demo', entityType: 'household', entityId: 'demo',
      after: { communities: this.communities.length, households: TARGET.households, persons: TARGET.persons }, reason: 'Qixia demo seed',
    });
  }

  private rates(cs: { flats: number; flatsSeparated: number; residents: number; residentsElsewhere: number }[]): string {
    const s = cs.reduce((a, c) => ({ f: a.f + c.flats, fs: a.fs + c.flatsSeparated, r: a.r + c.residents, re: a.re + c.residentsElsewhere }), { f: 0, fs: 0, r: 0, re: 0 });
    const pct = (a: number, b: number) => (b ? `${((a / b) * 100).toFixed(1)}%` : '—');
    return `房户分离 ${s.fs}/${s.f} flats (${pct(s.fs, s.f)}), 人户分离 ${s.re}/${s.r} owners (${pct(s.re, s.r)})`;
  }

  // ─── people, flats, households ───

  private person(sex: 'M' | 'F', birthYear: number, opts: { family?: string; division?: string; createdAt?: Date } = {}): Person {
    const rnd = this.rnd;
    const birthYearBounded = Math.min(birthYear, 2019);
    const birth = `${birthYearBounded}-${pad(rnd.int(1, 12))}-${pad(rnd.int(1, 28))}`;
    const division = opts.division ?? (rnd.chance(0.8) ? QIXIA : rnd.pick(ELSEWHERE));
    let idNo: string;
    do idNo = makeResidentId(division, birth, rnd.int(1, 998), sex);
    while (this.usedIds.has(idNo));
    this.usedIds.add(idNo);
    const p: Person = {
      id: this.ids.take('person'), name: personName(rnd, sex, birthYearBounded, opts.family), idNo, sex, birth, hash: this.vault.hash(idNo), stored: false,
      createdAt: opts.createdAt ?? at('2019-12-01', 8),
    };
    this.persons.push(p);
    return p;
  }

  /** Someone from outside the register: a villager of Qixia (their hukou is in the village) or from elsewhere. */
  private outsider(sex: 'M' | 'F', birthYear: number, family?: string): Person {
    return this.person(sex, birthYear, { family, division: this.rnd.chance(0.6) ? QIXIA : this.rnd.pick(ELSEWHERE) });
  }

  private flat(c: Community): Flat {
    const rnd = this.rnd;
    for (;;) {
      const ci = rnd.int(0, c.compounds.length - 1);
      const b = rnd.int(1, 14);
      const u = rnd.int(1, 3);
      const room = `${rnd.int(1, 11)}0${rnd.int(1, 2)}`;
      const key = `${ci}/${b}/${u}/${room}`;
      if (c.usedFlats.has(key)) continue;
      c.usedFlats.add(key);
      return {
        building: String(b), unit: String(u), room, address: `${c.streetName}${c.compounds[ci]}${b}号楼${u}单元${room}室`,
        grid: `G${pad(((ci * 14 + b - 1) % c.spec.grids) + 1)}`,
      };
    }
  }

  private household(c: Community, kind: 'family' | 'collective', flat: Flat | null, createdAt: Date, address?: string): Household {
    const h: Household = {
      id: this.ids.take('household'), no: `HH${c.divisionCode}-${pad(this.ids.take('household_no'), 6)}`, communityId: c.id, kind, flat,
      address: address ?? flat?.address ?? '', createdAt,
    };
    this.households.push(h);
    return h;
  }

  private register(p: Person, h: Household, relation: Relation, start: string, caseId: number | null = null): Registration {
    p.stored = true;
    const r: Registration = {
      id: this.ids.take('registration'), personId: p.id, householdId: h.id, relation, status: 'active', start: start < p.birth ? p.birth : start, end: null,
      caseId, endedByCaseId: null, endReason: null,
    };
    this.registrations.push(r);
    return r;
  }

  private pickCommunities(refs: { id: number; name: string; streetName: string | null; divisionCode: string | null }[]) {
    const byCode = new Map(refs.filter((r) => r.divisionCode).map((r) => [r.divisionCode!, r]));
    let chosen = URBAN.filter((u) => byCode.has(u.code)).map((u) => ({ ref: byCode.get(u.code)!, spec: u }));
    if (!chosen.length) {
      // Another county's chart: its first twelve communities play the part.
      chosen = refs.slice(0, 12).map((ref, i) => ({ ref, spec: { code: ref.divisionCode ?? String(ref.id), short: ref.name.replace(/社区.*$/, ''), pinyin: `c${ref.id}`, street: i % 2 ? 'zhuangyuan' : 'cuiping', grids: 8 } as UrbanCommunity }));
    }
    for (const { ref, spec } of chosen) {
      const suffixes = [...COMPOUND_SUFFIXES];
      for (let i = suffixes.length - 1; i > 0; i--) {
        const j = this.rnd.int(0, i);
        [suffixes[i], suffixes[j]] = [suffixes[j], suffixes[i]];
      }
      suffixes.length = 3;
      const c: Community = {
        id: ref.id, name: ref.name, spec, streetName: (ref.streetName ?? '').replace(/党工委$/, ''), divisionCode: ref.divisionCode ?? String(ref.id),
        compounds: suffixes.map((s) => `${spec.short}${s}`), usedFlats: new Set(), families: [], collective: undefined as unknown as Household, openFlats: [],
        clerk: `clerk.${spec.pinyin}`, secretary: `secretary.${spec.pinyin}`, streetAdmin: `street.${spec.street}`,
      };
      this.communities.push(c);
    }
    this.log(`[seed] ${this.communities.length} communities with hukou duties: ${this.communities.map((c) => c.spec.short).join('、')}`);
  }

  /** The register each community took over at the end of 2019: families at their flats, and the collective household. */
  private preRegister(c: Community) {
    const rnd = this.rnd;
    const takenOver = at('2019-12-01', 8);
    const n = c.spec.grids * rnd.int(22, 27);
    for (let i = 0; i < n; i++) {
      const h = this.household(c, 'family', this.flat(c), takenOver);
      const headSex = rnd.chance(0.82) ? 'M' : 'F';
      const headYear = rnd.int(1938, 1993);
      const head = this.person(headSex, headYear);
      const spouse = rnd.chance(0.85) ? this.person(headSex === 'M' ? 'F' : 'M', headYear + rnd.int(-3, 3)) : null;
      const family = headSex === 'M' ? head.name[0] : spouse ? spouse.name[0] : head.name[0];
      const since = `${rnd.int(Math.max(1985, Math.min(2019, headYear + 22)), 2019)}-${pad(rnd.int(1, 11))}-${pad(rnd.int(1, 28))}`;
      const members: { person: Person; reg: Registration }[] = [];
      const add = (p: Person, rel: Relation) => {
        const reg = this.register(p, h, rel, since > '2019-11-30' ? '2019-11-30' : since);
        members.push({ person: p, reg });
        return reg;
      };
      add(head, 'head');
      if (spouse) add(spouse, 'spouse');
      const kids = headYear < 1960 ? rnd.int(0, 1) : headYear < 1986 ? rnd.int(1, 2) : rnd.int(0, 2);
      for (let k = 0; k < kids; k++) {
        const year = Math.min(2019, headYear + rnd.int(23, 33));
        const child = this.person(rnd.chance(0.5) ? 'M' : 'F', year, { family, division: QIXIA });
        const reg = add(child, 'child');
        if (year <= 1998) this.adultChildren.push({ person: child, reg, communityId: c.id });
      }
      if (headYear > 1965 && rnd.chance(0.14)) add(this.person(rnd.chance(0.5) ? 'M' : 'F', headYear - rnd.int(24, 32)), 'parent');
      if (headYear < 1962 && rnd.chance(0.25)) add(this.person(rnd.chance(0.5) ? 'M' : 'F', rnd.int(2006, 2018), { family, division: QIXIA }), 'grandchild');
      c.families.push({ household: h, members });
    }
    c.collective = this.household(c, 'collective', null, takenOver, `${c.streetName}${c.spec.short}社区集体户`);
    for (let i = rnd.int(4, 10); i > 0; i--) this.register(this.person(rnd.chance(0.5) ? 'M' : 'F', rnd.int(1960, 2000)), c.collective, 'other', `20${pad(rnd.int(5, 19))}-0${rnd.int(1, 9)}-15`);
  }

  private property(c: Community, flat: Flat, owners: Person[]): Property {
    const rnd = this.rnd;
    const p: Property = {
      id: this.ids.take('property'), communityId: c.id, cert: `鲁(${rnd.int(2008, 2019)})栖霞市不动产权第${pad(this.certSeq++, 7)}号`, flat,
      area: Math.round(rnd.real(58, 145) * 100) / 100, owners,
    };
    this.properties.push(p);
    return p;
  }

  /** Someone who bought a flat here while registered elsewhere; `inSystem`: an adult child registered in another community. */
  private buyer(c: Community, inSystem: boolean): { owners: Person[]; mover: { person: Person; reg: Registration } | null } {
    const rnd = this.rnd;
    const pool = inSystem ? this.adultChildren.filter((a) => a.communityId !== c.id) : [];
    if (pool.length) {
      const pick = pool[rnd.int(0, pool.length - 1)];
      this.adultChildren.splice(this.adultChildren.indexOf(pick), 1);
      const owners = [pick.person];
      const birthYear = Number(pick.person.birth.slice(0, 4));
      if (rnd.chance(0.5)) owners.push(this.outsider(pick.person.sex === 'M' ? 'F' : 'M', birthYear + rnd.int(-2, 2)));
      return { owners, mover: pick };
    }
    const sex = rnd.chance(0.75) ? 'M' : 'F';
    const year = rnd.int(1955, 1996);
    const owners = [this.outsider(sex, year)];
    if (rnd.chance(0.55)) owners.push(this.outsider(sex === 'M' ? 'F' : 'M', year + rnd.int(-3, 3)));
    return { owners, mover: null };
  }

  /** Flats of the families (owned by head, often with the spouse), and co-owners registered elsewhere (人户分离). */
  private propertyRegister() {
    const rnd = this.rnd;
    for (const c of this.communities) {
      for (const f of c.families) {
        if (!rnd.chance(0.86)) continue;
        const owners = [f.members[0].person];
        const spouse = f.members.find((x) => x.reg.relation === 'spouse');
        if (spouse && rnd.chance(0.6)) owners.push(spouse.person);
        // A husband or wife whose hukou stayed in their home village.
        if (!spouse && rnd.chance(0.45)) owners.push(this.outsider(f.members[0].person.sex === 'M' ? 'F' : 'M', Number(f.members[0].person.birth.slice(0, 4)) + rnd.int(-3, 3)));
        this.property(c, f.household.flat!, owners);
      }
      const open = rnd.int(24, 42);
      for (let i = 0; i < open; i++) {
        // 龙腾's first one is a buyer registered in another community: the demo queue has a move within the system.
        const b = this.buyer(c, (c.spec.code === LONGTENG_CODE && i === 0) || rnd.chance(0.15));
        c.openFlats.push(this.property(c, this.flat(c), b.owners));
      }
    }
  }

  // ─── the settled move-ins of 2019-12-31 … 2020-06-30 ───

  private settleTime(month: string): Date {
    const rnd = this.rnd;
    if (month === '2019-12') return at('2019-12-31', rnd.int(9, 16), rnd.int(0, 59));
    const [y, mo] = month.split('-').map(Number);
    const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
    for (;;) {
      const d = rnd.int(1, days);
      const date = `${month}-${pad(d)}`;
      const dow = new Date(`${date}T12:00:00Z`).getUTCDay();
      // Weekends, and the Spring Festival holiday that the epidemic extended (2020-01-24 … 02-09).
      if (dow === 0 || dow === 6 || (date >= '2020-01-24' && date <= '2020-02-09')) continue;
      return at(date, rnd.int(9, 16), rnd.int(0, 59));
    }
  }

  private approvalNo(year: string): string {
    const n = (this.approvalSeq.get(year) ?? 0) + 1;
    this.approvalSeq.set(year, n);
    return `栖公准迁字〔${year}〕${n}号`;
  }

  private checklist(type: CaseType, provided: 'all' | 'verified' | string[]) {
    return Object.fromEntries(CHECKLISTS[type].map((i) => [i, { provided: provided === 'all' || provided === 'verified' || provided.includes(i), verified: provided === 'verified' }]));
  }

  private newCase(c: Community, type: CaseType, createdAt: Date, persons: CasePerson[], extra: Partial<CaseRecord> = {}): CaseRecord {
    const rec: CaseRecord = {
      id: this.ids.take('move_case'), no: '', type, status: 'DRAFT', communityId: c.id, targetHousehold: null, newHousehold: null, sourceHouseholdId: null, destination: null,
      property: null, cert: null, applicantPhone: mobile(this.rnd), green: false, checklist: this.checklist(type, []), approvalNo: null, revokeRequestedBy: null,
      revokeReason: null, stepStartedAt: createdAt, settledAt: null, createdBy: `seed:${c.clerk}`, createdAt, updatedAt: createdAt, persons, events: [], notices: [], ...extra,
    };
    rec.events.push({ action: 'create', from: null, to: 'DRAFT', actor: c.clerk, role: 'community_clerk', at: createdAt, reason: null, data: { type, persons: persons.length } });
    this.cases.push(rec);
    return rec;
  }

  /** Applies one step of the workflow to a case record, as the service would have. */
  private step(c: Community, rec: CaseRecord, action: Action, when: Date, extra: { reason?: string; data?: Record<string, unknown> | null } = {}) {
    const rule = TRANSITIONS[action];
    const to = rule.to ?? rec.status;
    const actor = action === 'approve' ? [c.secretary, 'community_secretary'] : action === 'confirm_revoke' ? ['admin', 'admin'] : action === 'request_revoke' ? [c.streetAdmin, 'street_admin'] : [c.clerk, 'community_clerk'];
    rec.events.push({ action, from: rec.status, to, actor: actor[0], role: actor[1], at: when, reason: extra.reason ?? null, data: extra.data ?? null });
    if (to !== rec.status) rec.stepStartedAt = when;
    rec.status = to;
    rec.updatedAt = when;
  }

  private planSettledCases(): CaseRecord[] {
    const rnd = this.rnd;
    // Households per community in proportion to its grids (largest remainder), adding up to the article's figure.
    const weights = this.communities.map((c) => c.spec.grids + (c.spec.code === LONGTENG_CODE ? 1 : 0));
    const total = weights.reduce((a, b) => a + b, 0);
    const exact = weights.map((w) => (w / total) * TARGET.households);
    const share = exact.map(Math.floor);
    const order = exact.map((e, i) => [e - Math.floor(e), i]).sort((a, b) => b[0] - a[0]);
    const left = TARGET.households - share.reduce((a, b) => a + b, 0);
    for (let k = 0; k < left; k++) share[order[k][1]]++;

    interface Draft { c: Community; type: CaseType; settledAt: Date; green: boolean; persons: CasePerson[]; extras: number; property: Property | null; target: Household | null; flat: Flat | null }
    const drafts: Draft[] = [];
    this.communities.forEach((c, ci) => {
      for (let i = 0; i < share[ci]; i++) {
        const type = TYPE_WEIGHTS[rnd.weightedIndex(TYPE_WEIGHTS.map((t) => t.weight))].type;
        const month = MONTHS[rnd.weightedIndex(MONTHS.map((x) => x.weight))].month;
        const settledAt = this.settleTime(month);
        // Staff of public bodies led by example through the green channel; the first day was theirs.
        const green = month === '2019-12' || rnd.chance(0.06);
        const d: Draft = { c, type, settledAt, green, persons: [], extras: 0, property: null, target: null, flat: null };
        if (type === 'purchased_flat') {
          const b = this.buyer(c, rnd.chance(0.12));
          d.property = this.property(c, this.flat(c), b.owners);
          d.persons = b.owners.map((p, k) => ({ person: p, relation: k === 0 ? 'head' : 'spouse', sourceRegistration: k === 0 ? (b.mover?.reg ?? null) : null }));
          d.extras = rnd.int(0, 2) + (rnd.chance(0.08) ? 1 : 0);
        } else if (type === 'joining_relatives') {
          d.target = rnd.pick(c.families).household;
          d.extras = rnd.chance(0.35) ? 2 : 1;
        } else if (type === 'collective') {
          d.target = c.collective;
          d.extras = rnd.chance(0.12) ? 2 : 1;
        } else {
          d.flat = this.flat(c);
          d.extras = rnd.int(1, 3);
        }
        drafts.push(d);
      }
    });
    // Exactly the article's number of people: add or take family members where a case can take them.
    const size = (d: Draft) => d.persons.length + d.extras;
    let diff = TARGET.persons - drafts.reduce((n, d) => n + size(d), 0);
    while (diff !== 0) {
      const d = rnd.pick(drafts);
      if (d.type === 'collective') continue;
      if (diff > 0 && size(d) < 6) {
        d.extras++;
        diff--;
      } else if (diff < 0 && d.extras > (d.persons.length ? 0 : 1)) {
        d.extras--;
        diff++;
      }
    }
    return drafts.map((d) => this.settledCase(d.c, d.type, d.settledAt, d.green, d.persons, d.extras, d.property, d.target, d.flat));
  }

  private settledCase(c: Community, type: CaseType, settledAt: Date, green: boolean, owners: CasePerson[], extras: number, property: Property | null, target: Household | null, flat: Flat | null): CaseRecord {
    const rnd = this.rnd;
    const days = green ? rnd.real(0.3, 1.6) : rnd.real(1.5, 9);
    const floor = at('2019-12-30', 10).getTime();
    let created = new Date(settledAt.getTime() - days * DAY);
    if (created.getTime() < floor) created = new Date(floor + rnd.real(0, Math.max(0.1, (settledAt.getTime() - floor) / HOUR - 2)) * HOUR);
    const persons: CasePerson[] = [...owners];
    const lead = owners[0]?.person;
    const leadYear = lead ? Number(lead.birth.slice(0, 4)) : rnd.int(1960, 1995);
    const family = lead ? (lead.sex === 'M' ? lead.name[0] : owners[1]?.person.name[0] ?? lead.name[0]) : surname(rnd);
    for (let k = 0; k < extras; k++) {
      if (type === 'collective') {
        persons.push({ person: this.outsider(rnd.chance(0.5) ? 'M' : 'F', rnd.int(1972, 2000)), relation: 'other', sourceRegistration: null });
      } else if (type === 'joining_relatives') {
        const rel = rnd.pick<Relation>(['parent', 'parent', 'grandchild', 'child', 'other']);
        const year = rel === 'parent' ? rnd.int(1938, 1960) : rel === 'grandchild' ? rnd.int(2008, 2019) : rnd.int(1975, 2005);
        persons.push({ person: this.outsider(rnd.chance(0.5) ? 'M' : 'F', year), relation: rel, sourceRegistration: null });
      } else if (persons.length === 0) {
        persons.push({ person: this.outsider(rnd.chance(0.7) ? 'M' : 'F', leadYear, family), relation: 'head', sourceRegistration: null });
      } else if (k < extras - 1 || leadYear > 1975 || !rnd.chance(0.4)) {
        persons.push({ person: this.outsider(rnd.chance(0.5) ? 'M' : 'F', Math.min(2019, leadYear + rnd.int(22, 32)), family), relation: 'child', sourceRegistration: null });
      } else {
        persons.push({ person: this.outsider(rnd.chance(0.5) ? 'M' : 'F', leadYear - rnd.int(24, 30)), relation: 'parent', sourceRegistration: null });
      }
    }
    const newFlat = property?.flat ?? flat;
    const rec = this.newCase(c, type, created, persons, {
      green, property, cert: property?.cert ?? null, checklist: this.checklist(type, []),
      newHousehold: newFlat ? { kind: 'family', building: newFlat.building, unit: newFlat.unit, room: newFlat.room, address: newFlat.address, gridCode: newFlat.grid } : null,
      targetHousehold: target,
    });
    // The steps, spread over the processing time; some went through a one-time notice first.
    const span = settledAt.getTime() - created.getTime();
    const supplement = rnd.chance(0.08);
    const w = [rnd.real(0.05, 0.3), supplement ? rnd.real(0.4, 1.2) : 0, rnd.real(0.2, 1), rnd.real(0.1, 0.6), rnd.real(0.1, 0.6)];
    const sum = w.reduce((a, b) => a + b, 0);
    let t = created.getTime();
    const next = (i: number) => new Date((t += (w[i] / sum) * span));
    const all = CHECKLISTS[type];
    const missing = supplement ? [all[1 + rnd.int(0, all.length - 2)]] : [];
    rec.checklist = this.checklist(type, all.filter((i) => !missing.includes(i)));
    this.step(c, rec, 'submit', next(0), { data: { provided: all.filter((i) => !missing.includes(i)), missing } });
    if (supplement) {
      const mid = new Date(t + ((w[1] / sum) * span) / 3);
      this.step(c, rec, 'request_supplement', mid, { data: { missing } });
      rec.notices.push({ items: missing, note: '请一次性补齐以上材料，原件核对后即可受理', by: c.clerk, at: mid });
      this.step(c, rec, 'supplement', next(1), { data: { provided: missing, missing: [] } });
    } else {
      next(1);
    }
    rec.checklist = this.checklist(type, 'verified');
    this.step(c, rec, 'accept', next(2));
    rec.approvalNo = this.approvalNo(dayOf(created).slice(0, 4));
    this.step(c, rec, 'approve', next(3), { data: { approvalNo: rec.approvalNo } });
    // Where the case settles: a new household at the flat, the household joined, or the collective household.
    if (!rec.targetHousehold) rec.targetHousehold = this.household(c, 'family', newFlat, settledAt);
    rec.settledAt = settledAt;
    this.step(c, rec, 'settle', settledAt, {
      data: { householdId: rec.targetHousehold.id, settledPersons: persons.length, movedWithinSystem: persons.filter((p) => p.sourceRegistration).length },
    });
    return rec;
  }

  /** The registrations a month's settled cases made (a move within the system ends the old one first). */
  private async applySettlements(due: CaseRecord[]) {
    const ended: Registration[] = [];
    const added: Registration[] = [];
    for (const rec of due) {
      const day = dayOf(rec.settledAt!);
      for (const cp of rec.persons) {
        if (cp.sourceRegistration) {
          Object.assign(cp.sourceRegistration, { status: 'ended', end: day, endReason: 'moved', endedByCaseId: rec.id });
          ended.push(cp.sourceRegistration);
        } else {
          cp.person.stored = true;
          cp.person.createdAt = rec.settledAt!;
        }
        added.push(this.register(cp.person, rec.targetHousehold!, cp.relation, day, rec.id));
      }
    }
    if (ended.length) {
      await this.m.query(
        `UPDATE registration r SET status = 'ended', end_date = x.d, end_reason = 'moved', ended_by_case_id = x.c
           FROM unnest($1::bigint[], $2::date[], $3::bigint[]) AS x(id, d, c) WHERE r.id = x.id`,
        [ended.map((r) => r.id), ended.map((r) => r.end), ended.map((r) => r.endedByCaseId)],
      );
    }
    const fresh = due.flatMap((rec) => rec.persons.filter((cp) => !cp.sourceRegistration).map((cp) => cp.person));
    await this.writePersons(fresh);
    await this.writeRegistrations(added);
  }

  // ─── the live queue ───

  /** Open cases in every state for 龙腾 (and two for 翠亭), dated relative to now so the lights mean something. */
  private openCases(): CaseRecord[] {
    const rnd = this.rnd;
    const out: CaseRecord[] = [];
    const ago = (days: number) => new Date(this.now.getTime() - days * DAY);
    const lt = this.communities.find((c) => c.spec.code === LONGTENG_CODE) ?? this.communities[0];
    const year = dayOf(this.now).slice(0, 4);
    const newPeople = (n: number, rel: Relation[] = ['head', 'spouse', 'child']) => {
      const lead = this.outsider(rnd.chance(0.7) ? 'M' : 'F', rnd.int(1965, 1995));
      const list: CasePerson[] = [{ person: lead, relation: rel[0], sourceRegistration: null }];
      for (let i = 1; i < n; i++) list.push({ person: this.outsider(rnd.chance(0.5) ? 'M' : 'F', i === 1 ? rnd.int(1965, 1995) : rnd.int(2008, 2018), lead.name[0]), relation: rel[Math.min(i, rel.length - 1)], sourceRegistration: null });
      return list;
    };
    const ownersOf = (p: Property): CasePerson[] => p.owners.map((o, i) => {
      const reg = this.registrations.find((r) => r.personId === o.id && r.status === 'active') ?? null;
      return { person: o, relation: i ? 'spouse' : 'head', sourceRegistration: reg };
    });
    const flatOf = (p: Property | null, f?: Flat) => {
      const x = p?.flat ?? f!;
      return { kind: 'family', building: x.building, unit: x.unit, room: x.room, address: x.address, gridCode: x.grid };
    };
    /** Builds a case and walks it: each action at its own time, the last one `stepAgo` days ago. */
    const build = (c: Community, type: CaseType, createdAgo: number, stepAgo: number, path: Action[], persons: CasePerson[], extra: Partial<CaseRecord>, opts: { reason?: string; missing?: string[]; note?: string } = {}) => {
      const rec = this.newCase(c, type, ago(createdAgo), persons, extra);
      const items = CHECKLISTS[type];
      rec.checklist = this.checklist(type, extra.checklist ? [] : items.filter((i) => !(opts.missing ?? []).includes(i)));
      path.forEach((action, i) => {
        const when = ago(createdAgo - ((createdAgo - stepAgo) * (i + 1)) / path.length);
        if (action === 'accept') {
          rec.checklist = this.checklist(type, 'verified');
          for (const p of rec.persons) p.sourceRegistration = this.registrations.find((r) => r.personId === p.person.id && r.status === 'active') ?? null;
        }
        if (action === 'approve') rec.approvalNo = this.approvalNo(year);
        if (action === 'request_supplement') rec.notices.push({ items: opts.missing!, note: opts.note ?? '', by: c.clerk, at: when });
        const reasonNeeded = TRANSITIONS[action].reasonRequired;
        this.step(c, rec, action, when, {
          reason: reasonNeeded ? opts.reason : undefined,
          data: action === 'submit' ? { provided: items.filter((i) => !(opts.missing ?? []).includes(i)), missing: opts.missing ?? [] } : action === 'approve' ? { approvalNo: rec.approvalNo } : action === 'request_supplement' ? { missing: opts.missing } : null,
        });
        if (action === 'settle') rec.settledAt = when;
        if (action === 'request_revoke') {
          rec.revokeRequestedBy = `seed:${c.streetAdmin}`;
          rec.revokeReason = opts.reason ?? null;
        }
      });
      out.push(rec);
      return rec;
    };
    const flats = [...lt.openFlats];
    const take = (inSystem: boolean) => {
      const i = flats.findIndex((p) => p.owners.some((o) => this.registrations.some((r) => r.personId === o.id && r.status === 'active')) === inSystem);
      return flats.splice(i < 0 ? 0 : i, 1)[0];
    };
    const family = (minMembers: number) => lt.families.find((f, i) => i > 10 && f.members.length >= minMembers && f.members.every((x) => x.reg.status === 'active'))!;
    const withChild = lt.families.find((f) => f.members.some((x) => x.reg.relation === 'child' && Number(x.person.birth.slice(0, 4)) <= 1998 && x.reg.status === 'active'))!;
    const p1 = take(false);
    const p4 = take(false);
    const p8 = take(false);
    const p10 = take(true);
    const mover = withChild.members.find((x) => x.reg.relation === 'child' && Number(x.person.birth.slice(0, 4)) <= 1998 && x.reg.status === 'active')!;

    build(lt, 'purchased_flat', 0.2, 0.2, [], ownersOf(p1), { property: p1, cert: p1.cert, newHousehold: flatOf(p1) }, { missing: ['purchase_contract', 'application_form'] });
    build(lt, 'joining_relatives', 6, 6, [], newPeople(1, ['parent']), { targetHousehold: family(2).household, checklist: this.checklist('joining_relatives', []) });
    build(lt, 'move_out', 1, 1, [], [{ person: mover.person, relation: mover.reg.relation, sourceRegistration: null }], { sourceHouseholdId: withChild.household.id, destination: '烟台市芝罘区毓璜顶街道', checklist: this.checklist('move_out', []) });
    build(lt, 'purchased_flat', 1.6, 1.3, ['submit'], ownersOf(p4), { green: true, property: p4, cert: p4.cert, newHousehold: flatOf(p4) });
    build(lt, 'other', 3, 2.6, ['submit'], newPeople(2), { newHousehold: flatOf(null, this.flat(lt)) });
    build(lt, 'collective', 5, 4, ['submit'], newPeople(1, ['other']), {});
    build(lt, 'joining_relatives', 4, 2, ['submit', 'request_supplement'], newPeople(2, ['grandchild']), { targetHousehold: family(3).household },
      { missing: ['relationship_proof', 'host_consent'], note: '请补交亲属关系证明原件及户主同意迁入的书面意见' });
    build(lt, 'purchased_flat', 2, 0.5, ['submit', 'accept'], ownersOf(p8), { property: p8, cert: p8.cert, newHousehold: flatOf(p8) });
    build(lt, 'joining_relatives', 3, 2, ['submit', 'accept'], newPeople(1, ['parent']), { green: true, targetHousehold: family(2).household });
    build(lt, 'purchased_flat', 4, 1, ['submit', 'accept', 'approve'], ownersOf(p10), { property: p10, cert: p10.cert, newHousehold: flatOf(p10) });
    build(lt, 'other', 6, 2.6, ['submit', 'accept', 'approve'], newPeople(3), { newHousehold: flatOf(null, this.flat(lt)) });
    build(lt, 'other', 8, 6, ['submit', 'reject'], newPeople(1), { newHousehold: flatOf(null, this.flat(lt)) }, { reason: '经核查申请人不在本社区实际居住，不符合迁入条件' });
    build(lt, 'purchased_flat', 9, 7, ['withdraw'], newPeople(2), { cert: `鲁(${year})栖霞市不动产权第${pad(this.certSeq++, 7)}号`, newHousehold: flatOf(null, this.flat(lt)) }, { reason: '申请人决定暂缓迁移' });
    const revoked = build(lt, 'joining_relatives', 20, 5, ['submit', 'accept', 'approve', 'settle', 'request_revoke', 'confirm_revoke'], newPeople(2, ['other']), { targetHousehold: family(2).household },
      { reason: '所附亲属关系证明经核查不实，撤销落户' });
    revoked.settledAt = revoked.events.find((e) => e.action === 'settle')!.at;
    const ct = this.communities.find((c) => c.spec.code === '370686001001');
    if (ct && ct !== lt) {
      build(ct, 'collective', 0.5, 0.5, [], newPeople(1, ['other']), {});
      build(ct, 'joining_relatives', 1, 0.8, ['submit'], newPeople(1, ['parent']), { targetHousehold: ct.families[3].household });
    }
    const states = out.filter((r) => r.communityId === lt.id).map((r) => r.status);
    this.log(`[seed] ${lt.spec.short}社区's queue: ${states.length} cases (${[...new Set(states)].map((s) => `${states.filter((x) => x === s).length} ${s}`).join(', ')}), green channel and overdue ones among them`);
    return out;
  }

  /** The revoked case once settled its persons, and the revocation ended those registrations. */
  private async applyOpenCaseRegistrations(open: CaseRecord[]) {
    const regs: Registration[] = [];
    const persons: Person[] = [];
    for (const rec of open.filter((r) => r.status === 'REVOKED')) {
      const undone = dayOf(rec.events.at(-1)!.at);
      for (const cp of rec.persons) {
        cp.person.createdAt = rec.settledAt!;
        persons.push(cp.person);
        const r = this.register(cp.person, rec.targetHousehold!, cp.relation, dayOf(rec.settledAt!), rec.id);
        Object.assign(r, { status: 'ended', end: undone, endReason: 'revoked' });
        regs.push(r);
      }
    }
    await this.writePersons(persons);
    await this.writeRegistrations(regs);
  }

  /** The outreach funnel as grid workers worked it: settled with the case, applied with an open case, or contacted / declined / not yet visited. */
  private async workTasks(settled: CaseRecord[], open: CaseRecord[]) {
    const rnd = this.rnd;
    const tasks: { id: number; communityId: number; idHash: string; identifiedAt: Date; gridCode: string | null }[] = await this.m.query(
      `SELECT id, community_id AS "communityId", id_hash AS "idHash", identified_at AS "identifiedAt", grid_code AS "gridCode" FROM outreach_task ORDER BY id`,
    );
    const key = (communityId: number, hash: string) => `${communityId}/${hash}`;
    const settledOf = new Map<string, CaseRecord>();
    for (const rec of settled) for (const p of rec.persons) settledOf.set(key(rec.communityId, p.person.hash), rec);
    const openOf = new Map<string, CaseRecord>();
    for (const rec of open) if (!['REJECTED', 'WITHDRAWN', 'REVOKED'].includes(rec.status)) for (const p of rec.persons) openOf.set(key(rec.communityId, p.person.hash), rec);
    const byId = new Map(this.communities.map((c) => [c.id, c]));
    const end = at('2020-06-28', 17).getTime();
    const cols = { id: [] as number[], status: [] as string[], contacted: [] as (Date | null)[], applied: [] as (Date | null)[], settledAt: [] as (Date | null)[], declined: [] as (Date | null)[], caseId: [] as (number | null)[], who: [] as (string | null)[], note: [] as (string | null)[], version: [] as number[] };
    const push = (id: number, status: string, contacted: Date | null, applied: Date | null, settledAt: Date | null, declined: Date | null, caseId: number | null, who: string | null, note: string | null, version: number) => {
      cols.id.push(id); cols.status.push(status); cols.contacted.push(contacted); cols.applied.push(applied); cols.settledAt.push(settledAt); cols.declined.push(declined);
      cols.caseId.push(caseId); cols.who.push(who); cols.note.push(note); cols.version.push(version);
    };
    const between = (a: number, b: number) => new Date(a + rnd.real(0.1, 0.9) * Math.max(0, b - a));
    for (const task of tasks) {
      const c = byId.get(task.communityId)!;
      const gridNo = Number((task.gridCode ?? 'G01').slice(1));
      const who = c.spec.code === LONGTENG_CODE && gridNo === 1 ? 'grid.longteng' : `grid.${c.spec.pinyin}.${(task.gridCode ?? 'g00').toLowerCase()}`;
      const found = new Date(task.identifiedAt).getTime();
      const s = settledOf.get(key(task.communityId, task.idHash));
      if (s) {
        push(task.id, 'settled', between(found, s.createdAt.getTime()), s.createdAt, s.settledAt, null, s.id, who, rnd.pick(CONTACT_NOTES), 4);
        continue;
      }
      const o = openOf.get(key(task.communityId, task.idHash));
      if (o) {
        push(task.id, 'applied', between(found, o.createdAt.getTime() - DAY), o.createdAt, null, null, o.id, who, '已预约到社区窗口办理', 3);
        continue;
      }
      const r = rnd.next();
      if (r < 0.4) continue;
      const contacted = between(found, end);
      if (r < 0.72) push(task.id, 'contacted', contacted, null, null, null, null, who, rnd.pick(CONTACT_NOTES), 2);
      else if (r < 0.8) push(task.id, 'applied', contacted, between(contacted.getTime(), end), null, null, null, who, '已领取迁入材料清单，准备办理', 3);
      else push(task.id, 'declined', contacted, null, null, between(contacted.getTime(), end), null, who, rnd.pick(DECLINE_NOTES), 3);
    }
    await this.m.query(
      `UPDATE outreach_task t SET status = x.status, contacted_at = x.contacted, applied_at = x.applied, settled_at = x.settled, declined_at = x.declined,
              case_id = x.case_id, assigned_to = x.who, note = x.note, version = x.version,
              updated_at = greatest(t.identified_at, coalesce(x.settled, x.declined, x.applied, x.contacted, t.identified_at))
         FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::bigint[], $8::text[], $9::text[], $10::int[])
              AS x(id, status, contacted, applied, settled, declined, case_id, who, note, version)
        WHERE t.id = x.id`,
      [cols.id, cols.status, cols.contacted, cols.applied, cols.settledAt, cols.declined, cols.caseId, cols.who, cols.note, cols.version],
    );
  }

  // ─── writing ───

  private async writePersons(list: Person[]) {
    await insertMany(this.m, 'person', ['id', 'name', 'id_cipher', 'id_hash', 'id_masked', 'sex', 'birth_date', 'created_at'],
      list.map((p) => [p.id, p.name, this.vault.encrypt(p.idNo), p.hash, maskResidentId(p.idNo), p.sex, p.birth, p.createdAt]));
  }

  private async writeRegistrations(list: Registration[]) {
    await insertMany(this.m, 'registration', ['id', 'person_id', 'household_id', 'relation', 'status', 'start_date', 'end_date', 'case_id', 'ended_by_case_id', 'end_reason'],
      list.map((r) => [r.id, r.personId, r.householdId, r.relation, r.status, r.start, r.end, r.caseId, r.endedByCaseId, r.endReason]));
  }

  /** The register as taken over, and the property register. */
  private async writeBase() {
    const hh = this.households.splice(0);
    await insertMany(this.m, 'household', ['id', 'household_no', 'community_id', 'grid_code', 'kind', 'building', 'unit', 'room', 'address', 'created_at'],
      hh.map((h) => [h.id, h.no, h.communityId, h.flat?.grid ?? null, h.kind, h.flat?.building ?? null, h.flat?.unit ?? null, h.flat?.room ?? null, h.address, h.createdAt]));
    await this.writePersons(this.persons.filter((p) => p.stored));
    await this.writeRegistrations(this.registrations);
    await insertMany(this.m, 'property', ['id', 'community_id', 'certificate_no', 'building', 'unit', 'room', 'address', 'area', 'grid_code'],
      this.properties.map((p) => [p.id, p.communityId, p.cert, p.flat.building, p.flat.unit, p.flat.room, p.flat.address, p.area, p.flat.grid]));
    await insertMany(this.m, 'property_owner', ['property_id', 'owner_name', 'id_cipher', 'id_hash', 'id_masked'],
      this.properties.flatMap((p) => p.owners.map((o) => [p.id, o.name, this.vault.encrypt(o.idNo), o.hash, maskResidentId(o.idNo)])));
    const persons = this.persons.filter((p) => p.stored).length;
    const taken = this.communities.reduce((n, c) => n + c.families.length + 1, 0);
    this.log(`[seed] register taken over: ${taken} households, ${persons} persons; property register: ${this.properties.length} flats, ${this.properties.reduce((n, p) => n + p.owners.length, 0)} owners`);
  }

  /** Cases with their persons, timeline and notices; households the settles created; case numbers in the order cases were opened. */
  private async writeCases(list: CaseRecord[]) {
    const hh = this.households.splice(0);
    await insertMany(this.m, 'household', ['id', 'household_no', 'community_id', 'grid_code', 'kind', 'building', 'unit', 'room', 'address', 'created_at'],
      hh.map((h) => [h.id, h.no, h.communityId, h.flat?.grid ?? null, h.kind, h.flat?.building ?? null, h.flat?.unit ?? null, h.flat?.room ?? null, h.address, h.createdAt]));
    for (const rec of [...list].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) rec.no = `HJ${dayOf(rec.createdAt).slice(0, 4)}-${pad(this.ids.take('case_no'), 6)}`;
    await insertMany(this.m, 'move_case', ['id', 'case_no', 'type', 'status', 'community_id', 'target_household_id', 'new_household', 'source_household_id', 'destination', 'property_id',
      'property_certificate_no', 'applicant_name', 'applicant_phone', 'green_channel', 'checklist', 'approval_no', 'potential_duplicate', 'revoke_requested_by', 'revoke_reason',
      'step_started_at', 'settled_at', 'created_by', 'created_at', 'updated_at', 'version'],
    list.map((r) => [r.id, r.no, r.type, r.status, r.communityId, r.targetHousehold?.id ?? null, r.newHousehold ? JSON.stringify(r.newHousehold) : null, r.sourceHouseholdId,
      r.destination, r.property?.id ?? null, r.cert, r.persons[0].person.name, r.applicantPhone, r.green, JSON.stringify(r.checklist), r.approvalNo, false, r.revokeRequestedBy,
      r.revokeReason, r.stepStartedAt, r.settledAt, r.createdBy, r.createdAt, r.updatedAt, r.events.length]));
    await insertMany(this.m, 'case_person', ['case_id', 'name', 'id_cipher', 'id_hash', 'id_masked', 'sex', 'birth_date', 'relation', 'source_registration_id', 'employer'],
      list.flatMap((r) => r.persons.map((p) => [r.id, p.person.name, this.vault.encrypt(p.person.idNo), p.person.hash, maskResidentId(p.person.idNo), p.person.sex, p.person.birth, p.relation,
        ['ACCEPTED', 'APPROVED', 'SETTLED', 'REVOKED'].includes(r.status) ? (p.sourceRegistration?.id ?? null) : null, employerOf(p.person, r.createdAt)])));
    // The register keeps where the settled persons work.
    await this.m.query(
      `UPDATE person p SET employer = cp.employer FROM case_person cp JOIN move_case c ON c.id = cp.case_id
        WHERE c.status = 'SETTLED' AND cp.id_hash = p.id_hash AND cp.employer IS NOT NULL AND c.id = ANY($1::bigint[])`,
      [list.map((r) => r.id)],
    );
    await insertMany(this.m, 'case_event', ['case_id', 'action', 'from_status', 'to_status', 'actor_id', 'actor_username', 'actor_role', 'at', 'reason', 'attachments', 'data'],
      list.flatMap((r) => r.events.map((e) => [r.id, e.action, e.from, e.to, `seed:${e.actor}`, e.actor, e.role, e.at, e.reason, '[]', e.data ? JSON.stringify(e.data) : null])));
    await insertMany(this.m, 'supplement_notice', ['case_id', 'items', 'note', 'issued_by', 'issued_at'],
      list.flatMap((r) => r.notices.map((n) => [r.id, JSON.stringify(n.items), n.note, n.by, n.at])));
  }

  /** The figures must come out of the records exactly as the statistics read them; otherwise nothing is kept. */
  private async check() {
    const [s] = await this.m.query(
      `SELECT count(*)::int AS households, coalesce(sum((SELECT count(*) FROM case_person cp WHERE cp.case_id = c.id)), 0)::int AS persons
         FROM move_case c WHERE c.status = 'SETTLED' AND c.type <> 'move_out' AND c.settled_at >= '2019-12-01'::date AND c.settled_at < '2020-07-01'::date`,
    );
    if (s.households !== TARGET.households || s.persons !== TARGET.persons) {
      throw new Error(`household demo: settled move-ins add up to ${s.households} households / ${s.persons} persons, not ${TARGET.households} / ${TARGET.persons}`);
    }
    const [dup] = await this.m.query(`SELECT count(*)::int AS n FROM (SELECT person_id FROM registration WHERE status = 'active' GROUP BY person_id HAVING count(*) > 1) x`);
    if (dup.n) throw new Error('household demo: a person holds two active registrations');
    this.log(`[seed] ${s.households} households / ${s.persons} persons moved their registration in between ${MONTHS[0].month} and ${MONTHS.at(-1)!.month}`);
  }
}
