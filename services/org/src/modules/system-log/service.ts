import type { DataSource, EntityManager } from 'typeorm';
import { type AuditRecorded, type AuthUser, type EventConsumerSpec, type EventEnvelope, PermanentEventError } from '@redheart/shared';
import { may } from '../../policy';
import type { SystemLogQuery } from './dto';
import { insertSystemLog, listSystemLog } from './repository';

/*
 * 系统日志: every service's audit trail in one list, followed on events instead of asking each service. The
 * household, volunteer and notification services emit `<service>.audit.recorded` with each entry (shared/src/audit.ts
 * streamAuditAsEvents); the consumers here copy them into `system_log`, once per entry; the org service's own
 * entries are copied in their own transaction. Read at GET /api/org/system-log, scoped as each operation log is
 * (by the org path of the entry's record); the entries' before/after stay in the owning service's operation log.
 */

/** Writes one entry (a second copy of the same service and audit id does nothing). */
export async function recordSystemLog(m: EntityManager, e: AuditRecorded): Promise<void> {
  await insertSystemLog(m, e);
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

/** The list as the caller may read it: the city every entry, an admin also the entries of no organisation, others their scope. */
export function listSystemLogFor(db: DataSource, user: AuthUser, q: SystemLogQuery) {
  return listSystemLog(db, q, may(user, 'systemLog.readCity') ? null : user.scopePaths, may(user, 'systemLog.readUnscoped'));
}
