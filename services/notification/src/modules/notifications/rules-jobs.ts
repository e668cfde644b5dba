import { CASE_OPENERS, CASE_RECORD as CASE, DIVISION_IMPORTERS, HOUSEHOLD_IMPORTERS } from './audiences';
import type { NotificationRule } from './rules';

/**
 * The rules of scheduled work and background jobs (issue 10): the step time limits a clerk is told of
 * (household's CASE_LIMIT job), the monthly scorecard a unit is sent (volunteer's SCORECARD job), the hours
 * posted to a member at an item's confirmation, and the imports whose starter is told how they ended.
 */
const caseParams = ['caseNo', 'communityName', 'status', 'dueAt'];

export const JOB_RULES: readonly NotificationRule[] = [
  // the clerk who opened a case: its step about to pass its time limit (yellow), then past it (red)
  { name: 'case-due-soon-clerk', event: 'household.case.due_soon', kind: 'case_due_soon', to: { account: 'createdBy' }, record: CASE, params: caseParams, roles: CASE_OPENERS },
  { name: 'case-overdue-clerk', event: 'household.case.overdue', kind: 'case_overdue', to: { account: 'createdBy' }, record: CASE, params: caseParams, roles: CASE_OPENERS },
  // the unit: last month's scorecard, on the 1st (links to the card for that month)
  {
    name: 'scorecard-monthly-unit', event: 'volunteer.scorecard.monthly', kind: 'scorecard_monthly', to: { role: 'unit_staff', orgIdFrom: 'unitId' },
    record: { type: 'scorecard', idFrom: 'unitId' }, params: ['unitName', 'month', 'from', 'to', 'completed', 'onTimeRate', 'averageRating', 'hours'],
  },
  // a member: hours posted when an item they served was confirmed (links to their own card)
  {
    name: 'hours-posted-member', event: 'volunteer.hours.posted', kind: 'hours_posted', to: { account: 'accountId' },
    record: { type: 'member_card', idFrom: 'memberId' }, params: ['itemNo', 'communityName', 'hours', 'totalHours'], roles: ['member'],
  },
  // whoever started an import: how it ended, linking to its report
  {
    name: 'import-finished-household', event: 'household.import.finished', kind: 'import_finished', to: { account: 'accountId' },
    record: { type: 'household_import', idFrom: 'importId' }, params: ['kind', 'status', 'fileName', 'rows', 'rowsWithErrors'], roles: HOUSEHOLD_IMPORTERS,
  },
  {
    name: 'import-finished-divisions', event: 'org.import.finished', kind: 'division_import_finished', to: { account: 'accountId' },
    record: { type: 'division_import', idFrom: 'importId' }, params: ['kind', 'status', 'code', 'error'], roles: DIVISION_IMPORTERS,
  },
];
