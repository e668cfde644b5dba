import type { EntityManager } from 'typeorm';
import { type EventConsumerSpec, type EventEnvelope, PermanentEventError, writeAudit } from '@redheart/shared';
import { clearScopeCache } from '../scope/scope';
import { InternalRepository } from './repository';

interface ReportDecision {
  reportId: number;
  unitId: number;
  communityId: number;
}

function decisionOf(e: EventEnvelope): ReportDecision {
  const p = e.payload as Partial<ReportDecision>;
  for (const k of ['reportId', 'unitId', 'communityId'] as const) {
    if (!Number.isInteger(p[k]) || (p[k] as number) < 1) throw new PermanentEventError(`payload.${k} is not a positive integer`);
  }
  return p as ReportDecision;
}

/** A unit now reports to the community (approved) or no longer does (ended): the unit staff's token scope follows. */
async function applyReport(m: EntityManager, e: EventEnvelope, active: boolean): Promise<void> {
  const d = decisionOf(e);
  const repo = new InternalRepository(m);
  if (!(await repo.isUnitAndCommunity(d.unitId, d.communityId))) throw new PermanentEventError(`no work unit ${d.unitId} or community ${d.communityId}`);
  if (active) await repo.startReport(d.unitId, d.communityId);
  else await repo.endReport(d.unitId, d.communityId);
  await writeAudit(m, {
    actor: null, action: active ? 'unit_report.approved' : 'unit_report.ended', entityType: 'unit_community_report', entityId: `${d.unitId}:${d.communityId}`,
    after: { unitId: d.unitId, communityId: d.communityId, active, event: e.id }, reason: `event ${e.type} from the volunteer service (by ${e.actor ?? 'system'})`,
  });
}

/**
 * The volunteer service owns dual reports; its decisions arrive here as events (`volunteer.report.*`)
 * and change the unit staff's scope. A rejection changes nothing here (read for the record).
 */
export function unitReportConsumer(): EventConsumerSpec {
  return {
    name: 'org-unit-reports',
    from: 'volunteer',
    types: 'volunteer.report.>',
    handlers: {
      'volunteer.report.approved': (m, e) => applyReport(m, e, true),
      'volunteer.report.ended': (m, e) => applyReport(m, e, false),
      'volunteer.report.rejected': async (_m, e) => void decisionOf(e),
    },
    afterCommit: () => clearScopeCache(),
  };
}
