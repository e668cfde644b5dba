import type { CaseAction, CaseStatus } from '../hukou-case';
import type { WorkflowLabels } from './label';

/** The hukou case's states and actions in each language (CASE_WORKFLOW_DEF.labels; the SPA's household.status / household.action). */
export const CASE_LABELS: WorkflowLabels<CaseStatus, CaseAction> = {
  states: {
    DRAFT: { 'zh-CN': '草稿', en: 'Draft' , tone: 'info' },
    SUBMITTED: { 'zh-CN': '已提交', en: 'Submitted' , tone: 'primary' },
    NEEDS_SUPPLEMENT: { 'zh-CN': '待补正', en: 'Needs supplement' , tone: 'warning' },
    ACCEPTED: { 'zh-CN': '已受理', en: 'Accepted' , tone: 'primary' },
    APPROVED: { 'zh-CN': '已审批', en: 'Approved' , tone: 'success' },
    SETTLED: { 'zh-CN': '已落户', en: 'Settled' , tone: 'success' },
    REJECTED: { 'zh-CN': '不予受理', en: 'Rejected' , tone: 'danger' },
    WITHDRAWN: { 'zh-CN': '已撤回', en: 'Withdrawn' , tone: 'info' },
    REVOKED: { 'zh-CN': '已撤销', en: 'Revoked' , tone: 'danger' },
  },
  actions: {
    submit: { 'zh-CN': '提交', en: 'Submit' },
    supplement: { 'zh-CN': '补正材料', en: 'Supplement' },
    request_supplement: { 'zh-CN': '一次性告知补正', en: 'Request supplement' },
    accept: { 'zh-CN': '受理', en: 'Accept' },
    approve: { 'zh-CN': '审批通过', en: 'Approve' },
    settle: { 'zh-CN': '办理落户', en: 'Settle' },
    request_revoke: { 'zh-CN': '申请撤销', en: 'Request revocation' },
    confirm_revoke: { 'zh-CN': '确认撤销', en: 'Confirm revocation' },
    cancel_revoke: { 'zh-CN': '取消撤销', en: 'Cancel revocation' },
    reject: { 'zh-CN': '不予受理', en: 'Reject' },
    withdraw: { 'zh-CN': '撤回', en: 'Withdraw' },
  },
};
