import type { Role } from '@redheart/shared';

/** 需求 → 认领 → 服务 → 评价: the life of a service item. */
export const ITEM_STATUSES = [
  'REPORTED', 'PUBLISHED', 'REJECTED', 'REFERRED', 'CLAIMED', 'ESCALATED', 'SCHEDULED', 'IN_PROGRESS', 'DONE', 'CONFIRMED', 'CLOSED', 'CANCELLED', 'MERGED',
] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/**
 * What people ask for (POST /items/:id/transition). There is no `close`: `confirm` closes the item in the same
 * transaction (CONFIRMED → CLOSED by the system, hours posted), so a CONFIRMED item is never seen by anyone; the
 * timeline records that step as the system's `close` event.
 */
export const ITEM_ACTIONS = [
  'publish', 'reject', 'refer', 'merge', 'claim', 'release', 'assign', 'schedule', 'start', 'complete', 'confirm', 'reopen', 'cancel', 'signup', 'withdraw_signup',
] as const;
export type ItemAction = (typeof ITEM_ACTIONS)[number];

/** unit: a whole item claimed by one unit; individual: places that reported members sign up for. */
export const ITEM_KINDS = ['unit', 'individual'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export const REPORTER_SOURCES = ['resident', 'grid_worker', 'building_group', 'community'] as const;

const COMMUNITY: readonly Role[] = ['community_clerk', 'community_secretary', 'admin'];
const UNIT: readonly Role[] = ['unit_staff'];
const STREET: readonly Role[] = ['street_admin', 'admin'];
const OPEN: readonly ItemStatus[] = ['REPORTED', 'PUBLISHED', 'CLAIMED', 'ESCALATED', 'SCHEDULED', 'IN_PROGRESS', 'DONE'];

export interface ItemRule {
  from: readonly ItemStatus[];
  to: ItemStatus | null;
  roles: readonly Role[];
  reasonRequired: boolean;
}

export const ITEM_RULES: Record<ItemAction, ItemRule> = {
  publish: { from: ['REPORTED'], to: 'PUBLISHED', roles: COMMUNITY, reasonRequired: false },
  reject: { from: ['REPORTED'], to: 'REJECTED', roles: COMMUNITY, reasonRequired: true },
  refer: { from: ['REPORTED'], to: 'REFERRED', roles: COMMUNITY, reasonRequired: false },
  merge: { from: ['REPORTED'], to: 'MERGED', roles: COMMUNITY, reasonRequired: false },
  claim: { from: ['PUBLISHED'], to: 'CLAIMED', roles: UNIT, reasonRequired: false },
  release: { from: ['CLAIMED'], to: 'PUBLISHED', roles: UNIT, reasonRequired: true },
  assign: { from: ['ESCALATED'], to: 'CLAIMED', roles: STREET, reasonRequired: false },
  // An individual item has no claimer: once members have signed up, the community schedules it from PUBLISHED.
  schedule: { from: ['CLAIMED', 'PUBLISHED'], to: 'SCHEDULED', roles: [...UNIT, ...COMMUNITY], reasonRequired: false },
  start: { from: ['SCHEDULED'], to: 'IN_PROGRESS', roles: [...UNIT, ...COMMUNITY], reasonRequired: false },
  complete: { from: ['IN_PROGRESS'], to: 'DONE', roles: [...UNIT, ...COMMUNITY], reasonRequired: false },
  confirm: { from: ['DONE'], to: 'CONFIRMED', roles: COMMUNITY, reasonRequired: false },
  reopen: { from: ['DONE'], to: 'SCHEDULED', roles: COMMUNITY, reasonRequired: true },
  cancel: { from: ['REPORTED', 'PUBLISHED', 'CLAIMED', 'ESCALATED', 'SCHEDULED'], to: 'CANCELLED', roles: COMMUNITY, reasonRequired: true },
  signup: { from: ['PUBLISHED'], to: null, roles: ['member'], reasonRequired: false },
  withdraw_signup: { from: ['PUBLISHED'], to: null, roles: ['member'], reasonRequired: false },
};

export const isOpen = (s: ItemStatus) => OPEN.includes(s);

/** The service days: the 15th and 25th of every month. */
export function nextServiceDay(from: string): string {
  const [y, m, d] = from.split('-').map(Number);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d <= 15) return `${y}-${pad(m)}-15`;
  if (d <= 25) return `${y}-${pad(m)}-25`;
  const ny = m === 12 ? y + 1 : y;
  const nm = m === 12 ? 1 : m + 1;
  return `${ny}-${pad(nm)}-15`;
}

export function isServiceDay(date: string): boolean {
  const d = Number(date.slice(8, 10));
  return d === 15 || d === 25;
}

/**
 * 街呼县应、上下联动: a street whistles an issue to county departments; each department's answer is a response of its
 * own. The whistle's status follows its responses (SENT while they run, ESCALATED once one is overdue, ANSWERED
 * when none is open, CLOSED when every answer is rated); the street acts on the whistle, the departments and the
 * street act on the responses. Every rule is a row below; the service only checks and applies them.
 */
export const WHISTLE_STATUSES = ['PROPOSED', 'SENT', 'ESCALATED', 'ANSWERED', 'CLOSED', 'DECLINED', 'WITHDRAWN'] as const;
export type WhistleStatus = (typeof WHISTLE_STATUSES)[number];

export const RESPONSE_STATUSES = ['PROPOSED', 'PENDING', 'ACCEPTED', 'ACTING', 'REPORTED', 'RATED', 'DECLINED', 'WITHDRAWN'] as const;
export type ResponseStatus = (typeof RESPONSE_STATUSES)[number];

/** What the street does with a whistle (POST /whistles/:id/transitions). */
export const WHISTLE_ACTIONS = ['send', 'decline', 'withdraw', 'close'] as const;
export type WhistleAction = (typeof WHISTLE_ACTIONS)[number];

/** What a department (报到) and the street do with one response (POST /whistles/:id/responses/:unitId/transitions). */
export const RESPONSE_ACTIONS = ['accept', 'refuse', 'act', 'report', 'rate', 'return', 'supervise'] as const;
export type ResponseAction = (typeof RESPONSE_ACTIONS)[number];

/** A response still owed by its department: what goes overdue. */
export const OPEN_RESPONSE: readonly ResponseStatus[] = ['PENDING', 'ACCEPTED', 'ACTING'];

export interface WhistleRule {
  from: readonly WhistleStatus[];
  to: WhistleStatus;
  roles: readonly Role[];
  /** Fields of the body the action needs (400 naming the field when one is missing). */
  required: readonly ('reason' | 'departmentIds' | 'deadline')[];
}

export interface ResponseRule {
  from: readonly ResponseStatus[];
  /** null: the status stays (督办 sets a new deadline). */
  to: ResponseStatus | null;
  roles: readonly Role[];
  /** unit_staff act only on their own department's response. */
  ownDepartment: boolean;
  required: readonly ('reason' | 'note' | 'result' | 'rating' | 'deadline')[];
  /** Only on a response past its deadline (督办). */
  overdueOnly?: boolean;
}

const STREET_ONLY: readonly Role[] = ['street_admin'];
const DEPARTMENT: readonly Role[] = ['unit_staff'];
const COUNTY: readonly Role[] = ['admin', 'city_admin'];

export const WHISTLE_RULES: Record<WhistleAction, WhistleRule> = {
  // A community's proposal goes out when its street sends it (the street may change the departments and the deadline).
  send: { from: ['PROPOSED'], to: 'SENT', roles: STREET_ONLY, required: [] },
  decline: { from: ['PROPOSED'], to: 'DECLINED', roles: STREET_ONLY, required: ['reason'] },
  withdraw: { from: ['PROPOSED', 'SENT', 'ESCALATED'], to: 'WITHDRAWN', roles: STREET_ONLY, required: ['reason'] },
  // Closing with every department refused or rated; the last rating closes the whistle by itself.
  close: { from: ['ANSWERED'], to: 'CLOSED', roles: STREET_ONLY, required: [] },
};

export const RESPONSE_RULES: Record<ResponseAction, ResponseRule> = {
  accept: { from: ['PENDING'], to: 'ACCEPTED', roles: DEPARTMENT, ownDepartment: true, required: [] },
  // Not this department's duty: back to the street with the reason; counted on the department's scorecard.
  refuse: { from: ['PENDING'], to: 'DECLINED', roles: DEPARTMENT, ownDepartment: true, required: ['reason'] },
  act: { from: ['ACCEPTED'], to: 'ACTING', roles: DEPARTMENT, ownDepartment: true, required: ['note'] },
  report: { from: ['ACCEPTED', 'ACTING'], to: 'REPORTED', roles: DEPARTMENT, ownDepartment: true, required: ['result'] },
  rate: { from: ['REPORTED'], to: 'RATED', roles: STREET_ONLY, ownDepartment: false, required: ['rating'] },
  // The street is not satisfied: back to work (counted as rework).
  return: { from: ['REPORTED'], to: 'ACTING', roles: STREET_ONLY, ownDepartment: false, required: ['reason'] },
  // 督办: the county takes up an overdue response and gives the department a new deadline.
  supervise: { from: OPEN_RESPONSE, to: null, roles: COUNTY, ownDepartment: false, required: ['reason', 'deadline'], overdueOnly: true },
};

/** Who reads whistles at all (grid workers and members do not: 403). */
export const WHISTLE_READERS: readonly Role[] = ['city_admin', 'admin', 'street_admin', 'community_secretary', 'community_clerk', 'unit_staff'];
/** Who raises one: a street sends it at once, a community proposes it to its street. */
export const WHISTLE_RAISERS: readonly Role[] = ['street_admin', 'community_secretary', 'community_clerk'];

/** Who acts on a department's answer at all (the department, the street, the county). */
export const RESPONSE_ACTORS: readonly Role[] = [...new Set(Object.values(RESPONSE_RULES).flatMap((r) => r.roles))];
/** Who reads the department scorecards: the county and the city, a street (its whistles), a department (itself). */
export const DEPARTMENT_SCORECARD_READERS: readonly Role[] = ['city_admin', 'admin', 'street_admin', 'unit_staff'];

/**
 * The whistle's status from its responses, while it is out (SENT / ESCALATED / ANSWERED); the others are set by
 * the street's actions only.
 */
export function whistleStatusFrom(current: WhistleStatus, responses: { status: ResponseStatus; overdue: boolean }[]): WhistleStatus {
  if (!['SENT', 'ESCALATED', 'ANSWERED'].includes(current)) return current;
  const open = responses.filter((r) => OPEN_RESPONSE.includes(r.status));
  if (open.length) return open.some((r) => r.overdue) ? 'ESCALATED' : 'SENT';
  if (responses.some((r) => r.status === 'REPORTED')) return 'ANSWERED';
  return responses.some((r) => r.status === 'RATED') ? 'CLOSED' : 'ANSWERED';
}
