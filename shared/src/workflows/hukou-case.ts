import type { Role } from './roles';
import { type ActionRule, defineWorkflow } from './types';

/** 户籍进社区: a move-in / move-out case, processed by the community's clerks with the secretary's approval. */
export const CASE_STATUSES = ['DRAFT', 'SUBMITTED', 'NEEDS_SUPPLEMENT', 'ACCEPTED', 'APPROVED', 'SETTLED', 'REJECTED', 'WITHDRAWN', 'REVOKED'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** In the order of the case page's buttons. */
export const CASE_ACTIONS = [
  'submit', 'supplement', 'request_supplement', 'accept', 'approve', 'settle', 'request_revoke', 'confirm_revoke', 'cancel_revoke', 'reject', 'withdraw',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/** A case timeline's actions (case_event.action): its creation, then the workflow's actions. */
export const CASE_EVENT_ACTIONS = ['create', ...CASE_ACTIONS] as const;
export type CaseEventAction = (typeof CASE_EVENT_ACTIONS)[number];

const CLERKS: readonly Role[] = ['community_clerk', 'community_secretary', 'admin'];
const SECRETARIES: readonly Role[] = ['community_secretary', 'admin'];
const REVOKERS: readonly Role[] = ['street_admin', 'admin'];

export const CASE_WORKFLOW_DEF = defineWorkflow<CaseStatus, CaseAction, ActionRule<CaseStatus>>({
  id: 'hukou-case',
  title: '户籍迁移案件 · hukou case',
  service: 'household',
  endpoint: 'POST /api/household/cases/:id/transitions',
  description:
    'A clerk drafts the case, submits it with the materials, asks for what is missing at once (一次性告知) or accepts it; the ' +
    'secretary approves; the clerk settles (the register changes in the same transaction). A settled case is revoked by two ' +
    'people: one asks, another confirms (or the request is cancelled).',
  states: CASE_STATUSES,
  actions: CASE_ACTIONS,
  initial: ['DRAFT'],
  rules: {
    submit: { from: ['DRAFT'], to: 'SUBMITTED', roles: CLERKS, reasonRequired: false },
    supplement: { from: ['NEEDS_SUPPLEMENT'], to: 'SUBMITTED', roles: CLERKS, reasonRequired: false },
    request_supplement: { from: ['SUBMITTED'], to: 'NEEDS_SUPPLEMENT', roles: CLERKS, reasonRequired: false, required: ['missingItems'] },
    accept: { from: ['SUBMITTED'], to: 'ACCEPTED', roles: CLERKS, reasonRequired: false, required: ['originalsVerified'] },
    approve: { from: ['ACCEPTED'], to: 'APPROVED', roles: SECRETARIES, reasonRequired: false, required: ['approvalNo'] },
    settle: { from: ['APPROVED'], to: 'SETTLED', roles: CLERKS, reasonRequired: false },
    request_revoke: { from: ['SETTLED'], to: null, roles: REVOKERS, reasonRequired: true, danger: true, note: 'only when no request is pending' },
    confirm_revoke: { from: ['SETTLED'], to: 'REVOKED', roles: REVOKERS, reasonRequired: true, danger: true, note: 'a pending request, by someone other than who asked' },
    cancel_revoke: { from: ['SETTLED'], to: null, roles: REVOKERS, reasonRequired: true, note: 'a pending request' },
    reject: { from: ['SUBMITTED', 'ACCEPTED'], to: 'REJECTED', roles: CLERKS, reasonRequired: true, danger: true },
    withdraw: { from: ['DRAFT', 'SUBMITTED', 'NEEDS_SUPPLEMENT', 'ACCEPTED', 'APPROVED'], to: 'WITHDRAWN', roles: CLERKS, reasonRequired: true, danger: true },
  },
  // Green channel halves each.
  timeLimits: { DRAFT: 5, SUBMITTED: 3, ACCEPTED: 2, APPROVED: 2 },
});
