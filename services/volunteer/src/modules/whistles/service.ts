import type { DataSource, EntityManager } from 'typeorm';
import {
  type AuthUser, badRequest, conflict, forbidden, inScope, isoSql, likeEscape, notFound, type PageTotal, pageRequest, pageTotal, rowsOf, scopeSql,
  writeAudit,
  wrongState,
} from '@redheart/shared';
import { assertMay, scopeKind } from '../../policy';
import {
  RESPONSE_RULES, type ResponseAction, type ResponseStatus, WHISTLE_RULES, type WhistleAction,
  type WhistleStatus, whistleStatusFrom,
} from '../../domain';
import type { CreateWhistleDto, DepartmentScorecardQuery, ListWhistlesQuery, ResponseTransitionDto, WhistleTransitionDto } from './dto';

export interface Ctx {
  user: AuthUser;
  requestId?: string;
}

/** The longest a street may give departments to answer. */
const MAX_DEADLINE_DAYS = 90;
const SYSTEM: AuthUser = { sub: 'system', username: 'system', role: 'admin', orgId: 0, scopePaths: [] };

interface WhistleRow {
  id: number;
  whistleNo: string;
  streetId: number;
  streetName: string;
  communityId: number | null;
  communityName: string | null;
  communityPath: string | null;
  path: string;
  title: string;
  description: string;
  place: string | null;
  deadline: string;
  status: WhistleStatus;
  raisedBy: string;
  raisedRole: string;
  escalatedAt: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

interface ResponseRow {
  id: number;
  unitId: number;
  unitName: string;
  status: ResponseStatus;
  deadline: string;
  acceptedAt: string | null;
  actingNote: string | null;
  reportedAt: string | null;
  result: string | null;
  declineReason: string | null;
  overdue: boolean;
  escalatedAt: string | null;
  supervisedCount: number;
  returnedCount: number;
  rating: number | null;
  ratingComment: string | null;
  ratedBy: string | null;
  ratedAt: string | null;
  version: number;
}

const COLUMNS = `w.id, w.whistle_no AS "whistleNo", w.street_id::int AS "streetId", w.street_name AS "streetName", w.community_id::int AS "communityId",
  cr.name AS "communityName", cr.path AS "communityPath", w.path, w.title, w.description, w.place, ${isoSql('w.deadline')} AS deadline, w.status,
  w.raised_by AS "raisedBy", w.raised_role AS "raisedRole", ${isoSql('w.escalated_at')} AS "escalatedAt", ${isoSql('w.closed_at')} AS "closedAt",
  ${isoSql('w.created_at')} AS "createdAt", ${isoSql('w.updated_at')} AS "updatedAt", w.version`;
const FROM = `whistle w LEFT JOIN community_ref cr ON cr.id = w.community_id`;

const RESPONSE_COLUMNS = `r.id, r.unit_id::int AS "unitId", u.name AS "unitName", r.status, ${isoSql('r.deadline')} AS deadline, ${isoSql('r.accepted_at')} AS "acceptedAt",
  r.acting_note AS "actingNote", ${isoSql('r.reported_at')} AS "reportedAt", r.result, r.decline_reason AS "declineReason", r.overdue,
  ${isoSql('r.escalated_at')} AS "escalatedAt", r.supervised_count AS "supervisedCount", r.returned_count AS "returnedCount", r.rating,
  r.rating_comment AS "ratingComment", r.rated_by AS "ratedBy", ${isoSql('r.rated_at')} AS "ratedAt", r.version`;

/** The responses of the whistle `w` as one JSON column (a list row carries them, the detail too). */
const RESPONSES_JSON = `coalesce((SELECT json_agg(json_build_object('unitId', r.unit_id, 'unitName', u.name, 'status', r.status, 'deadline', ${isoSql('r.deadline')},
    'overdue', r.overdue, 'rating', r.rating) ORDER BY u.name, r.unit_id)
  FROM whistle_response r JOIN unit_ref u ON u.id = r.unit_id WHERE r.whistle_id = w.id), '[]') AS responses`;

/** 400 VALIDATION_FAILED naming the field; `code` (and `params`) word it in the SPA, else the field's code says `invalid`. */
const invalid = (field: string, message: string, why: string, code?: string, params?: Record<string, unknown>) =>
  badRequest(message, [{ field, errors: [why], ...(code ? { code } : {}), ...(params ? { params } : {}) }], 'VALIDATION_FAILED');

/** The path of the street above a community's path (`/1/3/7/` → `/1/3/`) and the street's id. */
function streetOf(communityPath: string): { path: string; id: number } {
  const ids = communityPath.split('/').filter(Boolean);
  return { path: `/${ids.slice(0, -1).join('/')}/`, id: Number(ids.at(-2)) };
}

function checkDeadline(raw: string, field = 'deadline'): Date {
  const d = new Date(raw);
  if (Number.isNaN(d.getTime())) throw invalid(field, `${field} 不是有效的时间`, 'invalid');
  if (d.getTime() <= Date.now()) throw invalid(field, `${field} 应晚于当前时间`, 'past', 'notInFuture');
  if (d.getTime() > Date.now() + MAX_DEADLINE_DAYS * 86400_000) {
    throw invalid(field, `${field} 最长为 ${MAX_DEADLINE_DAYS} 天内`, `more than ${MAX_DEADLINE_DAYS} days ahead`, 'tooFarAhead', { days: MAX_DEADLINE_DAYS });
  }
  return d;
}

export class WhistleService {
  constructor(
    private readonly ds: DataSource,
    private readonly read: DataSource = ds,
  ) {}

  /** The county departments a whistle may go to (the org service marks them; synced into unit_ref). */
  async departments(user: AuthUser) {
    assertMay(user, 'whistle.read');
    return this.read.query(`SELECT id::int AS id, name FROM unit_ref WHERE department ORDER BY name, id`);
  }

  private async checkDepartments(m: EntityManager, ids: number[], field = 'departmentIds'): Promise<void> {
    const found: { id: string }[] = await m.query(`SELECT id FROM unit_ref WHERE id = ANY($1::bigint[]) AND department`, [ids]);
    const known = new Set(found.map((r) => Number(r.id)));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length) throw invalid(field, `${field} 中 ${unknown.join('、')} 不是县直部门`, `not a county department: ${unknown.join(', ')}`);
  }

  /**
   * The whistle in the caller's scope (404 outside): a department's staff see only the whistles sent to their
   * department (not a community's proposal before the street sends it); everyone else the whistles at or below their
   * scope, and a community also those its street raised for it.
   */
  private async load(m: EntityManager, user: AuthUser, id: number, lock = false): Promise<WhistleRow> {
    assertMay(user, 'whistle.read');
    const rows: WhistleRow[] = await m.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE w.id = $1 ${lock ? 'FOR UPDATE OF w' : ''}`, [id]);
    const w = rows[0];
    if (!w || !(await this.visible(m, user, w))) throw notFound('Whistle');
    return w;
  }

  private async visible(m: EntityManager, user: AuthUser, w: WhistleRow): Promise<boolean> {
    if (scopeKind(user) === 'unit') {
      const mine = await m.query(`SELECT 1 FROM whistle_response WHERE whistle_id = $1 AND unit_id = $2 AND status <> 'PROPOSED'`, [w.id, user.orgId]);
      return mine.length > 0;
    }
    return inScope(w.path, user.scopePaths) || (w.communityPath !== null && inScope(w.communityPath, user.scopePaths));
  }

  private responses(m: EntityManager, whistleId: number, lock = false): Promise<ResponseRow[]> {
    return m.query(
      `SELECT ${RESPONSE_COLUMNS} FROM whistle_response r JOIN unit_ref u ON u.id = r.unit_id WHERE r.whistle_id = $1 ORDER BY u.name, r.unit_id ${lock ? 'FOR UPDATE OF r' : ''}`,
      [whistleId],
    );
  }

  async create(ctx: Ctx, dto: CreateWhistleDto, m: EntityManager) {
    const { user } = ctx;
    assertMay(user, 'whistle.raise');
    const deadline = checkDeadline(dto.deadline);
    let street: { path: string; id: number };
    let community: { id: number; path: string; street_name: string } | undefined;
    if (user.role === 'street_admin') {
      street = { path: user.scopePaths[0], id: user.orgId };
      if (dto.communityId !== undefined) {
        community = (await m.query(`SELECT id::int AS id, path, street_name FROM community_ref WHERE id = $1`, [dto.communityId]))[0];
        if (!community || !inScope(community.path, user.scopePaths)) throw notFound('Community');
      }
    } else {
      // A community proposes; its street decides whether and to whom it goes.
      if (dto.communityId !== undefined && dto.communityId !== user.orgId) throw invalid('communityId', 'communityId 只能是本社区', 'only your own community');
      community = (await m.query(`SELECT id::int AS id, path, street_name FROM community_ref WHERE id = $1`, [user.orgId]))[0];
      if (!community) throw notFound('Community');
      street = streetOf(community.path);
    }
    const streetName: string = community?.street_name
      ?? (await m.query(`SELECT street_name FROM community_ref WHERE path LIKE $1 LIMIT 1`, [`${likeEscape(street.path)}%`]))[0]?.street_name
      ?? '街道';
    await this.checkDepartments(m, dto.departmentIds);
    const proposed = user.role !== 'street_admin';
    const status: WhistleStatus = proposed ? 'PROPOSED' : 'SENT';
    const path = proposed ? community!.path : street.path;
    const rows = await m.query(
      `INSERT INTO whistle (whistle_no, street_id, street_name, community_id, path, title, description, place, deadline, status, raised_by, raised_role)
       VALUES ('JH' || to_char(now(), 'YYYYMM') || '-' || lpad(nextval('whistle_no_seq')::text, 5, '0'), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [street.id, streetName, community?.id ?? null, path, dto.title, dto.description, dto.place || null, deadline, status, user.username, user.role],
    );
    const id: number = Number(rows[0].id);
    await m.query(
      `INSERT INTO whistle_response (whistle_id, unit_id, status, deadline) SELECT $1, unnest($2::bigint[]), $3, $4`,
      [id, dto.departmentIds, proposed ? 'PROPOSED' : 'PENDING', deadline],
    );
    await this.event(m, user, id, null, proposed ? 'propose' : 'raise', null, status, null, { departmentIds: dto.departmentIds, deadline: deadline.toISOString() });
    await writeAudit(m, {
      actor: user, action: proposed ? 'whistle.propose' : 'whistle.raise', entityType: 'whistle', entityId: id,
      after: { title: dto.title, departmentIds: dto.departmentIds, deadline: deadline.toISOString(), communityId: community?.id ?? null, status }, requestId: ctx.requestId,
    });
    return this.detail(m, user, id);
  }

  async detail(m: EntityManager, user: AuthUser, id: number) {
    const w = await this.load(m, user, id);
    const responses = await this.responses(m, id);
    const timeline = await m.query(
      `SELECT e.id::int AS id, e.unit_id::int AS "unitId", e.action, e.from_status AS "fromStatus", e.to_status AS "toStatus", e.actor_username AS "actorUsername",
              e.actor_role AS "actorRole", ${isoSql('e.at')} AS at, e.reason, e.data
         FROM whistle_event e WHERE e.whistle_id = $1 ORDER BY e.id`,
      [id],
    );
    const { communityPath: _cp, path: _p, ...rest } = w;
    void _cp;
    void _p;
    return {
      ...rest,
      responses: responses.map((r) => ({ ...r, allowedActions: this.responseActions(user, w, r) })),
      timeline,
      allowedActions: this.whistleActions(user, w),
    };
  }

  private whistleActions(user: AuthUser, w: WhistleRow): WhistleAction[] {
    return (Object.entries(WHISTLE_RULES) as [WhistleAction, (typeof WHISTLE_RULES)[WhistleAction]][])
      .filter(([, rule]) => rule.from.includes(w.status) && rule.roles.includes(user.role))
      .map(([a]) => a);
  }

  private responseActions(user: AuthUser, w: WhistleRow, r: ResponseRow): ResponseAction[] {
    if (['PROPOSED', 'DECLINED', 'WITHDRAWN'].includes(w.status)) return [];
    return (Object.entries(RESPONSE_RULES) as [ResponseAction, (typeof RESPONSE_RULES)[ResponseAction]][])
      .filter(([, rule]) => rule.from.includes(r.status) && rule.roles.includes(user.role)
        && (!rule.ownDepartment || r.unitId === user.orgId) && (!rule.overdueOnly || r.overdue))
      .map(([a]) => a);
  }

  async list(user: AuthUser, q: ListWhistlesQuery) {
    assertMay(user, 'whistle.read');
    const paged = pageRequest({ page: q.page ?? 1, limit: q.limit }, 20)!;
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (f: (n: number) => string, v: unknown) => {
      params.push(v);
      where.push(f(params.length));
    };
    let mine = '';
    if (scopeKind(user) === 'unit') {
      add((n) => `EXISTS (SELECT 1 FROM whistle_response mr WHERE mr.whistle_id = w.id AND mr.unit_id = $${n} AND mr.status <> 'PROPOSED')`, user.orgId);
      mine = `, (SELECT json_build_object('status', mr.status, 'deadline', ${isoSql('mr.deadline')}, 'overdue', mr.overdue)
                 FROM whistle_response mr WHERE mr.whistle_id = w.id AND mr.unit_id = $1) AS "myResponse"`;
      if (q.view === 'open') add((n) => `EXISTS (SELECT 1 FROM whistle_response mr WHERE mr.whistle_id = w.id AND mr.unit_id = $${n} AND mr.status IN ('PENDING','ACCEPTED','ACTING'))`, user.orgId);
    } else {
      const first = params.length + 1;
      params.push(...user.scopePaths.map((p) => `${likeEscape(p)}%`));
      where.push(`(${scopeSql('w.path', user.scopePaths, first)} OR ${scopeSql('cr.path', user.scopePaths, first)})`);
      if (q.view === 'open') where.push(`w.status IN ('PROPOSED','SENT','ESCALATED','ANSWERED')`);
    }
    if (q.status) add((n) => `w.status = $${n}`, q.status);
    if (q.q) add((n) => `(w.whistle_no = $${n} OR w.title LIKE '%' || $${n} || '%')`, likeEscape(q.q.trim()));
    const whereSql = where.length ? where.join(' AND ') : 'true';
    const [rows, total]: [unknown[], PageTotal] = await Promise.all([
      this.read.query(
        `SELECT ${COLUMNS}, ${RESPONSES_JSON}${mine} FROM ${FROM} WHERE ${whereSql} ORDER BY w.created_at DESC, w.id DESC LIMIT ${paged.limit} OFFSET ${paged.offset}`,
        params,
      ),
      pageTotal(this.read, `SELECT 1 FROM ${FROM} WHERE ${whereSql}`, params),
    ]);
    const items = (rows as (WhistleRow & Record<string, unknown>)[]).map(({ communityPath: _cp, path: _p, ...rest }) => (void _cp, void _p, rest));
    return { items, ...total, page: paged.page, limit: paged.limit };
  }

  /** The street's actions on a whistle (send a proposal, decline it, withdraw, close). */
  async transition(ctx: Ctx, id: number, dto: WhistleTransitionDto, m: EntityManager) {
    const { user } = ctx;
    const w = await this.load(m, user, id, true);
    const rule = WHISTLE_RULES[dto.action];
    if (!rule.roles.includes(user.role)) throw forbidden(`您的角色不能对街呼县应执行 ${dto.action}`);
    if (!rule.from.includes(w.status)) throw wrongState(`状态为 ${w.status} 的街呼县应不能 ${dto.action}`, { entity: 'whistle', from: w.status, action: dto.action });
    if (w.version !== dto.version) throw conflict('该街呼县应已被他人修改，请刷新后重试', 'STALE_VERSION');
    for (const field of rule.required) if (dto[field] === undefined) throw invalid(field, `${dto.action} 需要填写 ${field}`, 'required');
    const responses = await this.responses(m, id, true);
    let data: Record<string, unknown> | null = null;
    const set: Record<string, unknown> = {};
    switch (dto.action) {
      case 'send': {
        const deadline = dto.deadline ? checkDeadline(dto.deadline) : new Date(w.deadline);
        if (!dto.deadline && deadline.getTime() <= Date.now()) throw invalid('deadline', '原定期限已过，请给出新的 deadline', 'past');
        const departmentIds = dto.departmentIds ?? responses.map((r) => r.unitId);
        await this.checkDepartments(m, departmentIds);
        await m.query(`DELETE FROM whistle_response WHERE whistle_id = $1 AND status = 'PROPOSED' AND NOT (unit_id = ANY($2::bigint[]))`, [id, departmentIds]);
        await m.query(
          `INSERT INTO whistle_response (whistle_id, unit_id, status, deadline) SELECT $1, unnest($2::bigint[]), 'PENDING', $3
           ON CONFLICT (whistle_id, unit_id) DO UPDATE SET status = 'PENDING', deadline = EXCLUDED.deadline, version = whistle_response.version + 1, updated_at = now()`,
          [id, departmentIds, deadline],
        );
        set.deadline = deadline;
        // The street's whistle now: it is kept (and scoped) at the street, the community still sees it through community_id.
        set.path = w.communityPath ? streetOf(w.communityPath).path : w.path;
        data = { departmentIds, deadline: deadline.toISOString() };
        break;
      }
      case 'withdraw':
        await m.query(
          `UPDATE whistle_response SET status = 'WITHDRAWN', version = version + 1, updated_at = now() WHERE whistle_id = $1 AND status IN ('PROPOSED','PENDING','ACCEPTED','ACTING')`,
          [id],
        );
        break;
      case 'close':
        if (responses.some((r) => r.status === 'REPORTED')) throw conflict('还有部门的答复未评价，请先评价', 'UNRATED');
        set.closed_at = new Date();
        break;
      default:
        break;
    }
    await this.applyWhistle(m, w, dto.version, rule.to, set);
    await this.event(m, user, id, null, dto.action, w.status, rule.to, dto.reason ?? null, data);
    await writeAudit(m, {
      actor: user, action: `whistle.${dto.action}`, entityType: 'whistle', entityId: id,
      before: { status: w.status, version: w.version }, after: { status: rule.to, ...(data ?? {}) }, reason: dto.reason, requestId: ctx.requestId,
    });
    return this.detail(m, user, id);
  }

  /** A department's 报到 (accept, act, report, refuse), the street's rating or return, the county's 督办. */
  async respond(ctx: Ctx, id: number, unitId: number, dto: ResponseTransitionDto, m: EntityManager) {
    const { user } = ctx;
    const w = await this.load(m, user, id, true);
    const rule = RESPONSE_RULES[dto.action];
    if (!rule.roles.includes(user.role)) throw forbidden(`您的角色不能对部门答复执行 ${dto.action}`);
    const responses = await this.responses(m, id, true);
    const r = responses.find((x) => x.unitId === unitId);
    if (!r || (scopeKind(user) === 'unit' && r.status === 'PROPOSED')) throw notFound('Department response');
    if (rule.ownDepartment && r.unitId !== user.orgId) throw forbidden('只能答复本部门收到的街呼县应');
    if (['PROPOSED', 'DECLINED', 'WITHDRAWN'].includes(w.status) || !rule.from.includes(r.status)) {
      throw wrongState(`状态为 ${r.status} 的部门答复不能 ${dto.action}`, { entity: 'whistle_response', from: r.status, action: dto.action });
    }
    if (rule.overdueOnly && !r.overdue) throw conflict('只有超期未答复的部门才能督办', 'NOT_OVERDUE');
    if (r.version !== dto.version) throw conflict('该部门答复已被他人修改，请刷新后重试', 'STALE_VERSION');
    for (const field of rule.required) if (dto[field] === undefined) throw invalid(field, `${dto.action} 需要填写 ${field}`, 'required');
    const to: ResponseStatus = rule.to ?? r.status;
    const set: Record<string, unknown> = {};
    let data: Record<string, unknown> | null = null;
    switch (dto.action) {
      case 'accept':
        set.accepted_at = new Date();
        break;
      case 'refuse':
        set.decline_reason = dto.reason;
        break;
      case 'act':
        set.acting_note = dto.note;
        data = { note: dto.note };
        break;
      case 'report':
        Object.assign(set, { result: dto.result, reported_at: new Date() });
        if (!r.acceptedAt) set.accepted_at = new Date();
        data = { result: dto.result };
        break;
      case 'rate':
        Object.assign(set, { rating: dto.rating, rating_comment: dto.reason ?? null, rated_by: user.username, rated_at: new Date() });
        data = { rating: dto.rating };
        break;
      case 'return':
        Object.assign(set, { returned_count: r.returnedCount + 1, reported_at: null, result: null });
        break;
      case 'supervise': {
        const deadline = checkDeadline(dto.deadline!);
        Object.assign(set, { deadline, overdue: false, supervised_count: r.supervisedCount + 1 });
        data = { deadline: deadline.toISOString() };
        break;
      }
      default:
        break;
    }
    const cols = Object.keys(set);
    const updated = rowsOf(await m.query(
      `UPDATE whistle_response SET status = $3, version = version + 1, updated_at = now() ${cols.map((k, i) => `, ${k} = $${i + 4}`).join('')}
        WHERE id = $1 AND version = $2 RETURNING id`,
      [r.id, dto.version, to, ...cols.map((k) => set[k])],
    ));
    if (!updated.length) throw conflict('该部门答复已被他人修改，请刷新后重试', 'STALE_VERSION');
    await this.event(m, user, id, unitId, dto.action, r.status, to, dto.reason ?? null, data);
    await writeAudit(m, {
      actor: user, action: `whistle.${dto.action}`, entityType: 'whistle_response', entityId: r.id,
      before: { whistleId: id, unitId, status: r.status, version: r.version }, after: { status: to, ...(data ?? {}) }, reason: dto.reason, requestId: ctx.requestId,
    });
    await this.follow(m, w, responses.map((x) => (x.id === r.id ? { ...x, status: to, overdue: dto.action === 'supervise' ? false : x.overdue } : x)));
    return this.detail(m, user, id);
  }

  /**
   * The whistle's status follows its responses: after an answer it may be ANSWERED, after the last rating CLOSED
   * (by the system, in the same transaction), after 督办 no longer ESCALATED.
   */
  private async follow(m: EntityManager, w: WhistleRow, responses: { status: ResponseStatus; overdue: boolean }[]) {
    const next = whistleStatusFrom(w.status, responses);
    if (next === w.status) return;
    await m.query(
      `UPDATE whistle SET status = $2, version = version + 1, updated_at = now() ${next === 'CLOSED' ? ', closed_at = now()' : ''} WHERE id = $1`,
      [w.id, next],
    );
    await this.event(m, SYSTEM, w.id, null, next === 'CLOSED' ? 'close' : 'follow', w.status, next, null, null);
  }

  private async applyWhistle(m: EntityManager, w: WhistleRow, version: number, to: WhistleStatus, set: Record<string, unknown>) {
    const cols = Object.keys(set);
    const updated = rowsOf(await m.query(
      `UPDATE whistle SET status = $3, version = version + 1, updated_at = now() ${cols.map((k, i) => `, ${k} = $${i + 4}`).join('')}
        WHERE id = $1 AND version = $2 RETURNING id`,
      [w.id, version, to, ...cols.map((k) => set[k])],
    ));
    if (!updated.length) throw conflict('该街呼县应已被他人修改，请刷新后重试', 'STALE_VERSION');
  }

  /**
   * The overdue job (上下联动): every response still owed past its deadline is marked overdue and goes up to the
   * county (its whistle ESCALATED). The `NOT overdue` condition makes a second or concurrent run change nothing.
   */
  async escalateOverdue(now = new Date()): Promise<{ whistleId: number; unitId: number }[]> {
    return this.ds.transaction(async (m) => {
      const hit: { id: string; whistle_id: string; unit_id: string }[] = rowsOf(await m.query(
        `UPDATE whistle_response r SET overdue = true, escalated_at = $1, version = r.version + 1, updated_at = now()
          FROM whistle w
         WHERE w.id = r.whistle_id AND w.status IN ('SENT','ESCALATED') AND r.status IN ('PENDING','ACCEPTED','ACTING') AND NOT r.overdue AND r.deadline < $1
         RETURNING r.id, r.whistle_id, r.unit_id`,
        [now],
      ));
      const whistles = [...new Set(hit.map((h) => Number(h.whistle_id)))];
      for (const h of hit) {
        await this.event(m, SYSTEM, Number(h.whistle_id), Number(h.unit_id), 'overdue', null, null, '超过期限未答复，上报县级督办', null);
        await writeAudit(m, { actor: null, action: 'whistle.overdue', entityType: 'whistle_response', entityId: Number(h.id), after: { overdue: true }, reason: 'unanswered past the deadline' });
      }
      if (whistles.length) {
        const up: { id: string }[] = rowsOf(await m.query(
          `UPDATE whistle SET status = 'ESCALATED', escalated_at = coalesce(escalated_at, $2), version = version + 1, updated_at = now()
            WHERE id = ANY($1::bigint[]) AND status = 'SENT' RETURNING id`,
          [whistles, now],
        ));
        for (const { id } of up) {
          await this.event(m, SYSTEM, Number(id), null, 'escalate', 'SENT', 'ESCALATED', '部门超期未答复', null);
          await writeAudit(m, { actor: null, action: 'whistle.escalate', entityType: 'whistle', entityId: Number(id), after: { status: 'ESCALATED' }, reason: 'a department did not answer by the deadline' });
        }
      }
      return hit.map((h) => ({ whistleId: Number(h.whistle_id), unitId: Number(h.unit_id) }));
    });
  }

  /**
   * Department scorecards (街呼县应 考评), beside the unit scorecards: per county department, over the whistles sent
   * to it that the caller may see (a street: its own; the county: all of it; a department: itself).
   */
  async scorecards(user: AuthUser, q: DepartmentScorecardQuery) {
    assertMay(user, 'departmentScorecard.read');
    if (q.from && q.to && q.from > q.to) throw invalid('from', 'from 不能晚于 to', 'after to');
    const params: unknown[] = [];
    const where = [`r.status NOT IN ('PROPOSED','WITHDRAWN')`];
    if (scopeKind(user) === 'unit') {
      params.push(user.orgId);
      where.push(`r.unit_id = $1`);
    } else {
      const first = params.length + 1;
      params.push(...user.scopePaths.map((p) => `${likeEscape(p)}%`));
      where.push(scopeSql('w.path', user.scopePaths, first));
    }
    if (q.from) { params.push(q.from); where.push(`w.created_at >= ($${params.length}::date::timestamp AT TIME ZONE 'Asia/Shanghai')`); }
    if (q.to) { params.push(q.to); where.push(`w.created_at < (($${params.length}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`); }
    const rows = await this.read.query(
      `SELECT u.id::int AS "unitId", u.name AS "unitName",
              count(r.id)::int AS whistled,
              count(r.id) FILTER (WHERE r.accepted_at IS NOT NULL)::int AS accepted,
              count(r.id) FILTER (WHERE r.status IN ('REPORTED','RATED'))::int AS answered,
              count(r.id) FILTER (WHERE r.status IN ('REPORTED','RATED') AND r.escalated_at IS NULL)::int AS "answeredOnTime",
              count(r.id) FILTER (WHERE r.escalated_at IS NOT NULL)::int AS overdue,
              count(r.id) FILTER (WHERE r.status IN ('PENDING','ACCEPTED','ACTING'))::int AS open,
              count(r.id) FILTER (WHERE r.status = 'DECLINED')::int AS refused,
              coalesce(sum(r.returned_count), 0)::int AS returned,
              round(avg(r.rating)::numeric, 2)::float AS "avgRating",
              count(r.rating)::int AS rated
         FROM unit_ref u JOIN whistle_response r ON r.unit_id = u.id JOIN whistle w ON w.id = r.whistle_id
        WHERE u.department AND ${where.join(' AND ')}
        GROUP BY u.id, u.name ORDER BY u.name, u.id`,
      params,
    );
    return (rows as { whistled: number; answeredOnTime: number }[]).map((row) => ({
      ...row,
      onTimeRate: row.whistled ? Math.round((row.answeredOnTime / row.whistled) * 1000) / 1000 : null,
    }));
  }

  async event(m: EntityManager, user: AuthUser, whistleId: number, unitId: number | null, action: string, from: string | null, to: string | null, reason: string | null, data: unknown) {
    await m.query(
      `INSERT INTO whistle_event (whistle_id, unit_id, action, from_status, to_status, actor_id, actor_username, actor_role, reason, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [whistleId, unitId, action, from, to, user.sub, user.username, user.role, reason, data ? JSON.stringify(data) : null],
    );
  }
}
