import type { EntityManager } from 'typeorm';
import { emit, type OrgUnitChange, type OrgWorkUnit } from '@redheart/shared';
import { type UnitRow, UnitRepository } from './repository';

/** More than this many communities or work units under a change: the event says `resync` instead of carrying them. */
const MAX_CARRIED = 100;

export type UnitEventType = 'org.unit.created' | 'org.unit.updated' | 'org.unit.renamed' | 'org.unit.moved' | 'org.unit.archived';

/**
 * Writes an `org.unit.*` event in the change's transaction: the communities (with their street) and
 * work units at or under the changed organisation as they are now, which the household and
 * volunteer services copy (community_ref, unit_ref).
 */
export async function emitUnitChange(m: EntityManager, type: UnitEventType, unit: UnitRow, actor: string | null): Promise<void> {
  const rows = await new UnitRepository(m).carriedUnder(unit.path, MAX_CARRIED * 2 + 1);
  const communities = rows.filter((r) => r.type === 'community_committee' && !r.archived).map(({ id, name, path, streetName, divisionCode }) => ({ id, name, path, streetName, divisionCode }));
  const workUnits: OrgWorkUnit[] = rows.filter((r) => r.type === 'work_unit' && !r.archived).map(({ id, name, path, department }) => ({ id, name, path, department: department === true }));
  const resync = rows.length > MAX_CARRIED * 2 || communities.length > MAX_CARRIED || workUnits.length > MAX_CARRIED;
  const payload: OrgUnitChange = { unitId: Number(unit.id), unitType: unit.type, communities: resync ? [] : communities, workUnits: resync ? [] : workUnits, ...(resync ? { resync: true } : {}) };
  await emit(m, { type, aggregateId: unit.id, orgPath: unit.path, actor, payload: payload as unknown as Record<string, unknown> });
}
