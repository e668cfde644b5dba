/**
 * The platform's workflows, each written once: states, actions, from → to, roles, reasons. Browser-safe (no Node
 * imports): the services' guards read it through @redheart/shared, the SPA through the `@redheart/workflows` alias,
 * docs/workflows.md is generated from it.
 */
export * from './roles';
export * from './vocabulary';
export * from './types';
export * from './hukou-case';
export * from './service-application';
export * from './service-item';
export * from './whistle';
export * from './outreach-task';
export * from './policy';
export * from './dual-report';
export * from './labels';
export { markdownOf, mermaidOf, workflowsMarkdown } from './docs';

import { MEMBER_REPORT_WORKFLOW_DEF, UNIT_REPORT_WORKFLOW_DEF } from './dual-report';
import { CASE_WORKFLOW_DEF } from './hukou-case';
import { TASK_WORKFLOW_DEF } from './outreach-task';
import { APPLICATION_WORKFLOW_DEF } from './service-application';
import { ITEM_WORKFLOW_DEF } from './service-item';
import { RESPONSE_WORKFLOW_DEF, WHISTLE_WORKFLOW_DEF } from './whistle';

/** Every workflow, in the order of docs/workflows.md. */
export const WORKFLOWS = [CASE_WORKFLOW_DEF, APPLICATION_WORKFLOW_DEF, TASK_WORKFLOW_DEF, ITEM_WORKFLOW_DEF, UNIT_REPORT_WORKFLOW_DEF, MEMBER_REPORT_WORKFLOW_DEF, WHISTLE_WORKFLOW_DEF, RESPONSE_WORKFLOW_DEF] as const;
