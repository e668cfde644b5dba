import type { WorkflowLabels } from './label';
import type { ResponseAction, ResponseStatus, WhistleAction, WhistleStatus } from '../whistle';

/** The whistle's states and actions in each language (WHISTLE_WORKFLOW_DEF.labels; the SPA's whistles.status / whistles.action). */
export const WHISTLE_LABELS: WorkflowLabels<WhistleStatus, WhistleAction> = {
  states: {
    PROPOSED: { 'zh-CN': '社区提请', en: 'Proposed by community' , tone: 'info' },
    SENT: { 'zh-CN': '待部门报到', en: 'Awaiting departments' , tone: 'warning' },
    ESCALATED: { 'zh-CN': '超期督办', en: 'Overdue, supervised' , tone: 'danger' },
    ANSWERED: { 'zh-CN': '待评价', en: 'To rate' , tone: 'primary' },
    CLOSED: { 'zh-CN': '已办结', en: 'Closed' , tone: 'success' },
    DECLINED: { 'zh-CN': '街道未采纳', en: 'Not taken up' , tone: 'info' },
    WITHDRAWN: { 'zh-CN': '已撤回', en: 'Withdrawn' , tone: 'info' },
  },
  actions: {
    send: { 'zh-CN': '呼叫部门', en: 'Whistle the departments' },
    decline: { 'zh-CN': '不予呼叫', en: 'Decline' },
    withdraw: { 'zh-CN': '撤回', en: 'Withdraw' },
    close: { 'zh-CN': '办结', en: 'Close' },
  },
};

/** A department's answer to a whistle (RESPONSE_WORKFLOW_DEF.labels; the SPA's whistles.response / whistles.action). */
export const RESPONSE_LABELS: WorkflowLabels<ResponseStatus, ResponseAction> = {
  states: {
    PROPOSED: { 'zh-CN': '拟呼叫', en: 'Proposed' , tone: 'info' },
    PENDING: { 'zh-CN': '待接单', en: 'To accept' , tone: 'warning' },
    ACCEPTED: { 'zh-CN': '已接单', en: 'Accepted' , tone: 'info' },
    ACTING: { 'zh-CN': '处置中', en: 'In hand' , tone: 'info' },
    REPORTED: { 'zh-CN': '已反馈', en: 'Reported' , tone: 'primary' },
    RATED: { 'zh-CN': '已评价', en: 'Rated' , tone: 'success' },
    DECLINED: { 'zh-CN': '已退回', en: 'Refused' , tone: 'info' },
    WITHDRAWN: { 'zh-CN': '已撤回', en: 'Withdrawn' , tone: 'info' },
  },
  actions: {
    accept: { 'zh-CN': '接单报到', en: 'Accept (report for duty)' },
    refuse: { 'zh-CN': '退回（非本部门职责）', en: 'Refuse (not our duty)' },
    act: { 'zh-CN': '登记处置进展', en: 'Record progress' },
    report: { 'zh-CN': '反馈结果', en: 'Report the result' },
    rate: { 'zh-CN': '评价', en: 'Rate' },
    return: { 'zh-CN': '退回返工', en: 'Return for rework' },
    supervise: { 'zh-CN': '督办', en: 'Supervise' },
  },
};
