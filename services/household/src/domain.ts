import { type CaseAction as Action, type CaseStatus, CASE_WORKFLOW_DEF, type Role } from '@redheart/shared';
import { limitLight, overdueSql, type TransitionTable, type TrafficLight, Workflow } from './workflow';

/** Case types: 购房落户, 投靠, 集体户, other move-ins, and 迁出 (moving out of the system). */
export const CASE_TYPES = ['purchased_flat', 'joining_relatives', 'collective', 'other', 'move_out'] as const;
export type CaseType = (typeof CASE_TYPES)[number];

// The case workflow (statuses, actions, the transition table) is written once in @redheart/shared's workflows.
export { CASE_STATUSES, type CaseStatus, CASE_ACTIONS as ACTIONS, type CaseAction as Action } from '@redheart/shared';

/**
 * Where a person works, as the programme counts it (机关事业单位职工带头: staff of public institutions moved their
 * registration first): public institution (机关事业单位), enterprise (企业), other (其他). Optional on a case's person.
 */
export const EMPLOYERS = ['public_institution', 'enterprise', 'other'] as const;
export type Employer = (typeof EMPLOYERS)[number];

export const RELATIONS = ['head', 'spouse', 'child', 'parent', 'grandchild', 'grandparent', 'sibling', 'other'] as const;
export type Relation = (typeof RELATIONS)[number];

/** Materials a clerk must see for each case type (一次性告知 lists the missing ones at once). */
export const CHECKLISTS: Record<CaseType, readonly string[]> = {
  purchased_flat: ['id_card', 'hukou_booklet', 'property_certificate', 'purchase_contract', 'application_form'],
  joining_relatives: ['id_card', 'hukou_booklet', 'relationship_proof', 'host_hukou_booklet', 'host_consent', 'application_form'],
  collective: ['id_card', 'hukou_booklet', 'employment_or_residence_proof', 'application_form'],
  other: ['id_card', 'hukou_booklet', 'supporting_documents', 'application_form'],
  move_out: ['id_card', 'hukou_booklet', 'move_in_permit', 'application_form'],
};

/** The workflow of DOMAIN.md, one row per action (shared/src/workflows/hukou-case.ts). */
export const TRANSITIONS: TransitionTable<CaseStatus, Action> = CASE_WORKFLOW_DEF.rules;

/** Hukou cases on the household service's workflow engine (shared with service applications). */
export const CASE_WORKFLOW = new Workflow<CaseStatus, Action>(
  { table: 'move_case', eventTable: 'case_event', eventKey: 'case_id', entityType: 'move_case', auditPrefix: 'case', noun: '案件' },
  TRANSITIONS,
);

/** Time limit (calendar days) of the step a case waits in; green channel halves it. */
export const STEP_LIMIT_DAYS: Partial<Record<CaseStatus, number>> = CASE_WORKFLOW_DEF.timeLimits ?? {};

/**
 * "Past the step's limit" in SQL over a move_case aliased `c`, built from STEP_LIMIT_DAYS so the work
 * queue's overdue filter, the statistics and the traffic light never disagree (green channel halves it).
 */
export const LIMIT_DAYS_SQL = `(CASE c.status ${Object.entries(STEP_LIMIT_DAYS).map(([s, d]) => `WHEN '${s}' THEN ${Number(d)}`).join(' ')} END)`;
export const OVERDUE_SQL = `(c.status IN (${Object.keys(STEP_LIMIT_DAYS).map((s) => `'${s}'`).join(', ')}) AND ${overdueSql('c.step_started_at', `${LIMIT_DAYS_SQL} / (CASE WHEN c.green_channel THEN 2.0 ELSE 1 END)`)})`;

export type { TrafficLight };

/** green < 80 % of the step's limit, yellow 80–100 %, red beyond (the engine's limitLight; green channel halves it). */
export function trafficLight(status: CaseStatus, stepStartedAt: Date, greenChannel: boolean, now = new Date()): { light: TrafficLight; dueAt: Date | null } {
  const days = STEP_LIMIT_DAYS[status];
  return limitLight(stepStartedAt, days ? (greenChannel ? days / 2 : days) : null, now);
}

/** The actions a role may take on a case in a status (the SPA shows only these). */
export function allowedActions(status: CaseStatus, role: Role, revokeRequestedBy: string | null, userId: string): Action[] {
  return CASE_WORKFLOW.allowed(status, role, (a) => {
    if (a === 'request_revoke') return revokeRequestedBy === null;
    if (a === 'confirm_revoke') return revokeRequestedBy !== null && revokeRequestedBy !== userId;
    if (a === 'cancel_revoke') return revokeRequestedBy !== null;
    return true;
  });
}
