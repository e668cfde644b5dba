import {
  type ItemAction, type ItemRule, type ItemStatus, ITEM_WORKFLOW_DEF, OPEN_ITEM_STATUSES, OPEN_RESPONSE, RESPONSE_RULES, type ResponseStatus, type Role, type WhistleStatus,
} from '@redheart/shared';
import { POLICY } from './policy';

// The item workflow (statuses, actions, the rule table; no `close`: confirm closes the item in the same transaction)
// is written once in @redheart/shared's workflows (shared/src/workflows/service-item.ts).
export { ITEM_ACTIONS, ITEM_STATUSES, type ItemAction, type ItemRule, type ItemStatus } from '@redheart/shared';

// Item kinds, reporter sources and project statuses are written once for the services and the SPA (shared/src/workflows/vocabulary.ts).
export { EVIDENCE_KINDS, type EvidenceKind, ITEM_KINDS, type ItemKind, PROJECT_STATUSES, type ProjectStatus, REPORTER_SOURCES, type ReporterSource } from '@redheart/shared';

/**
 * 双报到: a unit's report to a community (pending → approved | rejected; approved → ended) and a member's
 * (pending → approved | rejected): the community's decisions are the rows of UNIT_REPORT_WORKFLOW_DEF and
 * MEMBER_REPORT_WORKFLOW_DEF (shared/src/workflows/dual-report.ts).
 */
export {
  MEMBER_REPORT_DECISIONS, MEMBER_REPORT_STATUSES, MEMBER_REPORT_WORKFLOW_DEF, type MemberReportDecision, type MemberReportStatus,
  REPORT_DECISIONS, type ReportDecision, UNIT_REPORT_STATUSES, UNIT_REPORT_WORKFLOW_DEF, type UnitReportStatus,
} from '@redheart/shared';

export const ITEM_RULES: Record<ItemAction, ItemRule> = ITEM_WORKFLOW_DEF.rules;

export const isOpen = (s: ItemStatus) => OPEN_ITEM_STATUSES.includes(s);

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
export {
  OPEN_RESPONSE, RESPONSE_ACTIONS, RESPONSE_RULES, RESPONSE_STATUSES, type ResponseAction, type ResponseRule, type ResponseStatus,
  WHISTLE_ACTIONS, WHISTLE_RULES, WHISTLE_STATUSES, type WhistleAction, type WhistleRule, type WhistleStatus,
} from '@redheart/shared';

/** Who reads whistles at all (grid workers and members do not: 403). */
export const WHISTLE_READERS: readonly Role[] = POLICY['whistle.read'].roles;
/** Who raises one: a street sends it at once, a community proposes it to its street. */
export const WHISTLE_RAISERS: readonly Role[] = POLICY['whistle.raise'].roles;

/** Who acts on a department's answer at all (the department, the street, the county). */
export const RESPONSE_ACTORS: readonly Role[] = [...new Set(Object.values(RESPONSE_RULES).flatMap((r) => r.roles))];
/** Who reads the department scorecards: the county and the city, a street (its whistles), a department (itself). */
export const DEPARTMENT_SCORECARD_READERS: readonly Role[] = POLICY['departmentScorecard.read'].roles;

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
