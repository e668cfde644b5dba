import type { DataSource, EntityManager } from 'typeorm';
import { anyName, anySurname, businessToday, CommunityDirectory, guardTransition, insertMany, landline, mobile, NameMaker, Prng, type Role, writeAudit } from '@redheart/shared';
import { ITEM_RULES, ITEM_STATUSES, type ItemAction, type ItemKind, type ItemStatus, nextServiceDay } from '../domain';
import {
  CANCEL_REASONS, CATEGORIES, type CategorySpec, COMPOUNDS, GENERAL_CATEGORIES, INDIVIDUAL_CATEGORIES, PINYIN, PRACTICAL_PROJECTS, REFERRAL_BODIES,
  REJECT_REASONS, RELEASE_REASONS, REOPEN_REASONS, ROAD, STAFF_UNIT_NAME, UNIT_AFFINITY,
} from './demo-data';

/** What a seed story the API would refuse is told (the guard's 403/409/400 as the seed's error). */
const SEED_REFUSALS = {
  forbidden: (action: string) => `seed story: the actor's role may not ${action}`,
  wrongState: (state: string, action: string) => `seed story: ${action} from ${state} is not allowed`,
};

/** A community as the org service's internal list gives it. */
export interface SeedCommunity {
  id: number | string;
  name: string;
  path: string;
  streetName: string | null;
  divisionCode: string | null;
}
export interface SeedUnit {
  id: number | string;
  name: string;
  path: string;
  /** A county department (县直部门) the streets whistle to (街呼县应). */
  department?: boolean;
}
/** A live dual report of the org chart (unit_community_report); snake_case rows are taken as they come from SQL. */
export type SeedReport =
  | { unitId: number | string; communityId: number | string; reportedOn?: string | Date | null }
  | { unit_id: number | string; community_id: number | string; reported_on?: string | Date | null };
/** A demo login of the org service, so the seeded names and units match the accounts. */
export interface SeedAccount {
  username: string;
  role: string;
  orgId: number | string;
  displayName?: string | null;
}

export interface VolunteerSeedOptions {
  log?: (line: string) => void;
  communities: SeedCommunity[];
  units: SeedUnit[];
  reports: SeedReport[];
  accounts?: SeedAccount[];
  /** Public pledges (公开履诺) to create, towards the programme's 1300+. */
  pledges?: number;
  /** Members reported to communities (about). */
  members?: number;
  /** "Now" for the open items (tests); history before 2020 … now is fixed by the PRNG. */
  now?: Date;
}

export interface VolunteerSeedSummary {
  skipped: boolean;
  counts: Record<string, number>;
}

export const DEFAULT_PLEDGES = 1320;
const DEFAULT_MEMBERS = 200;
const SEED_LOCK = 7712205;
const MARKER = { action: 'volunteer.seed', entityType: 'seed', entityId: 'qixia-demo' } as const;
const FIRST_SERVICE_DAY = '2020-01-15';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const CST = 8 * HOUR;
/** A moment in Qixia (UTC+8, no DST): day plus hours and minutes. */
const at = (date: string, h: number, m = 0) => Date.parse(`${date}T00:00:00Z`) - CST + h * HOUR + m * MIN;
const dayOf = (ms: number) => new Date(ms + CST).toISOString().slice(0, 10);
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const shortName = (name: string) => name.replace(/(社区)?(党委|居委会|居民委员会)$/, '').replace(/社区$/, '');
const unitShort = (name: string) => name.replace(/^栖霞市/, '').replace(/(党组|党委|党总支|党支部)$/, '');

interface Actor {
  id: string;
  username: string;
  role: Role;
}
const SYSTEM: Actor = { id: 'system', username: 'system', role: 'admin' };
const actor = (username: string, role: Role): Actor => ({ id: `demo:${username}`, username, role });

interface Member {
  id: number;
  username: string;
  name: string;
  phone: string;
  unitId: number | null;
  communityId: number;
  status: 'approved' | 'pending' | 'rejected';
  reportedAt: number;
  decidedBy: string | null;
}

interface Community {
  id: number;
  name: string;
  short: string;
  path: string;
  streetId: number | null;
  streetName: string | null;
  compounds: string[];
  units: number[];
  clerk: Actor;
  secretary: Actor;
  grid: Actor;
  street: Actor;
  members: Member[];
}

interface Unit {
  id: number;
  name: string;
  staff: Actor;
  categories: string[];
  contact: string;
}

interface ItemDraft {
  id: number;
  itemNo: string;
  communityId: number;
  categoryId: number;
  kind: ItemKind;
  place: string;
  description: string;
  status: ItemStatus;
  source: string;
  reportedBy: string;
  reporterName: string | null;
  capacity: number;
  deadline: number | null;
  unitId: number | null;
  claimedAt: number | null;
  assignedBy: string | null;
  responseDeadline: number | null;
  scheduledDate: string | null;
  checkinCode: string | null;
  startedAt: number | null;
  doneAt: number | null;
  rating: number | null;
  reworkCount: number;
  releaseCount: number;
  mergedInto: Story | null;
  referralBody: string | null;
  pledge: boolean;
  projectId: number | null;
  closedAt: number | null;
  createdAt: number;
  updatedAt: number;
  version: number;
}

interface EventDraft {
  action: string;
  from: ItemStatus | null;
  to: ItemStatus;
  actor: Actor;
  unitId: number | null;
  at: number;
  reason: string | null;
  data: Record<string, unknown> | null;
}

interface HoursDraft {
  memberId: number | null;
  name: string;
  hours: number;
  posted: boolean;
}

/**
 * One item's life, told through the same rules the service enforces (ITEM_RULES: from-states and
 * roles), so every seeded timeline is one the API could have written, and the columns the
 * scorecards read (unit_id of claim/assign/release/reopen events, done_at, rating, posted hours)
 * agree with the events.
 */
class Story {
  readonly events: EventDraft[] = [];
  hours: HoursDraft[] = [];
  readonly evidence: { note: string; by: string; at: number }[] = [];
  readonly signups = new Map<number, { signedAt: number; checkedInAt: number | null }>();
  private last: number;

  constructor(
    readonly item: ItemDraft,
    reporter: Actor,
    private readonly newCode: () => string,
  ) {
    this.last = item.createdAt;
    this.events.push({ action: 'report', from: null, to: 'REPORTED', actor: reporter, unitId: null, at: item.createdAt, reason: null, data: { source: item.source } });
  }

  get status(): ItemStatus {
    return this.item.status;
  }

  get lastAt(): number {
    return this.last;
  }

  private push(action: string, from: ItemStatus | null, to: ItemStatus, when: number, who: Actor, unitId: number | null, reason: string | null, data: Record<string, unknown> | null) {
    if (when < this.last) throw new Error(`seed story ${this.item.place}: ${action} at ${iso(when)} before ${iso(this.last)}`);
    this.last = when;
    this.events.push({ action, from, to, actor: who, unitId, at: when, reason, data });
  }

  /** A transition the API allows: checked by the guard ItemService.transition uses (a seed story the API would refuse throws). */
  private move(action: ItemAction, when: number, who: Actor, o: { reason?: string; data?: Record<string, unknown>; unitId?: number | null; to?: ItemStatus } = {}) {
    const from = this.item.status;
    const rule = guardTransition({ rules: ITEM_RULES }, { action, role: who.role, state: from, entity: 'item', reason: o.reason }, SEED_REFUSALS);
    const to = o.to ?? rule.to ?? from;
    const unitId = o.unitId === undefined ? this.item.unitId : o.unitId;
    this.item.status = to;
    if (action !== 'signup' && action !== 'withdraw_signup') {
      this.item.version++;
      this.item.updatedAt = when;
    }
    this.push(action, from, to, when, who, unitId, o.reason ?? null, o.data ?? null);
  }

  publish(when: number, clerk: Actor, o: { kind?: ItemKind; capacity?: number; deadline: number; pledge?: boolean }) {
    const kind = o.kind ?? 'unit';
    Object.assign(this.item, { kind, capacity: o.capacity ?? 1, deadline: o.deadline, pledge: o.pledge ?? false });
    this.move('publish', when, clerk, { data: { kind, capacity: o.capacity ?? 1, deadline: iso(o.deadline), pledge: o.pledge ?? false } });
  }

  reject(when: number, clerk: Actor, reason: string) {
    this.move('reject', when, clerk, { reason });
  }

  refer(when: number, clerk: Actor, body: string) {
    this.item.referralBody = body;
    this.move('refer', when, clerk, { data: { referralBody: body } });
  }

  merge(when: number, clerk: Actor, into: Story) {
    this.item.mergedInto = into;
    this.move('merge', when, clerk, { data: { mergedInto: into.item.id } });
  }

  claim(when: number, unit: Unit) {
    if (this.item.kind !== 'unit') throw new Error('seed story: individual items are not claimed');
    Object.assign(this.item, { unitId: unit.id, claimedAt: when });
    this.move('claim', when, unit.staff, { unitId: unit.id });
  }

  release(when: number, unit: Unit, reason: string) {
    if (this.item.unitId !== unit.id) throw new Error('seed story: only the claimer releases');
    this.item.releaseCount++;
    this.move('release', when, unit.staff, { reason, unitId: unit.id });
    Object.assign(this.item, { unitId: null, claimedAt: null });
  }

  /** The escalation job (吹哨) a minute after the deadline passed. */
  escalate() {
    if (this.item.status !== 'PUBLISHED' || this.item.deadline === null) throw new Error('seed story: only a published item escalates');
    const when = this.item.deadline + MIN;
    this.item.status = 'ESCALATED';
    this.item.version++;
    this.item.updatedAt = when;
    this.push('escalate', 'PUBLISHED', 'ESCALATED', when, SYSTEM, null, 'unclaimed past the deadline', null);
  }

  assign(when: number, street: Actor, unit: Unit, responseDays: number) {
    const responseDeadline = when + responseDays * DAY;
    Object.assign(this.item, { unitId: unit.id, claimedAt: when, assignedBy: street.username, responseDeadline });
    this.move('assign', when, street, { unitId: unit.id, data: { unitId: unit.id, responseDeadline: iso(responseDeadline) } });
  }

  schedule(when: number, who: Actor, date: string) {
    if (date < dayOf(when)) throw new Error(`seed story: scheduled ${date} on ${dayOf(when)}`);
    this.item.scheduledDate = date;
    this.item.checkinCode ??= this.newCode();
    const d = Number(date.slice(8, 10));
    this.move('schedule', when, who, { data: { date, serviceDay: d === 15 || d === 25 } });
  }

  signup(when: number, m: Member) {
    if (this.signups.size >= this.item.capacity || this.signups.has(m.id)) return false;
    this.signups.set(m.id, { signedAt: when, checkedInAt: null });
    this.move('signup', when, actor(m.username, 'member'), { data: { memberId: m.id, places: this.item.capacity, taken: this.signups.size } });
    return true;
  }

  checkin(when: number, m: Member) {
    if (this.item.status !== 'SCHEDULED' && this.item.status !== 'IN_PROGRESS') throw new Error('seed story: check-in while not scheduled');
    const s = this.signups.get(m.id);
    if (s) s.checkedInAt ??= when;
    else this.signups.set(m.id, { signedAt: when, checkedInAt: when });
    this.push('checkin', this.item.status, this.item.status, when, actor(m.username, 'member'), this.item.unitId, null, { memberId: m.id });
  }

  start(when: number, who: Actor) {
    this.item.startedAt = when;
    this.move('start', when, who);
  }

  complete(when: number, who: Actor, hours: HoursDraft[], note: string) {
    if (!hours.length) throw new Error('seed story: complete records hours');
    this.evidence.push({ note, by: who.username, at: when });
    this.hours.push(...hours);
    this.item.doneAt = when;
    this.move('complete', when, who, { data: { hours: hours.reduce((s, h) => s + h.hours, 0), people: hours.length } });
  }

  reopen(when: number, clerk: Actor, reason: string) {
    this.item.reworkCount++;
    Object.assign(this.item, { scheduledDate: nextServiceDay(dayOf(when)), doneAt: null, startedAt: null });
    this.hours = this.hours.filter((h) => h.posted);
    this.move('reopen', when, clerk, { reason });
  }

  /** Confirmed with a rating; the system closes it at once and posts the hours (as ItemService does). */
  confirm(when: number, clerk: Actor, rating: number, close = true) {
    this.item.rating = rating;
    this.move('confirm', when, clerk, { data: { rating } });
    if (!close) return;
    for (const h of this.hours) h.posted = true;
    this.item.status = 'CLOSED';
    this.item.closedAt = when;
    this.item.version++;
    // As ItemService writes it: the system, in the confirming user's role.
    this.push('close', 'CONFIRMED', 'CLOSED', when, { ...SYSTEM, role: clerk.role }, this.item.unitId, null, { postedHours: this.hours.length });
  }

  cancel(when: number, clerk: Actor, reason: string) {
    this.move('cancel', when, clerk, { reason });
  }
}

/** What the demo holds, computed from the tables (also when the seed was skipped). */
export async function volunteerCounts(db: EntityManager): Promise<Record<string, number>> {
  const one = async (sql: string) => Number((await db.query(sql))[0].n);
  const counts: Record<string, number> = {
    categories: await one(`SELECT count(*) AS n FROM service_category`),
    practicalProjects: await one(`SELECT count(*) AS n FROM practical_project`),
    unitReports: await one(`SELECT count(*) AS n FROM unit_report WHERE status = 'approved'`),
    members: await one(`SELECT count(*) AS n FROM member WHERE status = 'approved'`),
    memberGroups: await one(`SELECT count(*) AS n FROM member_group`),
    membersInGroups: await one(`SELECT count(*) AS n FROM member WHERE status = 'approved' AND group_id IS NOT NULL`),
    resources: await one(`SELECT count(*) AS n FROM resource`),
    projects: await one(`SELECT count(*) AS n FROM project`),
    items: await one(`SELECT count(*) AS n FROM item`),
    pledges: await one(`SELECT count(*) AS n FROM item WHERE pledge AND unit_id IS NOT NULL AND status NOT IN ('CANCELLED', 'MERGED', 'REJECTED')`),
    events: await one(`SELECT count(*) AS n FROM item_event`),
    checkIns: await one(`SELECT count(*) AS n FROM item_signup WHERE checked_in_at IS NOT NULL`),
    postedHours: await one(`SELECT coalesce(sum(hours), 0) AS n FROM item_hours WHERE posted`),
    whistles: await one(`SELECT count(*) AS n FROM whistle`),
  };
  const byStatus: { status: string; n: number }[] = await db.query(`SELECT status, count(*)::int AS n FROM item GROUP BY status`);
  for (const s of ITEM_STATUSES) counts[`status.${s}`] = byStatus.find((r) => r.status === s)?.n ?? 0;
  return counts;
}

/**
 * Loads the dual-report demo once, in one transaction: the communities and work units handed over
 * from the org chart, the units' approved reports (mirroring the org's), ~200 reported members, the
 * 41 service categories, the 10 practical projects of 2019-12-31, resources and projects (with the
 * 100,000+ yuan road by the 挡风玻璃厂 compound), and service items of every state on the service
 * days (15th and 25th) from January 2020 to now, with claims, check-ins, hours, evidence, ratings,
 * releases, rework, escalations and hundreds of public pledges. Skipped when it has run before.
 */
export async function seedDemo(ds: DataSource, opts: VolunteerSeedOptions): Promise<VolunteerSeedSummary> {
  const log = opts.log ?? (() => undefined);
  const started = Date.now();
  const summary = await ds.transaction(async (m): Promise<VolunteerSeedSummary> => {
    await m.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
    const done = await m.query(`SELECT 1 FROM audit_entry WHERE action = $1 AND entity_type = $2 AND entity_id = $3`, [MARKER.action, MARKER.entityType, MARKER.entityId]);
    if (done.length) {
      log('[seed] already seeded; nothing to do');
      return { skipped: true, counts: await volunteerCounts(m) };
    }
    // The demo only fills an empty database: never mix it into records people have made.
    const used = await m.query(`SELECT 1 FROM item UNION ALL SELECT 1 FROM unit_report UNION ALL SELECT 1 FROM member LIMIT 1`);
    if (used.length) {
      log('[seed] the volunteer database already holds records; the demo seed only fills an empty one, so it is skipped');
      return { skipped: true, counts: await volunteerCounts(m) };
    }
    await new DemoBuilder(m, opts, log).build();
    const counts = await volunteerCounts(m);
    await writeAudit(m, { actor: null, action: MARKER.action, entityType: MARKER.entityType, entityId: MARKER.entityId, after: counts, reason: 'Qixia demo seed' });
    return { skipped: false, counts };
  });
  if (!summary.skipped) {
    const c = summary.counts;
    log(`[seed] done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${Object.entries(c).filter(([, n]) => n).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  }
  return summary;
}

class DemoBuilder {
  private readonly rnd = new Prng(20191231);
  private readonly names: NameMaker;
  private readonly now: number;
  private readonly today: string;
  private readonly categoryId = new Map<string, number>();
  private readonly categorySpec = new Map(CATEGORIES.map((c) => [c.code, c]));
  private readonly practicalId = new Map<string, number>();
  private readonly units = new Map<number, Unit>();
  private communities: Community[] = [];
  private readonly stories: Story[] = [];
  private readonly codes = new Set<string>();
  private staffUnit: Unit | undefined;
  private demoMember: Member | undefined;
  private memberSeq = 0;

  constructor(
    private readonly m: EntityManager,
    private readonly opts: VolunteerSeedOptions,
    private readonly log: (line: string) => void,
  ) {
    this.now = (opts.now ?? new Date()).getTime();
    this.today = businessToday(new Date(this.now));
    const memberAccount = opts.accounts?.find((a) => a.username === 'member');
    this.names = new NameMaker(this.rnd, memberAccount?.displayName ? [memberAccount.displayName] : []);
  }

  async build(): Promise<void> {
    await this.loadOrgCopies();
    await this.addCategories();
    await this.addReports();
    await this.addMembers();
    const resources = await this.addResources();
    const roadProject = await this.addProjects(resources);
    if (!this.communities.some((c) => c.units.length)) {
      this.log('[seed] no unit has reported to a community: no service items');
      return;
    }
    this.addCurrent();
    const livePledges = this.stories.filter((s) => s.item.pledge && s.item.unitId !== null && !['CANCELLED', 'MERGED', 'REJECTED'].includes(s.status)).length;
    this.addHistory(roadProject, livePledges);
    for (const s of this.stories) if (s.lastAt > this.now) throw new Error(`seed: ${s.item.place} has an event in the future (${iso(s.lastAt)})`);
    await this.writeItems();
    await this.addWhistles();
  }

  /**
   * 街呼县应: a few whistles of the streets to county departments, one in each state — a community's proposal, one
   * just sent, one being answered, one overdue (up to the county), one answered awaiting the street's rating, one
   * closed with ratings — so every page has something to show.
   */
  private async addWhistles() {
    const departments = this.opts.units.filter((u) => u.department).map((u) => ({ id: Number(u.id), name: u.name }));
    const dept = (word: string) => departments.find((d) => d.name.includes(word));
    const staffOf = (id: number) => this.units.get(id)?.staff ?? actor(`staff.u${id}`, 'unit_staff');
    const byShort = (short: string) => this.communities.find((c) => c.short === short);
    if (!departments.length) {
      this.log('[seed] no work unit is marked as a county department: no whistles');
      return;
    }
    type Step = { who: Actor; action: string; unit?: number; from: string | null; to: string | null; at: number; reason?: string; data?: unknown };
    interface Spec {
      community: string; title: string; description: string; place: string; createdAgoH: number; deadlineInH: number; status: string; proposed?: boolean;
      answers: { dept: string; status: string; result?: string; note?: string; rating?: number; reason?: string; overdue?: boolean }[];
    }
    const specs: Spec[] = [
      {
        community: '龙腾', title: '龙腾小区周边夜间噪音扰民', description: '小区北侧工地夜间施工，居民多次反映，社区协调无果，请求公安、住建部门联合处置。', place: '龙腾社区龙腾小区北侧',
        createdAgoH: 20, deadlineInH: 100, status: 'PROPOSED', proposed: true, answers: [{ dept: '公安局', status: 'PROPOSED' }, { dept: '住房和城乡建设局', status: 'PROPOSED' }],
      },
      {
        community: '龙腾', title: '龙腾社区废弃厂房安全隐患', description: '原挡风玻璃厂闲置厂房围墙开裂，临近小区主干道，存在倒塌风险，需自然资源和规划、应急管理部门现场核查。', place: '龙腾社区挡风玻璃厂',
        createdAgoH: 6, deadlineInH: 66, status: 'SENT', answers: [{ dept: '自然资源和规划局', status: 'PENDING' }, { dept: '应急管理局', status: 'ACCEPTED' }],
      },
      {
        community: '文水', title: '文水社区老旧小区雨污管网堵塞', description: '文水小区雨污合流管网老化，雨后多处返水，需住建、城市管理部门统筹改造。', place: '文水社区文水小区',
        createdAgoH: 50, deadlineInH: 70, status: 'SENT', answers: [{ dept: '住房和城乡建设局', status: 'ACTING', note: '已派技术人员勘察，正在制定改造方案' }, { dept: '城市管理局', status: 'ACCEPTED' }],
      },
      {
        community: '万达', title: '万达广场周边占道经营', description: '万达广场东门夜市摊点占用消防通道，社区劝导多次未果。', place: '万达社区万达广场东门',
        createdAgoH: 120, deadlineInH: -24, status: 'ESCALATED',
        answers: [{ dept: '市场监督管理局', status: 'PENDING', overdue: true }, { dept: '城市管理局', status: 'REPORTED', result: '已联合执法清理占道摊点12处，设置临时疏导点位。' }],
      },
      {
        community: '龙腾', title: '龙腾社区闲置地块规划咨询', description: '居民希望将小区南侧闲置地块改建为口袋公园，请自然资源和规划部门答复地块规划用途。', place: '龙腾社区南侧闲置地块',
        createdAgoH: 96, deadlineInH: 48, status: 'ANSWERED', answers: [{ dept: '自然资源和规划局', status: 'REPORTED', result: '经核查该地块规划为公共绿地，可按口袋公园方案申报，已提供报建指引。' }],
      },
      {
        community: '东山', title: '东山社区困难老人救助与就业帮扶', description: '东山社区排查出独居困难老人5户、零就业家庭2户，需民政、人社部门对接救助和就业帮扶。', place: '东山社区',
        createdAgoH: 400, deadlineInH: -200, status: 'CLOSED',
        answers: [
          { dept: '民政局', status: 'RATED', result: '5户老人全部纳入特困供养和居家养老服务，已发放救助金。', rating: 5 },
          { dept: '人力资源和社会保障局', status: 'RATED', result: '2户家庭各安置1人到公益性岗位。', rating: 4 },
        ],
      },
      {
        community: '翠亭', title: '翠亭社区学校周边交通拥堵', description: '上下学高峰翠亭小学门口车辆乱停，存在安全隐患。', place: '翠亭社区翠亭小学门口',
        createdAgoH: 30, deadlineInH: 90, status: 'SENT', answers: [{ dept: '公安局', status: 'ACTING', note: '交警中队已在高峰时段派员疏导' }, { dept: '教育和体育局', status: 'PENDING' }],
      },
    ];
    let n = 0;
    for (const spec of specs) {
      const c = byShort(spec.community);
      const answers = spec.answers.map((a) => ({ ...a, unit: dept(a.dept) })).filter((a) => a.unit);
      if (!c || c.streetId === null || !answers.length) continue;
      const streetPath = `/${c.path.split('/').filter(Boolean).slice(0, -1).join('/')}/`;
      const created = this.now - spec.createdAgoH * HOUR;
      const deadline = this.now + spec.deadlineInH * HOUR;
      const raiser = spec.proposed ? c.secretary : c.street;
      const steps: Step[] = [];
      if (spec.proposed) steps.push({ who: raiser, action: 'propose', from: null, to: 'PROPOSED', at: created, data: { departmentIds: answers.map((a) => a.unit!.id) } });
      else steps.push({ who: raiser, action: 'raise', from: null, to: 'SENT', at: created, data: { departmentIds: answers.map((a) => a.unit!.id), deadline: iso(deadline) } });
      const span = Math.max(1, Math.min(this.now - HOUR, deadline) - created);
      const rows: unknown[][] = [];
      for (const [i, a] of answers.entries()) {
        const staff = staffOf(a.unit!.id);
        const t = (f: number) => created + Math.round(span * f) + i * MIN;
        const reached = (s: string) => ['ACCEPTED', 'ACTING', 'REPORTED', 'RATED'].indexOf(a.status) >= ['ACCEPTED', 'ACTING', 'REPORTED', 'RATED'].indexOf(s);
        const acceptedAt = a.status !== 'PENDING' && a.status !== 'PROPOSED' ? t(0.15) : null;
        if (acceptedAt) steps.push({ who: staff, action: 'accept', unit: a.unit!.id, from: 'PENDING', to: 'ACCEPTED', at: acceptedAt });
        if (a.note && reached('ACTING')) steps.push({ who: staff, action: 'act', unit: a.unit!.id, from: 'ACCEPTED', to: 'ACTING', at: t(0.3), data: { note: a.note } });
        const reportedAt = reached('REPORTED') ? t(0.6) : null;
        if (reportedAt) steps.push({ who: staff, action: 'report', unit: a.unit!.id, from: a.note ? 'ACTING' : 'ACCEPTED', to: 'REPORTED', at: reportedAt, data: { result: a.result } });
        const ratedAt = a.rating ? t(0.8) : null;
        if (ratedAt) steps.push({ who: c.street, action: 'rate', unit: a.unit!.id, from: 'REPORTED', to: 'RATED', at: ratedAt, data: { rating: a.rating } });
        const escalatedAt = a.overdue ? deadline + MIN : null;
        if (escalatedAt) steps.push({ who: SYSTEM, action: 'overdue', unit: a.unit!.id, from: null, to: null, at: escalatedAt, reason: '超过期限未答复，上报县级督办' });
        rows.push([a.unit!.id, a.status, iso(deadline), iso(acceptedAt), a.note ?? null, iso(reportedAt), a.result ?? null, a.overdue === true, iso(escalatedAt), a.rating ?? null,
          a.rating ? c.street.username : null, iso(ratedAt)]);
      }
      if (spec.status === 'ESCALATED') steps.push({ who: SYSTEM, action: 'escalate', from: 'SENT', to: 'ESCALATED', at: deadline + MIN, reason: '部门超期未答复' });
      if (spec.status === 'ANSWERED') steps.push({ who: SYSTEM, action: 'follow', from: 'SENT', to: 'ANSWERED', at: Math.max(...steps.map((s) => s.at)) });
      if (spec.status === 'CLOSED') steps.push({ who: SYSTEM, action: 'close', from: 'ANSWERED', to: 'CLOSED', at: Math.max(...steps.map((s) => s.at)) });
      const last = Math.max(...steps.map((s) => s.at));
      const w: { id: string }[] = await this.m.query(
        `INSERT INTO whistle (whistle_no, street_id, street_name, community_id, path, title, description, place, deadline, status, raised_by, raised_role,
                              escalated_at, closed_at, created_at, updated_at, version)
         VALUES ('JH' || to_char($13::timestamptz, 'YYYYMM') || '-' || lpad(nextval('whistle_no_seq')::text, 5, '0'), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
                 $12, $14, $13, $15, $16) RETURNING id`,
        [c.streetId, c.streetName ?? '街道', c.id, spec.proposed ? c.path : streetPath, spec.title, spec.description, spec.place, iso(deadline), spec.status,
          raiser.username, raiser.role, spec.status === 'ESCALATED' ? iso(deadline + MIN) : null, iso(created), spec.status === 'CLOSED' ? iso(last) : null, iso(last),
          steps.filter((s) => s.to && !s.unit).length],
      );
      const whistleId = Number(w[0].id);
      await insertMany(this.m, 'whistle_response',
        ['whistle_id', 'unit_id', 'status', 'deadline', 'accepted_at', 'acting_note', 'reported_at', 'result', 'overdue', 'escalated_at', 'rating', 'rated_by', 'rated_at'],
        rows.map((r) => [whistleId, ...r]));
      await insertMany(this.m, 'whistle_event',
        ['whistle_id', 'unit_id', 'action', 'from_status', 'to_status', 'actor_id', 'actor_username', 'actor_role', 'at', 'reason', 'data'],
        steps.sort((a, b) => a.at - b.at).map((s) => [whistleId, s.unit ?? null, s.action, s.from, s.to, s.who.id, s.who.username, s.who.role, iso(s.at), s.reason ?? null,
          s.data ? JSON.stringify(s.data) : null]));
      await writeAudit(this.m, { actor: null, action: 'whistle.seed', entityType: 'whistle', entityId: whistleId, after: { title: spec.title, status: spec.status }, reason: 'Qixia demo seed' });
      n++;
    }
    this.log(`[seed] ${n} whistles of the streets to county departments (街呼县应), one in each state`);
  }

  private account(role: string, orgId: number): string | undefined {
    return this.opts.accounts?.find((a) => a.role === role && Number(a.orgId) === orgId)?.username;
  }

  /** The copies of the org chart this service keeps (community_ref, unit_ref), as the sync job would write them. */
  private async loadOrgCopies() {
    const communities = this.opts.communities.map((c) => ({ ...c, id: Number(c.id) }));
    await new CommunityDirectory().upsert(this.m, communities);
    const units = this.opts.units.map((u) => ({ ...u, id: Number(u.id) }));
    if (units.length) {
      await this.m.query(
        `INSERT INTO unit_ref (id, name, path, department) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::boolean[])
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, path = EXCLUDED.path, department = EXCLUDED.department, synced_at = now()`,
        [units.map((u) => u.id), units.map((u) => u.name), units.map((u) => u.path), units.map((u) => u.department === true)],
      );
    }
    const staffUnitId = this.opts.accounts?.find((a) => a.username === 'unit.staff')?.orgId;
    for (const u of units) {
      const affinity = UNIT_AFFINITY.find(([word]) => u.name.includes(word))?.[1] ?? GENERAL_CATEGORIES;
      const staff = (staffUnitId !== undefined ? Number(staffUnitId) === u.id : u.name === STAFF_UNIT_NAME) ? 'unit.staff' : `staff.u${u.id}`;
      this.units.set(u.id, { id: u.id, name: u.name, staff: actor(staff, 'unit_staff'), categories: [...affinity], contact: this.names.next() });
    }
    const byStreet = (c: SeedCommunity) => {
      const seg = c.path.split('/').filter(Boolean);
      return seg.length >= 2 ? Number(seg[seg.length - 2]) : null;
    };
    this.communities = communities.map((c) => {
      const short = shortName(c.name);
      const py = PINYIN[short] ?? `c${c.id}`;
      const streetShort = (c.streetName ?? '').replace(/(街道)?(党工委|办事处)$/, '').replace(/街道$/, '');
      const streetId = byStreet(c);
      const street = (streetId !== null && this.account('street_admin', streetId)) || (PINYIN[streetShort] ? `street.${PINYIN[streetShort]}` : `street.s${streetId ?? 0}`);
      return {
        id: c.id, name: c.name, short, path: c.path, streetId, streetName: c.streetName,
        compounds: COMPOUNDS[short] ?? [`${short}小区`, `${short}花园`],
        units: [],
        clerk: actor(this.account('community_clerk', c.id) ?? `clerk.${py}`, 'community_clerk'),
        secretary: actor(this.account('community_secretary', c.id) ?? `secretary.${py}`, 'community_secretary'),
        grid: actor(this.account('grid_worker', c.id) ?? `grid.${py}`, 'grid_worker'),
        street: actor(street, 'street_admin'),
        members: [],
      };
    });
    this.staffUnit = [...this.units.values()].find((u) => u.staff.username === 'unit.staff');
    this.log(`[seed] copies of the org chart: ${communities.length} communities, ${units.length} work units`);
  }

  private community(id: number): Community | undefined {
    return this.communities.find((c) => c.id === id);
  }

  private async addCategories() {
    // A code taken before the seed keeps its row.
    await insertMany(this.m, 'service_category', ['code', 'name', 'name_en', 'sort'], CATEGORIES.map((c, i) => [c.code, c.name, c.nameEn, i + 1]), '', 'ON CONFLICT (code) DO NOTHING');
    const rows: { id: number; code: string }[] = await this.m.query(`SELECT id, code FROM service_category`);
    for (const r of rows) this.categoryId.set(r.code, Number(r.id));
  }

  /** Approved reports mirroring the org's, with what each unit offers and a contact; one more waits for approval in 龙腾. */
  private async addReports() {
    const rows: unknown[][] = [];
    for (const raw of this.opts.reports) {
      const r = 'unitId' in raw ? raw : { unitId: raw.unit_id, communityId: raw.community_id, reportedOn: raw.reported_on };
      const unit = this.units.get(Number(r.unitId));
      const c = this.community(Number(r.communityId));
      if (!unit || !c) continue;
      const on = r.reportedOn ? (r.reportedOn instanceof Date ? dayOf(r.reportedOn.getTime()) : String(r.reportedOn).slice(0, 10)) : '2020-01-06';
      c.units.push(unit.id);
      const offered = unit.categories.map((code) => this.categorySpec.get(code)!.name);
      rows.push([unit.id, c.id, offered, unit.contact, landline(this.rnd), 'approved', iso(at(on, 9, this.rnd.int(0, 59))), c.secretary.username, iso(at(addDays(on, 1), 10)), null]);
    }
    const longteng = this.communities.find((c) => c.short === '龙腾');
    const newcomer = longteng && [...this.units.values()].find((u) => !longteng.units.includes(u.id) && u.name.includes('卫生健康'))
      || (longteng && [...this.units.values()].find((u) => !longteng.units.includes(u.id)));
    if (longteng && newcomer) {
      rows.push([newcomer.id, longteng.id, newcomer.categories.map((code) => this.categorySpec.get(code)!.name), this.names.next(), landline(this.rnd), 'pending', iso(this.now - 2 * DAY), null, null, null]);
    }
    if (rows.length) {
      await insertMany(this.m, 'unit_report', ['unit_id', 'community_id', 'resources', 'contact_name', 'contact_phone', 'status', 'reported_at', 'decided_by', 'decided_at', 'decision_reason'], rows);
    }
    this.log(`[seed] ${rows.length - (newcomer ? 1 : 0)} approved unit reports (双报到) mirroring the org chart${newcomer ? `, 1 pending (${newcomer.name} → 龙腾)` : ''}`);
  }

  /** ~200 party members reported where they live; the demo account `member` in 龙腾. */
  private async addMembers() {
    const active = this.communities.filter((c) => c.units.length);
    if (!active.length) return;
    const base: { n: number }[] = await this.m.query(`SELECT coalesce(max(id), 0)::int AS n FROM member`);
    this.memberSeq = base[0].n;
    const total = this.opts.members ?? DEFAULT_MEMBERS;
    const per = Math.max(4, Math.floor(total / active.length));
    const rows: Member[] = [];
    const existing: { id: number; community_id: number; unit_id: number | null; name: string; status: string }[] = await this.m.query(
      `SELECT id, community_id, unit_id, name, status FROM member WHERE username = 'member'`,
    );
    const memberAccount = this.opts.accounts?.find((a) => a.username === 'member');
    const allUnits = [...this.units.keys()];
    for (const [ci, c] of active.entries()) {
      const n = c.short === '龙腾' ? per + 4 : per;
      const pending = c.short === '龙腾' ? 2 : ci % 3 === 0 ? 1 : 0;
      for (let i = 0; i < n; i++) {
        const isDemo = i === 0 && (memberAccount ? Number(memberAccount.orgId) === c.id : c.short === '龙腾') && !this.demoMember;
        if (isDemo && existing[0]) {
          const e = existing[0];
          this.demoMember = { id: Number(e.id), username: 'member', name: e.name, phone: '', unitId: e.unit_id === null ? null : Number(e.unit_id), communityId: Number(e.community_id), status: 'approved', reportedAt: 0, decidedBy: null };
          if (e.status === 'approved' && Number(e.community_id) === c.id) c.members.push(this.demoMember);
          continue;
        }
        // The last ones of a community still wait for the clerk; in every fifth community one was turned down.
        const status: Member['status'] = isDemo ? 'approved' : i >= n - pending ? 'pending' : i === n - pending - 1 && ci % 5 === 1 ? 'rejected' : 'approved';
        const unitId = isDemo ? (this.staffUnit?.id ?? c.units[0]) : this.rnd.chance(0.75) ? this.rnd.pick(c.units) : this.rnd.chance(0.6) ? this.rnd.pick(allUnits) : null;
        const mem: Member = {
          id: ++this.memberSeq,
          username: isDemo ? 'member' : `dy.${PINYIN[c.short] ?? `c${c.id}`}.${String(i + 1).padStart(2, '0')}`,
          name: isDemo ? (memberAccount?.displayName || this.names.next()) : this.names.next(),
          phone: mobile(this.rnd),
          unitId,
          communityId: c.id,
          status,
          reportedAt: status === 'pending' ? this.now - this.rnd.int(20, 140) * HOUR : at(addDays('2020-01-06', this.rnd.int(0, 150)), this.rnd.int(8, 17), this.rnd.int(0, 59)),
          decidedBy: status === 'pending' ? null : c.clerk.username,
        };
        if (isDemo) this.demoMember = mem;
        rows.push(mem);
        if (status === 'approved') c.members.push(mem);
      }
    }
    // 红色引航·众彩绽放: every member the community took in serves in a group (服务队) whose colour their work clothes
    // wear; the demo member in the red vanguard. Assigned by id (no draw from the PRNG: the rest of the demo stays as it was).
    const groups: { id: number }[] = await this.m.query(`SELECT id FROM member_group ORDER BY sort, id`);
    const groupOf = (r: Member) => (r.status === 'rejected' || !groups.length ? null : r === this.demoMember ? groups[0].id : groups[(r.id * 7 + (r.unitId ?? 3)) % groups.length].id);
    await insertMany(this.m, 'member', ['id', 'username', 'name', 'phone', 'unit_id', 'community_id', 'status', 'reported_at', 'decided_by', 'group_id'],
      rows.map((r) => [r.id, r.username, r.name, r.phone, r.unitId, r.communityId, r.status, iso(r.reportedAt), r.decidedBy, groupOf(r)]));
    await this.m.query(`SELECT setval(pg_get_serial_sequence('member', 'id'), (SELECT max(id) FROM member))`);
    const count = (s: string) => rows.filter((r) => r.status === s).length;
    this.log(`[seed] ${rows.length} reported members (${count('approved')} approved, ${count('pending')} pending, ${count('rejected')} rejected), in ${groups.length} member groups`);
  }

  /** Resources: what each unit offers to the communities it reported to, and a few offers to every community. */
  private async addResources(): Promise<{ id: number; unitId: number; communityId: number | null; categoryCode: string }[]> {
    const rows: unknown[][] = [];
    const meta: { unitId: number; communityId: number | null; categoryCode: string }[] = [];
    for (const c of this.communities) {
      for (const unitId of c.units) {
        const unit = this.units.get(unitId)!;
        for (const code of this.rnd.shuffle(unit.categories).slice(0, this.rnd.int(2, 3))) {
          const spec = this.categorySpec.get(code)!;
          const capacity = this.rnd.int(2, 8);
          rows.push([unit.id, c.id, this.categoryId.get(code), `${spec.name}：${spec.pledge.replace('{c}', `${c.short}社区`)}`.slice(0, 80),
            `每月集中服务日（15日、25日）可派${capacity}名党员参与；联系人${unit.contact}`, capacity, iso(at('2020-01-10', 10))]);
          meta.push({ unitId: unit.id, communityId: c.id, categoryCode: code });
        }
      }
    }
    for (const u of [...this.units.values()].filter((x) => /供电|人民医院|司法/.test(x.name))) {
      const code = u.categories[0];
      const spec = this.categorySpec.get(code)!;
      rows.push([u.id, null, this.categoryId.get(code), `${spec.name}：面向全市各社区预约服务`, `${unitShort(u.name)}面向全市12个城市社区提供，社区提前3天预约`, 4, iso(at('2020-02-15', 10))]);
      meta.push({ unitId: u.id, communityId: null, categoryCode: code });
    }
    if (!rows.length) return [];
    const ids = await insertMany(this.m, 'resource', ['unit_id', 'community_id', 'category_id', 'title', 'description', 'capacity', 'created_at'], rows, 'id');
    this.log(`[seed] ${rows.length} resources offered by units (资源清单)`);
    return ids.map((r, i) => ({ id: Number(r.id), ...meta[i] }));
  }

  /** The 10 practical projects and the projects matched under them, with the road by the 挡风玻璃厂 compound. */
  private async addProjects(resources: { id: number; unitId: number; communityId: number | null; categoryCode: string }[]): Promise<{ id: number; unitId: number; communityId: number } | null> {
    const active = this.communities.filter((c) => c.units.length);
    interface ProjectRow { community: Community; spec: (typeof PRACTICAL_PROJECTS)[number]; unitId: number | null; resourceId: number | null; name: string; budget: number; milestones: { title: string; due: string; done: boolean }[]; status: string; createdAt: number; road?: boolean }
    const projects: ProjectRow[] = [];
    const pickUnit = (c: Community, codes: readonly string[]) => {
      const fit = c.units.filter((u) => this.units.get(u)!.categories.some((x) => codes.includes(x)));
      return fit.length ? this.rnd.pick(fit) : c.units.length ? this.rnd.pick(c.units) : null;
    };
    const resourceOf = (unitId: number | null, c: Community, codes: readonly string[]) =>
      resources.find((r) => r.unitId === unitId && r.communityId === c.id && codes.includes(r.categoryCode))?.id
      ?? resources.find((r) => r.unitId === unitId && r.communityId === c.id)?.id ?? null;
    const BUDGET: Record<string, [number, number]> = {
      HM01: [300, 900], HM02: [80, 200], HM03: [50, 150], HM04: [500, 1500], HM05: [200, 600], HM06: [0, 0], HM07: [100, 300], HM08: [150, 500], HM09: [0, 0], HM10: [200, 800],
    };
    const road = this.communities.find((c) => c.short === ROAD.community && c.units.length);
    const roadUnit = road ? (road.units.find((u) => ROAD.unitWords.some((w) => this.units.get(u)!.name.includes(w))) ?? road.units[0]) : null;
    for (const [pi, spec] of PRACTICAL_PROJECTS.entries()) {
      if (!active.length) break;
      const chosen = this.rnd.shuffle(active).slice(0, Math.min(active.length, this.rnd.int(2, 3)));
      for (const [k, c] of chosen.entries()) {
        if (spec.code === 'HM01' && c === road) continue;
        const unitId = pickUnit(c, spec.categories);
        const compound = this.rnd.pick(c.compounds);
        const start = addDays('2020-01-13', pi * 9 + k * 5 + this.rnd.int(0, 20));
        // Two of the ten are in a second phase now: their last project is still under way.
        const ongoing = (spec.code === 'HM07' || spec.code === 'HM10') && k === chosen.length - 1;
        const begin = ongoing ? addDays(this.today, -this.rnd.int(40, 70)) : start;
        const milestones = ['需求摸底，听取居民意见', '方案确定，资金和人员到位', '组织实施', '验收评议'].map((title, i) => ({
          title, due: addDays(begin, (i + 1) * this.rnd.int(12, 25)), done: !ongoing || i < 2,
        }));
        const [lo, hi] = BUDGET[spec.code];
        projects.push({
          community: c, spec, unitId, resourceId: resourceOf(unitId, c, spec.categories),
          name: `${spec.project.replace('{c}', compound).replace('{s}', c.short)}${ongoing ? '（二期）' : ''}`,
          budget: this.rnd.int(lo, hi) * 100, milestones, status: ongoing ? 'ongoing' : 'done', createdAt: at(begin, 10),
        });
      }
    }
    if (road && roadUnit) {
      projects.push({
        community: road, spec: PRACTICAL_PROJECTS[0], unitId: roadUnit, resourceId: resourceOf(roadUnit, road, ['S04']), name: ROAD.project,
        budget: ROAD.budgetYuan, milestones: ROAD.milestones.map((x) => ({ ...x })), status: 'done', createdAt: at(ROAD.reportedOn, 15), road: true,
      });
    }
    // A practical project's progress is the share of its projects that are done.
    const ppRows = PRACTICAL_PROJECTS.map((p) => {
      const mine = projects.filter((x) => x.spec.code === p.code);
      const progress = mine.length ? Math.round((100 * mine.filter((x) => x.status === 'done').length) / mine.length) : 0;
      return [p.code, p.name, p.description, '2019-12-31', progress, progress === 100 ? 'done' : mine.length ? 'ongoing' : 'planned'];
    });
    await insertMany(this.m, 'practical_project', ['code', 'name', 'description', 'launched_on', 'progress', 'status'], ppRows, '', 'ON CONFLICT (code) DO NOTHING');
    for (const r of await this.m.query(`SELECT id, code FROM practical_project`)) this.practicalId.set(r.code, Number(r.id));
    if (!projects.length) return null;
    const ids = await insertMany(this.m, 'project', ['community_id', 'practical_project_id', 'unit_id', 'resource_id', 'name', 'budget_yuan', 'milestones', 'status', 'created_at'],
      projects.map((p) => [p.community.id, this.practicalId.get(p.spec.code), p.unitId, p.resourceId, p.name, p.budget, p.milestones, p.status, iso(p.createdAt)]), 'id');
    const roadAt = projects.findIndex((p) => p.road);
    const budget = projects.reduce((s, p) => s + p.budget, 0);
    this.log(`[seed] ${PRACTICAL_PROJECTS.length} practical projects (惠民实事, launched 2019-12-31); ${projects.length} projects, budgets ${budget.toLocaleString('en')} yuan in all`
      + (roadAt >= 0 ? `; ${ROAD.project} (${ROAD.budgetYuan.toLocaleString('en')} yuan, ${this.units.get(roadUnit!)!.name})` : ''));
    return roadAt >= 0 ? { id: Number(ids[roadAt].id), unitId: roadUnit!, communityId: road!.id } : null;
  }

  // ---- items ---------------------------------------------------------------------------------

  private code(): string {
    for (;;) {
      const c = this.rnd.token(12);
      if (!this.codes.has(c)) {
        this.codes.add(c);
        return c;
      }
    }
  }

  private place(c: Community, spec: CategorySpec, compound = this.rnd.pick(c.compounds)): string {
    if (spec.place === 'building') return `${compound}${this.rnd.int(1, 18)}号楼`;
    if (spec.place === 'outdoor') return `${compound}${this.rnd.pick(['东门', '北侧道路', '中心广场', '停车场', '西门'])}`;
    return this.rnd.chance(0.5) ? `${c.short}社区党群服务中心` : `${compound}党群服务站`;
  }

  private story(c: Community, code: string, createdAt: number, o: { place?: string; description?: string; reporter?: 'clerk' | 'member' } = {}): Story {
    const spec = this.categorySpec.get(code)!;
    let reporter: Actor;
    let source: string;
    let reporterName: string | null = null;
    const who = o.reporter ?? this.rnd.weighted([['grid', 40], ['clerk', 25], ['resident', 20], ['building', 10], ['member', 5]] as const);
    if (who === 'grid') [reporter, source] = [c.grid, 'grid_worker'];
    else if (who === 'clerk') [reporter, source] = [c.clerk, 'community'];
    else if (who === 'resident') [reporter, source, reporterName] = [c.clerk, 'resident', `${anySurname(this.rnd)}${this.rnd.pick(['大爷', '阿姨', '女士', '先生', '奶奶'])}`];
    else if (who === 'building') [reporter, source, reporterName] = [c.grid, 'building_group', `楼栋党小组长${anyName(this.rnd)}`];
    else {
      const m = c.short === '龙腾' && this.demoMember && this.rnd.chance(0.5) ? this.demoMember : c.members.length ? this.rnd.pick(c.members) : null;
      [reporter, source] = m ? [actor(m.username, 'member'), 'resident'] : [c.grid, 'grid_worker'];
    }
    const item: ItemDraft = {
      id: 0, itemNo: '', communityId: c.id, categoryId: this.categoryId.get(code)!, kind: 'unit', place: o.place ?? this.place(c, spec),
      description: o.description ?? spec.need, status: 'REPORTED', source, reportedBy: reporter.username, reporterName, capacity: 1, deadline: null,
      unitId: null, claimedAt: null, assignedBy: null, responseDeadline: null, scheduledDate: null, checkinCode: null, startedAt: null, doneAt: null,
      rating: null, reworkCount: 0, releaseCount: 0, mergedInto: null, referralBody: null, pledge: false, projectId: null, closedAt: null,
      createdAt, updatedAt: createdAt, version: 1,
    };
    const s = new Story(item, reporter, () => this.code());
    this.stories.push(s);
    return s;
  }

  /** A unit fit for a category in a community: units that offer it are four times as likely. */
  private unitFor(c: Community, code: string, not?: number): Unit | undefined {
    const pool = c.units.filter((u) => u !== not).map((u) => this.units.get(u)!);
    if (!pool.length) return undefined;
    return this.rnd.weighted(pool.map((u) => [u, u.categories.includes(code) ? 4 : 1] as const));
  }

  private categoryFor(c: Community): string {
    if (this.rnd.chance(0.6) && c.units.length) return this.rnd.pick(this.units.get(this.rnd.pick(c.units))!.categories);
    return this.rnd.pick(CATEGORIES).code;
  }

  private rating(): number {
    return this.rnd.weighted([[5, 60], [4, 28], [3, 9], [2, 2], [1, 1]] as const);
  }

  /** Who worked and checked in: the unit's members living here first, then other reported members here. */
  private volunteers(c: Community, unitId: number | null, n: number): Member[] {
    const own = this.rnd.shuffle(c.members.filter((m) => unitId !== null && m.unitId === unitId));
    const others = this.rnd.shuffle(c.members.filter((m) => !own.includes(m)));
    return [...own, ...others].slice(0, n);
  }

  private hoursFor(people: Member[], unit?: Unit): HoursDraft[] {
    const out: HoursDraft[] = people.map((p) => ({ memberId: p.id, name: p.name, hours: this.rnd.int(3, 8) / 2, posted: false }));
    if (unit && (this.rnd.chance(0.3) || !out.length)) out.push({ memberId: null, name: unit.contact, hours: this.rnd.int(3, 8) / 2, posted: false });
    return out;
  }

  /** On the service day: members check in, the unit starts, and (unless stopped earlier) completes. */
  private serve(s: Story, c: Community, day: string, doer: Actor, unit: Unit | undefined, o: { stop?: 'IN_PROGRESS'; late?: number; people?: Member[] } = {}) {
    const people = o.people ?? this.volunteers(c, unit?.id ?? null, this.rnd.int(1, 4));
    let t = at(day, 8, this.rnd.int(0, 20));
    for (const p of people) {
      t += this.rnd.int(1, 6) * MIN;
      s.checkin(t, p);
    }
    s.start(Math.max(t + MIN, at(day, 9, this.rnd.int(0, 30))), doer);
    if (o.stop === 'IN_PROGRESS') return;
    const doneAt = o.late ? at(addDays(day, o.late), this.rnd.int(14, 17), this.rnd.int(0, 59)) : at(day, this.rnd.int(11, 16), this.rnd.int(0, 59));
    const spec = [...this.categorySpec.values()].find((x) => this.categoryId.get(x.code) === s.item.categoryId)!;
    s.complete(doneAt, doer, this.hoursFor(people.filter((p) => s.signups.get(p.id)?.checkedInAt), unit), spec.note);
  }

  /**
   * A unit item from report to the chosen stop, aimed at service day `day`. Variants: released once
   * (推诿) and claimed by another unit, escalated (吹哨) and assigned by the street, completed late,
   * reopened (rework) and delivered on the next service day.
   */
  private unitItem(c: Community, day: string, o: {
    code?: string; unit?: Unit; pledge?: boolean; stop?: ItemStatus; release?: boolean; escalate?: boolean; late?: boolean; rework?: boolean;
    createdAt?: number; confirmAt?: number; place?: string; description?: string; projectId?: number; reporter?: 'clerk' | 'member';
    /** Today's items: publish, claim and schedule within hours, so nothing lies in the future. */
    fast?: boolean;
  } = {}): Story | undefined {
    const code = o.code ?? (o.unit ? this.rnd.pick(o.unit.categories) : this.categoryFor(c));
    const unit = o.unit ?? this.unitFor(c, code);
    if (!unit) return undefined;
    const spec = this.categorySpec.get(code)!;
    const compound = this.rnd.pick(c.compounds);
    const escalate = o.escalate ?? false;
    const createdAt = o.createdAt ?? at(addDays(day, -(escalate ? this.rnd.int(14, 16) : this.rnd.int(7, 14))), this.rnd.int(8, 17), this.rnd.int(0, 59));
    const s = this.story(c, code, createdAt, {
      place: o.place ?? this.place(c, spec, compound),
      description: o.description ?? (o.pledge ? `${unitShort(unit.name)}公开承诺：${spec.pledge.replace('{c}', compound)}` : undefined),
      reporter: o.pledge ? 'clerk' : o.reporter,
    });
    if (o.projectId) s.item.projectId = o.projectId;
    const hours = (lo: number, hi: number) => this.rnd.int(o.fast ? 1 : lo, o.fast ? Math.min(hi, 5) : hi) * HOUR;
    const published = createdAt + hours(2, o.pledge ? 6 : 26);
    s.publish(published, c.clerk, { deadline: published + 7 * DAY, pledge: o.pledge });
    if (escalate) {
      s.escalate();
      s.assign(s.lastAt + this.rnd.int(4, 20) * HOUR, c.street, unit, 3);
    } else if (o.release && !o.pledge) {
      const first = this.unitFor(c, code, unit.id);
      if (first) {
        s.claim(published + this.rnd.int(2, 30) * HOUR, first);
        s.release(s.lastAt + this.rnd.int(20, 40) * HOUR, first, this.rnd.pick(RELEASE_REASONS));
      }
      s.claim(s.lastAt + this.rnd.int(3, 20) * HOUR, unit);
    } else {
      s.claim(published + hours(1, o.pledge ? 4 : 60), unit);
    }
    const holder = this.units.get(s.item.unitId!)!;
    if (o.stop === 'CLAIMED') return s;
    let scheduleAt = s.lastAt + hours(1, 20);
    if (dayOf(scheduleAt) > day) scheduleAt = Math.max(s.lastAt + MIN, at(day, 7, 30));
    s.schedule(scheduleAt, this.rnd.chance(0.7) ? holder.staff : c.clerk, day);
    if (o.stop === 'SCHEDULED') return s;
    this.serve(s, c, day, holder.staff, holder, { stop: o.stop === 'IN_PROGRESS' ? 'IN_PROGRESS' : undefined, late: o.late ? this.rnd.int(1, 4) : undefined });
    if (o.stop === 'IN_PROGRESS') return s;
    if (o.rework) {
      s.reopen(s.lastAt + this.rnd.int(1, 2) * DAY, c.clerk, this.rnd.pick(REOPEN_REASONS));
      this.serve(s, c, s.item.scheduledDate!, holder.staff, holder);
    }
    if (o.stop === 'DONE') return s;
    const confirmAt = o.confirmAt ?? s.lastAt + this.rnd.int(20, 70) * HOUR;
    s.confirm(Math.max(confirmAt, s.lastAt + MIN), c.clerk, this.rating(), o.stop !== 'CONFIRMED');
    return s;
  }

  /** A volunteer activity members sign up for; the community schedules, runs and closes it. */
  private individualItem(c: Community, day: string, o: { stop?: ItemStatus; signups?: number; capacity?: number; createdAt?: number; exclude?: Member } = {}): Story | undefined {
    if (c.members.length < 3) return undefined;
    const code = this.rnd.pick(INDIVIDUAL_CATEGORIES);
    const spec = this.categorySpec.get(code)!;
    const compound = this.rnd.pick(c.compounds);
    const createdAt = o.createdAt ?? at(addDays(day, -this.rnd.int(12, 20)), this.rnd.int(8, 11), this.rnd.int(0, 59));
    const s = this.story(c, code, createdAt, { reporter: 'clerk', place: this.place(c, spec, compound), description: `党员志愿服务：${spec.pledge.replace('{c}', compound)}，欢迎报到党员报名` });
    const capacity = o.capacity ?? this.rnd.int(8, 20);
    const published = createdAt + this.rnd.int(1, 5) * HOUR;
    s.publish(published, c.clerk, { kind: 'individual', capacity, deadline: at(addDays(day, -1), 18) });
    const pool = c.members.filter((x) => x !== o.exclude);
    const want = Math.min(o.signups ?? this.rnd.int(3, capacity), capacity, pool.length);
    // Sign-ups spread between publishing and scheduling (two days before the day, or an hour or two ago for today's items).
    const scheduleAt = o.createdAt ? this.now - this.rnd.int(1, 3) * HOUR : at(addDays(day, -2), 16);
    const step = (scheduleAt - published) / (want + 1);
    this.rnd.shuffle(pool).slice(0, want).forEach((mem, k) => s.signup(Math.round(published + (k + 1) * step), mem));
    if (o.stop === 'PUBLISHED') return s;
    s.schedule(scheduleAt, c.clerk, day);
    if (o.stop === 'SCHEDULED') return s;
    const signed = [...s.signups.keys()].map((id) => c.members.find((mm) => mm.id === id)!);
    const came = signed.filter(() => this.rnd.chance(0.85));
    this.serve(s, c, day, c.clerk, undefined, { people: came.length ? came : signed.slice(0, 1) });
    s.confirm(s.lastAt + this.rnd.int(16, 40) * HOUR, c.clerk, this.rating());
    return s;
  }

  /** Needs that never became service: rejected, referred to the responsible body, cancelled, or merged into a duplicate. */
  private unservedItem(c: Community, day: string) {
    const code = this.categoryFor(c);
    const createdAt = at(addDays(day, -this.rnd.int(5, 12)), this.rnd.int(8, 17), this.rnd.int(0, 59));
    const kind = this.rnd.weighted([['reject', 30], ['refer', 30], ['cancel', 25], ['merge', 15]] as const);
    if (kind === 'merge') {
      const target = this.unitItem(c, day, { code });
      if (!target) return;
      const dupAt = target.item.createdAt + this.rnd.int(3, 40) * HOUR;
      const dup = this.story(c, code, dupAt, { place: target.item.place, description: `${this.categorySpec.get(code)!.need}（居民再次反映）` });
      dup.merge(dupAt + this.rnd.int(1, 5) * HOUR, c.clerk, target);
      return;
    }
    const s = this.story(c, code, createdAt);
    const decided = createdAt + this.rnd.int(2, 30) * HOUR;
    if (kind === 'reject') s.reject(decided, c.clerk, this.rnd.pick(REJECT_REASONS));
    else if (kind === 'refer') s.refer(decided, c.clerk, REFERRAL_BODIES[code] ?? this.rnd.pick(Object.values(REFERRAL_BODIES)));
    else {
      s.publish(decided, c.clerk, { deadline: decided + 7 * DAY });
      const unit = this.unitFor(c, code);
      if (unit && this.rnd.chance(0.4)) s.claim(decided + this.rnd.int(2, 30) * HOUR, unit);
      s.cancel(s.lastAt + this.rnd.int(5, 48) * HOUR, c.clerk, this.rnd.pick(CANCEL_REASONS));
    }
  }

  /** Every service day from January 2020 until a few weeks ago: finished items of every kind. */
  private addHistory(road: { id: number; unitId: number; communityId: number } | null, currentPledges: number) {
    const active = this.communities.filter((c) => c.units.length);
    const lastDay = this.lastServiceDay();
    const cutoff = addDays(this.today, -25);
    const days: string[] = [];
    for (let d = FIRST_SERVICE_DAY; d < lastDay; d = nextServiceDay(addDays(d, 1))) days.push(d);
    const full = days.filter((d) => d <= cutoff);
    const recent = days.filter((d) => d > cutoff);
    const pledgeTotal = Math.max(0, (this.opts.pledges ?? DEFAULT_PLEDGES) - currentPledges - (road ? 1 : 0));
    // Public pledges, spread evenly over the service days, each by a unit reported to the community.
    const pledgeDays = [...full, ...recent];
    for (let i = 0; i < pledgeTotal && pledgeDays.length; i++) {
      const day = pledgeDays[Math.floor((i * pledgeDays.length) / pledgeTotal)];
      const c = this.rnd.pick(active);
      const unit = this.units.get(this.rnd.pick(c.units))!;
      const simple = day > cutoff;
      this.unitItem(c, day, {
        unit, pledge: true, late: !simple && this.rnd.chance(0.06), rework: !simple && this.rnd.chance(0.04),
        confirmAt: simple ? at(addDays(day, 1), 10, this.rnd.int(0, 59)) : undefined,
      });
    }
    if (road) {
      const c = this.community(road.communityId)!;
      const s = this.unitItem(c, ROAD.serviceDay, {
        code: 'S04', unit: this.units.get(road.unitId), pledge: true, place: ROAD.place, description: ROAD.need, projectId: road.id,
        createdAt: at(ROAD.reportedOn, 9, 20), reporter: 'clerk',
      })!;
      s.evidence[0].note = ROAD.note;
      s.item.rating = 5;
      for (const e of s.events) if (e.action === 'confirm') e.data = { rating: 5 };
    }
    for (const day of full) {
      for (const c of active) {
        const n = this.rnd.weighted([[0, 65], [1, 30], [2, 5]] as const);
        for (let k = 0; k < n; k++) {
          this.unitItem(c, day, {
            release: this.rnd.chance(0.06), escalate: this.rnd.chance(0.05), late: this.rnd.chance(0.1), rework: this.rnd.chance(0.07),
          });
        }
        if (this.rnd.chance(0.08)) this.individualItem(c, day);
        if (this.rnd.chance(0.1)) this.unservedItem(c, day);
      }
    }
    for (const day of recent) {
      for (const c of active) {
        if (this.rnd.chance(0.35)) this.unitItem(c, day, { confirmAt: at(addDays(day, 1), 10, this.rnd.int(0, 59)) });
      }
    }
    // unit.staff's unit: a full history on its scorecard (a release, an escalation, a late delivery, rework).
    const lt = this.communities.find((c) => c.short === '龙腾' && this.staffUnit && c.units.includes(this.staffUnit.id));
    if (lt && this.staffUnit && full.length > 8) {
      const u = this.staffUnit;
      const pickDay = (i: number) => full[Math.floor((full.length * i) / 8)];
      if (lt.units.length > 1) {
        // The staff unit releases; another unit claims and delivers.
        const first = this.unitFor(lt, 'S04', u.id)!;
        const s = this.story(lt, 'S04', at(addDays(pickDay(1), -9), 9, 10));
        s.publish(s.lastAt + 2 * HOUR, lt.clerk, { deadline: s.lastAt + 2 * HOUR + 7 * DAY });
        s.claim(s.lastAt + 5 * HOUR, u);
        s.release(s.lastAt + DAY, u, RELEASE_REASONS[0]);
        s.claim(s.lastAt + 6 * HOUR, first);
        s.schedule(s.lastAt + 3 * HOUR, first.staff, pickDay(1));
        this.serve(s, lt, pickDay(1), first.staff, first);
        s.confirm(s.lastAt + DAY, lt.clerk, 5);
      }
      this.unitItem(lt, pickDay(2), { unit: u, code: 'S04', escalate: true });
      this.unitItem(lt, pickDay(3), { unit: u, code: 'S03', late: true });
      this.unitItem(lt, pickDay(4), { unit: u, code: 'S21', rework: true });
      this.unitItem(lt, pickDay(5), { unit: u, code: 'S29', reporter: 'member' });
    }
  }

  private lastServiceDay(): string {
    let d = FIRST_SERVICE_DAY;
    for (let next = nextServiceDay(addDays(d, 1)); next < this.today; next = nextServiceDay(addDays(next, 1))) d = next;
    return d;
  }

  /** The open work of today: needs to triage, items to claim, escalations, the next service day's schedule, yesterday's delivery. */
  private addCurrent() {
    const active = this.communities.filter((c) => c.units.length);
    const lastDay = this.lastServiceDay();
    const nextDay = nextServiceDay(this.today);
    const ago = (h: number) => this.now - h * HOUR;
    const lt = active.find((c) => c.short === '龙腾') ?? active[0];
    const others = active.filter((c) => c !== lt);
    const some = (n: number) => this.rnd.shuffle(others.length ? others : active).slice(0, n);
    const staffHere = this.staffUnit && lt.units.includes(this.staffUnit.id) ? this.staffUnit : this.units.get(lt.units[0])!;

    // REPORTED: fresh needs awaiting triage; in 龙腾 two on the same place (a possible duplicate) and one from the member.
    for (const c of [lt, lt, ...some(6)]) this.story(c, this.categoryFor(c), ago(this.rnd.int(2, 70)));
    const dupCode = 'S05';
    const dupPlace = `${lt.compounds[0]}3号楼`;
    this.story(lt, dupCode, ago(50), { place: dupPlace, reporter: 'clerk' });
    this.story(lt, dupCode, ago(6), { place: dupPlace, description: '3号楼二单元楼道灯还是不亮，老人晚上下楼摔了一跤', reporter: 'member' });

    // PUBLISHED: claimable now; five unit items in 龙腾 for unit.staff, and an activity with places left.
    const publishNow = (c: Community, o: { code?: string; individual?: boolean } = {}) => {
      if (o.individual) {
        return this.individualItem(c, nextServiceDay(addDays(nextDay, 1)), { stop: 'PUBLISHED', signups: 3, capacity: 12, createdAt: ago(this.rnd.int(40, 60)), exclude: this.demoMember });
      }
      const code = o.code ?? this.categoryFor(c);
      const s = this.story(c, code, ago(this.rnd.int(30, 90)));
      const published = s.lastAt + this.rnd.int(1, 6) * HOUR;
      s.publish(published, c.clerk, { deadline: published + 7 * DAY });
      return s;
    };
    for (const code of ['S04', 'S03', 'S21', 'S05', 'S29']) publishNow(lt, { code });
    // An activity with places left; the member has not signed up yet (the demo does).
    publishNow(lt, { individual: true });
    for (const c of some(8)) publishNow(c);

    // ESCALATED: nobody claimed them in a week; the street is to assign a unit (吹哨).
    for (const c of [lt, ...some(2)]) {
      const s = this.story(c, this.categoryFor(c), ago(this.rnd.int(240, 290)));
      s.publish(s.lastAt + 3 * HOUR, c.clerk, { deadline: s.lastAt + 3 * HOUR + 7 * DAY });
      s.escalate();
    }

    // CLAIMED: claimed in the last days (one by the street's assignment, with its response deadline).
    this.unitItem(lt, nextDay, { unit: staffHere, stop: 'CLAIMED', createdAt: ago(this.rnd.int(50, 80)), fast: true });
    for (const [i, c] of some(5).entries()) this.unitItem(c, nextDay, { stop: 'CLAIMED', pledge: i < 2, createdAt: ago(this.rnd.int(50, 90)), fast: true });
    {
      const c = some(1)[0];
      const code = this.categoryFor(c);
      const unit = this.unitFor(c, code)!;
      const s = this.story(c, code, ago(13 * 24));
      s.publish(s.lastAt + 3 * HOUR, c.clerk, { deadline: s.lastAt + 3 * HOUR + 7 * DAY });
      s.escalate();
      s.assign(s.lastAt + 6 * HOUR, c.street, unit, 7);
    }

    // SCHEDULED for the next service day, with check-in codes (and an activity with sign-ups).
    this.unitItem(lt, nextDay, { unit: staffHere, stop: 'SCHEDULED', createdAt: ago(this.rnd.int(100, 160)), fast: true });
    this.unitItem(lt, nextDay, { stop: 'SCHEDULED', pledge: true, createdAt: ago(this.rnd.int(100, 160)), fast: true });
    for (const [i, c] of some(8).entries()) this.unitItem(c, nextDay, { stop: 'SCHEDULED', pledge: i < 3, createdAt: ago(this.rnd.int(100, 200)), fast: true });
    this.individualItem(some(1)[0], nextDay, { stop: 'SCHEDULED', createdAt: ago(200) });

    // The last service day: still at work, delivered and awaiting the residents' confirmation, confirmed.
    const before = (h: number) => at(addDays(lastDay, -Math.ceil(h / 24)), this.rnd.int(8, 17), this.rnd.int(0, 59));
    for (const c of [lt, ...some(1)]) this.unitItem(c, lastDay, { stop: 'IN_PROGRESS', pledge: c === lt, createdAt: before(200) });
    this.unitItem(lt, lastDay, { unit: staffHere, stop: 'DONE', createdAt: before(240) });
    for (const [i, c] of some(6).entries()) this.unitItem(c, lastDay, { stop: 'DONE', pledge: i < 3, createdAt: before(240) });
    for (const c of some(2)) this.unitItem(c, lastDay, { stop: 'CONFIRMED', confirmAt: Math.min(at(lastDay, 18), this.now - HOUR), createdAt: before(240) });
    // One cancelled while scheduled, so every state of ITEM_STATUSES is shown.
    const cancelled = this.unitItem(some(1)[0], nextDay, { stop: 'SCHEDULED', createdAt: ago(150), fast: true });
    cancelled?.cancel(Math.min(cancelled.lastAt + 5 * HOUR, this.now - HOUR), this.community(cancelled.item.communityId)!.clerk, CANCEL_REASONS[2]);
  }

  private async writeItems() {
    this.stories.sort((a, b) => a.item.createdAt - b.item.createdAt);
    const base: { id: number }[] = await this.m.query(`SELECT coalesce(max(id), 0)::int AS id FROM item`);
    const seq: { last_value: number; is_called: boolean }[] = await this.m.query(`SELECT last_value::int AS last_value, is_called FROM item_no_seq`);
    const no0 = seq[0].is_called ? seq[0].last_value : seq[0].last_value - 1;
    this.stories.forEach((s, i) => {
      s.item.id = base[0].id + i + 1;
      s.item.itemNo = `FW${dayOf(s.item.createdAt).slice(0, 7).replace('-', '')}-${String(no0 + i + 1).padStart(6, '0')}`;
    });
    for (const s of this.stories) {
      for (const e of s.events) if (e.action === 'merge') e.data = { mergedInto: s.item.mergedInto!.item.id };
    }
    const cols = ['id', 'item_no', 'community_id', 'category_id', 'kind', 'place', 'description', 'status', 'source', 'reported_by', 'reporter_name', 'capacity',
      'deadline', 'unit_id', 'claimed_at', 'assigned_by', 'response_deadline', 'scheduled_date', 'checkin_code', 'started_at', 'done_at', 'rating', 'rework_count',
      'release_count', 'merged_into_id', 'referral_body', 'pledge', 'project_id', 'closed_at', 'created_at', 'updated_at', 'version'];
    await insertMany(this.m, 'item', cols, this.stories.map(({ item: i }) => [
      i.id, i.itemNo, i.communityId, i.categoryId, i.kind, i.place, i.description, i.status, i.source, i.reportedBy, i.reporterName, i.capacity,
      iso(i.deadline), i.unitId, iso(i.claimedAt), i.assignedBy, iso(i.responseDeadline), i.scheduledDate, i.checkinCode, iso(i.startedAt), iso(i.doneAt), i.rating,
      i.reworkCount, i.releaseCount, i.mergedInto?.item.id ?? null, i.referralBody, i.pledge, i.projectId, iso(i.closedAt), iso(i.createdAt), iso(i.updatedAt), i.version,
    ]));
    await this.m.query(`SELECT setval(pg_get_serial_sequence('item', 'id'), (SELECT max(id) FROM item))`);
    await this.m.query(`SELECT setval('item_no_seq', $1)`, [no0 + this.stories.length]);
    const events = this.stories.flatMap((s) => s.events.map((e) => [s.item.id, e.action, e.from, e.to, e.actor.id, e.actor.username, e.actor.role, e.unitId, iso(e.at), e.reason, e.data]));
    await insertMany(this.m, 'item_event', ['item_id', 'action', 'from_status', 'to_status', 'actor_id', 'actor_username', 'actor_role', 'unit_id', 'at', 'reason', 'data'], events);
    const hours = this.stories.flatMap((s) => s.hours.map((h) => [s.item.id, h.memberId, h.name, h.hours, h.posted]));
    await insertMany(this.m, 'item_hours', ['item_id', 'member_id', 'person_name', 'hours', 'posted'], hours);
    const evidence = this.stories.flatMap((s) => s.evidence.map((e) => [s.item.id, 'note', e.note, e.by, iso(e.at)]));
    await insertMany(this.m, 'item_evidence', ['item_id', 'kind', 'note', 'uploaded_by', 'at'], evidence);
    const signups = this.stories.flatMap((s) => [...s.signups].map(([memberId, x]) => [s.item.id, memberId, iso(x.signedAt), iso(x.checkedInAt)]));
    await insertMany(this.m, 'item_signup', ['item_id', 'member_id', 'signed_at', 'checked_in_at'], signups);
    const pledges = this.stories.filter((s) => s.item.pledge && s.item.unitId !== null).length;
    this.log(`[seed] ${this.stories.length} service items (${pledges} public pledges) on the service days ${FIRST_SERVICE_DAY} … ${nextServiceDay(this.today)}: `
      + `${events.length} events, ${hours.length} hour records, ${signups.length} sign-ups and check-ins, ${evidence.length} evidence notes`);
  }
}
