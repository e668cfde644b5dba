import type { FastifyInstance } from 'fastify';
import type { EntityManager } from 'typeorm';
import { IsIn, IsOptional } from 'class-validator';
import {
  type AuditRecorded, AuditListQuery, auditListEntrySchema, auditListQuerySchema, AUDIT_READERS, assertRole, type AuthUser, type EventConsumerSpec, type EventEnvelope,
  listAudit, pageSchema, parseQuery, PermanentEventError,
} from '@redheart/shared';
import { errorSchema } from '../schemas';

/**
 * 系统日志: every service's audit trail in one list, followed on events instead of asking each service. The
 * household, volunteer and notification services emit `<service>.audit.recorded` with each entry (shared/src/audit.ts
 * streamAuditAsEvents); the consumers here copy them into `system_log`, once per entry; the org service's own
 * entries are copied in their own transaction. Read at GET /api/org/system-log, scoped as each operation log is
 * (by the org path of the entry's record); the entries' before/after stay in the owning service's operation log.
 */
export const SYSTEM_LOG_SERVICES = ['org', 'household', 'volunteer', 'notify'] as const;
export type SystemLogService = (typeof SYSTEM_LOG_SERVICES)[number];

/** Writes one entry (a second copy of the same service and audit id does nothing). */
export async function recordSystemLog(m: EntityManager, e: AuditRecorded): Promise<void> {
  await m.query(
    `INSERT INTO system_log (service, audit_id, seq, occurred_at, actor_id, actor_username, actor_role, action, entity_type, entity_id, reason, request_id, org_path)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (service, audit_id) DO NOTHING`,
    [e.service, e.auditId, e.seq, e.occurredAt, e.actorId, e.actorUsername, e.actorRole, e.action, e.entityType, e.entityId, e.reason, e.requestId, e.orgPath],
  );
}

function recordedOf(e: EventEnvelope, service: string): AuditRecorded {
  const p = e.payload as Partial<AuditRecorded>;
  if (p.service !== service) throw new PermanentEventError(`payload.service is ${String(p.service)}, not ${service}`);
  if (!Number.isSafeInteger(p.auditId) || (p.auditId as number) < 1) throw new PermanentEventError('payload.auditId is not a positive integer');
  for (const k of ['action', 'entityType', 'entityId', 'occurredAt'] as const) {
    if (typeof p[k] !== 'string' || !p[k]) throw new PermanentEventError(`payload.${k} is missing`);
  }
  if (Number.isNaN(Date.parse(p.occurredAt as string))) throw new PermanentEventError('payload.occurredAt is not a time');
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    service, auditId: p.auditId as number, seq: typeof p.seq === 'number' ? p.seq : null, occurredAt: p.occurredAt as string,
    actorId: text(p.actorId), actorUsername: text(p.actorUsername), actorRole: text(p.actorRole),
    action: p.action as string, entityType: p.entityType as string, entityId: p.entityId as string,
    reason: text(p.reason), requestId: text(p.requestId), orgPath: text(p.orgPath),
  };
}

/** The consumers of the other services' audit streams (durable, shared by the org replicas: each entry is written once). */
export function systemLogConsumers(): EventConsumerSpec[] {
  return (['household', 'volunteer', 'notify'] as const).map((service) => ({
    name: `org-system-log-${service}`,
    from: service,
    types: `${service}.audit.>`,
    handlers: { [`${service}.audit.recorded`]: async (m: EntityManager, e: EventEnvelope) => recordSystemLog(m, recordedOf(e, service)) },
  }));
}

export class SystemLogQuery extends AuditListQuery {
  @IsOptional() @IsIn(SYSTEM_LOG_SERVICES, { message: `service 须为 ${SYSTEM_LOG_SERVICES.join(' / ')} 之一` }) service?: SystemLogService;
}

const systemLogEntrySchema = {
  ...auditListEntrySchema,
  required: [...auditListEntrySchema.required, 'service', 'auditId'],
  properties: {
    id: auditListEntrySchema.properties.id,
    service: { type: 'string', enum: [...SYSTEM_LOG_SERVICES] },
    auditId: { type: 'integer', description: 'the entry’s id in its service’s own operation log' },
    occurredAt: auditListEntrySchema.properties.occurredAt,
    actorId: auditListEntrySchema.properties.actorId,
    actorUsername: auditListEntrySchema.properties.actorUsername,
    actorRole: auditListEntrySchema.properties.actorRole,
    action: auditListEntrySchema.properties.action,
    entityType: auditListEntrySchema.properties.entityType,
    entityId: auditListEntrySchema.properties.entityId,
    reason: auditListEntrySchema.properties.reason,
    requestId: auditListEntrySchema.properties.requestId,
  },
};

const COLUMNS = `a.id, a.service, a.audit_id AS "auditId", a.occurred_at AS "occurredAt", a.actor_id AS "actorId", a.actor_username AS "actorUsername",
  a.actor_role AS "actorRole", a.action, a.entity_type AS "entityType", a.entity_id AS "entityId", a.reason, a.request_id AS "requestId"`;

/** GET /api/org/system-log. */
export async function systemLogRoutes(app: FastifyInstance) {
  app.get('/api/org/system-log', {
    onRequest: [app.authenticate],
    // the role first (403), before the query is looked at
    preValidation: async (req) => assertRole(req.user as AuthUser, AUDIT_READERS, '只有管理员可以查看系统日志'),
    schema: {
      tags: ['audit'],
      summary: 'The system log (系统日志): every service’s audit entries in one list, newest first, as they arrived on events; admins all, a street admin the entries of its street’s records; no before/after',
      querystring: { ...auditListQuerySchema, properties: { ...auditListQuerySchema.properties, service: { type: 'string', enum: [...SYSTEM_LOG_SERVICES] } } },
      response: { 200: pageSchema(systemLogEntrySchema), 400: errorSchema, 403: errorSchema },
      dto: { query: SystemLogQuery },
    },
    handler: async (req) => {
      const user = req.user as AuthUser;
      const q = await parseQuery(SystemLogQuery, req.query);
      const db = app.dbRead ?? app.db;
      return listAudit((sql, params) => db.query(sql, params), 'a.org_path', q, user.role === 'city_admin' ? null : user.scopePaths, user.role === 'admin', {
        table: 'system_log', columns: COLUMNS, filters: q.service ? [{ sql: (n) => `a.service = $${n}`, value: q.service }] : [],
      });
    },
  });
}
