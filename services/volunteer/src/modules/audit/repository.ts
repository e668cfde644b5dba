import { communityOwnedPathSql } from '@redheart/shared';

/**
 * The SQL of the volunteer service's 操作日志 (shared/src/audit-route.ts reads audit_entry with it): the org path of
 * the organisation an entry's record belongs to. A record belongs to its community; the county's lists (categories,
 * practical projects) to no organisation: the admins'.
 */
export const VOLUNTEER_AUDIT_OWNER_PATH = communityOwnedPathSql({
  item: 'item',
  member: 'member',
  unit_report: 'unit_report',
  project: 'project',
  resource: 'resource',
});
