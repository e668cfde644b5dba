/**
 * What each workflow's states and actions are called, in every language the SPA speaks: one file per workflow, typed
 * against its states and actions (a state added to a workflow does not compile until it is named in its file). The
 * SPA's messages are built from them (`labelsIn`), each file imported alone (`@redheart/workflows/labels/<workflow>`)
 * so a page's chunk carries only its workflows' names and the tables carry none; docs/workflows.md reads
 * WORKFLOW_LABELS.
 */
import type { WorkflowLabels } from './label';
import { REPORT_LABELS } from './dual-report';
import { CASE_LABELS } from './hukou-case';
import { TASK_LABELS } from './outreach-task';
import { APPLICATION_LABELS } from './service-application';
import { ITEM_LABELS } from './service-item';
import { RESPONSE_LABELS, WHISTLE_LABELS } from './whistle';

export * from './label';
export { APPLICATION_LABELS, CASE_LABELS, ITEM_LABELS, REPORT_LABELS, RESPONSE_LABELS, TASK_LABELS, WHISTLE_LABELS };

/** The labels of each workflow, by its id (WorkflowDefinition.id); shared/test/workflows.test.ts checks every state and action of WORKFLOWS is named. */
export const WORKFLOW_LABELS: Readonly<Record<string, WorkflowLabels<string, string>>> = {
  'hukou-case': CASE_LABELS,
  'service-application': APPLICATION_LABELS,
  'outreach-task': TASK_LABELS,
  'service-item': ITEM_LABELS,
  'unit-report': REPORT_LABELS,
  'member-report': REPORT_LABELS,
  whistle: WHISTLE_LABELS,
  'whistle-response': RESPONSE_LABELS,
};
