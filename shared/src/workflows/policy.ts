import { APPLICATION_CLERKS, ITEM_COMMUNITY, ITEM_STREET, REPORT_DECIDERS, type Role, ROLES, TASK_WORKERS } from './roles';
import type { ReporterSource } from './vocabulary';

/**
 * Who may do what, as data, once for the services and the SPA (browser-safe). One table per service: an action and
 * the roles that may take it. Each service checks its table through its policy helper (services/<s>/src/policy.ts,
 * which adds the 403's zh-CN message per action); the SPA shows or hides menus and buttons from the same rows
 * (web/src/composables/usePermissions.ts). Scope — which records of a permitted role's area — is the other half of
 * every check and stays in the services (404 outside the area). The workflows' per-action roles stay in their
 * tables (hukou-case.ts, service-item.ts …); the role groups a row shares with a workflow are in ./roles.ts. The SPA
 * imports this module alone (`@redheart/workflows/policy`): it must not import a workflow.
 */
export type PolicyTable = Readonly<Record<string, readonly Role[]>>;

/** Whether `role` may take `action` under `table` (false for no role: logged out). */
export function mayIn<T extends PolicyTable>(table: T, role: Role | null | undefined, action: keyof T): boolean {
  return !!role && table[action].includes(role);
}

/** The organisation departments of the city and of a county. */
const TOP_ADMINS: readonly Role[] = ['city_admin', 'admin'];
/** Who compares counties: the city's organisation department (every county) and a county's (its own). */
export const COUNTY_READERS: readonly Role[] = TOP_ADMINS;
/** Who reads an operation log (操作日志) and the system log: the organisation departments and the streets, each in its area. */
export const AUDIT_READERS: readonly Role[] = ['city_admin', 'admin', 'street_admin'];
/** A community's and a county's staff (the household register's readers but for grid workers). */
const STAFF: readonly Role[] = ['admin', 'street_admin', 'community_secretary', 'community_clerk'];

/**
 * Who may give (and manage accounts of) which roles: the city's organisation department everything, a county's
 * everything but the city level, a street its communities' staff, a community secretary the community's own staff.
 * Managing an existing account needs the right to give its current role, so nobody manages someone above them.
 */
export const GRANTABLE: Readonly<Partial<Record<Role, readonly Role[]>>> = {
  city_admin: ROLES,
  admin: ROLES.filter((r) => r !== 'city_admin'),
  street_admin: ['community_secretary', 'community_clerk', 'grid_worker', 'member'],
  community_secretary: ['community_clerk', 'grid_worker', 'member'],
};

/** The org service: the chart, accounts, divisions, meetings, monitoring. */
export const ORG_POLICY = {
  /** Change the org chart and what hangs off it (positions, grids, cadres, desks, compounds, offers), each inside its own subtree. */
  'org.write': ['city_admin', 'admin', 'street_admin', 'community_secretary'],
  /** Edit one's own root organisation, set division codes and the department flag (others manage what lies below their own). */
  'org.writeOwnRoot': TOP_ADMINS,
  /** Appoint the secretary of one's own organisation (otherwise the level above appoints it). */
  'positions.appointOwnSecretary': TOP_ADMINS,
  /** Edit the county-wide service catalogue. */
  'catalogue.write': TOP_ADMINS,
  /** Compare counties (the city: every county; a county: its own). */
  'coverage.counties': COUNTY_READERS,
  /** Import divisions (and read the imports) of one's city or county. */
  'divisions.import': TOP_ADMINS,
  /** Import any county of one's city (a county admin: only their own county). */
  'divisions.importCityWide': ['city_admin'],
  /** The joint committees' meetings (大党委 / 大工委): community staff, the street, the organisation departments, each in its area. */
  'meetings.takePart': ['city_admin', 'admin', 'street_admin', 'community_secretary', 'community_clerk'],
  /** The login log and online sessions (a street admin: its street's accounts). */
  'monitor.read': ['admin', 'street_admin'],
  /** … of every account, and end any session. */
  'monitor.readAll': ['admin'],
  /** Scope: besides one's own organisation, the communities one's work unit reports to (双报到). */
  'scope.reportedCommunities': ['unit_staff'],
  /** The system log (every service's audit entries, on events), each in its area. */
  'systemLog.read': AUDIT_READERS,
  /** … every entry of the city. */
  'systemLog.readCity': ['city_admin'],
  /** … and the entries of no organisation (logins, the county's own lists). */
  'systemLog.readUnscoped': ['admin'],
  /** Manage accounts (of the roles GRANTABLE gives one). */
  'accounts.manage': Object.keys(GRANTABLE) as Role[],
} as const satisfies PolicyTable;
export type OrgAction = keyof typeof ORG_POLICY;

/** The household service: the register, cases, imports, outreach tasks, 一网通办 applications. */
export const HOUSEHOLD_POLICY = {
  /** The household register: cases, households, persons, properties, the separation figures, the statistics. */
  readRegister: [...STAFF, 'grid_worker'],
  /** Open a move-in or move-out case. */
  openCase: ['admin', 'community_secretary', 'community_clerk'],
  /** Open a case or take an application in a community of one's scope other than one's own (the others: their own community). */
  chooseCommunity: ['admin'],
  /** The log of revealed ID numbers (a street admin: its streets' communities). */
  readRevealLog: ['admin', 'street_admin'],
  /** Every reveal, of any community (the county's admin). */
  readEveryReveal: ['admin'],
  /** Load the household or property register (a spreadsheet, or JSON), and read others' imports in scope. */
  importRegisters: STAFF,
  /** Read the exports of others in scope (everyone reads their own). */
  readOthersExports: ['admin'],
  /** Compare the property register with the household register (writes snapshots and outreach tasks). */
  compareRegisters: STAFF,
  /** Walk outreach tasks (the workflow's roles, TASK_WORKFLOW_DEF). */
  workTasks: TASK_WORKERS,
  /** The 一网通办 applications and the service catalogue. */
  readApplications: ['city_admin', ...STAFF],
  /** Take an application at the window (the workflow's roles, APPLICATION_WORKFLOW_DEF). */
  takeApplications: APPLICATION_CLERKS,
  /** The county-by-county comparison (the organisation departments). */
  compareCounties: COUNTY_READERS,
} as const satisfies PolicyTable;
export type HouseholdAction = keyof typeof HOUSEHOLD_POLICY;

/** Who reports a need (an item). */
const REPORTERS: readonly Role[] = ['admin', 'community_clerk', 'community_secretary', 'grid_worker', 'member'];

/** The volunteer service: 双报到, items, lists, scorecards, 街呼县应. */
export const VOLUNTEER_POLICY = {
  /** Report a need (an item). */
  'item.report': REPORTERS,
  /** … and a joint committee meeting's decision, which its street (大工委) may report too. */
  'item.reportFromMeeting': [...REPORTERS, 'street_admin'],
  /** Report for any community in scope (the county admin names it; the others report for their own). */
  'item.reportAnyCommunity': ['admin'],
  /** Assign an escalated item to a unit (the item workflow's `assign`, ITEM_WORKFLOW_DEF). */
  'item.assign': ITEM_STREET,
  /** Evidence photos: the claiming unit's staff for their unit's items, the community for any. */
  'evidence.add': ['unit_staff', ...ITEM_COMMUNITY],
  'evidence.addAny': ITEM_COMMUNITY,
  /** A reported member checks in on the service day. */
  checkin: ['member'],
  /** Run a scheduled job now (the escalation). */
  'jobs.run': ['admin'],
  /** The county's reference lists (service categories, practical projects): admins edit them. */
  'lists.edit': ['admin'],
  /** A unit offers a resource (its own staff). */
  'resource.offer': ['unit_staff'],
  /** Projects: match a need with a resource, update one; also a joint committee decision made into a project. */
  'project.edit': [...ITEM_COMMUNITY, 'street_admin'],
  'project.fromMeeting': [...ITEM_COMMUNITY, 'street_admin'],
  /** 双报到: a unit reports to a community, a member where they live; the community decides both. */
  'unitReport.create': ['unit_staff'],
  'report.decide': REPORT_DECIDERS,
  'memberReport.create': ['member'],
  'member.list': [...ITEM_COMMUNITY, 'street_admin'],
  /** Member groups (服务队): admins edit them; the community that approved a member puts them into one. */
  'memberGroup.edit': ['admin'],
  'member.setGroup': ITEM_COMMUNITY,
  /** Unit scorecards: each within its scope; members and grid workers read none. */
  'scorecard.unit.read': ['admin', 'street_admin', 'community_secretary', 'community_clerk', 'unit_staff'],
  'scorecard.unit.list': ['admin', 'street_admin', 'community_secretary', 'community_clerk'],
  /** Reads every unit's card with its members, whatever the unit reported to. */
  'scorecard.unit.any': ['admin'],
  /** The community sees an item's check-in code (any item's; a unit its own items') and the phone a resident left. */
  'item.community': ITEM_COMMUNITY,
  /** The 服务完成告知单 with the residents' rating link. */
  'ratingLink.issue': ['admin', 'community_secretary', 'community_clerk'],
  /** The overview of the volunteer work (组织部, streets, communities). */
  'overview.read': ['admin', 'street_admin', 'community_secretary', 'community_clerk'],
  /** The county-by-county comparison of the overview. */
  'overview.counties': COUNTY_READERS,
  /** 街呼县应: who reads whistles (grid workers and members do not), who raises one (a street sends it, a community proposes it). */
  'whistle.read': ['city_admin', 'admin', 'street_admin', 'community_secretary', 'community_clerk', 'unit_staff'],
  'whistle.raise': ['street_admin', 'community_secretary', 'community_clerk'],
  /** A street sends its whistle to the departments at once; a community's is a proposal its street decides on. */
  'whistle.send': ['street_admin'],
  /** The department scorecards: the county and the city, a street (its whistles), a department (itself). */
  'departmentScorecard.read': ['city_admin', 'admin', 'street_admin', 'unit_staff'],
} as const satisfies PolicyTable;
export type VolunteerAction = keyof typeof VOLUNTEER_POLICY;

/** Where an item a role reports without naming its source came from (the community otherwise). */
const ITEM_SOURCE_BY_ROLE: Partial<Record<Role, ReporterSource>> = { grid_worker: 'grid_worker', member: 'resident' };
export const defaultItemSource = (role: Role | null | undefined): ReporterSource => (role && ITEM_SOURCE_BY_ROLE[role]) || 'community';

/** The notification service: announcements (通知公告). */
export const NOTIFY_POLICY = {
  /** Publish, edit and withdraw announcements (the organisation departments, a street, a community's secretary). */
  'announcement.publish': ['city_admin', 'admin', 'street_admin', 'community_secretary'],
} as const satisfies PolicyTable;
export type NotifyAction = keyof typeof NOTIFY_POLICY;

/** One action of a service's table with the 403 message its service answers (the shared default where absent). */
export interface PolicyRule<R extends readonly Role[] = readonly Role[]> {
  readonly roles: R;
  readonly message?: string;
}

/** A service's table joined with its refusal messages (zh-CN), as the service's policy helper reads it. */
export function withMessages<T extends PolicyTable>(table: T, messages: { readonly [K in keyof T]?: string }): { readonly [K in keyof T]: PolicyRule<T[K]> } {
  return Object.fromEntries(Object.keys(table).map((k) => [k, { roles: table[k], message: messages[k] }])) as { readonly [K in keyof T]: PolicyRule<T[K]> };
}
