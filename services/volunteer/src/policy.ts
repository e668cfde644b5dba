import type { FastifyRequest } from 'fastify';
import { assertRole, type AuthUser, ITEM_COMMUNITY, REPORT_DECIDERS, type REPORTER_SOURCES, type Role } from '@redheart/shared';

/**
 * Who may do what in the volunteer service, as data (the roles are shared/src/workflows/roles.ts's ROLES; the
 * workflows' own action rules stay in their tables). A role not named for a permission gets 403 FORBIDDEN with the
 * entry's message, before the body or query is read; scope (which records) is checked afterwards, as 404.
 */
interface Rule {
  roles: readonly Role[];
  /** The 403's message (zh-CN); the shared default when absent. */
  message?: string;
}

/** The community: its clerks and secretaries, and the county admin (as on the item workflow). */
const COMMUNITY: readonly Role[] = ITEM_COMMUNITY;
const ADMIN: readonly Role[] = ['admin'];

export const POLICY = {
  /** Report a need (an item); a meeting's decision may also be reported by its street (items/service.ts). */
  'item.report': { roles: ['admin', 'community_clerk', 'community_secretary', 'grid_worker', 'member'], message: '您的角色无权上报需求' },
  /** … and a joint committee meeting's decision, which its street (大工委) may report too. */
  'item.reportFromMeeting': { roles: ['admin', 'community_clerk', 'community_secretary', 'grid_worker', 'member', 'street_admin'], message: '您的角色无权上报需求' },
  /** Report for any community in scope without naming it defaulting to one's own (the county admin names it). */
  'item.reportAnyCommunity': { roles: ADMIN },
  /** Evidence photos: the claiming unit's staff for their unit's items, the community for any. */
  'evidence.add': { roles: ['unit_staff', ...COMMUNITY] },
  'evidence.addAny': { roles: COMMUNITY },
  /** A reported member checks in on the service day. */
  checkin: { roles: ['member'] },
  /** Run a scheduled job now (the escalation). */
  'jobs.run': { roles: ADMIN, message: '只有管理员可以手动运行任务' },
  /** The county's reference lists (service categories, practical projects): admins edit them. */
  'lists.edit': { roles: ADMIN, message: '只有管理员可以修改此列表' },
  /** A unit offers a resource (its own staff). */
  'resource.offer': { roles: ['unit_staff'], message: '资源由单位工作人员提供' },
  /** Projects: match a need with a resource, update one; also a joint committee decision made into a project. */
  'project.edit': { roles: [...COMMUNITY, 'street_admin'] },
  'project.fromMeeting': { roles: [...COMMUNITY, 'street_admin'], message: '您的角色无权建立项目' },
  /** 双报到: a unit reports to a community, a member where they live; the community decides both. */
  'unitReport.create': { roles: ['unit_staff'], message: '只有单位工作人员可以为本单位报到' },
  /** Before the body is read: the decisions' roles (UNIT_REPORT_WORKFLOW_DEF, MEMBER_REPORT_WORKFLOW_DEF), which the service checks again per decision. */
  'report.decide': { roles: REPORT_DECIDERS, message: '只有社区可以审核报到' },
  'memberReport.create': { roles: ['member'], message: '只有党员本人可以报到' },
  'member.list': { roles: [...COMMUNITY, 'street_admin'] },
  /** Member groups (服务队): admins edit them; the community that approved a member puts them into one. */
  'memberGroup.edit': { roles: ADMIN, message: '只有管理员可以修改服务队' },
  'member.setGroup': { roles: COMMUNITY, message: '只有社区可以调整党员的服务队' },
  /** Unit scorecards: each within its scope; members and grid workers read none. */
  'scorecard.unit.read': { roles: ['admin', 'street_admin', 'community_secretary', 'community_clerk', 'unit_staff'], message: '成员和网格员不能查看单位的积分卡' },
  'scorecard.unit.list': { roles: ['admin', 'street_admin', 'community_secretary', 'community_clerk'] },
  /** Reads every unit's card with its members, whatever the unit reported to. */
  'scorecard.unit.any': { roles: ADMIN },
  /** The community sees an item's check-in code (any item's; a unit its own items') and the phone a resident left. */
  'item.community': { roles: COMMUNITY },
  /** The 服务完成告知单 with the residents' rating link. */
  'ratingLink.issue': { roles: ['admin', 'community_secretary', 'community_clerk'], message: '只有社区可以打印服务完成告知单' },
  /** The overview of the volunteer work (组织部, streets, communities). */
  'overview.read': { roles: ['admin', 'street_admin', 'community_secretary', 'community_clerk'], message: '总览仅供组织部、街道和社区查看' },
  /** 街呼县应: who reads whistles (grid workers and members do not), who raises one (a street sends it, a community proposes it). */
  'whistle.read': { roles: ['city_admin', 'admin', 'street_admin', 'community_secretary', 'community_clerk', 'unit_staff'], message: '您的角色无权查看街呼县应' },
  /** A street sends its whistle to the departments at once; a community's is a proposal its street decides on. */
  'whistle.send': { roles: ['street_admin'] },
  'whistle.raise': { roles: ['street_admin', 'community_secretary', 'community_clerk'], message: '只有街道或社区可以发起街呼县应' },
  /** The department scorecards: the county and the city, a street (its whistles), a department (itself). */
  'departmentScorecard.read': { roles: ['city_admin', 'admin', 'street_admin', 'unit_staff'], message: '您的角色无权查看部门考评' },
} as const satisfies Record<string, Rule>;

export type Permission = keyof typeof POLICY;

/**
 * How a role's records are chosen where it matters to the lists: a unit's staff see their own unit's (their `orgId`),
 * a member their own, everyone else what lies under their scope paths.
 */
const SCOPE_BY_ROLE: Partial<Record<Role, 'unit' | 'self'>> = { unit_staff: 'unit', member: 'self' };
/** Where an item a role reports without naming its source came from (the community otherwise). */
const ITEM_SOURCE_BY_ROLE: Partial<Record<Role, (typeof REPORTER_SOURCES)[number]>> = { grid_worker: 'grid_worker', member: 'resident' };
export const defaultItemSource = (user: Pick<AuthUser, 'role'>): (typeof REPORTER_SOURCES)[number] => ITEM_SOURCE_BY_ROLE[user.role] ?? 'community';
export type ScopeKind = 'unit' | 'self' | 'paths';
export const scopeKind = (user: Pick<AuthUser, 'role'>): ScopeKind => SCOPE_BY_ROLE[user.role] ?? 'paths';

/** Whether the user's role holds the permission. */
export const may = (user: Pick<AuthUser, 'role'>, permission: Permission): boolean => (POLICY[permission].roles as readonly Role[]).includes(user.role);

/** 403 (the entry's message) unless the user's role holds the permission. */
export function assertMay(user: Pick<AuthUser, 'role'>, permission: Permission): void {
  const rule: Rule = POLICY[permission];
  assertRole(user, rule.roles, rule.message);
}

/** A route's preValidation hook: the permission is checked before anything of the request is read. */
export const allow = (permission: Permission) => async (req: FastifyRequest): Promise<void> => assertMay(req.user, permission);
