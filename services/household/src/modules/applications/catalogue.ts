import type { EntityManager } from 'typeorm';
import { type CatalogueChange, type EventConsumerSpec, type EventEnvelope, ORG_CATALOGUE_EVENT_TYPES, PermanentEventError } from '@redheart/shared';
import { ApplicationRepository, type CatalogueEntry } from './repository';

export type { CatalogueEntry } from './repository';

/**
 * This service's copy of the catalogue (catalogue_ref): the whole list read from the org service's internal route at
 * start, then kept current by the org service's `org.catalogue.*` events (catalogueRefConsumer), like the communities;
 * an unknown id triggers one sync first (a service added whose event has not arrived yet). Without a fetcher (tests)
 * the table is filled with `upsert` and by events.
 */
export class CatalogueDirectory {
  constructor(private readonly fetchAll?: () => Promise<CatalogueEntry[]>) {}

  async upsert(db: EntityManager, list: CatalogueEntry[]): Promise<number> {
    if (!list.length) return 0;
    await ApplicationRepository.upsertCatalogue(db, list);
    return list.length;
  }

  async sync(db: EntityManager): Promise<number> {
    if (!this.fetchAll) return 0;
    return this.upsert(db, await this.fetchAll());
  }

  async get(db: EntityManager, id: number): Promise<CatalogueEntry | undefined> {
    const row = await ApplicationRepository.catalogueEntry(db, id);
    if (row || !this.fetchAll) return row;
    await this.sync(db);
    return ApplicationRepository.catalogueEntry(db, id);
  }

  list(db: EntityManager, q?: string): Promise<CatalogueEntry[]> {
    return ApplicationRepository.catalogue(db, q ? q.trim() : null);
  }
}

const isText = (v: unknown, max = 1000): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

/**
 * The consumer that keeps catalogue_ref current from the org service's `org.catalogue.*` events (durable
 * `household-catalogue-ref`): a service added or edited in the catalogue reaches the 一网通办 screens as soon as
 * the event arrives. An entry too big to carry (`resync`) makes it read the whole list from the org service.
 */
export function catalogueRefConsumer(directory: CatalogueDirectory): EventConsumerSpec {
  const apply = async (m: EntityManager, e: EventEnvelope) => {
    const p = e.payload as Partial<CatalogueChange>;
    if (!Number.isInteger(p.id) || !Number.isInteger(p.version)) throw new PermanentEventError('payload without an integer id and version');
    if (p.resync) {
      await directory.sync(m);
      return;
    }
    if (!isText(p.code, 100) || !isText(p.name) || !isText(p.category, 200) || !Array.isArray(p.materials) || !p.materials.every((x) => isText(x))
      || !Number.isInteger(p.timeLimitDays) || (p.timeLimitDays as number) < 0) {
      throw new PermanentEventError('payload is not a catalogue entry (code, name, category, materials, timeLimitDays)');
    }
    await directory.upsert(m, [{ id: p.id!, code: p.code, name: p.name, category: p.category, materials: p.materials, timeLimitDays: p.timeLimitDays!, version: p.version }]);
  };
  return { name: 'household-catalogue-ref', from: 'org', types: 'org.catalogue.>', handlers: Object.fromEntries(ORG_CATALOGUE_EVENT_TYPES.map((t) => [t, apply])) };
}
