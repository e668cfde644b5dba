import type { EntityManager } from 'typeorm';
import { likeEscape } from '@redheart/shared';

/** A service of the org service's catalogue (政务服务事项目录清单), as the household service copies it. */
export interface CatalogueEntry {
  id: number;
  code: string;
  name: string;
  category: string;
  materials: string[];
  timeLimitDays: number;
}

/**
 * This service's copy of the catalogue (catalogue_ref), synced from the org service's internal list like the
 * communities; an unknown id triggers one sync first (a service added since). Without a fetcher (tests) the table is
 * filled with `upsert`.
 */
export class CatalogueDirectory {
  constructor(private readonly fetchAll?: () => Promise<CatalogueEntry[]>) {}

  async upsert(db: EntityManager, list: CatalogueEntry[]): Promise<number> {
    if (!list.length) return 0;
    await db.query(
      `INSERT INTO catalogue_ref (id, code, name, category, materials, time_limit_days, synced_at)
       SELECT x.id, x.code, x.name, x.category, x.materials, x.days, now()
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::int[]) AS x(id, code, name, category, materials, days)
       ON CONFLICT (id) DO UPDATE SET code = EXCLUDED.code, name = EXCLUDED.name, category = EXCLUDED.category,
         materials = EXCLUDED.materials, time_limit_days = EXCLUDED.time_limit_days, synced_at = now()`,
      [list.map((s) => s.id), list.map((s) => s.code), list.map((s) => s.name), list.map((s) => s.category),
        list.map((s) => JSON.stringify(s.materials)), list.map((s) => s.timeLimitDays)],
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
