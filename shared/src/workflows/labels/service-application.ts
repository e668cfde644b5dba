import type { ApplicationAction, ApplicationStatus } from '../service-application';
import type { WorkflowLabels } from './label';

/** The service application's states and actions in each language (APPLICATION_WORKFLOW_DEF.labels; the SPA's services.status / services.action). */
export const APPLICATION_LABELS: WorkflowLabels<ApplicationStatus, ApplicationAction> = {
  states: {
    SUBMITTED: { 'zh-CN': '待受理', en: 'To accept' , tone: 'primary' },
    NEEDS_SUPPLEMENT: { 'zh-CN': '待补正', en: 'Needs supplement' , tone: 'warning' },
    ACCEPTED: { 'zh-CN': '已受理', en: 'Accepted' , tone: 'primary' },
    HANDED_OVER: { 'zh-CN': '已转县直部门', en: 'With county department' , tone: 'warning' },
    DONE: { 'zh-CN': '已办结', en: 'Done' , tone: 'success' },
    REJECTED: { 'zh-CN': '不予受理/退回', en: 'Rejected' , tone: 'danger' },
    WITHDRAWN: { 'zh-CN': '已撤回', en: 'Withdrawn' , tone: 'info' },
  },
  actions: {
    request_supplement: { 'zh-CN': '一次性告知补正', en: 'Ask for missing materials' },
    supplement: { 'zh-CN': '材料已补齐', en: 'Materials complete' },
    accept: { 'zh-CN': '受理', en: 'Accept' },
    hand_over: { 'zh-CN': '转县直部门', en: 'Hand over to county department' },
    complete: { 'zh-CN': '办结', en: 'Done' },
    reject: { 'zh-CN': '不予受理', en: 'Reject' },
    withdraw: { 'zh-CN': '撤回', en: 'Withdraw' },
  },
};
