import type { FastifyInstance } from 'fastify';
import { communityOwnedPathSql, registerAuditRoute } from '@redheart/shared';

/**
 * 操作日志 of the household service: GET /api/household/audit (shared/src/audit-route.ts). A record
 * belongs to its community (a person to the community of their active registration); bulk imports
 * (entity id `bulk`) belong to no organisation and are the admins'.
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

export default async function auditRoutes(app: FastifyInstance) {
  registerAuditRoute(app, { prefix: '/api/household', ownerPathSql: HOUSEHOLD_AUDIT_OWNER_PATH });
}
