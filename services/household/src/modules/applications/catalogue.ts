import type { EntityManager } from 'typeorm';
import { type CatalogueChange, type EventConsumerSpec, type EventEnvelope, likeEscape, ORG_CATALOGUE_EVENT_TYPES, PermanentEventError } from '@redheart/shared';

/** A service of the org service's catalogue (政务服务事项目录清单), as the household service copies it. */
export interface CatalogueEntry {
  id: number;
  code: string;
  name: string;
  category: string;
  materials: string[];
  timeLimitDays: number;
  /** The org service's version of the entry (absent in copies made before versions were carried). */
  version?: number;
}

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
    await db.query(
      // A copy never goes back to an older version (an event delivered late, a resync read before a change).
      `INSERT INTO catalogue_ref (id, code, name, category, materials, time_limit_days, version, synced_at)
       SELECT x.id, x.code, x.name, x.category, x.materials, x.days, x.version, now()
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::int[], $7::int[]) AS x(id, code, name, category, materials, days, version)
       ON CONFLICT (id) DO UPDATE SET code = EXCLUDED.code, name = EXCLUDED.name, category = EXCLUDED.category,
         materials = EXCLUDED.materials, time_limit_days = EXCLUDED.time_limit_days, version = EXCLUDED.version, synced_at = now()
       WHERE catalogue_ref.version IS NULL OR EXCLUDED.version IS NULL OR catalogue_ref.version <= EXCLUDED.version`,
      [list.map((s) => s.id), list.map((s) => s.code), list.map((s) => s.name), list.map((s) => s.category),
        list.map((s) => JSON.stringify(s.materials)), list.map((s) => s.timeLimitDays), list.map((s) => s.version ?? null)],
    );
    return list.length;
  }

  async sync(db: EntityManager): Promise<number> {
    if (!this.fetchAll) return 0;
    return this.upsert(db, await this.fetchAll());
  }

  async get(db: EntityManager, id: number): Promise<CatalogueEntry | undefined> {
    const read = async (): Promise<CatalogueEntry | undefined> => (await db.query(
      `SELECT id::int, code, name, category, materials, time_limit_days AS "timeLimitDays" FROM catalogue_ref WHERE id = $1`, [id],
    ))[0];
    const row = await read();
    if (row || !this.fetchAll) return row;
    await this.sync(db);
    return read();
  }

  async list(db: EntityManager, q?: string): Promise<CatalogueEntry[]> {
    return db.query(
      `SELECT id::int, code, name, category, materials, time_limit_days AS "timeLimitDays" FROM catalogue_ref
        WHERE ($1::text IS NULL OR name LIKE '%' || $1 || '%' OR code ILIKE $1 || '%') ORDER BY category, code`,
      [q ? likeEscape(q.trim()) : null],
    );
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
