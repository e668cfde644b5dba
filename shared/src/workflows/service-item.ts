import { ITEM_COMMUNITY, ITEM_STREET, type Role } from './roles';
import { type ActionRule, defineWorkflow } from './types';

/** 需求 → 认领 → 服务 → 评价: the life of a service item (双报到). */
export const ITEM_STATUSES = [
  'REPORTED', 'PUBLISHED', 'REJECTED', 'REFERRED', 'MERGED', 'CLAIMED', 'ESCALATED', 'SCHEDULED', 'IN_PROGRESS', 'DONE', 'CONFIRMED', 'CLOSED', 'CANCELLED',
] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/**
 * What people ask for (POST /items/:id/transitions), in the order of the item page's buttons. There is no `close`:
 * `confirm` closes the item in the same transaction (CONFIRMED → CLOSED by the system, hours posted), so nobody
 * ever sees a CONFIRMED item; the timeline records that step as the system's `close` event.
 */
export const ITEM_ACTIONS = [
  'publish', 'claim', 'signup', 'assign', 'schedule', 'start', 'complete', 'confirm', 'refer', 'merge', 'reopen', 'withdraw_signup', 'release', 'reject', 'cancel',
] as const;
export type ItemAction = (typeof ITEM_ACTIONS)[number];

/** What the timeline shows: the actions, and the steps of the reporter and of the system. */
export type ItemEventAction = ItemAction | 'report' | 'escalate' | 'checkin' | 'close';

const UNIT: readonly Role[] = ['unit_staff'];

export type ItemRule = ActionRule<ItemStatus>;

export const ITEM_WORKFLOW_DEF = defineWorkflow<ItemStatus, ItemAction, ItemRule>({
  id: 'service-item',
  title: '服务事项 · service item',
  service: 'volunteer',
  endpoint: 'POST /api/volunteer/items/:id/transitions',
  description:
    'A need is reported (by a resident at a desk, a grid worker or the community), the community publishes it, a work unit ' +
    'claims it (or members sign up for an individual item), schedules it on a service day, starts and completes it with ' +
    'hours and evidence, and the community confirms it with a rating, which closes it. Unit staff act only on their own ' +
    'unit\'s items; an unclaimed item past its deadline is escalated to the street, which assigns a unit.',
  states: ITEM_STATUSES,
  actions: ITEM_ACTIONS,
  initial: ['REPORTED'],
  rules: {
    publish: { from: ['REPORTED'], to: 'PUBLISHED', roles: ITEM_COMMUNITY, reasonRequired: false },
    claim: { from: ['PUBLISHED'], to: 'CLAIMED', roles: UNIT, reasonRequired: false, note: 'unit items only' },
    signup: { from: ['PUBLISHED'], to: null, roles: ['member'], reasonRequired: false, note: 'individual items only' },
    assign: { from: ['ESCALATED'], to: 'CLAIMED', roles: ITEM_STREET, reasonRequired: false, required: ['unitId'] },
    // An individual item has no claimer: once members have signed up, the community schedules it from PUBLISHED.
    schedule: { from: ['CLAIMED', 'PUBLISHED'], to: 'SCHEDULED', roles: [...UNIT, ...ITEM_COMMUNITY], reasonRequired: false, note: 'from PUBLISHED: an individual item with sign-ups' },
    start: { from: ['SCHEDULED'], to: 'IN_PROGRESS', roles: [...UNIT, ...ITEM_COMMUNITY], reasonRequired: false },
    complete: { from: ['IN_PROGRESS'], to: 'DONE', roles: [...UNIT, ...ITEM_COMMUNITY], reasonRequired: false, required: ['hours'] },
    confirm: { from: ['DONE'], to: 'CONFIRMED', roles: ITEM_COMMUNITY, reasonRequired: false, required: ['rating'] },
    refer: { from: ['REPORTED'], to: 'REFERRED', roles: ITEM_COMMUNITY, reasonRequired: false, reasonOptional: true, required: ['referralBody'] },
    merge: { from: ['REPORTED'], to: 'MERGED', roles: ITEM_COMMUNITY, reasonRequired: false, reasonOptional: true, required: ['mergeIntoId'] },
    reopen: { from: ['DONE'], to: 'SCHEDULED', roles: ITEM_COMMUNITY, reasonRequired: true, danger: true },
    withdraw_signup: { from: ['PUBLISHED'], to: null, roles: ['member'], reasonRequired: false, danger: true },
    release: { from: ['CLAIMED'], to: 'PUBLISHED', roles: UNIT, reasonRequired: true, danger: true },
    reject: { from: ['REPORTED'], to: 'REJECTED', roles: ITEM_COMMUNITY, reasonRequired: true, danger: true },
    cancel: { from: ['REPORTED', 'PUBLISHED', 'CLAIMED', 'ESCALATED', 'SCHEDULED'], to: 'CANCELLED', roles: ITEM_COMMUNITY, reasonRequired: true, danger: true },
  },
  system: [
    { from: 'CONFIRMED', to: 'CLOSED', event: 'close', note: 'in the confirmation\'s transaction: the hours are posted' },
    { from: 'PUBLISHED', to: 'ESCALATED', event: 'escalate', note: 'unclaimed past its deadline (ESCALATE_CRON)' },
  ],
});

export const OPEN_ITEM_STATUSES: readonly ItemStatus[] = ['REPORTED', 'PUBLISHED', 'CLAIMED', 'ESCALATED', 'SCHEDULED', 'IN_PROGRESS', 'DONE'];
