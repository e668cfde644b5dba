import type { EntityManager } from 'typeorm';
import { type CatalogueEntry, likeEscape, rowsOf } from '@redheart/shared';
import type { IdRow } from '../org-records';

/** One government service of the catalogue (政务服务事项目录清单) that communities may handle. */
export interface CatalogueServiceView extends CatalogueEntry {
  description: string | null;
  /** How many current communities offer it. */
  communityCount: number;
  version: number;
}

export type ServiceFields = Pick<CatalogueServiceView, 'code' | 'name' | 'category' | 'materials' | 'timeLimitDays' | 'description'>;

const COLUMNS = `s.id, s.code, s.name, s.category, s.materials, s.time_limit_days AS "timeLimitDays", s.description, s.version,
  (SELECT count(*) FROM community_service cs JOIN org_unit c ON c.id = cs.community_id
    WHERE cs.service_id = s.id AND c.valid_to IS NULL)::int AS "communityCount"`;

/** A catalogue entry as the household service copies it. */
export type CatalogueCopyRow = Pick<CatalogueServiceView, 'id' | 'code' | 'name' | 'category' | 'materials' | 'timeLimitDays' | 'version'>;

export class CatalogueRepository {
  constructor(private readonly db: EntityManager) {}

  with(m: EntityManager) {
    return new CatalogueRepository(m);
  }

  async search(q: string | undefined, category: string | undefined): Promise<CatalogueServiceView[]> {
    const rows: CatalogueServiceView[] = await this.db.query(
      `SELECT ${COLUMNS} FROM catalogue_service s
        WHERE ($1::text IS NULL OR s.name ILIKE $1 OR s.code ILIKE $1) AND ($2::text IS NULL OR s.category = $2)
        ORDER BY s.category, s.code`,
      [q ? `%${likeEscape(q)}%` : null, category || null],
    );
    return rows;
  }

  async offeredBy(communityId: number): Promise<CatalogueServiceView[]> {
    const rows: CatalogueServiceView[] = await this.db.query(
      `SELECT ${COLUMNS} FROM catalogue_service s JOIN community_service o ON o.service_id = s.id
        WHERE o.community_id = $1 ORDER BY s.category, s.code`,
      [communityId],
    );
    return rows;
  }

  async offeredIds(communityId: number): Promise<number[]> {
    const rows: { id: number }[] = await this.db.query(`SELECT service_id AS id FROM community_service WHERE community_id = $1 ORDER BY service_id`, [communityId]);
    return rows.map((r) => r.id);
  }

  async existingIds(ids: number[]): Promise<Set<number>> {
    const rows: { id: number }[] = await this.db.query(`SELECT id FROM catalogue_service WHERE id = ANY($1::bigint[])`, [ids]);
    return new Set(rows.map((r) => r.id));
  }

  /** Makes the offer list exactly `ids`: what left it is deleted, what is new is inserted. */
  async setOffered(communityId: number, ids: number[]): Promise<void> {
    await this.db.query(`DELETE FROM community_service WHERE community_id = $1 AND NOT (service_id = ANY($2::bigint[]))`, [communityId, ids]);
    await this.db.query(
      `INSERT INTO community_service (community_id, service_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`,
      [communityId, ids],
    );
  }

  async findById(id: number, lock = false): Promise<CatalogueServiceView | undefined> {
    const rows: CatalogueServiceView[] = await this.db.query(`SELECT ${COLUMNS} FROM catalogue_service s WHERE s.id = $1 ${lock ? 'FOR UPDATE OF s' : ''}`, [id]);
    return rows[0];
  }

  async codeTaken(code: string, exceptId: number | null): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM catalogue_service WHERE code = $1 AND ($2::bigint IS NULL OR id <> $2)`, [code, exceptId]);
    return rows.length > 0;
  }

  async insert(f: ServiceFields): Promise<number> {
    const rows: IdRow[] = await this.db.query(
      `INSERT INTO catalogue_service (code, name, category, materials, time_limit_days, description) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [f.code, f.name, f.category, JSON.stringify(f.materials), f.timeLimitDays, f.description],
    );
    return Number(rows[0].id);
  }

  async update(id: number, version: number, f: ServiceFields): Promise<boolean> {
    const rows = rowsOf<IdRow>(await this.db.query(
      `UPDATE catalogue_service SET code = $3, name = $4, category = $5, materials = $6, time_limit_days = $7, description = $8, version = version + 1
        WHERE id = $1 AND version = $2 RETURNING id`,
      [id, version, f.code, f.name, f.category, JSON.stringify(f.materials), f.timeLimitDays, f.description],
    ));
    return rows.length === 1;
  }

  /** Every service as the household service copies it (internal route). */
  async copyForServices(): Promise<CatalogueCopyRow[]> {
    const rows: CatalogueCopyRow[] = await this.db.query(
      `SELECT id::int, code, name, category, materials, time_limit_days AS "timeLimitDays", version FROM catalogue_service ORDER BY id`,
    );
    return rows;
  }
}
