import type { FastifyInstance } from 'fastify';
import type { EntityManager } from 'typeorm';
import { assertRole, parseQuery, type Role } from '@redheart/shared';
import { type Ctx, DetailService, scopePatterns } from './common';
import { AuditQuery } from './dto';
import { auditEntrySchema, list } from './schemas';
import { requestCtx } from './request';

export interface AuditEntryView {
  id: number;
  occurredAt: Date;
  actorId: string | null;
  actorUsername: string | null;
  actorRole: string | null;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  requestId: string | null;
}

const AUDIT_READERS: readonly Role[] = ['city_admin', 'admin', 'street_admin'];

/**
 * The path of the organisation an audited record belongs to, so a street admin reads the trail of
 * their own street only. Entity types not listed here (the county-wide catalogue) have none: admins only.
 */
const owned = (table: string, column: string) =>
  `(SELECT o.path FROM ${table} x JOIN org_unit o ON o.id = x.${column} WHERE x.id = a.entity_id::bigint)`;
const OWNER_PATH = `CASE WHEN a.entity_id ~ '^[0-9]{1,18}$' THEN
    CASE a.entity_type
      WHEN 'org_unit' THEN (SELECT o.path FROM org_unit o WHERE o.id = a.entity_id::bigint)
      WHEN 'community_catalogue' THEN (SELECT o.path FROM org_unit o WHERE o.id = a.entity_id::bigint)
      WHEN 'position' THEN ${owned('position', 'org_id')}
      WHEN 'grid' THEN ${owned('grid', 'community_id')}
      WHEN 'cadre_assignment' THEN ${owned('cadre_assignment', 'community_id')}
      WHEN 'desk' THEN ${owned('desk', 'community_id')}
      WHEN 'compound' THEN ${owned('compound', 'community_id')}
    END
  END`;

export class AuditRepository {
  constructor(private readonly db: EntityManager) {}

  /** Newest first, keyset-paged by id: the next page passes the last id seen as `before`. */
  async list(f: { entityType?: string; entityId?: string; before?: number; limit: number; scopePaths: string[] | null; unowned?: boolean }): Promise<AuditEntryView[]> {
    return this.db.query(
      `SELECT a.id, a.occurred_at AS "occurredAt", a.actor_id AS "actorId", a.actor_username AS "actorUsername", a.actor_role AS "actorRole",
              a.action, a.entity_type AS "entityType", a.entity_id AS "entityId", a.before, a.after, a.reason, a.request_id AS "requestId"
         FROM audit_entry a
        WHERE ($1::text IS NULL OR a.entity_type = $1) AND ($2::text IS NULL OR a.entity_id = $2) AND ($3::bigint IS NULL OR a.id < $3)
          AND ($4::text[] IS NULL OR coalesce((${OWNER_PATH}) LIKE ANY($4::text[]), $6::boolean))
        ORDER BY a.id DESC
        LIMIT $5`,
      [f.entityType ?? null, f.entityId ?? null, f.before ?? null, f.scopePaths ? scopePatterns(f.scopePaths) : null, f.limit, f.unowned ?? false],
    );
  }
}

export class AuditService extends DetailService {
  private readonly repo = new AuditRepository(this.ds.manager);

  async list(ctx: Ctx, q: AuditQuery): Promise<AuditEntryView[]> {
    assertRole(ctx.user, AUDIT_READERS, '只有管理员可以查看审计记录');
    const scope = await this.scope(ctx.user);
    return this.repo.list({
      entityType: q.entityType,
      entityId: q.entityId,
      before: q.before,
      limit: q.limit ?? 50,
      // the city reads every county's trail; a county admin their county's, and the entries that
      // belong to no organisation (the catalogue, the seed); a street admin their street's
      scopePaths: ctx.user.role === 'city_admin' ? null : scope.paths,
      unowned: ctx.user.role === 'admin',
    });
  }
}

export function auditRoutes(app: FastifyInstance) {
  const service = new AuditService(app.db);

  app.get('/api/org/audit', {
    schema: { tags: ['audit'], summary: 'The audit trail, newest first (admins; a street admin sees their street’s)', response: { 200: list(auditEntrySchema) } },
    handler: async (req) => service.list(requestCtx(req), await parseQuery(AuditQuery, req.query)),
  });
}
