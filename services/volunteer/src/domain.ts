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
