import type { FastifyRequest } from 'fastify';
import type { AuthUser, Role } from './auth';
import { AppError } from './errors';

/**
 * The one access rule of every route (docs/api.md, "Scope and role"):
 * - a role that may not do something at all → 403 FORBIDDEN, checked first (before the body or the
 *   query is validated, before any record is read);
 * - a record, or a filter (`communityId`, `streetId`, …), outside the caller's scope → 404 NOT_FOUND,
 *   exactly as if it did not exist, never a 200 with an empty list.
 */
export function assertRole(user: Pick<AuthUser, 'role'>, roles: readonly Role[], message = '您的角色无权进行此操作'): void {
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
