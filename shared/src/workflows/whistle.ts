import type { Role } from './roles';
import { type ActionRule, defineWorkflow } from './types';

/**
 * 街呼县应、上下联动: a street whistles an issue to county departments; each department's answer is a response of its
 * own. The whistle's status follows its responses (SENT while they run, ESCALATED once one is overdue, ANSWERED
 * when none is open, CLOSED when every answer is rated); the street acts on the whistle, the departments and the
 * street act on the responses.
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

export interface WhistleRule extends ActionRule<WhistleStatus> {
  to: WhistleStatus;
  required: readonly ('reason' | 'departmentIds' | 'deadline')[];
}

export interface ResponseRule extends ActionRule<ResponseStatus> {
  /** unit_staff act only on their own department's response. */
  ownDepartment: boolean;
  required: readonly ('reason' | 'note' | 'result' | 'rating' | 'deadline')[];
  /** Only on a response past its deadline (督办). */
  overdueOnly?: boolean;
}

const OPEN_OR_PROPOSED: readonly ResponseStatus[] = ['PROPOSED', ...OPEN_RESPONSE];

const STREET_ONLY: readonly Role[] = ['street_admin'];
const DEPARTMENT: readonly Role[] = ['unit_staff'];
const COUNTY: readonly Role[] = ['admin', 'city_admin'];

export const WHISTLE_WORKFLOW_DEF = defineWorkflow<WhistleStatus, WhistleAction, WhistleRule>({
  id: 'whistle',
  title: '街呼县应 · whistle',
  service: 'volunteer',
  endpoint: 'POST /api/volunteer/whistles/:id/transitions',
  description:
    'A street sends a whistle to county departments at once, or a community proposes one to its street, which sends or ' +
    'declines it. While it is out its status follows its departments\' responses (below).',
  states: WHISTLE_STATUSES,
  actions: WHISTLE_ACTIONS,
  initial: ['PROPOSED', 'SENT'],
  rules: {
    // A community's proposal goes out when its street sends it (the street may change the departments and the deadline).
    send: { from: ['PROPOSED'], to: 'SENT', roles: STREET_ONLY, reasonRequired: false, required: [] },
    decline: { from: ['PROPOSED'], to: 'DECLINED', roles: STREET_ONLY, reasonRequired: true, danger: true, required: ['reason'] },
    withdraw: { from: ['PROPOSED', 'SENT', 'ESCALATED'], to: 'WITHDRAWN', roles: STREET_ONLY, reasonRequired: true, danger: true, required: ['reason'] },
    // Closing with every department refused or rated; the last rating closes the whistle by itself.
    close: { from: ['ANSWERED'], to: 'CLOSED', roles: STREET_ONLY, reasonRequired: false, required: [] },
  },
  system: [
    { from: 'SENT', to: 'ESCALATED', event: 'escalate', note: 'a department\'s answer is overdue' },
    { from: 'SENT', to: 'ANSWERED', event: 'answered', note: 'no response open' },
    { from: 'ESCALATED', to: 'ANSWERED', event: 'answered', note: 'no response open' },
    { from: 'ANSWERED', to: 'CLOSED', event: 'rated', note: 'every answer rated' },
  ],
});

export const RESPONSE_WORKFLOW_DEF = defineWorkflow<ResponseStatus, ResponseAction, ResponseRule>({
  id: 'whistle-response',
  title: '部门应答 · a department\'s response to a whistle',
  service: 'volunteer',
  endpoint: 'POST /api/volunteer/whistles/:id/responses/:unitId/transitions',
  description: 'Each department answers by the deadline; unit staff act only on their own department\'s response. The street rates or returns the answer; the county supervises (督办) an overdue one with a new deadline.',
  states: RESPONSE_STATUSES,
  actions: RESPONSE_ACTIONS,
  initial: ['PROPOSED', 'PENDING'],
  rules: {
    accept: { from: ['PENDING'], to: 'ACCEPTED', roles: DEPARTMENT, ownDepartment: true, reasonRequired: false, required: [] },
    // Not this department's duty: back to the street with the reason; counted on the department's scorecard.
    refuse: { from: ['PENDING'], to: 'DECLINED', roles: DEPARTMENT, ownDepartment: true, reasonRequired: true, danger: true, required: ['reason'] },
    act: { from: ['ACCEPTED'], to: 'ACTING', roles: DEPARTMENT, ownDepartment: true, reasonRequired: false, required: ['note'] },
    report: { from: ['ACCEPTED', 'ACTING'], to: 'REPORTED', roles: DEPARTMENT, ownDepartment: true, reasonRequired: false, required: ['result'] },
    rate: { from: ['REPORTED'], to: 'RATED', roles: STREET_ONLY, ownDepartment: false, reasonRequired: false, required: ['rating'] },
    // The street is not satisfied: back to work (counted as rework).
    return: { from: ['REPORTED'], to: 'ACTING', roles: STREET_ONLY, ownDepartment: false, reasonRequired: true, danger: true, required: ['reason'] },
    // 督办: the county takes up an overdue response and gives the department a new deadline.
    supervise: { from: OPEN_RESPONSE, to: null, roles: COUNTY, ownDepartment: false, reasonRequired: true, required: ['reason', 'deadline'], overdueOnly: true, note: 'overdue responses only' },
  },
  system: [
    { from: 'PROPOSED', to: 'PENDING', event: 'send', note: 'the street sends the whistle' },
    ...OPEN_OR_PROPOSED.map((from) => ({ from, to: 'WITHDRAWN' as const, event: 'withdraw', note: 'the street withdraws the whistle' })),
  ],
});

/** The rows themselves, as the volunteer service reads them. */
export const WHISTLE_RULES = WHISTLE_WORKFLOW_DEF.rules;
export const RESPONSE_RULES = RESPONSE_WORKFLOW_DEF.rules;
