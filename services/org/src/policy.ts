import type { FastifyRequest } from 'fastify';
import { GRANTABLE, ORG_POLICY, type OrgAction, policyGuards } from '@redheart/shared';

/**
 * Who may do what in the org service, as data: one row per action, the roles that may take it and the
 * 403 message given to the others. Routes and services check it through `may` / `assertMay` (or the
 * hooks `requireMay` / `writesNeed`), never with an inline role list or `role ===`. Scope (which
 * records of the chart a caller sees) is the other half of every check: scope/scope.ts.
 */

export { GRANTABLE };

/** The 403's message of each action (the roles are @redheart/shared's ORG_POLICY, which the SPA reads too). */
const MESSAGES: { readonly [A in OrgAction]: string } = {
  'org.write': '您的角色无权修改组织架构',
  'org.writeOwnRoot': '只有市委组织部或县（市、区）委组织部管理员可以修改本级组织',
  'positions.appointOwnSecretary': '本组织的书记由上级任命',
  'catalogue.write': '只有管理员可以修改服务目录',
  'coverage.counties': '县区对比仅供市委、县委组织部查看',
  'divisions.import': '只有市委组织部或县（市、区）委组织部管理员可以导入行政区划',
  'divisions.importCityWide': '只有市委组织部可以导入全市的行政区划',
  'meetings.takePart': '您的角色无权查看或召开大党委/大工委会议',
  'monitor.read': '只有管理员可以查看系统监控',
  'monitor.readAll': '只有管理员可以查看全部登录记录',
  'scope.reportedCommunities': '您的角色无权查看报到社区',
  'systemLog.read': '只有管理员可以查看系统日志',
  'systemLog.readCity': '只有市委组织部可以查看全市的系统日志',
  'systemLog.readUnscoped': '只有管理员可以查看不属于任何组织的日志',
  'accounts.manage': '您的角色无权管理账号',
};

export type Action = OrgAction;

/** `may` / `assertMay` (403 with the action's message, or `message`) and the preValidation hook `requireMay`. */
export const { policy: POLICY, may, assertMay, requireMay, rolesFor, matrix } = policyGuards(ORG_POLICY, MESSAGES);

/** The refusal of an action, where a service refuses after looking at the record (not only the role). */
export const refusalOf = (action: Action): string => MESSAGES[action];

/** A preValidation hook for a plugin whose reads are open to every logged-in role: its writes need the action. */
export const writesNeed = (action: Action, message?: string) => async (req: FastifyRequest): Promise<void> => {
  if (req.method !== 'GET' && req.method !== 'HEAD') assertMay(req.user, action, message);
};
