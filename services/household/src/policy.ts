import { HOUSEHOLD_POLICY, type HouseholdAction, policyGuards, ROLE_REFUSAL } from '@redheart/shared';

/**
 * Who may do what in the household service, as data: the roles of each permission are @redheart/shared's
 * HOUSEHOLD_POLICY (shared/src/workflows/policy.ts, which the SPA's menus and buttons read too); here they get the
 * refusal a service check answers with. Routes and services ask `may`, `assertMay` or `requireMay`,
 * never `role ===` or a list of their own.
 * Scope (which records) is separate: a permitted role still sees only its area (404 outside it).
 * The workflows' own per-action roles (hukou cases, applications, outreach tasks) stay with their
 * tables in @redheart/shared's workflows; the rows that share them point at those tables.
 */

/** The 403's message where a service refuses (a route's preValidation answers with requireRole's). */
const REFUSALS: { readonly [A in HouseholdAction]: string } = {
  readRegister: '您的角色无权查看户籍',
  openCase: '您的角色无权办理迁入迁出案件',
  chooseCommunity: '请选择社区',
  readRevealLog: '只有管理员可以查看身份证号查看记录',
  readEveryReveal: '只有管理员可以查看全部身份证号查看记录',
  importRegisters: '您的角色无权导入登记数据',
  readOthersExports: '您的角色无权查看他人的导出',
  compareRegisters: '您的角色无权进行比对',
  workTasks: '您的角色无权处理走访任务',
  readApplications: '您的角色无权查看政务服务申请',
  takeApplications: '您的角色无权受理政务服务申请',
  compareCounties: '县区对比仅供市委、县委组织部查看',
};

export type Action = HouseholdAction;

/**
 * The rows (roles from @redheart/shared's HOUSEHOLD_POLICY, which the SPA reads too) with their refusals: `assertMay`
 * answers the action's refusal; the preValidation hook `requireMay` answers as requireRole does (ROLE_REFUSAL), before
 * the body or the query is read. `matrix`: the table over every role (documentation and the policy test).
 */
export const { policy: POLICY, may, assertMay, requireMay, rolesFor, matrix } = policyGuards(HOUSEHOLD_POLICY, REFUSALS, { hookMessage: ROLE_REFUSAL });
