import { randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  AppError, assertRole, type AuditInput, emit, type AuthUser, badRequest, businessToday, type CommunityDirectory, conflict, cursorAtSql, decodeCursor, encodeCursor, forbidden, inScope, likeEscape,
  isoSql, type NewEvent, notFound, type PageTotal, pageRequest, pageTotal, type Role, rowsOf, writeAudit,
  writeChange, wrongState,
} from '@redheart/shared';
import { type ItemAction, type ItemStatus, ITEM_RULES, isServiceDay, nextServiceDay } from '../../domain';
import type { CreateItemDto, ItemTransitionDto, ListItemsQuery } from './dto';
import { may, POLICY, scopeKind } from '../../policy';

export interface Ctx {
  user: AuthUser;
  requestId?: string;
}

export const REPORTERS: readonly Role[] = POLICY['item.report'].roles;
const DUPLICATE_WINDOW_DAYS = 7;

/** The joint committee meeting and decision a piece of work came from (kept by the org service). */
export interface MeetingLink {
  meetingId: number;
  decisionId: number;
  title: string;
}
const DEFAULT_PUBLISH_DAYS = 7;
const DEFAULT_RESPONSE_DAYS = 3;

interface ItemRow {
  id: number;
  itemNo: string;
  communityId: number;
  communityName: string;
  path: string;
  categoryId: number;
  categoryName: string;
  kind: 'unit' | 'individual';
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

interface DetailParts {
  timeline: unknown[];
  hours: unknown[];
  evidence: unknown[];
  signupList: unknown[];
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function view(i: ItemRow) {
  // The phone a resident left (a need from a desk's QR page) is for the community to call back: detail only, below.
  const { path: _p, checkinCode: _c, reporterPhone: _ph, ...rest } = i;
  void _p;
  void _c;
  void _ph;
  return {
    ...rest,
    deadline: iso(i.deadline),
    claimedAt: iso(i.claimedAt),
    responseDeadline: iso(i.responseDeadline),
    startedAt: iso(i.startedAt),
    doneAt: iso(i.doneAt),
    closedAt: iso(i.closedAt),
    createdAt: iso(i.createdAt)!,
    updatedAt: iso(i.updatedAt)!,
  };
}

/**
 * Members check in on the day the item is delivered: from its scheduled date on (business time), or
 * as soon as the unit has started it. Before that the answer is the day it opens (null: open now).
 */
export function checkinOpensOn(item: Pick<ItemRow, 'status' | 'scheduledDate'>, today = businessToday()): string | null {
  if (item.status === 'IN_PROGRESS') return null;
  if (item.status === 'SCHEDULED' && item.scheduledDate && item.scheduledDate > today) return item.scheduledDate;
  return null;
}

/** The event type of each item transition: `volunteer.item.<name>`. */
const ITEM_EVENT_NAMES: Record<string, string> = {
  report: 'reported', publish: 'published', reject: 'rejected', refer: 'referred', merge: 'merged', claim: 'claimed', release: 'released',
  assign: 'assigned', schedule: 'scheduled', start: 'started', complete: 'completed', confirm: 'confirmed', reopen: 'reopened', cancel: 'cancelled',
  signup: 'signed_up', withdraw_signup: 'signup_withdrawn', escalate: 'escalated', close: 'closed', checkin: 'checked_in',
};

export class ItemService {
  constructor(
    private readonly ds: DataSource,
    private readonly communities: CommunityDirectory,
  ) {}

  /** A unit's staff act only in communities their unit has reported to (and that report was approved). */
  async unitReportedTo(m: EntityManager, unitId: number, communityId: number): Promise<boolean> {
    const rows = await m.query(`SELECT 1 FROM unit_report WHERE unit_id = $1 AND community_id = $2 AND status = 'approved'`, [unitId, communityId]);
    return rows.length > 0;
  }

  /**
   * The item in the caller's scope, in one statement: for unit staff the check that their unit
   * reported to the item's community rides along; `withDetail` adds the timeline, hours, evidence and
   * sign-ups as JSON (the detail answer is one round trip, which matters inside a transition).
   */
  private async load(m: EntityManager, user: AuthUser, id: number, opts: { lock?: boolean; withDetail?: boolean } = {}): Promise<ItemRow & Partial<DetailParts>> {
    const unitStaff = scopeKind(user) === 'unit';
    const rows: (ItemRow & { reported: boolean } & Partial<DetailParts>)[] = await m.query(
      `SELECT ${COLUMNS},
              ${unitStaff ? `EXISTS (SELECT 1 FROM unit_report ur WHERE ur.unit_id = $2 AND ur.community_id = i.community_id AND ur.status = 'approved')` : 'true'} AS reported
              ${opts.withDetail ? `, ${DETAIL_PARTS}` : ''}
         FROM ${FROM} WHERE i.id = $1 ${opts.lock ? 'FOR UPDATE OF i' : ''}`,
      unitStaff ? [id, user.orgId] : [id],
    );
    const item = rows[0];
    if (!item || !inScope(item.path, user.scopePaths) || !item.reported) throw notFound('Service item');
    return item;
  }

  /**
   * `meeting`: the item is a joint committee meeting's decision (the org service asks over its internal route); the
   * street may then report too (its 大工委 decided it), and the item keeps the meeting and decision it came from.
   */
  async create(ctx: Ctx, dto: CreateItemDto, m: EntityManager, meeting?: MeetingLink) {
    const { user } = ctx;
    assertRole(user, meeting ? [...REPORTERS, 'street_admin'] : REPORTERS, '您的角色无权上报需求');
    const communityId = dto.communityId ?? (user.role === 'admin' ? undefined : user.orgId);
    if (!communityId) throw badRequest('communityId is required', [{ field: 'communityId', errors: ['required for your role'] }], 'VALIDATION_FAILED');
    const community = await this.communities.visible(m, user, communityId);
    const cat = await m.query(`SELECT id FROM service_category WHERE id = $1 AND active`, [dto.categoryId]);
    if (!cat.length) throw badRequest('categoryId is not an active service category', [{ field: 'categoryId', errors: ['unknown'], code: 'inactiveCategory' }], 'VALIDATION_FAILED');
    const source = dto.source ?? (user.role === 'grid_worker' ? 'grid_worker' : user.role === 'member' ? 'resident' : 'community');
    const rows = await m.query(
      `INSERT INTO item (item_no, community_id, category_id, place, description, status, source, reported_by, reporter_name, meeting_id, meeting_decision_id, meeting_title)
       VALUES ('FW' || to_char(now(), 'YYYYMM') || '-' || lpad(nextval('item_no_seq')::text, 6, '0'), $1, $2, $3, $4, 'REPORTED', $5, $6, $7, $8, $9, $10) RETURNING id`,
      [community.id, dto.categoryId, dto.place.trim(), dto.description.trim(), source, user.username, dto.reporterName ?? null,
        meeting?.meetingId ?? null, meeting?.decisionId ?? null, meeting?.title ?? null],
    );
    const id = rows[0].id;
    await this.event(m, ctx, id, 'report', null, 'REPORTED', null, null, meeting ? { source, meetingId: meeting.meetingId, decisionId: meeting.decisionId } : { source });
    await writeAudit(m, { actor: user, action: 'item.report', entityType: 'item', entityId: id, after: { communityId: community.id, categoryId: dto.categoryId, place: dto.place }, requestId: ctx.requestId });
    return this.detail(m, user, id);
  }

  /** Same place and category in the same community within 7 days: the triage merges them. */
  private async possibleDuplicates(m: EntityManager, item: ItemRow) {
    return m.query(
      `SELECT id, item_no AS "itemNo", status FROM item
        WHERE community_id = $1 AND category_id = $2 AND place = $3 AND id <> $4 AND status NOT IN ('MERGED','REJECTED','CANCELLED','CLOSED')
          AND created_at BETWEEN $5::timestamptz - make_interval(days => ${DUPLICATE_WINDOW_DAYS}) AND $5::timestamptz + make_interval(days => ${DUPLICATE_WINDOW_DAYS})
        ORDER BY id`,
      [item.communityId, item.categoryId, item.place, item.id, item.createdAt],
    );
  }

  async detail(m: EntityManager, user: AuthUser, id: number) {
    return this.present(m, user, (await this.load(m, user, id, { withDetail: true })) as ItemRow & DetailParts);
  }

  /** The detail of an item read with its detail parts (a read, or a transition's answer). */
  private async present(m: EntityManager, user: AuthUser, item: ItemRow & DetailParts) {
    const canSeeCode = may(user, 'item.community') || (scopeKind(user) === 'unit' && item.unitId === user.orgId);
    const { timeline, hours, evidence, signupList, reported: _r, ...row } = item as ItemRow & DetailParts & { reported?: boolean };
    void _r;
    return {
      ...view(row),
      checkinCode: canSeeCode ? item.checkinCode : null,
      reporterPhone: may(user, 'item.community') ? item.reporterPhone : null,
      possibleDuplicates: item.status === 'REPORTED' ? await this.possibleDuplicates(m, item) : [],
      timeline,
      hours,
      evidence,
      signups: signupList,
      allowedActions: this.allowedActions(user, item),
    };
  }

  private allowedActions(user: AuthUser, item: ItemRow): ItemAction[] {
    const out: ItemAction[] = [];
    for (const [action, rule] of Object.entries(ITEM_RULES) as [ItemAction, (typeof ITEM_RULES)[ItemAction]][]) {
      if (!rule.from.includes(item.status) || !rule.roles.includes(user.role)) continue;
      if (action === 'claim' && item.kind !== 'unit') continue;
      if ((action === 'signup' || action === 'withdraw_signup') && item.kind !== 'individual') continue;
      if (['release', 'schedule', 'start', 'complete'].includes(action) && scopeKind(user) === 'unit' && item.unitId !== user.orgId) continue;
      if (action === 'schedule' && item.status === 'PUBLISHED' && (item.kind !== 'individual' || !item.signups)) continue;
      out.push(action);
    }
    return out;
  }

  async list(user: AuthUser, q: ListItemsQuery) {
    const paged = pageRequest(q, 20);
    const limit = Math.min(q.limit ?? 20, 100);
    // The communities the page reads: the one asked for (404 outside the scope), otherwise every one
    // in the caller's scope, resolved first so that items are read by community_id (an index range
    // walk per community) and never by a LIKE on the joined path, which no index of item serves.
    const ids = q.communityId
      ? [(await this.communities.visible(this.ds.manager, user, q.communityId)).id]
      : await this.communities.inScopeIds(this.ds.manager, user);
    if (!ids.length) return paged ? { items: [], total: 0, totalExact: true, page: paged.page, limit: paged.limit } : { items: [], nextCursor: null };
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (f: (n: number) => string, v: unknown) => {
      params.push(v);
      where.push(f(params.length));
    };
    if (scopeKind(user) === 'unit') add((n) => `i.community_id IN (SELECT community_id FROM unit_report WHERE unit_id = $${n} AND status = 'approved')`, user.orgId);
    // Statuses asked for (view=open: two): each walked on its own (item_open_idx: community, status, newest first), so
    // a community with thousands of open items still reads about a page of them, not all of them to sort.
    const statuses = q.status ? [q.status] : q.statuses ? [...new Set(q.statuses.split(','))] : q.view === 'open' ? ['PUBLISHED', 'ESCALATED'] : null;
    if (q.view === 'mine') {
      if (scopeKind(user) === 'unit') add((n) => `i.unit_id = $${n}`, user.orgId);
      else add((n) => `i.reported_by = $${n}`, user.username);
    }
    if (q.categoryId) add((n) => `i.category_id = $${n}`, q.categoryId);
    if (q.unitId) add((n) => `i.unit_id = $${n}`, q.unitId);
    if (q.pledge) add((n) => `i.pledge = $${n}`, q.pledge === 'true');
    if (q.source) add((n) => `i.source = $${n}`, q.source);
    if (q.assigned) where.push(q.assigned === 'true' ? 'i.assigned_by IS NOT NULL' : 'i.assigned_by IS NULL');
    if (q.scheduledDate) add((n) => `i.scheduled_date = $${n}::date`, q.scheduledDate);
    if (q.q) add((n) => `(i.item_no = $${n} OR i.place LIKE '%' || $${n} || '%' OR i.description LIKE '%' || $${n} || '%')`, likeEscape(q.q.trim()));
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor);
      params.push(at, id);
      where.push(`(i.created_at, i.id) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
    }
    params.push(ids.length === 1 ? ids[0] : ids);
    const idsParam = `$${params.length}`;
    params.push(statuses);
    const statusParam = `$${params.length}`;
    if (!paged) params.push(limit + 1);
    const lim = paged ? String(paged.offset + paged.limit) : `$${params.length}`;
    const cond = (community: string, status = statuses ? `i.status = ANY(${statusParam}::text[])` : `${statusParam}::text[] IS NULL`) => [community, status, ...where].join(' AND ');
    const order = `ORDER BY i.created_at DESC, i.id DESC`;
    const page = paged ? `LIMIT ${paged.limit} OFFSET ${paged.offset}` : `LIMIT ${lim}`;
    const columns = `${COLUMNS}, ${cursorAtSql('i.created_at')} AS "cursorAt"`;
    let sql: string;
    if (ids.length === 1 && (statuses?.length ?? 1) === 1) {
      // One community (and at most one status): item_community_list_idx (item_open_idx with the status) from the cursor on.
      sql = `SELECT ${columns} FROM ${FROM} WHERE ${cond(`i.community_id = ${idsParam}`)} ${order} ${page}`;
    } else if (ids.length <= PER_COMMUNITY_WALKS) {
      // A street's communities (or a community's statuses): one walk per community and status, at most the
      // page's end each, merged; the page's rows and names are fetched after the LIMIT (a LIMITed subquery
      // is not flattened).
      const communities = ids.length === 1 ? `ARRAY[${idsParam}::bigint]` : `${idsParam}::bigint[]`;
      sql = `SELECT ${columns} FROM (
          SELECT x.id FROM unnest(${communities}) AS s(id)${statuses ? ` CROSS JOIN unnest(${statusParam}::text[]) AS st(status)` : ''}
           CROSS JOIN LATERAL (SELECT i.id, i.created_at FROM item i
                                WHERE ${cond('i.community_id = s.id', statuses ? 'i.status = st.status' : `${statusParam}::text[] IS NULL`)} ${order} LIMIT ${lim}) x
           ORDER BY x.created_at DESC, x.id DESC ${page}) y
          JOIN ${FROM} ON i.id = y.id ${order}`;
    } else {
      // A county or the city: most items are in scope, so the newest-first walk of item_list_idx stops early.
      sql = `SELECT ${columns} FROM ${FROM} WHERE ${cond(`i.community_id = ANY(${idsParam}::bigint[])`)} ${order} ${page}`;
    }
    if (paged) {
      // Numbered pages: the total over the same filters, exact up to 1,000, else the planner's estimate.
      const community = ids.length === 1 ? `i.community_id = ${idsParam}` : `i.community_id = ANY(${idsParam}::bigint[])`;
      const [rows, total]: [ItemRow[], PageTotal] = await Promise.all([this.ds.query(sql, params), pageTotal(this.ds, `SELECT 1 FROM item i WHERE ${cond(community)}`, params)]);
      return { items: rows.map(({ cursorAt: _c, ...i }: ItemRow & { cursorAt?: string }) => (void _c, view(i))), ...total, page: paged.page, limit: paged.limit };
    }
    const rows: (ItemRow & { cursorAt: string })[] = await this.ds.query(sql, params);
    const pageRows = rows.slice(0, limit);
    const last = pageRows.at(-1);
    return { items: pageRows.map(({ cursorAt: _c, ...i }) => (void _c, view(i))), nextCursor: rows.length > limit && last ? encodeCursor(last.cursorAt, last.id) : null };
  }

  async transition(ctx: Ctx, id: number, dto: ItemTransitionDto, m: EntityManager) {
    const { user } = ctx;
    const item = await this.load(m, user, id, { lock: true });
    const rule = ITEM_RULES[dto.action];
    if (!rule.roles.includes(user.role)) throw forbidden(`Your role may not ${dto.action} a service item`);
    if (!rule.from.includes(item.status)) throw wrongState(`A ${item.status} item cannot be ${dto.action}ed`, { entity: 'item', from: item.status, action: dto.action });
    // Sign-ups are rows of their own, guarded by the item's row lock; they don't race on the item's version.
    const isSignup = dto.action === 'signup' || dto.action === 'withdraw_signup';
    if (!isSignup && item.version !== dto.version) throw conflict('The item was changed by someone else; reload it', 'STALE_VERSION');
    if (rule.reasonRequired && !dto.reason) throw badRequest(`${dto.action} needs a reason`, [{ field: 'reason', errors: ['required'] }], 'VALIDATION_FAILED');
    const set: Record<string, unknown> = {};
    let to: ItemStatus = rule.to ?? item.status;
    let data: Record<string, unknown> | null = null;
    let eventUnit: number | null = item.unitId;
    const today = businessToday();

    switch (dto.action) {
      case 'publish': {
        const kind = dto.kind ?? 'unit';
        const capacity = dto.capacity ?? 1;
        if (kind === 'unit' && capacity !== 1) throw badRequest('A unit item is claimed whole: capacity is 1', [{ field: 'capacity', errors: ['must be 1 for kind unit'] }], 'VALIDATION_FAILED');
        const deadline = dto.deadline ? new Date(dto.deadline) : new Date(Date.now() + DEFAULT_PUBLISH_DAYS * 86400_000);
        if (deadline.getTime() <= Date.now()) throw badRequest('deadline must lie in the future', [{ field: 'deadline', errors: ['past'] }], 'VALIDATION_FAILED');
        Object.assign(set, { kind, capacity, deadline, pledge: dto.pledge ?? false });
        data = { kind, capacity, deadline: deadline.toISOString(), pledge: dto.pledge ?? false };
        break;
      }
      case 'refer': {
        if (!dto.referralBody) throw badRequest('A referral names the responsible body', [{ field: 'referralBody', errors: ['required'] }], 'VALIDATION_FAILED');
        set.referral_body = dto.referralBody;
        data = { referralBody: dto.referralBody };
        break;
      }
      case 'merge': {
        if (!dto.mergeIntoId || dto.mergeIntoId === id) throw badRequest('merge needs mergeIntoId of another item', [{ field: 'mergeIntoId', errors: ['required'] }], 'VALIDATION_FAILED');
        const target: { community_id: number; status: string }[] = await m.query(`SELECT community_id, status FROM item WHERE id = $1 FOR UPDATE`, [dto.mergeIntoId]);
        if (!target[0] || target[0].community_id !== item.communityId) throw notFound('Item to merge into');
        if (['MERGED', 'REJECTED', 'CANCELLED', 'CLOSED'].includes(target[0].status)) throw wrongState('Cannot merge into a finished item', { entity: 'item', from: target[0].status, action: 'merge' });
        set.merged_into_id = dto.mergeIntoId;
        data = { mergedInto: dto.mergeIntoId };
        break;
      }
      case 'claim': {
        if (item.kind !== 'unit') throw conflict('Individual items are signed up for by members, not claimed', 'WRONG_KIND');
        Object.assign(set, { unit_id: user.orgId, claimed_at: new Date() });
        eventUnit = user.orgId;
        break;
      }
      case 'release': {
        if (item.unitId !== user.orgId) throw forbidden('Only the claiming unit may release the item');
        // 推诿: counted against the unit in its scorecard.
        Object.assign(set, { unit_id: null, claimed_at: null, release_count: item.releaseCount + 1 });
        break;
      }
      case 'assign': {
        if (!dto.unitId) throw badRequest('assign names the unit (unitId)', [{ field: 'unitId', errors: ['required'] }], 'VALIDATION_FAILED');
        if (!(await this.unitReportedTo(m, dto.unitId, item.communityId))) throw badRequest('That unit has not reported to this community', [{ field: 'unitId', errors: ['not reported here'] }], 'UNIT_NOT_REPORTED');
        const responseDeadline = new Date(Date.now() + (dto.responseDays ?? DEFAULT_RESPONSE_DAYS) * 86400_000);
        Object.assign(set, { unit_id: dto.unitId, claimed_at: new Date(), assigned_by: user.username, response_deadline: responseDeadline });
        eventUnit = dto.unitId;
        data = { unitId: dto.unitId, responseDeadline: responseDeadline.toISOString() };
        break;
      }
      case 'schedule': {
        if (scopeKind(user) === 'unit' && item.unitId !== user.orgId) throw forbidden('Only the claiming unit may schedule it');
        if (item.status === 'PUBLISHED') {
          if (item.kind !== 'individual') throw wrongState('A unit item is scheduled after a unit has claimed it', { entity: 'item', from: item.status, action: 'schedule' });
          // Counted after the row lock (sign-ups change only under it), not from the snapshot read with the row.
          const taken: { n: number }[] = await m.query(`SELECT count(*)::int AS n FROM item_signup WHERE item_id = $1`, [id]);
          if (!taken[0].n) throw conflict('No member has signed up yet', 'NO_SIGNUPS');
        }
        const date = dto.date ?? nextServiceDay(today);
        if (date < today) throw badRequest('The date lies in the past', [{ field: 'date', errors: ['past'] }], 'VALIDATION_FAILED');
        Object.assign(set, { scheduled_date: date, checkin_code: item.checkinCode ?? randomBytes(9).toString('base64url') });
        data = { date, serviceDay: isServiceDay(date) };
        break;
      }
      case 'start': {
        if (scopeKind(user) === 'unit' && item.unitId !== user.orgId) throw forbidden('Only the claiming unit may start it');
        set.started_at = new Date();
        break;
      }
      case 'complete': {
        if (scopeKind(user) === 'unit' && item.unitId !== user.orgId) throw forbidden('Only the claiming unit may complete it');
        if (!dto.hours?.length) throw badRequest('complete records volunteer hours per member', [{ field: 'hours', errors: ['required'] }], 'VALIDATION_FAILED');
        const evidence = await m.query(`SELECT count(*)::int AS n FROM item_evidence WHERE item_id = $1`, [id]);
        if (!evidence[0].n && !dto.note) throw badRequest('complete needs evidence: upload a photo or give a note', [{ field: 'note', errors: ['evidence required'] }], 'EVIDENCE_REQUIRED');
        if (dto.note) await m.query(`INSERT INTO item_evidence (item_id, kind, note, uploaded_by) VALUES ($1, 'note', $2, $3)`, [id, dto.note, user.username]);
        for (const h of dto.hours) {
          if (h.memberId) {
            const mem = await m.query(`SELECT 1 FROM member WHERE id = $1 AND status = 'approved'`, [h.memberId]);
            if (!mem.length) throw badRequest(`memberId ${h.memberId} is not a reported member`, [{ field: 'hours.memberId', errors: ['unknown'] }], 'VALIDATION_FAILED');
          }
          await m.query(`INSERT INTO item_hours (item_id, member_id, person_name, hours) VALUES ($1, $2, $3, $4)`, [id, h.memberId ?? null, h.name, h.hours]);
        }
        set.done_at = new Date();
        data = { hours: dto.hours.reduce((s, h) => s + h.hours, 0), people: dto.hours.length };
        break;
      }
      case 'confirm': {
        if (!dto.rating) throw badRequest('confirm needs a rating from 1 to 5', [{ field: 'rating', errors: ['required'] }], 'VALIDATION_FAILED');
        set.rating = dto.rating;
        data = { rating: dto.rating };
        break;
      }
      case 'reopen': {
        // Rework: back to the schedule, on the next service day.
        Object.assign(set, { rework_count: item.reworkCount + 1, scheduled_date: nextServiceDay(today), done_at: null, started_at: null });
        await m.query(`DELETE FROM item_hours WHERE item_id = $1 AND NOT posted`, [id]);
        break;
      }
      // (the reason is the event's; before the table walk found it, `reject` had no case and answered 400)
      case 'reject':
      case 'cancel':
        break;
      case 'signup':
      case 'withdraw_signup': {
        data = await this.signup(m, user, item, dto.action === 'signup');
        to = item.status;
        break;
      }
      default: {
        // Every action of the table has its case: a new one fails to compile here.
        const unhandled: never = dto.action;
        throw badRequest(`Unsupported action ${String(unhandled)}`, undefined, 'VALIDATION_FAILED');
      }
    }

    const audit: AuditInput = {
      actor: user, action: `item.${dto.action}`, entityType: 'item', entityId: id,
      before: { status: item.status, version: item.version, unitId: item.unitId }, after: { status: to, ...(data ?? {}) },
      reason: dto.reason, requestId: ctx.requestId,
    };
    if (!isSignup && dto.action !== 'confirm') {
      // The update, its timeline event, its event on the bus and its audit entry in one statement, answered from its RETURNING
      // (the item's community, number and place come from the locked row; unit and rating as the update leaves them).
      const cols = Object.keys(set);
      const after = { ...item, unitId: 'unit_id' in set ? (set.unit_id as number | null) : item.unitId, rating: 'rating' in set ? (set.rating as number | null) : item.rating };
      const row = await writeChange<ItemRow & DetailParts>(m, {
        update: (p) => `UPDATE item SET status = ${p(to)}, version = version + 1, updated_at = now() ${cols.map((k) => `, ${k} = ${p(set[k])}`).join('')}
          WHERE id = ${p(item.id)} AND version = ${p(dto.version)} AND status = ${p(item.status)} RETURNING *`,
        event: {
          table: 'item_event',
          columns: ['item_id', 'action', 'from_status', 'to_status', 'actor_id', 'actor_username', 'actor_role', 'unit_id', 'reason', 'data'],
          values: (p) => ['u.id', p(dto.action), p(item.status), p(to), p(user.sub), p(user.username), p(user.role), `${p(eventUnit)}::bigint`, p(dto.reason ?? null),
            `${p(data ? JSON.stringify(data) : null)}::jsonb`],
        },
        outbox: itemEvent(ctx, after, dto.action, item.status, to, dto.reason ?? null, eventUnit),
        audit,
        answer: () => `SELECT ${COLUMNS}, ${detailParts('(SELECT * FROM item_event UNION ALL SELECT * FROM ev)')}
          FROM ${fromItems('u')}`,
      });
      if (!row) throw conflict('The item was changed by someone else; reload it', 'STALE_VERSION');
      return this.present(m, user, row);
    }
    if (!isSignup) await this.apply(m, item, dto.version, to, set);
    await this.event(m, ctx, id, dto.action, item.status, to, dto.reason ?? null, eventUnit, data);
    if (dto.action === 'confirm') {
      // CONFIRMED → CLOSED by the system: hours are posted to the members, the scorecard counts it.
      const posted = rowsOf<{ memberId: string | null; hours: number }>(await m.query(`UPDATE item_hours SET posted = true WHERE item_id = $1 AND NOT posted RETURNING member_id AS "memberId", hours::float AS hours`, [id]));
      await this.hoursPosted(m, id, posted);
      await m.query(`UPDATE item SET status = 'CLOSED', closed_at = now(), version = version + 1, updated_at = now() WHERE id = $1`, [id]);
      await this.event(m, { user: { ...user, sub: 'system', username: 'system' } }, id, 'close', 'CONFIRMED', 'CLOSED', null, eventUnit, { postedHours: posted.length });
    }
    await writeAudit(m, audit);
    return this.detail(m, user, id);
  }

  private async apply(m: EntityManager, item: ItemRow, version: number, to: ItemStatus, set: Record<string, unknown>) {
    const cols = Object.keys(set);
    const updated = await m.query(
      `UPDATE item SET status = $3, version = version + 1, updated_at = now() ${cols.map((k, i) => `, ${k} = $${i + 4}`).join('')}
        WHERE id = $1 AND version = $2 AND status = '${item.status}' RETURNING id`,
      [item.id, version, to, ...cols.map((k) => set[k])],
    );
    if (!rowsOf(updated).length) throw conflict('The item was changed by someone else; reload it', 'STALE_VERSION');
  }

  /** Places on an individual item: the item row is locked, so sign-ups never exceed capacity. */
  private async signup(m: EntityManager, user: AuthUser, item: ItemRow, join: boolean) {
    if (item.kind !== 'individual') throw conflict('Only individual items take sign-ups', 'WRONG_KIND');
    // the member's account learnt as they act (they are told of their hours posted to it)
    const mem: { id: number; community_id: number }[] = rowsOf(await m.query(
      `UPDATE member SET account_id = $2 WHERE username = $1 AND status = 'approved' RETURNING id, community_id`, [user.username, user.sub],
    ));
    if (!mem[0]) throw forbidden('Report to your community as a party member first (双报到)');
    // Counted by a statement of its own, after the row lock: the count read with the locked row
    // came from the snapshot taken before waiting for that lock.
    const taken: { n: number }[] = await m.query(`SELECT count(*)::int AS n FROM item_signup WHERE item_id = $1`, [item.id]);
    if (join) {
      if (taken[0].n >= item.capacity) throw conflict('All places are taken', 'CAPACITY_FULL');
      const ins = await m.query(`INSERT INTO item_signup (item_id, member_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING member_id`, [item.id, mem[0].id]);
      if (!ins.length) throw conflict('You have signed up already', 'ALREADY_SIGNED_UP');
    } else {
      const del = rowsOf(await m.query(`DELETE FROM item_signup WHERE item_id = $1 AND member_id = $2 RETURNING member_id`, [item.id, mem[0].id]));
      if (!del.length) throw conflict('You were not signed up', 'NOT_SIGNED_UP');
    }
    return { memberId: mem[0].id, places: item.capacity, taken: taken[0].n + (join ? 1 : -1) };
  }

  /**
   * The escalation job (吹哨): published items nobody claimed by their deadline go to the street.
   * An individual item that members have signed up for is taken (the community schedules it), not escalated.
   * The status condition makes a second run (or a concurrent one) escalate nothing twice.
   */
  async escalateOverdue(now = new Date()): Promise<number[]> {
    return this.ds.transaction(async (m) => {
      const ids: { id: number }[] = rowsOf(await m.query(
        `UPDATE item SET status = 'ESCALATED', version = version + 1, updated_at = now()
          WHERE status = 'PUBLISHED' AND deadline < $1
            AND NOT (kind = 'individual' AND EXISTS (SELECT 1 FROM item_signup s WHERE s.item_id = item.id))
          RETURNING id`,
        [now],
      ));
      const system = { sub: 'system', username: 'system', role: 'admin' as const, orgId: 0, scopePaths: [] };
      for (const { id } of ids) {
        await this.event(m, { user: system }, id, 'escalate', 'PUBLISHED', 'ESCALATED', 'unclaimed past the deadline', null, null);
        await writeAudit(m, { actor: null, action: 'item.escalate', entityType: 'item', entityId: id, after: { status: 'ESCALATED' }, reason: 'unclaimed past the deadline' });
      }
      return ids.map((r) => r.id);
    });
  }

  /** A member's phone opens the item by its check-in code on the service day. */
  async checkin(user: AuthUser, code: string) {
    return this.ds.transaction(async (m) => {
      const rows: { id: number; status: string; kind: string; unit_id: number | null }[] = await m.query(
        `SELECT id, status, kind, unit_id FROM item WHERE checkin_code = $1 FOR UPDATE`,
        [code],
      );
      if (!rows[0]) throw notFound('Check-in code');
      const item = await this.load(m, user, rows[0].id);
      if (!['SCHEDULED', 'IN_PROGRESS'].includes(item.status)) throw wrongState('Check-in is open while the item is scheduled or in progress', { entity: 'item', from: item.status, action: 'checkin' });
      const mem: { id: number; name: string }[] = rowsOf(await m.query(`UPDATE member SET account_id = $2 WHERE username = $1 AND status = 'approved' RETURNING id, name`, [user.username, user.sub]));
      if (!mem[0]) throw forbidden('Only reported members check in');
      const opensOn = checkinOpensOn(item);
      if (opensOn) throw new AppError(409, 'CHECKIN_NOT_OPEN', `Check-in opens on the service day, ${opensOn}`, { opensOn });
      // A second scan (a retry, a double tap) changes nothing and writes no second event.
      const fresh = rowsOf(await m.query(
        `INSERT INTO item_signup (item_id, member_id, checked_in_at) VALUES ($1, $2, now())
         ON CONFLICT (item_id, member_id) DO UPDATE SET checked_in_at = now() WHERE item_signup.checked_in_at IS NULL
         RETURNING member_id`,
        [item.id, mem[0].id],
      ));
      if (fresh.length) await this.event(m, { user }, item.id, 'checkin', item.status, item.status, null, item.unitId, { memberId: mem[0].id });
      return { itemId: item.id, itemNo: item.itemNo, place: item.place, member: mem[0].name, checkedIn: true };
    });
  }

  /**
   * 时长入账: each member whose hours an item's confirmation posted is told (`volunteer.hours.posted`, one per
   * member and item, with the member's total) when the member's account is known; in the confirmation's transaction.
   */
  private async hoursPosted(m: EntityManager, itemId: number, posted: { memberId: string | null; hours: number }[]) {
    const byMember = new Map<string, number>();
    for (const h of posted) if (h.memberId !== null) byMember.set(String(h.memberId), (byMember.get(String(h.memberId)) ?? 0) + Number(h.hours));
    if (!byMember.size) return;
    const members: { id: string; accountId: string | null; path: string | null; itemNo: string; communityName: string | null; total: number }[] = await m.query(
      `SELECT mb.id, mb.account_id AS "accountId", cr.path, it.item_no AS "itemNo", icr.name AS "communityName",
              (SELECT coalesce(sum(h.hours), 0) FROM item_hours h WHERE h.member_id = mb.id AND h.posted)::float AS total
         FROM member mb JOIN community_ref cr ON cr.id = mb.community_id JOIN item it ON it.id = $2 LEFT JOIN community_ref icr ON icr.id = it.community_id
        WHERE mb.id = ANY($1::bigint[])`,
      [[...byMember.keys()], itemId],
    );
    for (const mb of members) {
      if (!mb.accountId) continue;
      await emit(m, {
        type: 'volunteer.hours.posted', aggregateId: mb.id, orgPath: mb.path, actor: null,
        payload: {
          memberId: Number(mb.id), accountId: mb.accountId, itemId, itemNo: mb.itemNo, communityName: mb.communityName,
          hours: Math.round((byMember.get(String(mb.id)) ?? 0) * 100) / 100, totalHours: Math.round(mb.total * 100) / 100,
        },
      });
    }
  }

  async event(m: EntityManager, ctx: Pick<Ctx, 'user'>, itemId: number, action: string, from: ItemStatus | null, to: ItemStatus, reason: string | null, unitId: number | null, data: unknown) {
    await m.query(
      `INSERT INTO item_event (item_id, action, from_status, to_status, actor_id, actor_username, actor_role, unit_id, reason, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [itemId, action, from, to, ctx.user.sub, ctx.user.username, ctx.user.role, unitId, reason, data ? JSON.stringify(data) : null],
    );
    const [i]: { itemNo: string; communityId: number; communityName: string | null; unitId: number | null; path: string | null; place: string; rating: number | null }[] = await m.query(
      `SELECT it.item_no AS "itemNo", it.community_id::int AS "communityId", cr.name AS "communityName", it.unit_id::int AS "unitId", cr.path, it.place, it.rating
         FROM item it LEFT JOIN community_ref cr ON cr.id = it.community_id WHERE it.id = $1`,
      [itemId],
    );
    await emit(m, itemEvent(ctx, {
      id: itemId, itemNo: i?.itemNo ?? null, communityId: i?.communityId ?? null, communityName: i?.communityName ?? null, unitId: i?.unitId ?? null,
      path: i?.path ?? null, place: i?.place ?? null, rating: i?.rating ?? null,
    }, action, from, to, reason, unitId));
  }
}

/**
 * The same transition on the bus (volunteer.item.<what>), for whoever is told of it: `i` is the item as the transition
 * leaves it. actorId: the account that acted (a member told that their sign-up was taken); place, rating and reason for the texts.
 */
function itemEvent(
  ctx: Pick<Ctx, 'user'>,
  i: { id: number; itemNo: string | null; communityId: number | null; communityName: string | null; unitId: number | null; path: string | null; place: string | null; rating: number | null },
  action: string, from: ItemStatus | null, to: ItemStatus, reason: string | null, unitId: number | null,
): NewEvent {
  return {
    type: `volunteer.item.${ITEM_EVENT_NAMES[action] ?? action}`, aggregateId: i.id, orgPath: i.path, actor: ctx.user.username,
    payload: {
      itemId: i.id, itemNo: i.itemNo, communityId: i.communityId, communityName: i.communityName, unitId: unitId ?? i.unitId,
      actorId: ctx.user.sub, action, from, to, place: i.place ? i.place.slice(0, 100) : null, rating: i.rating, reason: reason ? reason.slice(0, 200) : null,
    },
  };
}
