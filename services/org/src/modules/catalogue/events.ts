import type { EntityManager } from 'typeorm';
import { type CatalogueChange, emit, type OrgCatalogueEventType } from '@redheart/shared';

/** Entries over this size (JSON bytes; 50 materials of 200 characters are ~30 KB) travel as `resync`: emit refuses payloads over 8 KB. */
const MAX_CARRIED_BYTES = 6 * 1024;

/** Writes an `org.catalogue.*` event in the change's transaction (it exists exactly when the change commits). */
export async function emitCatalogueChange(
  m: EntityManager,
  type: OrgCatalogueEventType,
  s: { id: number; version: number; code: string; name: string; category: string; materials: string[]; timeLimitDays: number },
  actor: string | null,
): Promise<void> {
  const full: CatalogueChange = { id: Number(s.id), version: s.version, code: s.code, name: s.name, category: s.category, materials: s.materials, timeLimitDays: s.timeLimitDays };
  const payload: CatalogueChange = Buffer.byteLength(JSON.stringify(full)) > MAX_CARRIED_BYTES ? { id: full.id, version: full.version, resync: true } : full;
  await emit(m, { type, aggregateId: full.id, orgPath: null, actor, payload: payload as unknown as Record<string, unknown> });
}
