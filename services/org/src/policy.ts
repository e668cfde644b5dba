import type { FastifyRequest } from 'fastify';
import { AppError, type AuthUser, COUNTY_READERS, ROLES, type Role } from '@redheart/shared';

/**
 * Who may do what in the org service, as data: one row per action, the roles that may take it and the
 * 403 message given to the others. Routes and services check it through `may` / `assertMay` (or the
 * hooks `requireMay` / `writesNeed`), never with an inline role list or `role ===`. Scope (which
 * records of the chart a caller sees) is the other half of every check: scope/scope.ts.
 */

/**
 * Who may give (and manage accounts of) which roles: the city's organisation department everything, a
 * county's everything but the city level, a street its communities' staff, a community secretary the
 * community's own staff. Managing an existing account needs the right to give its current role, so
 * nobody manages someone above them.
 */
export const GRANTABLE: Partial<Record<Role, readonly Role[]>> = {
  // the city's organisation department: county admins and everyone below, in every county
  city_admin: ROLES,
  // a county's: everything in the county (a second county admin too), never the city level
  admin: ROLES.filter((r) => r !== 'city_admin'),
  street_admin: ['community_secretary', 'community_clerk', 'grid_worker', 'member'],
  community_secretary: ['community_clerk', 'grid_worker', 'member'],
};

interface Rule {
  readonly roles: readonly Role[];
  readonly message: string;
}

/** The organisation departments of the city and of a county. */
const TOP_ADMINS: readonly Role[] = ['city_admin', 'admin'];

export const POLICY = {
  /** Change the org chart and what hangs off it (positions, grids, cadres, desks, compounds, offers), each inside its own subtree. */
  'org.write': { roles: ['city_admin', 'admin', 'street_admin', 'community_secretary'], message: '您的角色无权修改组织架构' },
  /** Edit one's own root organisation, set division codes and the department flag (others manage what lies below their own). */
  'org.writeOwnRoot': { roles: TOP_ADMINS, message: '只有市委组织部或县（市、区）委组织部管理员可以修改本级组织' },
  /** Appoint the secretary of one's own organisation (otherwise the level above appoints it). */
  'positions.appointOwnSecretary': { roles: TOP_ADMINS, message: 'The secretary of your own organisation is appointed by the level above' },
  /** Edit the county-wide service catalogue. */
  'catalogue.write': { roles: TOP_ADMINS, message: '只有管理员可以修改服务目录' },
  /** Compare counties (the city: every county; a county: its own). */
  'coverage.counties': { roles: COUNTY_READERS, message: '县区对比仅供市委、县委组织部查看' },
  /** Import divisions (and read the imports) of one's city or county. */
  'divisions.import': { roles: TOP_ADMINS, message: '只有市委组织部或县（市、区）委组织部管理员可以导入行政区划' },
  /** Import any county of one's city (a county admin: only their own county). */
  'divisions.importCityWide': { roles: ['city_admin'], message: '只有市委组织部可以导入全市的行政区划' },
  /**
   * Convene and keep the joint committees' meetings (大党委 / 大工委): the community's staff (its committee), the
   * street (the street's committee and its communities'), a county's and the city's organisation departments;
   * a meeting outside the caller's subtree does not exist for them (404).
   */
  'meetings.takePart': { roles: ['city_admin', 'admin', 'street_admin', 'community_secretary', 'community_clerk'], message: '您的角色无权查看或召开大党委/大工委会议' },
  /** The login log and online sessions (a street admin: its street's accounts). */
  'monitor.read': { roles: ['admin', 'street_admin'], message: '只有管理员可以查看系统监控' },
  /** … of every account, and end any session. */
  'monitor.readAll': { roles: ['admin'], message: '只有管理员可以查看全部登录记录' },
  /** Scope: besides one's own organisation, the communities one's work unit reports to (双报到). */
  'scope.reportedCommunities': { roles: ['unit_staff'], message: '您的角色无权查看报到社区' },
  /** The system log: every entry of the city (a county admin's and the others' are scoped as each operation log). */
  'systemLog.readCity': { roles: ['city_admin'], message: '只有市委组织部可以查看全市的系统日志' },
  /** … and the entries of no organisation (logins, the county's own lists). */
  'systemLog.readUnscoped': { roles: ['admin'], message: '只有管理员可以查看不属于任何组织的日志' },
  /** Manage accounts (of the roles GRANTABLE gives one). */
  'accounts.manage': { roles: Object.keys(GRANTABLE) as Role[], message: '您的角色无权管理账号' },
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof POLICY;

/** Whether the caller's role may take the action. */
export const may = (user: Pick<AuthUser, 'role'>, action: Action): boolean => (POLICY[action].roles as readonly Role[]).includes(user.role);

/** 403 FORBIDDEN (the action's message, or `message`) unless the caller's role may take the action. */
export function assertMay(user: Pick<AuthUser, 'role'>, action: Action, message: string = POLICY[action].message): void {
  if (!may(user, action)) throw new AppError(403, 'FORBIDDEN', message);
}

/** A preValidation hook: the role first (403), before the body, the query or the params are looked at. */
export const requireMay = (action: Action, message?: string) => async (req: FastifyRequest): Promise<void> => assertMay(req.user, action, message);

/** A preValidation hook for a plugin whose reads are open to every logged-in role: its writes need the action. */
export const writesNeed = (action: Action, message?: string) => async (req: FastifyRequest): Promise<void> => {
  if (req.method !== 'GET' && req.method !== 'HEAD') assertMay(req.user, action, message);
};
