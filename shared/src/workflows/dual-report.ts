import { REPORT_DECIDERS } from './roles';
import { type ActionRule, defineWorkflow } from './types';

/**
 * 双报到: a work unit's party organisation reports to a community (what it offers, a contact), and each party member
 * reports to the community where they live. The community decides both; an approved unit report puts the community
 * into the unit staff's scope (org service, on the event) until it is ended. A member report does not end.
 */
export const REPORT_STATUSES = ['pending', 'approved', 'rejected', 'ended'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const UNIT_REPORT_STATUSES = REPORT_STATUSES;
export type UnitReportStatus = ReportStatus;
export const MEMBER_REPORT_STATUSES = ['pending', 'approved', 'rejected'] as const satisfies readonly ReportStatus[];
export type MemberReportStatus = (typeof MEMBER_REPORT_STATUSES)[number];

/** What the community decides (POST …/reports/:id/decision, …/members/:id/decision), in the order of the buttons. */
export const REPORT_DECISIONS = ['approve', 'reject', 'end'] as const;
export type ReportDecision = (typeof REPORT_DECISIONS)[number];
export const MEMBER_REPORT_DECISIONS = ['approve', 'reject'] as const satisfies readonly ReportDecision[];
export type MemberReportDecision = (typeof MEMBER_REPORT_DECISIONS)[number];


export const UNIT_REPORT_WORKFLOW_DEF = defineWorkflow<UnitReportStatus, ReportDecision, ActionRule<UnitReportStatus>>({
  id: 'unit-report',
  title: '单位报到 · a work unit reports to a community',
  service: 'volunteer',
  endpoint: 'POST /api/volunteer/reports/:id/decision',
  description:
    'A unit\'s staff report their unit to a community with what it offers and a contact (one live report, pending or ' +
    'approved, per community). The community approves it (the org service then puts the community into the unit staff\'s ' +
    'scope) or rejects it (the unit may report again); an approved report is ended with a reason (the community leaves ' +
    'the scope). The request carries `decision` and the report\'s `version`, checked in the order above (a decision on a ' +
    'report decided since is 409 `WRONG_STATE` when the decision no longer applies, else `STALE_VERSION`).',
  states: UNIT_REPORT_STATUSES,
  actions: REPORT_DECISIONS,
  initial: ['pending'],
  rules: {
    approve: { from: ['pending'], to: 'approved', roles: REPORT_DECIDERS, reasonRequired: false },
    reject: { from: ['pending'], to: 'rejected', roles: REPORT_DECIDERS, reasonRequired: true, danger: true },
    end: { from: ['approved'], to: 'ended', roles: REPORT_DECIDERS, reasonRequired: true, danger: true },
  },
});

export const MEMBER_REPORT_WORKFLOW_DEF = defineWorkflow<MemberReportStatus, MemberReportDecision, ActionRule<MemberReportStatus>>({
  id: 'member-report',
  title: '党员报到 · a party member reports where they live',
  service: 'volunteer',
  endpoint: 'POST /api/volunteer/members/:id/decision',
  description:
    'A party member reports to the community where they live (once per account); the community approves them (they may ' +
    'then sign up for individual items) or rejects them with a reason. A member report does not end (`end` is refused, ' +
    '409 `WRONG_STATE`).',
  states: MEMBER_REPORT_STATUSES,
  actions: MEMBER_REPORT_DECISIONS,
  initial: ['pending'],
  rules: {
    approve: { from: ['pending'], to: 'approved', roles: REPORT_DECIDERS, reasonRequired: false },
    reject: { from: ['pending'], to: 'rejected', roles: REPORT_DECIDERS, reasonRequired: true, danger: true },
  },
});
