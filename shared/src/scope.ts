import type { FastifyRequest } from 'fastify';
import type { AuthUser, Role } from './auth';
import { AppError } from './errors';
import { ROLES } from './workflows/roles';
import { type PolicyTable, withMessages } from './workflows/policy';

/**
 * The one access rule of every route (docs/api.md, "Scope and role"):
 * - a role that may not do something at all → 403 FORBIDDEN, checked first (before the body or the
 *   query is validated, before any record is read);
 * - a record, or a filter (`communityId`, `streetId`, …), outside the caller's scope → 404 NOT_FOUND,
 *   exactly as if it did not exist, never a 200 with an empty list.
 */
/** The 403's text where a check names no message of its own. */
export const ROLE_REFUSAL = '您的角色无权进行此操作';

export function assertRole(user: Pick<AuthUser, 'role'>, roles: readonly Role[], message = ROLE_REFUSAL): void {
  if (!roles.includes(user.role)) throw new AppError(403, 'FORBIDDEN', message);
}

/** Throws 404 (`<what>不存在`) unless `condition` holds; `condition` is "the record exists and lies in scope". */
export function assertInScope(condition: unknown, what = '记录'): asserts condition {
  if (!condition) throw new AppError(404, 'NOT_FOUND', `${what}不存在或不在您的管辖范围内`);
}

/** preHandler: the caller's role must be one of these, else 403 (runs before body validation). */
export function requireRole(...roles: Role[]) {
  return async (request: FastifyRequest): Promise<void> => {
    assertRole(request.user, roles);
  };
}

/** A service's checks over its policy table (shared/src/workflows/policy.ts), as each services/<s>/src/policy.ts exports them. */
export interface PolicyGuards<A extends string> {
  /** The table joined with its refusals (withMessages). */
  policy: { readonly [K in A]: { readonly roles: readonly Role[]; readonly message?: string } };
  rolesFor: (action: A) => readonly Role[];
  /** Whether the caller's role may take the action. */
  may: (user: Pick<AuthUser, 'role'>, action: A) => boolean;
  /** 403 FORBIDDEN unless the caller's role may take the action: `message`, else the action's, else ROLE_REFUSAL. */
  assertMay: (user: Pick<AuthUser, 'role'>, action: A, message?: string) => void;
  /** A preValidation hook: the role first (403), before the body, the query or the params are looked at. */
  requireMay: (action: A, message?: string) => (req: FastifyRequest) => Promise<void>;
  /** The table as a matrix over every role (documentation and the policy tests). */
  matrix: () => Record<A, Record<Role, boolean>>;
}

/**
 * The guards of one policy table with its 403 messages (one per action, the shared default where absent).
 * `hookMessage`: what the preValidation hooks answer when the route names no message (default: the action's).
 */
export function policyGuards<T extends PolicyTable>(
  table: T, messages: { readonly [K in keyof T]?: string }, options: { hookMessage?: string } = {},
): PolicyGuards<keyof T & string> {
  type A = keyof T & string;
  const policy = withMessages(table, messages) as PolicyGuards<A>['policy'];
  const rolesFor = (action: A): readonly Role[] => policy[action].roles;
  const may = (user: Pick<AuthUser, 'role'>, action: A): boolean => rolesFor(action).includes(user.role);
  const assertMay = (user: Pick<AuthUser, 'role'>, action: A, message?: string): void => assertRole(user, rolesFor(action), message ?? policy[action].message);
  const requireMay = (action: A, message?: string) => async (req: FastifyRequest): Promise<void> => assertMay(req.user, action, message ?? options.hookMessage);
  const matrix = () => Object.fromEntries(
    (Object.keys(policy) as A[]).map((a) => [a, Object.fromEntries(ROLES.map((r) => [r, rolesFor(a).includes(r)]))]),
  ) as Record<A, Record<Role, boolean>>;
  return { policy, rolesFor, may, assertMay, requireMay, matrix };
}
