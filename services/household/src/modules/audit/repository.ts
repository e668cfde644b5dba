import { communityOwnedPathSql } from '@redheart/shared';

/**
 * The SQL of the household service's 操作日志 (shared/src/audit-route.ts reads audit_entry with it): the org path of
 * the organisation an entry's record belongs to. A record belongs to its community (a person to the community of their
 * active registration, else their latest); bulk imports (entity id `bulk`) belong to no organisation and are the admins'.
 */
const PERSON = `WHEN a.entity_type = 'person' AND a.entity_id ~ '^[0-9]{1,18}$' THEN
  (SELECT c.path FROM registration r JOIN household h ON h.id = r.household_id JOIN community_ref c ON c.id = h.community_id
    WHERE r.person_id = a.entity_id::bigint ORDER BY (r.status = 'active') DESC, r.start_date DESC LIMIT 1)`;
export const HOUSEHOLD_AUDIT_OWNER_PATH = `CASE ${PERSON} ELSE ${communityOwnedPathSql({
  household: 'household',
  move_case: 'move_case',
  service_application: 'service_application',
  outreach_task: 'outreach_task',
  property: 'property',
  community: 'community_ref',
})} END`;
