import { TASK_WORKERS } from './roles';
import { type ActionRule, defineWorkflow } from './types';

/** 人户分离: the outreach task of a person whose flat is in the community but whose registration is not. */
export const TASK_STATUSES = ['identified', 'contacted', 'applied', 'settled', 'declined'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_ACTIONS = ['contact', 'apply', 'settle', 'decline'] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

export const OPEN_TASK: readonly TaskStatus[] = ['identified', 'contacted', 'applied'];


export const TASK_WORKFLOW_DEF = defineWorkflow<TaskStatus, TaskAction, ActionRule<TaskStatus>>({
  id: 'outreach-task',
  title: '人户分离走访任务 · outreach task',
  service: 'household',
  endpoint: 'POST /api/household/separation/tasks/:id/transitions',
  description: 'Comparing the registers makes a task per person living apart from their registration; the grid worker contacts them, they apply, and the task is settled by the case that moves them in (or declined).',
  states: TASK_STATUSES,
  actions: TASK_ACTIONS,
  initial: ['identified'],
  rules: {
    contact: { from: ['identified'], to: 'contacted', roles: TASK_WORKERS, reasonRequired: false },
    apply: { from: ['contacted'], to: 'applied', roles: TASK_WORKERS, reasonRequired: false },
    settle: { from: ['applied'], to: 'settled', roles: TASK_WORKERS, reasonRequired: false },
    decline: { from: ['identified', 'contacted', 'applied'], to: 'declined', roles: TASK_WORKERS, reasonRequired: false, danger: true, required: ['note'] },
  },
  system: [
    { from: 'identified', to: 'settled', event: 'settled by a case', note: 'a settled move-in case of the person' },
    { from: 'contacted', to: 'settled', event: 'settled by a case', note: 'a settled move-in case of the person' },
    { from: 'applied', to: 'settled', event: 'settled by a case', note: 'a settled move-in case of the person' },
  ],
});
