import type { TaskAction, TaskStatus } from '../outreach-task';
import type { WorkflowLabels } from './label';

/** The outreach task's states and actions in each language (TASK_WORKFLOW_DEF.labels; the SPA's household.separation.stage / .action). */
export const TASK_LABELS: WorkflowLabels<TaskStatus, TaskAction> = {
  states: {
    identified: { 'zh-CN': '已识别', en: 'Identified' , tone: 'info' },
    contacted: { 'zh-CN': '已联系', en: 'Contacted' , tone: 'primary' },
    applied: { 'zh-CN': '已申请', en: 'Applied' , tone: 'warning' },
    settled: { 'zh-CN': '已落户', en: 'Settled' , tone: 'success' },
    declined: { 'zh-CN': '已婉拒', en: 'Declined' , tone: 'danger' },
  },
  actions: {
    contact: { 'zh-CN': '已联系', en: 'Contacted' },
    apply: { 'zh-CN': '已申请', en: 'Applied' },
    settle: { 'zh-CN': '已落户', en: 'Settled' },
    decline: { 'zh-CN': '婉拒', en: 'Declined' },
  },
};
