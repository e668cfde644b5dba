import type { FastifyRequest } from 'fastify';
import { APPLICATION_CLERKS, assertRole, type AuthUser, COUNTY_READERS, ROLES, type Role, TASK_WORKERS } from '@redheart/shared';

/**
 * Who may do what in the household service, as data: one row per permission, the roles that hold it
 * (shared/src/workflows/roles.ts's ROLES) and the refusal a service check answers with. Routes and
 * services ask `can`, `assertCan` or `requirePermission`, never `role ===` or a list of their own.
 * Scope (which records) is separate: a permitted role still sees only its area (404 outside it).
 * The workflows' own per-action roles (hukou cases, applications, outreach tasks) stay with their
 * tables in @redheart/shared's workflows; the rows below that share them point at those tables.
 */
export interface Permission {
  roles: readonly Role[];
  /** The 403's message where a service refuses (a route's preValidation answers with requireRole's). */
  refusal: string;
}

const STAFF: readonly Role[] = ['admin', 'street_admin', 'community_secretary', 'community_clerk'];

export const POLICY = {
  /** The household register: cases, households, persons, properties, the separation figures, the statistics. */
  readRegister: { roles: [...STAFF, 'grid_worker'], refusal: '您的角色无权查看户籍' },
  /** Open a move-in or move-out case. */
  openCase: { roles: ['admin', 'community_secretary', 'community_clerk'], refusal: '您的角色无权办理迁入迁出案件' },
  /** Open a case or take an application in a community of one's scope other than one's own (the others: their own community). */
  chooseCommunity: { roles: ['admin'], refusal: '请选择社区' },
  /** The log of revealed ID numbers (a street admin: its streets' communities). */
  readRevealLog: { roles: ['admin', 'street_admin'], refusal: '只有管理员可以查看身份证号查看记录' },
  /** Every reveal, of any community (the county's admin). */
  readEveryReveal: { roles: ['admin'], refusal: '只有管理员可以查看全部身份证号查看记录' },
  /** Load the household or property register (a spreadsheet, or JSON), and read others' imports in scope. */
  importRegisters: { roles: STAFF, refusal: '您的角色无权导入登记数据' },
  /** Read the exports of others in scope (everyone reads their own). */
  readOthersExports: { roles: ['admin'], refusal: '您的角色无权查看他人的导出' },
  /** Compare the property register with the household register (writes snapshots and outreach tasks). */
  compareRegisters: { roles: STAFF, refusal: '您的角色无权进行比对' },
  /** Walk outreach tasks (the workflow's roles, TASK_WORKFLOW_DEF). */
  workTasks: { roles: TASK_WORKERS, refusal: '您的角色无权处理走访任务' },
  /** The 一网通办 applications and the service catalogue. */
  readApplications: { roles: ['city_admin', ...STAFF], refusal: '您的角色无权查看政务服务申请' },
  /** Take an application at the window (the workflow's roles, APPLICATION_WORKFLOW_DEF). */
  takeApplications: { roles: APPLICATION_CLERKS, refusal: '您的角色无权受理政务服务申请' },
  /** The county-by-county comparison (the organisation departments). */
  compareCounties: { roles: COUNTY_READERS, refusal: '县区对比仅供市委、县委组织部查看' },
} as const satisfies Record<string, Permission>;

export type Action = keyof typeof POLICY;

export const rolesFor = (action: Action): readonly Role[] => POLICY[action].roles;

export const can = (user: Pick<AuthUser, 'role'>, action: Action): boolean => rolesFor(action).includes(user.role);

/** 403 with the permission's refusal unless the caller's role holds it. */
export function assertCan(user: Pick<AuthUser, 'role'>, action: Action): void {
  assertRole(user, rolesFor(action), POLICY[action].refusal);
}

/** preValidation: the role first (403, as requireRole answers), before the body or the query is read. */
export function requirePermission(action: Action) {
  return async (req: FastifyRequest): Promise<void> => assertRole(req.user, rolesFor(action));
}

/** The table as a matrix over every role (documentation and the policy test). */
export function policyMatrix(): Record<Action, Record<Role, boolean>> {
  return Object.fromEntries(
    (Object.keys(POLICY) as Action[]).map((a) => [a, Object.fromEntries(ROLES.map((r) => [r, rolesFor(a).includes(r)]))]),
  ) as Record<Action, Record<Role, boolean>>;
}
