import type { DataSource, EntityManager } from 'typeorm';
import { isoSql, rowsOf } from '@redheart/shared';
import type { ItemStatus } from '../../domain';

export interface PublicCategoryRow { id: number; code: string; name: string; nameEn: string | null }

/** A need a resident reported, as inserted. */
export interface ReportedNeedRow { id: number; itemNo: string; trackingNo: string; createdAt: Date }
export interface NewResidentNeed {
  communityId: number;
  categoryId: number;
  place: string;
  description: string;
  contactName: string | null;
  phone: string;
  deskCode: string;
  trackingNo: string;
}

export interface NeedStepRow { action: string; fromStatus: string | null; toStatus: string | null; at: string; reason: string | null }
/** A need as its tracking number shows it (the description still unmasked). */
export interface TrackedNeedRow {
  trackingNo: string;
  itemNo: string;
  communityName: string;
  categoryName: string;
  description: string;
  status: ItemStatus;
  unitName: string | null;
  scheduledDate: string | null;
  doneAt: string | null;
  reportedAt: string;
  steps: NeedStepRow[];
}

/** An item a rating link is issued for, locked: its community's path (the scope check) and its rating so far. */
export interface RatableItemRow { id: number; itemNo: string; status: ItemStatus; path: string; stars: number | null }

/** A rating link by its token, with what it rates. */
export interface RatingLinkRow {
  itemId: number;
  stars: number | null;
  expired: boolean;
  expiresAt: string;
  itemNo: string;
  status: ItemStatus;
  communityName: string;
  categoryName: string;
  description: string;
  unitName: string | null;
  doneAt: string | null;
}

/** The steps a resident sees: the report and every change of status (no check-ins or sign-ups, no staff names). */
const STEPS = `coalesce((SELECT json_agg(json_build_object('action', e.action, 'fromStatus', e.from_status, 'toStatus', e.to_status, 'at', ${isoSql('e.at')},
    'reason', e.reason) ORDER BY e.id)
  FROM item_event e WHERE e.item_id = i.id AND (e.action = 'report' OR e.to_status IS DISTINCT FROM e.from_status)), '[]')`;

/** The SQL of the residents' pages: needs reported from a desk, followed by tracking number, and the rating links. */
export class ResidentRepository {
  constructor(private readonly ds: DataSource) {}

  categories(): Promise<PublicCategoryRow[]> {
    return this.ds.query(`SELECT id, code, name, name_en AS "nameEn" FROM service_category WHERE active ORDER BY sort, id`);
  }

  async activeCategory(m: EntityManager, id: number): Promise<boolean> {
    const rows: { id: number }[] = await m.query(`SELECT id FROM service_category WHERE id = $1 AND active`, [id]);
    return rows.length > 0;
  }

  async community(m: EntityManager, id: number): Promise<{ id: number; name: string } | undefined> {
    const rows: { id: number; name: string }[] = await m.query(`SELECT id, name FROM community_ref WHERE id = $1`, [id]);
    return rows[0];
  }

  /** A REPORTED item from a resident with the next FW number; undefined when the tracking number is taken already. */
  async insertNeed(m: EntityManager, n: NewResidentNeed): Promise<ReportedNeedRow | undefined> {
    const rows: ReportedNeedRow[] = await m.query(
      `INSERT INTO item (item_no, community_id, category_id, place, description, status, source, reported_by, reporter_name, reporter_phone, desk_code, tracking_no)
       VALUES ('FW' || to_char(now(), 'YYYYMM') || '-' || lpad(nextval('item_no_seq')::text, 6, '0'), $1, $2, $3, $4, 'REPORTED', 'resident', 'resident', $5, $6, $7, $8)
       ON CONFLICT (tracking_no) WHERE tracking_no IS NOT NULL DO NOTHING
       RETURNING id, item_no AS "itemNo", tracking_no AS "trackingNo", created_at AS "createdAt"`,
      [n.communityId, n.categoryId, n.place, n.description, n.contactName, n.phone, n.deskCode, n.trackingNo],
    );
    return rows[0];
  }

  async track(trackingNo: string): Promise<TrackedNeedRow | undefined> {
    const rows: TrackedNeedRow[] = await this.ds.query(
      `SELECT i.tracking_no AS "trackingNo", i.item_no AS "itemNo", cr.name AS "communityName", sc.name AS "categoryName", i.description, i.status,
              u.name AS "unitName", i.scheduled_date AS "scheduledDate", ${isoSql('i.done_at')} AS "doneAt", ${isoSql('i.created_at')} AS "reportedAt", ${STEPS} AS steps
         FROM item i JOIN community_ref cr ON cr.id = i.community_id JOIN service_category sc ON sc.id = i.category_id LEFT JOIN unit_ref u ON u.id = i.unit_id
        WHERE i.tracking_no = $1`,
      [trackingNo],
    );
    return rows[0];
  }

  async lockRatableItem(m: EntityManager, itemId: number): Promise<RatableItemRow | undefined> {
    const rows: RatableItemRow[] = await m.query(
      `SELECT i.id, i.item_no AS "itemNo", i.status, cr.path, rr.stars FROM item i JOIN community_ref cr ON cr.id = i.community_id
         LEFT JOIN item_resident_rating rr ON rr.item_id = i.id WHERE i.id = $1 FOR UPDATE OF i`,
      [itemId],
    );
    return rows[0];
  }

  /** The item's one link: a new token (its hash) replaces an unused earlier one; when it expires. */
  async upsertRatingLink(m: EntityManager, itemId: number, tokenHash: string, issuedBy: string, days: number): Promise<{ expiresAt: string }> {
    const rows: { expiresAt: string }[] = await m.query(
      `INSERT INTO item_resident_rating (item_id, token_hash, issued_by, expires_at) VALUES ($1, $2, $3, now() + make_interval(days => ${days}))
       ON CONFLICT (item_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, issued_by = EXCLUDED.issued_by, issued_at = now(), expires_at = EXCLUDED.expires_at
       RETURNING ${isoSql('expires_at')} AS "expiresAt"`,
      [itemId, tokenHash, issuedBy],
    );
    return rows[0];
  }

  async link(m: EntityManager, tokenHash: string, lock: boolean): Promise<RatingLinkRow | undefined> {
    const rows: RatingLinkRow[] = await m.query(
      `SELECT rr.item_id AS "itemId", rr.stars, rr.expires_at < now() AS expired, ${isoSql('rr.expires_at')} AS "expiresAt",
              i.item_no AS "itemNo", i.status, cr.name AS "communityName", sc.name AS "categoryName", i.description, u.name AS "unitName", ${isoSql('i.done_at')} AS "doneAt"
         FROM item_resident_rating rr JOIN item i ON i.id = rr.item_id JOIN community_ref cr ON cr.id = i.community_id
         JOIN service_category sc ON sc.id = i.category_id LEFT JOIN unit_ref u ON u.id = i.unit_id
        WHERE rr.token_hash = $1 ${lock ? 'FOR UPDATE OF rr' : ''}`,
      [tokenHash],
    );
    return rows[0];
  }

  async rate(m: EntityManager, itemId: number, stars: number, comment: string | null): Promise<{ ratedAt: string }> {
    const [done] = rowsOf<{ ratedAt: string }>(await m.query(
      `UPDATE item_resident_rating SET stars = $2, comment = $3, rated_at = now() WHERE item_id = $1 RETURNING ${isoSql('rated_at')} AS "ratedAt"`,
      [itemId, stars, comment],
    ));
    return done;
  }

  /** An item_event by the resident (its actor columns are NOT NULL): nobody's account. */
  async insertEvent(
    m: EntityManager, e: { itemId: number; action: string; from: string | null; to: string; actor: { sub: string; username: string; role: string }; data: unknown },
  ): Promise<void> {
    await m.query(
      `INSERT INTO item_event (item_id, action, from_status, to_status, actor_id, actor_username, actor_role, reason, data) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8)`,
      [e.itemId, e.action, e.from, e.to, e.actor.sub, e.actor.username, e.actor.role, JSON.stringify(e.data)],
    );
  }
}
