import type { ReportDecision, ReportStatus } from '../dual-report';
import type { WorkflowLabels } from './label';

/**
 * A dual report's states and decisions in each language, for the unit's and the member's report alike (a member
 * report has no `ended` and no `end`): UNIT_/MEMBER_REPORT_WORKFLOW_DEF.labels; the SPA's volunteer.reportStatus and
 * volunteer.approvals' buttons.
 */
export const REPORT_LABELS: WorkflowLabels<ReportStatus, ReportDecision> = {
  states: {
    pending: { 'zh-CN': '待审批', en: 'Pending' , tone: 'warning' },
    approved: { 'zh-CN': '已通过', en: 'Approved' , tone: 'success' },
    rejected: { 'zh-CN': '未通过', en: 'Rejected' , tone: 'danger' },
    ended: { 'zh-CN': '已结束', en: 'Ended' , tone: 'info' },
  },
  actions: {
    approve: { 'zh-CN': '通过', en: 'Approve' },
    reject: { 'zh-CN': '不通过', en: 'Reject' },
    end: { 'zh-CN': '结束报到', en: 'End report' },
  },
};
