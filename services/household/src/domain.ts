import { type CaseAction as Action, type CaseStatus, type CaseType, CASE_WORKFLOW_DEF, CHECKLISTS as SHARED_CHECKLISTS, type Role } from '@redheart/shared';
import { limitLight, overdueSql, type TransitionTable, type TrafficLight, Workflow } from './workflow';

// Case types, employers, relations and the materials per case type are written once for the services and the SPA
// (shared/src/workflows/vocabulary.ts).
export { CASE_TYPES, type CaseType, EMPLOYERS, type Employer, RELATIONS, type Relation } from '@redheart/shared';

// The case workflow (statuses, actions, the transition table) is written once in @redheart/shared's workflows.
export {
  CASE_STATUSES, type CaseStatus, CASE_ACTIONS as ACTIONS, type CaseAction as Action, CASE_EVENT_ACTIONS, type CaseEventAction, DUPLICATE_KINDS, type DuplicateKind,
} from '@redheart/shared';

/** Materials a clerk must see for each case type (一次性告知 lists the missing ones at once). */
export const CHECKLISTS: Record<CaseType, readonly string[]> = SHARED_CHECKLISTS;

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
const limitDaysSql = (a: string) => `(CASE ${a}.status ${Object.entries(STEP_LIMIT_DAYS).map(([s, d]) => `WHEN '${s}' THEN ${Number(d)}`).join(' ')} END)`;
export const LIMIT_DAYS_SQL = limitDaysSql('c');
/** The step's limit in days of a row aliased `a` with `status` and `green_channel` (a move_case or a case_open_rollup row); NULL: no limit. */
export const stepLimitDaysSql = (a: string) => `${limitDaysSql(a)} / (CASE WHEN ${a}.green_channel THEN 2.0 ELSE 1 END)`;
export const OVERDUE_SQL = `(c.status IN (${Object.keys(STEP_LIMIT_DAYS).map((s) => `'${s}'`).join(', ')}) AND ${overdueSql('c.step_started_at', stepLimitDaysSql('c'))})`;
/** The same limit as an interval (`start + it` is the due instant overdueSql compares `now()` with). */
export const stepLimitIntervalSql = (a: string) => `make_interval(secs => (${stepLimitDaysSql(a)}) * 86400.0)`;

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
