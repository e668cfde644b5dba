import { type ApplicationAction, type ApplicationStatus, APPLICATION_WORKFLOW_DEF } from '@redheart/shared';
import { limitLight, overdueSql, type TrafficLight, type TransitionTable, Workflow } from '../../workflow';

/**
 * 一网通办: a resident's application for a catalogue service, taken at the community's one window. The clerk checks the
 * service's materials (a checklist), asks for what is missing at once (补正), accepts (受理), hands the file over to the
 * county department that decides (转县直部门) or finishes it at the window (办结), or refuses it (不予受理/退回).
 */
// The application workflow (statuses, actions, the transition table) is written once in @redheart/shared's workflows.
export { APPLICATION_ACTIONS, APPLICATION_CLERKS, APPLICATION_STATUSES, type ApplicationAction, type ApplicationStatus } from '@redheart/shared';

export const OPEN_APPLICATION: readonly ApplicationStatus[] = ['SUBMITTED', 'NEEDS_SUPPLEMENT', 'ACCEPTED', 'HANDED_OVER'];

export const APPLICATION_TRANSITIONS: TransitionTable<ApplicationStatus, ApplicationAction> = APPLICATION_WORKFLOW_DEF.rules;

/** Service applications on the household service's workflow engine (the one hukou cases use). */
export const APPLICATION_WORKFLOW = new Workflow<ApplicationStatus, ApplicationAction>(
  {
    table: 'service_application', eventTable: 'service_application_event', eventKey: 'application_id',
    entityType: 'service_application', auditPrefix: 'service_application', noun: '申请',
  },
  APPLICATION_TRANSITIONS,
);

/** A submitted application is accepted or sent back for supplement within a day (一次性告知). */
export const ACCEPT_LIMIT_DAYS = APPLICATION_WORKFLOW_DEF.timeLimits?.SUBMITTED ?? 1;

/**
 * The time limit: a day to accept; from the acceptance, the service's own limit (即办 services, 0 days, get the day),
 * through the hand-over to the department until done. Waiting for the resident's supplement has no light.
 */
export function applicationLight(a: { status: ApplicationStatus; stepStartedAt: Date; acceptedAt: Date | null; timeLimitDays: number }, now = new Date()): { light: TrafficLight; dueAt: Date | null } {
  if (a.status === 'SUBMITTED') return limitLight(new Date(a.stepStartedAt), ACCEPT_LIMIT_DAYS, now);
  if ((a.status === 'ACCEPTED' || a.status === 'HANDED_OVER') && a.acceptedAt) return limitLight(new Date(a.acceptedAt), Math.max(a.timeLimitDays, 1), now);
  return limitLight(new Date(a.stepStartedAt), null, now);
}

/** The same rule in SQL over a service_application aliased `a` (list filter and statistics agree with the light). */
export const APPLICATION_OVERDUE_SQL = `((a.status = 'SUBMITTED' AND ${overdueSql('a.step_started_at', String(ACCEPT_LIMIT_DAYS))})
  OR (a.status IN ('ACCEPTED', 'HANDED_OVER') AND ${overdueSql('a.accepted_at', 'greatest(a.time_limit_days, 1)')}))`;
