import type { EntityManager } from 'typeorm';
import { rowsOf } from '@redheart/shared';
import type { PositionKind } from '../../domain';
import { type IdRow, notEnded } from '../org-records';

/** A seat on a committee (书记、副书记、委员、兼职委员) and the term its holder serves. */
export interface PositionView {
  id: number;
  orgId: number;
  personName: string;
  phone: string | null;
  kind: PositionKind;
  fullTime: boolean;
  fromUnitId: number | null;
  fromUnitName: string | null;
  termStart: string;
  termEnd: string | null;
  version: number;
}

export type PositionFields = Pick<PositionView, 'personName' | 'phone' | 'kind' | 'fullTime' | 'fromUnitId' | 'termStart' | 'termEnd'>;

const COLUMNS = `p.id, p.org_id AS "orgId", p.person_name AS "personName", p.phone, p.kind, p.full_time AS "fullTime",
  p.from_unit_id AS "fromUnitId", f.name AS "fromUnitName", p.term_start AS "termStart", p.term_end AS "termEnd", p.version`;
const FROM = `position p LEFT JOIN org_unit f ON f.id = p.from_unit_id`;
const KIND_ORDER = `array_position(ARRAY['secretary','deputy_secretary','committee_member','part_time_member'], p.kind)`;

export class PositionRepository {
  constructor(private readonly db: EntityManager) {}

  with(m: EntityManager) {
    return new PositionRepository(m);
  }

  async listForOrg(orgId: number, includeEnded: boolean): Promise<PositionView[]> {
    const rows: PositionView[] = await this.db.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE p.org_id = $1 ${includeEnded ? '' : `AND ${notEnded('p.term_end')}`}
        ORDER BY ${KIND_ORDER}, p.term_start DESC, p.id`,
      [orgId],
    );
    return rows;
  }

  async findById(id: number, lock = false): Promise<PositionView | undefined> {
    const rows: PositionView[] = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE p.id = $1 ${lock ? 'FOR UPDATE OF p' : ''}`, [id]);
    return rows[0];
  }

  /** Another secretary of the organisation whose term overlaps [termStart, termEnd) — an open end reaches forever. */
  async overlappingSecretary(orgId: number, termStart: string, termEnd: string | null, exceptId: number | null): Promise<PositionView | undefined> {
    const rows: PositionView[] = await this.db.query(
      `SELECT ${COLUMNS} FROM ${FROM}
        WHERE p.org_id = $1 AND p.kind = 'secretary' AND ($4::bigint IS NULL OR p.id <> $4)
          AND daterange(p.term_start, p.term_end, '[)') && daterange($2::date, $3::date, '[)')
        ORDER BY p.term_start LIMIT 1`,
      [orgId, termStart, termEnd, exceptId],
    );
    return rows[0];
  }

  async insert(orgId: number, f: PositionFields): Promise<number> {
    const rows: IdRow[] = await this.db.query(
      `INSERT INTO position (org_id, person_name, phone, kind, full_time, from_unit_id, term_start, term_end)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [orgId, f.personName, f.phone, f.kind, f.fullTime, f.fromUnitId, f.termStart, f.termEnd],
    );
    return Number(rows[0].id);
  }

  /** Optimistic update: false when the row is no longer at `version`. */
  async update(id: number, version: number, f: PositionFields): Promise<boolean> {
    const rows = rowsOf<IdRow>(await this.db.query(
      `UPDATE position SET person_name = $3, phone = $4, kind = $5, full_time = $6, from_unit_id = $7, term_start = $8, term_end = $9,
              version = version + 1
        WHERE id = $1 AND version = $2 RETURNING id`,
      [id, version, f.personName, f.phone, f.kind, f.fullTime, f.fromUnitId, f.termStart, f.termEnd],
    ));
    return rows.length === 1;
  }
}
