import type { DataSource, EntityManager } from 'typeorm';
import { type AuditInput, type ChangeWrite, cursorAtSql, isoSql, likeEscape, type NewEvent, type PageTotal, preparedIn, rowsOf, withPageTotal, writeChange } from '@redheart/shared';
import type { ItemKind, ItemStatus } from '../../domain';

export interface ItemRow {
  id: number;
  itemNo: string;
  communityId: number;
  communityName: string;
  path: string;
  categoryId: number;
  categoryName: string;
  kind: ItemKind;
  place: string;
  description: string;
  status: ItemStatus;
  source: string;
  reportedBy: string;
  reporterName: string | null;
  capacity: number;
  deadline: Date | null;
  unitId: number | null;
  unitName: string | null;
  claimedAt: Date | null;
  assignedBy: string | null;
  responseDeadline: Date | null;
  scheduledDate: string | null;
  checkinCode: string | null;
  startedAt: Date | null;
  doneAt: Date | null;
  rating: number | null;
  reworkCount: number;
  releaseCount: number;
  mergedIntoId: number | null;
  referralBody: string | null;
  pledge: boolean;
  closedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  signups: number;
  trackingNo: string | null;
  deskCode: string | null;
  reporterPhone: string | null;
  meetingId: number | null;
  meetingDecisionId: number | null;
  meetingTitle: string | null;
}

const COLUMNS = `i.id, i.item_no AS "itemNo", i.community_id AS "communityId", cr.name AS "communityName", cr.path, i.category_id AS "categoryId",
  sc.name AS "categoryName", i.kind, i.place, i.description, i.status, i.source, i.reported_by AS "reportedBy", i.reporter_name AS "reporterName",
  i.capacity, i.deadline, i.unit_id AS "unitId", u.name AS "unitName", i.claimed_at AS "claimedAt", i.assigned_by AS "assignedBy",
  i.response_deadline AS "responseDeadline", i.scheduled_date AS "scheduledDate", i.checkin_code AS "checkinCode", i.started_at AS "startedAt",
  i.done_at AS "doneAt", i.rating, i.rework_count AS "reworkCount", i.release_count AS "releaseCount", i.merged_into_id AS "mergedIntoId",
  i.referral_body AS "referralBody", i.pledge, i.closed_at AS "closedAt", i.created_at AS "createdAt", i.updated_at AS "updatedAt", i.version,
  (SELECT count(*) FROM item_signup s WHERE s.item_id = i.id)::int AS signups,
  i.tracking_no AS "trackingNo", i.desk_code AS "deskCode", i.reporter_phone AS "reporterPhone",
  i.meeting_id AS "meetingId", i.meeting_decision_id AS "meetingDecisionId", i.meeting_title AS "meetingTitle"`;
/** Beyond this many communities in scope, one newest-first walk of item_list_idx beats a walk per community. */
const PER_COMMUNITY_WALKS = 64;

/** The item (`items`: its table, or a transition's updated row) with the names COLUMNS reads. */
const fromItems = (items = 'item') => `${items} i JOIN community_ref cr ON cr.id = i.community_id JOIN service_category sc ON sc.id = i.category_id LEFT JOIN unit_ref u ON u.id = i.unit_id`;
const FROM = fromItems();

/**
 * The detail's lists, as JSON columns of the item's own row (one round trip for the whole detail). `events`: where the
 * timeline is read (a transition's answer adds the event its own statement wrote, which the table does not show it yet).
 */
const detailParts = (events = 'item_event') => `
  coalesce((SELECT json_agg(json_build_object('id', e.id, 'action', e.action, 'fromStatus', e.from_status, 'toStatus', e.to_status,
      'actorUsername', e.actor_username, 'actorRole', e.actor_role, 'at', ${isoSql('e.at')}, 'reason', e.reason, 'data', e.data) ORDER BY e.id)
    FROM ${events} e WHERE e.item_id = i.id), '[]') AS timeline,
  coalesce((SELECT json_agg(json_build_object('memberId', h.member_id, 'name', h.person_name, 'hours', h.hours::float, 'posted', h.posted) ORDER BY h.id)
    FROM item_hours h WHERE h.item_id = i.id), '[]') AS hours,
  coalesce((SELECT json_agg(json_build_object('id', v.id, 'kind', v.kind, 'fileName', v.file_name, 'mime', v.mime, 'size', v.size, 'note', v.note,
      'uploadedBy', v.uploaded_by, 'at', ${isoSql('v.at')}) ORDER BY v.id)
    FROM item_evidence v WHERE v.item_id = i.id), '[]') AS evidence,
  coalesce((SELECT json_agg(json_build_object('memberId', mb.id, 'name', mb.name, 'signedAt', ${isoSql('s.signed_at')},
      'checkedInAt', ${isoSql('s.checked_in_at')}) ORDER BY s.signed_at)
    FROM item_signup s JOIN member mb ON mb.id = s.member_id WHERE s.item_id = i.id), '[]') AS "signupList"`;
const DETAIL_PARTS = detailParts();

export interface DetailParts {
  timeline: unknown[];
  hours: unknown[];
  evidence: unknown[];
  signupList: unknown[];
}

/** An item as `find` reads it: `reported` says whether the unit asked for has reported to its community (true when none was). */
export type LoadedItem = ItemRow & { reported: boolean } & Partial<DetailParts>;

export interface DuplicateRow { id: number; itemNo: string; status: ItemStatus }

/** The list's filters, as SQL sees them (the service resolves the communities, statuses and the caller's own view). */
export interface ItemListFilter {
  communityIds: number[];
  /** null: every status */
  statuses: string[] | null;
  /** unit staff: only communities this unit has reported to (approved) */
  reportedToUnit?: number;
  /** view=mine: the unit's items, or the items this user reported */
  mine?: { unitId: number } | { reportedBy: string };
  categoryId?: number;
  unitId?: number;
  pledge?: boolean;
  source?: string;
  assigned?: boolean;
  scheduledDate?: string;
  /** an item number, or a part of the place or the description */
  text?: string;
  /** keyset: below this (created_at, id) */
  cursor?: [string, string | number];
}

export type ItemListRow = ItemRow & { cursorAt: string };

/** What a timeline event names (item_event). */
export interface ItemEventRecord {
  itemId: number;
  action: string;
  from: ItemStatus | null;
  to: ItemStatus;
  actorId: string;
  actorUsername: string;
  actorRole: string;
  unitId: number | null;
  reason: string | null;
  data: unknown;
}

/** What the bus event of an item transition names. */
export interface ItemEventInfo { itemNo: string; communityId: number; communityName: string | null; unitId: number | null; path: string | null; place: string; rating: number | null }

/** A member whose hours an item's confirmation posted, with their total and the item's number and community. */
export interface PostedMemberRow { id: string; accountId: string | null; path: string | null; itemNo: string; communityName: string | null; total: number }

export interface NewEvidencePhoto { fileName: string; mime: string; size: number; sha256: string; note: string | null; uploadedBy: string }

/**
 * The approved member of username $1 with `column`, and their account ($2) written on the row only when it is not
 * already there: a member's every sign-up used to UPDATE their row, which locked it to the end of the transaction, so
 * one member's concurrent sign-ups ran one after another (bench:events:sse, one member on 60 items: 8 of 9 active
 * sessions waited on that row lock) and each wrote a new row version for nothing.
 */
const MEMBER_LEARNT = (column: 'community_id' | 'name', more = '') => `
  WITH mb AS (SELECT id, ${column}, account_id FROM member WHERE username = $1 AND status = 'approved'),
       learnt AS (UPDATE member SET account_id = $2 FROM mb WHERE member.id = mb.id AND mb.account_id IS DISTINCT FROM $2 RETURNING member.id)
  SELECT id, ${column}${more} FROM mb`;
/** The member signing up or withdrawing, and the item's sign-ups ($3) counted by this statement (after the item's row lock). */
const MEMBER_SIGNING = MEMBER_LEARNT('community_id', `, (SELECT count(*) FROM item_signup WHERE item_id = $3)::int AS taken`);

/** What a transition writes besides the item itself: its timeline event, its event on the bus and its audit entry. */
type ItemChange = { event: ItemEventRecord; outbox: NewEvent; audit: AuditInput };

/** writeChange's parts of an item transition, over `u` (the item as the change leaves it), answered with the detail's parts. */
function itemChange(t: ItemChange, u: ChangeWrite['update']): ChangeWrite {
  const e = t.event;
  return {
    update: u,
    event: {
      table: 'item_event',
      columns: ['item_id', 'action', 'from_status', 'to_status', 'actor_id', 'actor_username', 'actor_role', 'unit_id', 'reason', 'data'],
      values: (p) => ['u.id', p(e.action), p(e.from), p(e.to), p(e.actorId), p(e.actorUsername), p(e.actorRole), `${p(e.unitId)}::bigint`, p(e.reason),
        `${p(e.data ? JSON.stringify(e.data) : null)}::jsonb`],
    },
    outbox: t.outbox,
    audit: t.audit,
    answer: () => `SELECT ${COLUMNS}, ${detailParts('(SELECT * FROM item_event UNION ALL SELECT * FROM ev)')}
        FROM ${fromItems('u')}`,
  };
}

/** item, item_event, item_signup, item_hours and item_evidence; SQL only, no rules. */
export class ItemRepository {
  constructor(private readonly ds: DataSource) {}

  /** Whether the unit's report to the community stands approved. */
  async unitReportedTo(m: EntityManager, unitId: number, communityId: number): Promise<boolean> {
    const rows: unknown[] = await m.query(`SELECT 1 FROM unit_report WHERE unit_id = $1 AND community_id = $2 AND status = 'approved'`, [unitId, communityId]);
    return rows.length > 0;
  }

  /**
   * The item in one statement: with `reportedByUnit` the check that the unit reported to the item's community rides
   * along; `withDetail` adds the timeline, hours, evidence and sign-ups as JSON.
   */
  async find(m: EntityManager, id: number, opts: { lock?: boolean; withDetail?: boolean; reportedByUnit?: number } = {}): Promise<LoadedItem | undefined> {
    const unitStaff = opts.reportedByUnit !== undefined;
    const rows: LoadedItem[] = await preparedIn(m,
      `SELECT ${COLUMNS},
              ${unitStaff ? `EXISTS (SELECT 1 FROM unit_report ur WHERE ur.unit_id = $2 AND ur.community_id = i.community_id AND ur.status = 'approved')` : 'true'} AS reported
              ${opts.withDetail ? `, ${DETAIL_PARTS}` : ''}
         FROM ${FROM} WHERE i.id = $1 ${opts.lock ? 'FOR UPDATE OF i' : ''}`,
      unitStaff ? [id, opts.reportedByUnit] : [id],
    );
    return rows[0];
  }

  async activeCategory(m: EntityManager, categoryId: number): Promise<boolean> {
    const rows: { id: number }[] = await m.query(`SELECT id FROM service_category WHERE id = $1 AND active`, [categoryId]);
    return rows.length > 0;
  }

  /** A new REPORTED item with the next FW number; its id. */
  async insert(
    m: EntityManager,
    i: { communityId: number; categoryId: number; place: string; description: string; source: string; reportedBy: string; reporterName: string | null; meetingId: number | null; decisionId: number | null; meetingTitle: string | null },
  ): Promise<number> {
    const rows: { id: number }[] = await m.query(
      `INSERT INTO item (item_no, community_id, category_id, place, description, status, source, reported_by, reporter_name, meeting_id, meeting_decision_id, meeting_title)
       VALUES ('FW' || to_char(now(), 'YYYYMM') || '-' || lpad(nextval('item_no_seq')::text, 6, '0'), $1, $2, $3, $4, 'REPORTED', $5, $6, $7, $8, $9, $10) RETURNING id`,
      [i.communityId, i.categoryId, i.place, i.description, i.source, i.reportedBy, i.reporterName, i.meetingId, i.decisionId, i.meetingTitle],
    );
    return rows[0].id;
  }

  /** Open items of the same place and category in the same community created within `days` of this one. */
  async possibleDuplicates(m: EntityManager, item: Pick<ItemRow, 'id' | 'communityId' | 'categoryId' | 'place' | 'createdAt'>, days: number): Promise<DuplicateRow[]> {
    return m.query(
      `SELECT id, item_no AS "itemNo", status FROM item
        WHERE community_id = $1 AND category_id = $2 AND place = $3 AND id <> $4 AND status NOT IN ('MERGED','REJECTED','CANCELLED','CLOSED')
          AND created_at BETWEEN $5::timestamptz - make_interval(days => ${days}) AND $5::timestamptz + make_interval(days => ${days})
        ORDER BY id`,
      [item.communityId, item.categoryId, item.place, item.id, item.createdAt],
    );
  }

  /**
   * The list, newest first: keyset (`limit` + 1 rows: the extra one says whether a next page exists) or a numbered
   * page with its total. The communities are resolved first, so items are read by community_id (an index range walk
   * per community) and never by a LIKE on the joined path, which no index of item serves.
   */
  async list(f: ItemListFilter, page: { limit: number } | { offset: number; limit: number }): Promise<{ rows: ItemListRow[]; total?: PageTotal }> {
    const paged = 'offset' in page ? page : null;
    const ids = f.communityIds;
    const statuses = f.statuses;
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: (n: number) => string, v: unknown) => {
      params.push(v);
      where.push(sql(params.length));
    };
    if (f.reportedToUnit !== undefined) add((n) => `i.community_id IN (SELECT community_id FROM unit_report WHERE unit_id = $${n} AND status = 'approved')`, f.reportedToUnit);
    if (f.mine) {
      if ('unitId' in f.mine) add((n) => `i.unit_id = $${n}`, f.mine.unitId);
      else add((n) => `i.reported_by = $${n}`, f.mine.reportedBy);
    }
    if (f.categoryId) add((n) => `i.category_id = $${n}`, f.categoryId);
    if (f.unitId) add((n) => `i.unit_id = $${n}`, f.unitId);
    if (f.pledge !== undefined) add((n) => `i.pledge = $${n}`, f.pledge);
    if (f.source) add((n) => `i.source = $${n}`, f.source);
    if (f.assigned !== undefined) where.push(f.assigned ? 'i.assigned_by IS NOT NULL' : 'i.assigned_by IS NULL');
    if (f.scheduledDate) add((n) => `i.scheduled_date = $${n}::date`, f.scheduledDate);
    if (f.text !== undefined) add((n) => `(i.item_no = $${n} OR i.place LIKE '%' || $${n} || '%' OR i.description LIKE '%' || $${n} || '%')`, likeEscape(f.text));
    if (f.cursor) {
      params.push(...f.cursor);
      where.push(`(i.created_at, i.id) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
    }
    params.push(ids.length === 1 ? ids[0] : ids);
    const idsParam = `$${params.length}`;
    params.push(statuses);
    const statusParam = `$${params.length}`;
    if (!paged) params.push(page.limit);
    const lim = paged ? String(paged.offset + paged.limit) : `$${params.length}`;
    const cond = (community: string, status = statuses ? `i.status = ANY(${statusParam}::text[])` : `${statusParam}::text[] IS NULL`) => [community, status, ...where].join(' AND ');
    const order = `ORDER BY i.created_at DESC, i.id DESC`;
    const pageBounds = paged ? `LIMIT ${paged.limit} OFFSET ${paged.offset}` : `LIMIT ${lim}`;
    const columns = `${COLUMNS}, ${cursorAtSql('i.created_at')} AS "cursorAt"`;
    let sql: string;
    if (ids.length === 1 && (statuses?.length ?? 1) === 1) {
      // One community (and at most one status): item_community_list_idx (item_open_idx with the status) from the cursor on.
      sql = `SELECT ${columns} FROM ${FROM} WHERE ${cond(`i.community_id = ${idsParam}`)} ${order} ${pageBounds}`;
    } else if (ids.length <= PER_COMMUNITY_WALKS) {
      // A street's communities (or a community's statuses): one walk per community and status, at most the
      // page's end each, merged; the page's rows and names are fetched after the LIMIT (a LIMITed subquery
      // is not flattened).
      const communities = ids.length === 1 ? `ARRAY[${idsParam}::bigint]` : `${idsParam}::bigint[]`;
      sql = `SELECT ${columns} FROM (
          SELECT x.id FROM unnest(${communities}) AS s(id)${statuses ? ` CROSS JOIN unnest(${statusParam}::text[]) AS st(status)` : ''}
           CROSS JOIN LATERAL (SELECT i.id, i.created_at FROM item i
                                WHERE ${cond('i.community_id = s.id', statuses ? 'i.status = st.status' : `${statusParam}::text[] IS NULL`)} ${order} LIMIT ${lim}) x
           ORDER BY x.created_at DESC, x.id DESC ${pageBounds}) y
          JOIN ${FROM} ON i.id = y.id ${order}`;
    } else {
      // A county or the city: most items are in scope, so the newest-first walk of item_list_idx stops early.
      sql = `SELECT ${columns} FROM ${FROM} WHERE ${cond(`i.community_id = ANY(${idsParam}::bigint[])`)} ${order} ${pageBounds}`;
    }
    if (paged) {
      // Numbered pages: the total over the same filters, exact up to 1,000, else the planner's estimate.
      const community = ids.length === 1 ? `i.community_id = ${idsParam}` : `i.community_id = ANY(${idsParam}::bigint[])`;
      const { rows, ...total } = await withPageTotal<ItemListRow>(this.ds, this.ds.query(sql, params), `SELECT 1 FROM item i WHERE ${cond(community)}`, params, paged);
      return { rows, total };
    }
    const rows: ItemListRow[] = await this.ds.query(sql, params);
    return { rows };
  }

  /** The item to merge into, locked. */
  async lockMergeTarget(m: EntityManager, id: number): Promise<{ community_id: number; status: ItemStatus } | undefined> {
    const rows: { community_id: number; status: ItemStatus }[] = await m.query(`SELECT community_id, status FROM item WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0];
  }

  /** How many members signed up (read by a statement of its own: after the item's row lock, not from the snapshot before it). */
  async signupCount(m: EntityManager, itemId: number): Promise<number> {
    const rows = await preparedIn<{ n: number }>(m, `SELECT count(*)::int AS n FROM item_signup WHERE item_id = $1`, [itemId]);
    return rows[0].n;
  }

  async evidenceCount(m: EntityManager, itemId: number): Promise<number> {
    const rows: { n: number }[] = await m.query(`SELECT count(*)::int AS n FROM item_evidence WHERE item_id = $1`, [itemId]);
    return rows[0].n;
  }

  async insertNoteEvidence(m: EntityManager, itemId: number, note: string, uploadedBy: string): Promise<void> {
    await m.query(`INSERT INTO item_evidence (item_id, kind, note, uploaded_by) VALUES ($1, 'note', $2, $3)`, [itemId, note, uploadedBy]);
  }

  /** An evidence photo as stored; its id and time. */
  async insertPhotoEvidence(m: EntityManager, itemId: number, p: NewEvidencePhoto): Promise<{ id: number; at: Date }> {
    const rows: { id: number; at: Date }[] = await m.query(
      `INSERT INTO item_evidence (item_id, kind, file_name, mime, size, sha256, note, uploaded_by) VALUES ($1, 'photo', $2, $3, $4, $5, $6, $7) RETURNING id, at`,
      [itemId, p.fileName, p.mime, p.size, p.sha256, p.note, p.uploadedBy],
    );
    return rows[0];
  }

  async photoEvidence(itemId: number, evidenceId: number): Promise<{ file_name: string; mime: string } | undefined> {
    const rows: { file_name: string; mime: string }[] = await this.ds.query(`SELECT file_name, mime FROM item_evidence WHERE id = $1 AND item_id = $2 AND kind = 'photo'`, [evidenceId, itemId]);
    return rows[0];
  }

  async isApprovedMember(m: EntityManager, memberId: number): Promise<boolean> {
    const rows: unknown[] = await m.query(`SELECT 1 FROM member WHERE id = $1 AND status = 'approved'`, [memberId]);
    return rows.length > 0;
  }

  async insertHours(m: EntityManager, itemId: number, h: { memberId: number | null; name: string; hours: number }): Promise<void> {
    await m.query(`INSERT INTO item_hours (item_id, member_id, person_name, hours) VALUES ($1, $2, $3, $4)`, [itemId, h.memberId, h.name, h.hours]);
  }

  async deleteUnpostedHours(m: EntityManager, itemId: number): Promise<void> {
    await m.query(`DELETE FROM item_hours WHERE item_id = $1 AND NOT posted`, [itemId]);
  }

  /**
   * A transition's guarded update (`from` and `version` still current), its timeline event, its bus event and its audit
   * entry in one statement, answered from its RETURNING with the detail's parts (undefined: stale).
   */
  async applyWithEvent(
    m: EntityManager,
    t: { id: number; version: number; from: ItemStatus; set: Record<string, unknown> } & ItemChange,
  ): Promise<(ItemRow & DetailParts) | undefined> {
    const cols = Object.keys(t.set);
    const e = t.event;
    return writeChange<ItemRow & DetailParts>(m, itemChange(t, (p) => `UPDATE item SET status = ${p(e.to)}, version = version + 1, updated_at = now() ${cols.map((k) => `, ${k} = ${p(t.set[k])}`).join('')}
          WHERE id = ${p(t.id)} AND version = ${p(t.version)} AND status = ${p(t.from)} RETURNING *`));
  }

  /**
   * A sign-up's (or its withdrawal's) timeline event, bus event and audit entry in one statement, answered with the detail's
   * parts: the item row is not changed (the sign-up is a row of its own, written by the statement before this one, so
   * this one's snapshot shows it in the answer's sign-ups).
   */
  async recordSignupChange(m: EntityManager, t: { id: number } & ItemChange): Promise<ItemRow & DetailParts> {
    const row = await writeChange<ItemRow & DetailParts>(m, itemChange(t, (p) => `SELECT * FROM item WHERE id = ${p(t.id)}`));
    if (!row) throw new Error(`item ${t.id} is gone inside its own transaction`);
    return row;
  }

  /** The guarded update alone (`item.status` and `version` still current); false when stale. */
  async apply(m: EntityManager, item: Pick<ItemRow, 'id' | 'status'>, version: number, to: ItemStatus, set: Record<string, unknown>): Promise<boolean> {
    const cols = Object.keys(set);
    const updated = await m.query(
      `UPDATE item SET status = $3, version = version + 1, updated_at = now() ${cols.map((k, i) => `, ${k} = $${i + 4}`).join('')}
        WHERE id = $1 AND version = $2 AND status = '${item.status}' RETURNING id`,
      [item.id, version, to, ...cols.map((k) => set[k])],
    );
    return rowsOf(updated).length > 0;
  }

  /** Posts the item's hours; the hours posted, per member (null: a person who is not a member). */
  async postHours(m: EntityManager, itemId: number): Promise<{ memberId: string | null; hours: number }[]> {
    return rowsOf<{ memberId: string | null; hours: number }>(await m.query(`UPDATE item_hours SET posted = true WHERE item_id = $1 AND NOT posted RETURNING member_id AS "memberId", hours::float AS hours`, [itemId]));
  }

  async close(m: EntityManager, itemId: number): Promise<void> {
    await m.query(`UPDATE item SET status = 'CLOSED', closed_at = now(), version = version + 1, updated_at = now() WHERE id = $1`, [itemId]);
  }

  /** The approved member of this username, their account learnt as they act, with their community; and the item's sign-ups now. */
  async memberSigning(m: EntityManager, username: string, accountId: string, itemId: number): Promise<{ id: number; community_id: number; taken: number } | undefined> {
    return (await preparedIn<{ id: number; community_id: number; taken: number }>(m, MEMBER_SIGNING, [username, accountId, itemId]))[0];
  }

  /** The approved member of this username, their account learnt as they check in; with their name. */
  async memberCheckingIn(m: EntityManager, username: string, accountId: string): Promise<{ id: number; name: string } | undefined> {
    return (await preparedIn<{ id: number; name: string }>(m, MEMBER_LEARNT('name'), [username, accountId]))[0];
  }

  /** False when the member had signed up already. */
  async insertSignup(m: EntityManager, itemId: number, memberId: number): Promise<boolean> {
    const ins = await preparedIn(m, `INSERT INTO item_signup (item_id, member_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING member_id`, [itemId, memberId]);
    return ins.length > 0;
  }

  /** False when the member was not signed up. */
  async deleteSignup(m: EntityManager, itemId: number, memberId: number): Promise<boolean> {
    return (await preparedIn(m, `DELETE FROM item_signup WHERE item_id = $1 AND member_id = $2 RETURNING member_id`, [itemId, memberId])).length > 0;
  }

  /**
   * Published items past their deadline go to ESCALATED, except individual items members signed up for; their ids.
   * The status condition makes a second run (or a concurrent one) escalate nothing twice.
   */
  async escalateOverdue(m: EntityManager, now: Date): Promise<{ id: number }[]> {
    return rowsOf<{ id: number }>(await m.query(
      `UPDATE item SET status = 'ESCALATED', version = version + 1, updated_at = now()
          WHERE status = 'PUBLISHED' AND deadline < $1
            AND NOT (kind = 'individual' AND EXISTS (SELECT 1 FROM item_signup s WHERE s.item_id = item.id))
          RETURNING id`,
      [now],
    ));
  }

  /** The item of a check-in code, locked. */
  async lockByCheckinCode(m: EntityManager, code: string): Promise<{ id: number; status: string; kind: string; unit_id: number | null } | undefined> {
    const rows: { id: number; status: string; kind: string; unit_id: number | null }[] = await m.query(
      `SELECT id, status, kind, unit_id FROM item WHERE checkin_code = $1 FOR UPDATE`,
      [code],
    );
    return rows[0];
  }

  /** The id of the item of a check-in code. */
  async idByCheckinCode(code: string): Promise<number | undefined> {
    const rows: { id: number }[] = await this.ds.query(`SELECT id FROM item WHERE checkin_code = $1`, [code]);
    return rows[0]?.id;
  }

  /** Checks the member in (signed up or not); false when they had checked in already. */
  async checkIn(m: EntityManager, itemId: number, memberId: number): Promise<boolean> {
    return rowsOf(await m.query(
      `INSERT INTO item_signup (item_id, member_id, checked_in_at) VALUES ($1, $2, now())
         ON CONFLICT (item_id, member_id) DO UPDATE SET checked_in_at = now() WHERE item_signup.checked_in_at IS NULL
         RETURNING member_id`,
      [itemId, memberId],
    )).length > 0;
  }

  /** The members (of these ids) with their account, their posted total, and the item's number and community. */
  async postedMembers(m: EntityManager, memberIds: string[], itemId: number): Promise<PostedMemberRow[]> {
    return m.query(
      `SELECT mb.id, mb.account_id AS "accountId", cr.path, it.item_no AS "itemNo", icr.name AS "communityName",
              (SELECT coalesce(sum(h.hours), 0) FROM item_hours h WHERE h.member_id = mb.id AND h.posted)::float AS total
         FROM member mb JOIN community_ref cr ON cr.id = mb.community_id JOIN item it ON it.id = $2 LEFT JOIN community_ref icr ON icr.id = it.community_id
        WHERE mb.id = ANY($1::bigint[])`,
      [memberIds, itemId],
    );
  }

  async insertEvent(m: EntityManager, e: ItemEventRecord): Promise<void> {
    await preparedIn(m,
      `INSERT INTO item_event (item_id, action, from_status, to_status, actor_id, actor_username, actor_role, unit_id, reason, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [e.itemId, e.action, e.from, e.to, e.actorId, e.actorUsername, e.actorRole, e.unitId, e.reason, e.data ? JSON.stringify(e.data) : null],
    );
  }

  /** The row the bus event of an item transition names, in the transition's transaction. */
  async eventInfo(m: EntityManager, itemId: number): Promise<ItemEventInfo | undefined> {
    const rows: ItemEventInfo[] = await m.query(
      `SELECT it.item_no AS "itemNo", it.community_id::int AS "communityId", cr.name AS "communityName", it.unit_id::int AS "unitId", cr.path, it.place, it.rating
         FROM item it LEFT JOIN community_ref cr ON cr.id = it.community_id WHERE it.id = $1`,
      [itemId],
    );
    return rows[0];
  }
}
