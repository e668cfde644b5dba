import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { rowsOf } from '@redheart/shared';
import type { IdRow } from '../org-records';

/** Someone who staffs a convenience desk. */
export interface DeskWorker {
  name: string;
  role: string;
  phone: string;
}

/** A hotline a desk shows. */
export interface Hotline {
  name: string;
  phone: string;
}

/** The format the desk table CHECKs; anything else cannot name a desk, so it is refused before a lookup. */
export const DESK_CODE = /^[A-Za-z0-9_-]{6,40}$/;

/** 12 random bytes → 16 base64url characters: 96 bits, far beyond guessing by trying codes. */
export const newDeskCode = () => randomBytes(12).toString('base64url');

export interface DeskView {
  id: number;
  /** Public, unguessable slug printed as the desk's QR code. */
  code: string;
  building: string;
  communityId: number;
  buildingGroupId: number | null;
  buildingGroupName: string | null;
  workers: DeskWorker[];
  hotlines: Hotline[];
  version: number;
}

export interface PublicDeskView {
  code: string;
  building: string;
  communityName: string;
  streetName: string;
  workers: DeskWorker[];
  hotlines: Hotline[];
}

export type DeskFields = Pick<DeskView, 'building' | 'buildingGroupId' | 'workers' | 'hotlines'>;

const COLUMNS = `d.id, d.code, d.building, d.community_id AS "communityId", d.building_group_id AS "buildingGroupId",
  b.name AS "buildingGroupName", d.workers, d.hotlines, d.version`;
const FROM = `desk d LEFT JOIN org_unit b ON b.id = d.building_group_id`;

/** A desk as the volunteer service reads it (a resident's need filed from its QR page). */
export interface InternalDeskView {
  code: string;
  building: string;
  communityId: number;
  communityName: string;
}

export class DeskRepository {
  constructor(private readonly db: EntityManager) {}

  with(m: EntityManager) {
    return new DeskRepository(m);
  }

  async listBy(column: 'community_id' | 'building_group_id', orgId: number): Promise<DeskView[]> {
    const rows: DeskView[] = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE d.${column} = $1 ORDER BY d.building, d.id`, [orgId]);
    return rows;
  }

  async findById(id: number, lock = false): Promise<DeskView | undefined> {
    const rows: DeskView[] = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE d.id = $1 ${lock ? 'FOR UPDATE OF d' : ''}`, [id]);
    return rows[0];
  }

  /** The desk as the QR code shows it; a desk of an archived community is gone for the public. */
  async findPublic(code: string): Promise<PublicDeskView | undefined> {
    const rows: PublicDeskView[] = await this.db.query(
      `SELECT d.code, d.building, c.name AS "communityName", coalesce(s.name, '') AS "streetName", d.workers, d.hotlines
         FROM desk d JOIN org_unit c ON c.id = d.community_id LEFT JOIN org_unit s ON s.id = c.parent_id
        WHERE d.code = $1 AND c.valid_to IS NULL`,
      [code],
    );
    return rows[0];
  }

  async deskOfBuildingGroup(buildingGroupId: number, exceptId: number | null): Promise<DeskView | undefined> {
    const rows: DeskView[] = await this.db.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE d.building_group_id = $1 AND ($2::bigint IS NULL OR d.id <> $2)`,
      [buildingGroupId, exceptId],
    );
    return rows[0];
  }

  /** Inserts with a fresh code; a (vanishingly unlikely) code collision just draws again. */
  async insert(communityId: number, f: DeskFields): Promise<number> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const rows: IdRow[] = await this.db.query(
        `INSERT INTO desk (code, community_id, building_group_id, building, workers, hotlines) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (code) DO NOTHING RETURNING id`,
        [newDeskCode(), communityId, f.buildingGroupId, f.building, JSON.stringify(f.workers), JSON.stringify(f.hotlines)],
      );
      if (rows.length) return Number(rows[0].id);
    }
    throw new Error('Could not draw an unused desk code');
  }

  async update(id: number, version: number, f: DeskFields): Promise<boolean> {
    const rows = rowsOf<IdRow>(await this.db.query(
      `UPDATE desk SET building = $3, building_group_id = $4, workers = $5, hotlines = $6, version = version + 1
        WHERE id = $1 AND version = $2 RETURNING id`,
      [id, version, f.building, f.buildingGroupId, JSON.stringify(f.workers), JSON.stringify(f.hotlines)],
    ));
    return rows.length === 1;
  }

  /** The desk by its code for the other services (internal route): its community, unless archived. */
  async findInternal(code: string): Promise<InternalDeskView | undefined> {
    const rows: InternalDeskView[] = await this.db.query(
      `SELECT d.code, d.building, d.community_id AS "communityId", c.name AS "communityName"
         FROM desk d JOIN org_unit c ON c.id = d.community_id WHERE d.code = $1 AND c.valid_to IS NULL`,
      [code],
    );
    return rows[0];
  }
}
