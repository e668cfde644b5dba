import { type AuthUser, policyGuards, type Role, VOLUNTEER_POLICY, type VolunteerAction } from '@redheart/shared';

/**
 * Who may do what in the volunteer service, as data: the roles of each permission are @redheart/shared's
 * VOLUNTEER_POLICY (shared/src/workflows/policy.ts, which the SPA reads too; the workflows' own action rules stay in
 * their tables). A role not named for a permission gets 403 FORBIDDEN with the entry's message, before the body or
 * query is read; scope (which records) is checked afterwards, as 404.
 */

/** The 403's message of an action (the shared default where absent); the roles are @redheart/shared's VOLUNTEER_POLICY. */
const MESSAGES: { readonly [P in VolunteerAction]?: string } = {
  'item.report': '您的角色无权上报需求',
  'item.reportFromMeeting': '您的角色无权上报需求',
  'jobs.run': '只有管理员可以手动运行任务',
  'lists.edit': '只有管理员可以修改此列表',
  'resource.offer': '资源由单位工作人员提供',
  'project.fromMeeting': '您的角色无权建立项目',
  'unitReport.create': '只有单位工作人员可以为本单位报到',
  'report.decide': '只有社区可以审核报到',
  'memberReport.create': '只有党员本人可以报到',
  'memberGroup.edit': '只有管理员可以修改服务队',
  'member.setGroup': '只有社区可以调整党员的服务队',
  'scorecard.unit.read': '成员和网格员不能查看单位的积分卡',
  'ratingLink.issue': '只有社区可以打印服务完成告知单',
  'overview.read': '总览仅供组织部、街道和社区查看',
  'overview.counties': '县区对比仅供市委、县委组织部查看',
  'whistle.read': '您的角色无权查看街呼县应',
  'whistle.raise': '只有街道或社区可以发起街呼县应',
  'departmentScorecard.read': '您的角色无权查看部门考评',
};

export type Permission = VolunteerAction;

/**
 * `may` / `assertMay` (403 with the entry's message) and the routes' preValidation hook `requireMay`: the permission is
 * checked before anything of the request is read.
 */
export const { policy: POLICY, may, assertMay, requireMay, rolesFor, matrix } = policyGuards(VOLUNTEER_POLICY, MESSAGES);

/**
 * How a role's records are chosen where it matters to the lists: a unit's staff see their own unit's (their `orgId`),
 * a member their own, everyone else what lies under their scope paths.
 */
const SCOPE_BY_ROLE: Partial<Record<Role, 'unit' | 'self'>> = { unit_staff: 'unit', member: 'self' };
export type ScopeKind = 'unit' | 'self' | 'paths';
export const scopeKind = (user: Pick<AuthUser, 'role'>): ScopeKind => SCOPE_BY_ROLE[user.role] ?? 'paths';
