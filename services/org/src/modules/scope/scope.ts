import type { EntityManager } from 'typeorm';
import { type AuthUser, inScope, notFound, type Role } from '@redheart/shared';
import { may } from '../../policy';
import { ScopeRepository } from './repository';

/**
 * The org service owns the tree, so it reads scope fresh from the database on every request:
 * after a community is moved the new street admin sees it at once. Other services trust the
 * `scopePaths` claim, which is right again at the next token refresh (≤ 15 min).
 */
// Scope is read on every request; paths change only when the chart is restructured, which clears
// this cache in the process that made the change (and other processes see it within SCOPE_TTL_MS).
const SCOPE_TTL_MS = 5_000;
const scopeCache = new Map<string, { paths: string[]; until: number }>();

/** Called after a subtree move or a change of a unit's reports. */
export function clearScopeCache(): void {
  scopeCache.clear();
}

/** A unit's staff see, besides their unit, the communities it reports to (双报到). */
const seesReports = (role: string) => may({ role: role as Role }, 'scope.reportedCommunities');

export async function currentScopePaths(db: EntityManager, orgId: number, role: string): Promise<string[]> {
  const key = `${orgId}:${seesReports(role) ? 'unit' : 'org'}`;
  const hit = scopeCache.get(key);
  if (hit && hit.until > Date.now()) return hit.paths;
  const paths = await readScopePaths(db, orgId, role);
  if (scopeCache.size > 50_000) scopeCache.clear();
  scopeCache.set(key, { paths, until: Date.now() + SCOPE_TTL_MS });
  return paths;
}

async function readScopePaths(db: EntityManager, orgId: number, role: string): Promise<string[]> {
  const repo = new ScopeRepository(db);
  const own = await repo.orgPath(orgId);
  if (own === undefined) return [];
  const paths = [own];
  if (seesReports(role)) paths.push(...(await repo.reportedCommunityPaths(orgId)));
  return paths;
}

export interface Scope {
  user: AuthUser;
  paths: string[];
  /** The path of the user's own organisation. */
  ownPath: string;
}

export async function loadScope(db: EntityManager, user: AuthUser): Promise<Scope> {
  const paths = await currentScopePaths(db, user.orgId, user.role);
  if (!paths.length) throw notFound('Organisation');
  return { user, paths, ownPath: paths[0] };
}

/** Outside the caller's scope a record does not exist for them: 404, never a hint that it does. */
export function assertInScope(scope: Scope, path: string, what = 'Organisation'): void {
  if (!inScope(path, scope.paths)) throw notFound(what);
}
