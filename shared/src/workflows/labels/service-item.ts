import type { ItemAction, ItemStatus } from '../service-item';
import type { WorkflowLabels } from './label';

/** The service item's states and actions in each language (ITEM_WORKFLOW_DEF.labels; the SPA's volunteer.status / volunteer.action). */
export const ITEM_LABELS: WorkflowLabels<ItemStatus, ItemAction> = {
  states: {
    REPORTED: { 'zh-CN': '待分拣', en: 'To triage' , tone: 'info' },
    PUBLISHED: { 'zh-CN': '待认领', en: 'Open to claim' , tone: 'primary' },
    REJECTED: { 'zh-CN': '不予受理', en: 'Rejected' , tone: 'danger' },
    REFERRED: { 'zh-CN': '已转办', en: 'Referred' , tone: 'info' },
    MERGED: { 'zh-CN': '已合并', en: 'Merged' , tone: 'info' },
    CLAIMED: { 'zh-CN': '已认领', en: 'Claimed' , tone: 'warning' },
    ESCALATED: { 'zh-CN': '已吹哨', en: 'Escalated' , tone: 'danger' },
    SCHEDULED: { 'zh-CN': '已排期', en: 'Scheduled' , tone: 'warning' },
    IN_PROGRESS: { 'zh-CN': '服务中', en: 'In progress' , tone: 'warning' },
    DONE: { 'zh-CN': '待评价', en: 'Awaiting rating' , tone: 'success' },
    CONFIRMED: { 'zh-CN': '已评价', en: 'Rated' , tone: 'success' },
    CLOSED: { 'zh-CN': '已办结', en: 'Closed' , tone: 'success' },
    CANCELLED: { 'zh-CN': '已取消', en: 'Cancelled' , tone: 'info' },
  },
  actions: {
    publish: { 'zh-CN': '发布', en: 'Publish' },
    claim: { 'zh-CN': '认领', en: 'Claim' },
    signup: { 'zh-CN': '报名', en: 'Sign up' },
    assign: { 'zh-CN': '派单', en: 'Assign' },
    schedule: { 'zh-CN': '排期', en: 'Schedule' },
    start: { 'zh-CN': '开始服务', en: 'Start' },
    complete: { 'zh-CN': '完成服务', en: 'Complete' },
    confirm: { 'zh-CN': '确认评价', en: 'Confirm and rate' },
    refer: { 'zh-CN': '转办', en: 'Refer' },
    merge: { 'zh-CN': '合并', en: 'Merge' },
    reopen: { 'zh-CN': '返工', en: 'Rework' },
    withdraw_signup: { 'zh-CN': '取消报名', en: 'Withdraw' },
    release: { 'zh-CN': '退回', en: 'Release' },
    reject: { 'zh-CN': '不予受理', en: 'Reject' },
    cancel: { 'zh-CN': '取消', en: 'Cancel item' },
  },
};
