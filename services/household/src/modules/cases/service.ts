import { CommunityDirectory, cursorAtSql, emit, isoSql, type NewEvent, type PageTotal, pageRequest, pageTotal } from '@redheart/shared';
import type { DataSource, EntityManager } from 'typeorm';
import {
  AppError, assertRole, type AuthUser, badRequest, conflict, forbidden, inScope, likeEscape, maskResidentId, notFound, parseResidentId, type PiiVault,
  type Role, rowsOf, writeAudit, encodeCursor, decodeCursor,
} from '@redheart/shared';
import { businessToday } from '@redheart/shared';
import {
  type Action, allowedActions, CASE_WORKFLOW, type CaseStatus, type CaseType, CHECKLISTS, OVERDUE_SQL, trafficLight,
} from '../../domain';
import type { CreateCaseDto, ListCasesQuery, TransitionDto } from './dto';

/** Who may open the household register at all (read); writes are narrowed per action. */
export const REGISTER_READERS: readonly Role[] = ['admin', 'street_admin', 'community_secretary', 'community_clerk', 'grid_worker'];
export const CASE_CREATORS: readonly Role[] = ['admin', 'community_secretary', 'community_clerk'];
/** Scopes of up to this many communities read the case list community by community (one index walk each). */
const PER_COMMUNITY_WALKS = 64;
const OPEN: readonly CaseStatus[] = ['DRAFT', 'SUBMITTED', 'NEEDS_SUPPLEMENT', 'ACCEPTED', 'APPROVED'];
const OPEN_SQL = OPEN.map((s) => `'${s}'`).join(', ');

/**
 * The potential-duplicate flag, computed when read so it is always current: an open case is flagged while
 * another open case (any community) names one of its persons (compared by the keyed ID hash, never clear
 * text) or the same property certificate number. Closed cases (settled, rejected, withdrawn, revoked) never
 * count and are never flagged. Accepting is refused on the narrower rule in `duplicates` (same person AND
 * same certificate, or already in the target household).
 */
const POTENTIAL_DUPLICATE_SQL = `(c.status IN (${OPEN_SQL}) AND (
    EXISTS (SELECT 1 FROM case_person cp JOIN case_person ocp ON ocp.id_hash = cp.id_hash AND ocp.case_id <> c.id
              JOIN move_case oc ON oc.id = ocp.case_id AND oc.status IN (${OPEN_SQL})
             WHERE cp.case_id = c.id)
    OR (c.property_certificate_no IS NOT NULL AND EXISTS (
          SELECT 1 FROM move_case oc WHERE oc.property_certificate_no = c.property_certificate_no AND oc.id <> c.id
             AND oc.status IN (${OPEN_SQL})))))`;

export interface Ctx {
  user: AuthUser;
  requestId?: string;
}

interface CaseRow {
  id: number;
  caseNo: string;
  type: CaseType;
  status: CaseStatus;
  communityId: number;
  targetHouseholdId: number | null;
  newHousehold: { kind: 'family' | 'collective'; building?: string; unit?: string; room?: string; address: string; gridCode?: string } | null;
  sourceHouseholdId: number | null;
  destination: string | null;
  propertyCertificateNo: string | null;
  applicantName: string;
  applicantPhone: string | null;
  greenChannel: boolean;
  checklist: Record<string, { provided: boolean; verified?: boolean }>;
  approvalNo: string | null;
  potentialDuplicate: boolean;
  revokeRequestedBy: string | null;
  revokeReason: string | null;
  stepStartedAt: Date;
  settledAt: Date | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

const CASE_COLUMNS = `c.id, c.case_no AS "caseNo", c.type, c.status, c.community_id AS "communityId", c.target_household_id AS "targetHouseholdId",
  c.new_household AS "newHousehold", c.source_household_id AS "sourceHouseholdId", c.destination, c.property_certificate_no AS "propertyCertificateNo",
  c.applicant_name AS "applicantName", c.applicant_phone AS "applicantPhone", c.green_channel AS "greenChannel", c.checklist,
  c.approval_no AS "approvalNo", ${POTENTIAL_DUPLICATE_SQL} AS "potentialDuplicate", c.revoke_requested_by AS "revokeRequestedBy",
  c.revoke_reason AS "revokeReason", c.step_started_at AS "stepStartedAt", c.settled_at AS "settledAt", c.created_by AS "createdBy",
  c.created_at AS "createdAt", c.updated_at AS "updatedAt", c.version`;

interface CasePersonRow {
  id: number;
  name: string;
  idHash: string;
  idMasked: string;
  sex: 'M' | 'F';
  birthDate: string;
  relation: string;
}

/**
 * The detail's lists as JSON columns of the case's own row: the whole detail is one round trip. `events`: where the
 * timeline is read (a transition's answer adds the event its own statement wrote, which the table does not show it yet).
 */
const detailParts = (events = 'case_event') => `
  coalesce((SELECT json_agg(json_build_object('id', p.id, 'name', p.name, 'idMasked', p.id_masked, 'sex', p.sex,
      'birthDate', to_char(p.birth_date, 'YYYY-MM-DD'), 'relation', p.relation, 'employer', p.employer) ORDER BY p.id)
    FROM case_person p WHERE p.case_id = c.id), '[]') AS persons,
  coalesce((SELECT json_agg(json_build_object('id', e.id, 'action', e.action, 'fromStatus', e.from_status, 'toStatus', e.to_status,
      'actorUsername', e.actor_username, 'actorRole', e.actor_role, 'at', ${isoSql('e.at')}, 'reason', e.reason, 'attachments', e.attachments,
      'data', e.data) ORDER BY e.id)
    FROM ${events} e WHERE e.case_id = c.id), '[]') AS timeline,
  coalesce((SELECT json_agg(json_build_object('id', n.id, 'items', n.items, 'note', n.note, 'issuedBy', n.issued_by, 'issuedAt', ${isoSql('n.issued_at')})
      ORDER BY n.id)
    FROM supplement_notice n WHERE n.case_id = c.id), '[]') AS notices`;
const DETAIL_PARTS = detailParts();

interface DetailParts {
  persons: Omit<CasePersonRow, 'idHash'>[];
  timeline: unknown[];
  notices: unknown[];
}

export const today = () => businessToday();

function summary(c: CaseRow, communityName?: string) {
  const { light, dueAt } = trafficLight(c.status, new Date(c.stepStartedAt), c.greenChannel);
  return {
    id: c.id,
    caseNo: c.caseNo,
    type: c.type,
    status: c.status,
    communityId: c.communityId,
    communityName: communityName ?? null,
    applicantName: c.applicantName,
    greenChannel: c.greenChannel,
    potentialDuplicate: c.potentialDuplicate,
    revokePending: c.revokeRequestedBy !== null,
    light,
    dueAt: dueAt?.toISOString() ?? null,
    createdAt: new Date(c.createdAt).toISOString(),
    updatedAt: new Date(c.updatedAt).toISOString(),
    settledAt: c.settledAt ? new Date(c.settledAt).toISOString() : null,
    version: c.version,
  };
}

export function missingItems(c: Pick<CaseRow, 'type' | 'checklist'>): string[] {
  return CHECKLISTS[c.type].filter((item) => !c.checklist[item]?.provided);
}

/** The event type of each case transition: `household.case.<name>`. */
const CASE_EVENT_NAMES: Record<Action | 'create', string> = {
  create: 'created', submit: 'submitted', request_supplement: 'returned', supplement: 'supplemented', accept: 'accepted', approve: 'approved',
  settle: 'settled', reject: 'rejected', withdraw: 'withdrawn', request_revoke: 'revoke_requested', confirm_revoke: 'revoked', cancel_revoke: 'revoke_cancelled',
};

/** A case transition on the bus (household.case.<what>), for whoever is told of it. */
function caseEvent(
  ctx: Ctx, c: { id: number; caseNo: string | null; communityId: number | null; communityName: string | null; path: string | null; createdBy: string | null },
  action: string, from: string | null, to: string, reason: string | null,
): NewEvent {
  // The payload names who opened the case and who acted (account ids), so the clerk can be told of the secretary's decision.
  return {
    type: `household.case.${CASE_EVENT_NAMES[action as Action | 'create']}`, aggregateId: c.id, orgPath: c.path, actor: ctx.user.username,
    payload: {
      caseId: c.id, caseNo: c.caseNo, communityId: c.communityId, communityName: c.communityName, createdBy: c.createdBy,
      actorId: ctx.user.sub, action, from, to, reason: reason ? reason.slice(0, 200) : null,
    },
  };
}

/** Each case transition on the bus too (household.case.<what>), in the transaction of its timeline event. */
const CASE_FLOW = CASE_WORKFLOW.withAfterEvent(async (m, ctx, caseId, action, from, to, e) => {
  const [c]: { caseNo: string; communityId: number; communityName: string | null; path: string | null; createdBy: string }[] = await m.query(
    `SELECT mc.case_no AS "caseNo", mc.community_id::int AS "communityId", cr.name AS "communityName", cr.path, mc.created_by AS "createdBy"
       FROM move_case mc LEFT JOIN community_ref cr ON cr.id = mc.community_id WHERE mc.id = $1`,
    [caseId],
  );
  await emit(m, caseEvent(ctx, {
    id: caseId, caseNo: c?.caseNo ?? null, communityId: c?.communityId ?? null, communityName: c?.communityName ?? null, path: c?.path ?? null, createdBy: c?.createdBy ?? null,
  }, action, from, to, e.reason));
});

export class CaseService {
  constructor(
    private readonly ds: DataSource,
    private readonly vault: PiiVault,
    private readonly communities: CommunityDirectory,
    /** The replica for the work queue (list and search tolerate a little lag); the primary when there is none. */
    private readonly read: DataSource = ds,
  ) {}

  private assertReader(user: AuthUser) {
    assertRole(user, REGISTER_READERS, '您的角色无权查看户籍');
  }

  /** Validates every person's ID (GB 11643), naming the failing field in the 400. */
  private persons(dto: CreateCaseDto) {
    const seen = new Set<string>();
    return dto.persons.map((p, i) => {
      const parsed = parseResidentId(p.idNumber);
      if (!parsed.ok) {
        throw badRequest(`persons[${i}].idNumber: ${parsed.message}`, [{ field: `persons[${i}].idNumber`, errors: [parsed.message] }], 'INVALID_ID_NUMBER');
      }
      if (seen.has(parsed.info.id)) throw badRequest(`persons[${i}].idNumber appears twice in this case`, [{ field: `persons[${i}].idNumber`, errors: ['duplicate'] }], 'VALIDATION_FAILED');
      seen.add(parsed.info.id);
      return { name: p.name.trim(), relation: p.relation, employer: p.employer ?? null, ...parsed.info };
    });
  }

  async create(ctx: Ctx, dto: CreateCaseDto, m: EntityManager) {
    const { user } = ctx;
    assertRole(user, CASE_CREATORS, '您的角色无权办理迁入迁出案件');
    const communityId = dto.communityId ?? (user.role === 'admin' ? undefined : user.orgId);
    if (!communityId) throw badRequest('communityId is required', [{ field: 'communityId', errors: ['required for your role'] }], 'VALIDATION_FAILED');
    const community = await this.communities.visible(m, user, communityId);
    const persons = this.persons(dto);
    const checklistItems = CHECKLISTS[dto.type];
    const unknown = (dto.provided ?? []).filter((i) => !checklistItems.includes(i));
    if (unknown.length) throw badRequest(`Unknown checklist items for ${dto.type}: ${unknown.join(', ')}`, [{ field: 'provided', errors: unknown }], 'VALIDATION_FAILED');

    let targetHouseholdId: number | null = null;
    let sourceHouseholdId: number | null = null;
    if (dto.type === 'move_out') {
      if (!dto.sourceHouseholdId || !dto.destination) {
        throw badRequest('A move-out needs sourceHouseholdId and destination', [{ field: 'sourceHouseholdId', errors: ['required for move_out'] }], 'VALIDATION_FAILED');
      }
      const src = await this.household(m, dto.sourceHouseholdId);
      if (!src || src.communityId !== community.id) throw notFound('Household');
      sourceHouseholdId = src.id;
    } else {
      if (dto.sourceHouseholdId || dto.destination) throw badRequest('sourceHouseholdId and destination belong to move_out cases only', undefined, 'VALIDATION_FAILED');
      const targets = [dto.targetHouseholdId !== undefined, dto.newHousehold !== undefined].filter(Boolean).length;
      if (dto.type === 'collective') {
        if (targets) throw badRequest('A collective-household case settles into the community collective household; give no target', undefined, 'VALIDATION_FAILED');
      } else if (targets !== 1) {
        throw badRequest('Give exactly one of targetHouseholdId (join a household) or newHousehold (open one)', [{ field: 'targetHouseholdId', errors: ['exactly one target'] }], 'VALIDATION_FAILED');
      }
      if (dto.targetHouseholdId) {
        const target = await this.household(m, dto.targetHouseholdId);
        if (!target || target.communityId !== community.id) throw notFound('Household');
        targetHouseholdId = target.id;
      }
      if (dto.type === 'purchased_flat' && !dto.propertyCertificateNo) {
        throw badRequest('A purchased-flat case needs propertyCertificateNo', [{ field: 'propertyCertificateNo', errors: ['required for purchased_flat'] }], 'VALIDATION_FAILED');
      }
    }
    const checklist = Object.fromEntries(checklistItems.map((i) => [i, { provided: (dto.provided ?? []).includes(i), verified: false }]));
    // A flat already in the community's property register is linked to the case.
    const property: { id: number }[] = dto.propertyCertificateNo
      ? await m.query(`SELECT id FROM property WHERE certificate_no = $1 AND community_id = $2`, [dto.propertyCertificateNo.trim(), community.id])
      : [];
    const rows: { id: number }[] = await m.query(
      `INSERT INTO move_case (case_no, type, status, community_id, target_household_id, new_household, source_household_id, destination,
          property_certificate_no, property_id, applicant_name, applicant_phone, green_channel, checklist, created_by)
       VALUES ('HJ' || to_char(now(), 'YYYY') || '-' || lpad(nextval('move_case_no_seq')::text, 6, '0'), $1, 'DRAFT', $2, $3, $4, $5, $6, $7, $13, $8, $9, $10, $11, $12)
       RETURNING id`,
      [dto.type, community.id, targetHouseholdId, dto.newHousehold ? JSON.stringify(dto.newHousehold) : null, sourceHouseholdId, dto.destination ?? null,
        dto.propertyCertificateNo?.trim() ?? null, dto.applicantName.trim(), dto.applicantPhone ?? null, dto.greenChannel ?? false, JSON.stringify(checklist), user.sub,
        property[0]?.id ?? null],
    );
    const id = rows[0].id;
    for (const p of persons) {
      await m.query(
        `INSERT INTO case_person (case_id, name, id_cipher, id_hash, id_masked, sex, birth_date, relation, employer) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
        [id, p.name, this.vault.encrypt(p.id), this.vault.hash(p.id), maskResidentId(p.id), p.sex, p.birthDate, p.relation, p.employer],
      );
    }
    if (sourceHouseholdId) {
      // Everyone moving out must be registered in that household now.
      const notThere: { n: number }[] = await m.query(
        `SELECT count(*)::int AS n FROM case_person cp WHERE cp.case_id = $1 AND NOT EXISTS (
           SELECT 1 FROM registration r JOIN person p ON p.id = r.person_id
            WHERE p.id_hash = cp.id_hash AND r.household_id = $2 AND r.status = 'active')`,
        [id, sourceHouseholdId],
      );
      if (notThere[0].n) throw conflict(`${notThere[0].n} of the persons are not registered in that household`, 'NOT_IN_HOUSEHOLD');
    }
    await CASE_FLOW.event(m, ctx, id, 'create', null, 'DRAFT', { reason: null, data: { type: dto.type, persons: persons.length } });
    await writeAudit(m, { actor: user, action: 'case.create', entityType: 'move_case', entityId: id, after: { type: dto.type, communityId: community.id, persons: persons.map((p) => maskResidentId(p.id)) }, requestId: ctx.requestId });
    return this.detail(m, user, id);
  }

  private async household(m: EntityManager, id: number): Promise<{ id: number; communityId: number; kind: string } | undefined> {
    return (await m.query(`SELECT id, community_id AS "communityId", kind FROM household WHERE id = $1`, [id]))[0];
  }

  private async load(m: EntityManager, user: AuthUser, id: number, opts: { lock?: boolean; withDetail?: boolean } = {}): Promise<CaseRow & { path: string; communityName: string } & Partial<DetailParts>> {
    const rows = await m.query(
      `SELECT ${CASE_COLUMNS}, cr.path, cr.name AS "communityName" ${opts.withDetail ? `, ${DETAIL_PARTS}` : ''}
         FROM move_case c JOIN community_ref cr ON cr.id = c.community_id
        WHERE c.id = $1 ${opts.lock ? 'FOR UPDATE OF c' : ''}`,
      [id],
    );
    const c = rows[0];
    if (!c || !inScope(c.path, user.scopePaths)) throw notFound('Case');
    return c;
  }

  async detail(m: EntityManager, user: AuthUser, id: number) {
    this.assertReader(user);
    return this.present(m, user, (await this.load(m, user, id, { withDetail: true })) as CaseRow & { path: string; communityName: string } & DetailParts);
  }

  /** The detail of a case read with its detail parts (a read, or a transition's answer). */
  private async present(m: EntityManager, user: AuthUser, c: CaseRow & { path: string; communityName: string } & DetailParts) {
    const duplicates = OPEN.includes(c.status) ? await this.duplicates(m, c) : [];
    return {
      ...summary(c, c.communityName),
      applicantPhone: c.applicantPhone,
      targetHouseholdId: c.targetHouseholdId,
      newHousehold: c.newHousehold,
      sourceHouseholdId: c.sourceHouseholdId,
      destination: c.destination,
      propertyCertificateNo: c.propertyCertificateNo,
      approvalNo: c.approvalNo,
      revokeReason: c.revokeReason,
      checklist: CHECKLISTS[c.type].map((item) => ({ item, provided: !!c.checklist[item]?.provided, verified: !!c.checklist[item]?.verified })),
      missingItems: missingItems(c),
      persons: c.persons,
      duplicates,
      timeline: c.timeline,
      notices: c.notices,
      allowedActions: allowedActions(c.status, user.role, c.revokeRequestedBy, user.sub),
    };
  }

  /**
   * Potential duplicates: the same person in another open case for the same property certificate,
   * or the same person already registered in the target household.
   */
  private async duplicates(m: EntityManager, c: CaseRow): Promise<{ kind: string; idMasked: string; caseNo?: string }[]> {
    const rows = await m.query(
      `SELECT 'open_case_same_property' AS kind, cp.id_masked AS "idMasked", oc.case_no AS "caseNo"
         FROM case_person cp
         JOIN case_person ocp ON ocp.id_hash = cp.id_hash AND ocp.case_id <> cp.case_id
         JOIN move_case oc ON oc.id = ocp.case_id AND oc.status = ANY($2::text[])
        WHERE cp.case_id = $1 AND $3::text IS NOT NULL AND oc.property_certificate_no = $3
       UNION ALL
       SELECT 'already_in_target' AS kind, cp.id_masked, NULL
         FROM case_person cp JOIN person p ON p.id_hash = cp.id_hash
         JOIN registration r ON r.person_id = p.id AND r.status = 'active' AND r.household_id = $4
        WHERE cp.case_id = $1`,
      [c.id, OPEN, c.propertyCertificateNo, c.targetHouseholdId ?? -1],
    );
    return rows.map((r: { kind: string; idMasked: string; caseNo: string | null }) => (r.caseNo ? r : { kind: r.kind, idMasked: r.idMasked }));
  }

  async list(user: AuthUser, q: ListCasesQuery) {
    this.assertReader(user);
    const paged = pageRequest(q, 20);
    const limit = Math.min(q.limit ?? 20, 100);
    // The communities the page reads: the one asked for (404 outside the scope), otherwise every one in
    // the caller's scope, resolved first so that the cases are read by community_id (an index range walk)
    // and never by a LIKE on the joined path (which no index of move_case can serve).
    const ids = q.communityId
      ? [(await this.communities.visible(this.read.manager, user, q.communityId)).id]
      : await this.communities.inScopeIds(this.read.manager, user);
    if (!ids.length) return paged ? { items: [], total: 0, totalExact: true, page: paged.page, limit: paged.limit } : { items: [], nextCursor: null };
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: (n: number) => string, v: unknown) => {
      params.push(v);
      where.push(sql(params.length));
    };
    if (q.status) add((n) => `c.status = $${n}`, q.status);
    if (q.type) add((n) => `c.type = $${n}`, q.type);
    if (q.greenChannel) add((n) => `c.green_channel = $${n}`, q.greenChannel === 'true');
    if (q.overdue === 'true') where.push(OVERDUE_SQL);
    if (q.q) {
      const text = q.q.trim();
      const id = parseResidentId(text);
      if (id.ok) add((n) => `EXISTS (SELECT 1 FROM case_person cp WHERE cp.case_id = c.id AND cp.id_hash = $${n})`, this.vault.hash(id.info.id));
      else if (/^HJ\d{4}-\d+$/i.test(text)) add((n) => `c.case_no = $${n}`, text.toUpperCase());
      else add((n) => `(c.applicant_name LIKE $${n} OR EXISTS (SELECT 1 FROM case_person cp WHERE cp.case_id = c.id AND cp.name LIKE $${n}))`, `${likeEscape(text)}%`);
    }
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor);
      params.push(at, id);
      where.push(`(c.created_at, c.id) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
    }
    // Keyset: limit+1 rows (the extra one says whether a next page exists). Numbered pages: the rows
    // up to the end of the page (each per-community walk needs them all), the page is the outer OFFSET.
    // (Validated integers, written inline in page mode so the total's statement takes the same parameters.)
    params.push(ids.length === 1 ? ids[0] : ids);
    const idsParam = `$${params.length}`;
    if (!paged) params.push(limit + 1);
    const lim = paged ? String(paged.offset + paged.limit) : `$${params.length}`;
    const cond = (community: string) => [community, ...where].join(' AND ');
    const order = `ORDER BY c.created_at DESC, c.id DESC LIMIT ${lim}`;
    const pageOrder = paged ? `ORDER BY c.created_at DESC, c.id DESC LIMIT ${paged.limit} OFFSET ${paged.offset}` : order;
    const columns = `${CASE_COLUMNS}, ${cursorAtSql('c.created_at')} AS "cursorAt"`;
    let sql: string;
    if (ids.length === 1) {
      // One community (a community's staff, or an explicit communityId): move_case_list_idx from the cursor on.
      sql = `SELECT ${columns}, cr.name AS "communityName" FROM move_case c JOIN community_ref cr ON cr.id = c.community_id
        WHERE ${cond(`c.community_id = ${idsParam}`)} ${pageOrder}`;
    } else if (ids.length <= PER_COMMUNITY_WALKS) {
      // A street's (or a few) communities: one move_case_list_idx walk per community, at most limit+1 rows each, merged.
      // The walks read (id, created_at) only, from the index; the merged page's rows and names are fetched
      // after the LIMIT (a LIMITed subquery is not flattened).
      sql = `SELECT ${columns}, cr.name AS "communityName" FROM (
          SELECT x.id FROM unnest(${idsParam}::bigint[]) AS s(id)
           CROSS JOIN LATERAL (SELECT c.id, c.created_at FROM move_case c WHERE ${cond('c.community_id = s.id')} ${order}) x
           ORDER BY x.created_at DESC, x.id DESC ${paged ? `LIMIT ${paged.limit} OFFSET ${paged.offset}` : `LIMIT ${lim}`}) y
          JOIN move_case c ON c.id = y.id JOIN community_ref cr ON cr.id = c.community_id
         ORDER BY c.created_at DESC, c.id DESC`;
    } else {
      // A county or the city: most cases are in scope, so the newest-first walk of move_case_all_idx stops early.
      sql = `SELECT ${columns}, cr.name AS "communityName" FROM move_case c JOIN community_ref cr ON cr.id = c.community_id
        WHERE ${cond(`c.community_id = ANY(${idsParam}::bigint[])`)} ${pageOrder}`;
    }
    if (paged) {
      // The total over the same filters; the count stops at 1,001 index entries, beyond which the planner estimates.
      const community = ids.length === 1 ? `c.community_id = ${idsParam}` : `c.community_id = ANY(${idsParam}::bigint[])`;
      const [rows, total]: [(CaseRow & { communityName: string })[], PageTotal] = await Promise.all([
        this.read.query(sql, params),
        pageTotal(this.read, `SELECT 1 FROM move_case c WHERE ${cond(community)}`, params),
      ]);
      return { items: rows.map((c) => summary(c, c.communityName)), ...total, page: paged.page, limit: paged.limit };
    }
    const rows: (CaseRow & { communityName: string; cursorAt: string })[] = await this.read.query(sql, params);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((c) => summary(c, c.communityName)),
      nextCursor: rows.length > limit && last ? encodeCursor(last.cursorAt, last.id) : null,
    };
  }

  async transition(ctx: Ctx, id: number, dto: TransitionDto, m: EntityManager) {
    const { user } = ctx;
    this.assertReader(user);
    const c = await this.load(m, user, id, { lock: true });
    CASE_WORKFLOW.guard(user, c, dto);
    const items = CHECKLISTS[c.type];
    const checkItems = (list: string[] | undefined, field: string) => {
      const bad = (list ?? []).filter((i) => !items.includes(i));
      if (bad.length) throw badRequest(`Unknown checklist items for ${c.type}: ${bad.join(', ')}`, [{ field, errors: bad }], 'VALIDATION_FAILED');
    };
    const checklist = structuredClone(c.checklist);
    const set: Record<string, unknown> = {};
    let data: Record<string, unknown> | null = null;

    switch (dto.action) {
      case 'submit':
      case 'supplement': {
        checkItems(dto.provided, 'provided');
        for (const i of dto.provided ?? []) checklist[i] = { provided: true, verified: false };
        data = { provided: dto.provided ?? [], missing: missingItems({ type: c.type, checklist }) };
        break;
      }
      case 'request_supplement': {
        checkItems(dto.missingItems, 'missingItems');
        const missing = dto.missingItems?.length ? dto.missingItems : missingItems(c);
        if (!missing.length) throw conflict('Every item of the checklist is in; nothing to ask for', 'NOTHING_MISSING');
        for (const i of missing) checklist[i] = { provided: false, verified: false };
        // The one-time notice (一次性告知): every missing item at once, printable.
        await m.query(`INSERT INTO supplement_notice (case_id, items, note, issued_by) VALUES ($1, $2, $3, $4)`, [id, JSON.stringify(missing), dto.note ?? null, user.username]);
        data = { missing };
        break;
      }
      case 'accept': {
        const missing = missingItems({ type: c.type, checklist });
        if (missing.length) throw new AppError(409, 'MATERIALS_INCOMPLETE', `Materials missing: ${missing.join(', ')}`, { missing });
        if (dto.originalsVerified !== true) throw badRequest('Accepting needs originalsVerified: true (originals checked against copies)', [{ field: 'originalsVerified', errors: ['must be true'] }], 'VALIDATION_FAILED');
        const dups = await this.duplicates(m, c);
        if (dups.length) throw new AppError(409, 'POTENTIAL_DUPLICATE', 'Duplicate check failed: the same person is in another open case for this property or already in the household', { duplicates: dups });
        for (const i of items) checklist[i] = { provided: true, verified: true };
        // Remember where each person is registered now; settle moves them only from there.
        await m.query(
          `UPDATE case_person cp SET source_registration_id = (
             SELECT r.id FROM registration r JOIN person p ON p.id = r.person_id WHERE p.id_hash = cp.id_hash AND r.status = 'active')
            WHERE cp.case_id = $1`,
          [id],
        );
        break;
      }
      case 'approve': {
        if (!dto.approvalNo) throw badRequest('approve needs approvalNo (准迁证明 / decision number)', [{ field: 'approvalNo', errors: ['required'] }], 'VALIDATION_FAILED');
        set.approval_no = dto.approvalNo;
        break;
      }
      case 'settle': {
        data = await this.settle(m, c);
        set.settled_at = new Date();
        if (data.householdId) set.target_household_id = data.householdId;
        break;
      }
      case 'request_revoke': {
        if (c.revokeRequestedBy) throw conflict('A revocation is already waiting for confirmation', 'REVOKE_PENDING');
        set.revoke_requested_by = user.sub;
        set.revoke_reason = dto.reason;
        break;
      }
      case 'confirm_revoke': {
        if (!c.revokeRequestedBy) throw conflict('Nobody has requested a revocation of this case', 'NO_REVOKE_REQUEST');
        if (c.revokeRequestedBy === user.sub) throw forbidden('A second person must confirm the revocation');
        data = await this.undoSettle(m, c);
        break;
      }
      case 'cancel_revoke': {
        if (!c.revokeRequestedBy) throw conflict('Nobody has requested a revocation of this case', 'NO_REVOKE_REQUEST');
        set.revoke_requested_by = null;
        set.revoke_reason = null;
        break;
      }
      default:
        break;
    }

    set.checklist = JSON.stringify(checklist);
    // The update, its timeline event, its event on the bus and its audit entry in one statement, answered from its RETURNING.
    const row = await CASE_FLOW.commitReturning<CaseRow & { path: string; communityName: string } & DetailParts>(m, ctx, c, dto, {
      set,
      event: { attachments: dto.attachments, data: { ...(data ?? {}), ...(dto.approvalNo ? { approvalNo: dto.approvalNo } : {}), ...(dto.note ? { note: dto.note } : {}) } },
      auditAfter: data ?? {},
      outbox: (to) => caseEvent(ctx, c, dto.action, c.status, to, dto.reason ?? null),
      answer: () => `SELECT ${CASE_COLUMNS}, cr.path, cr.name AS "communityName", ${detailParts('(SELECT * FROM case_event UNION ALL SELECT * FROM ev)')}
        FROM u c JOIN community_ref cr ON cr.id = c.community_id`,
    });
    return this.present(m, user, row);
  }

  /**
   * Writes every person of the case into the target household in the caller's transaction: all or
   * none. A person registered elsewhere in the system is moved (the old registration ends); the
   * partial unique index on active registrations makes a concurrent second settle of the same person fail.
   */
  private async settle(m: EntityManager, c: CaseRow): Promise<Record<string, unknown>> {
    const day = today();
    if (c.type === 'move_out') {
      // Every person's registration in the household ends, in one statement; one that is not there fails the whole case.
      const persons: { idMasked: string; ended: boolean }[] = await m.query(
        `WITH cp AS (SELECT id, id_hash, id_masked FROM case_person WHERE case_id = $1),
         ended AS (
           UPDATE registration r SET status = 'ended', end_date = $3, end_reason = 'moved_out', ended_by_case_id = $1
             FROM person p, cp WHERE p.id = r.person_id AND p.id_hash = cp.id_hash AND r.household_id = $2 AND r.status = 'active' RETURNING p.id_hash)
         SELECT cp.id_masked AS "idMasked", EXISTS (SELECT 1 FROM ended e WHERE e.id_hash = cp.id_hash) AS ended FROM cp ORDER BY cp.id`,
        [c.id, c.sourceHouseholdId, day],
      );
      const gone = persons.find((p) => !p.ended);
      if (gone) throw conflict(`${gone.idMasked} is no longer registered in the household`, 'NOT_IN_HOUSEHOLD');
      return { movedOut: persons.length, destination: c.destination };
    }
    let householdId = c.targetHouseholdId;
    let lockHousehold = false;
    if (!householdId) {
      if (c.type === 'collective') {
        const existing = await m.query(`SELECT id FROM household WHERE community_id = $1 AND kind = 'collective'`, [c.communityId]);
        householdId = existing[0]?.id ?? (await this.createHousehold(m, c.communityId, { kind: 'collective', address: '社区集体户' }));
      } else {
        householdId = await this.createHousehold(m, c.communityId, c.newHousehold!);
      }
    } else {
      lockHousehold = true;
    }
    // Every person in one statement (a settle is the hot path of the clerks' day), in this order: the target household's
    // row lock (when joining one), the persons upserted from the case, their active registrations locked (person order),
    // the check that each is the one seen at acceptance (a person registered since, say by a concurrent settle, makes the
    // case fail instead of silently moving them) and not already in this household; only when every person passes: their
    // old registrations end, the new ones are written (after the ends: the partial unique index on active registrations),
    // and the separation funnel's open outreach tasks for these persons in this community are done. A failed check writes
    // nothing of that and is answered 409 here (the upserted persons roll back with the transaction).
    type Checked = { idMasked: string; changed: boolean; here: boolean; moved: number; tasks: number };
    let persons: Checked[];
    try {
      persons = await m.query(
        `WITH lk AS (SELECT id FROM household WHERE id = $2 AND $5::boolean FOR UPDATE),
         cp AS (SELECT id, name, id_cipher, id_hash, id_masked, sex, birth_date, employer, relation, source_registration_id
                  FROM case_person WHERE case_id = $1 AND (SELECT count(*) FROM lk) >= 0),
         p AS (
           INSERT INTO person (name, id_cipher, id_hash, id_masked, sex, birth_date, employer)
           SELECT name, id_cipher, id_hash, id_masked, sex, birth_date, employer FROM cp ORDER BY id
           ON CONFLICT (id_hash) DO UPDATE SET name = EXCLUDED.name, employer = coalesce(EXCLUDED.employer, person.employer)
           RETURNING id, id_hash),
         cur AS (
           SELECT r.id, r.person_id, r.household_id FROM registration r
            WHERE r.person_id IN (SELECT id FROM p) AND r.status = 'active' ORDER BY r.person_id FOR UPDATE),
         chk AS (
           SELECT cp.id AS cp_id, cp.id_hash, cp.id_masked, cp.relation, p.id AS person_id, cur.id AS reg_id,
                  cur.id IS DISTINCT FROM cp.source_registration_id AS changed, coalesce(cur.household_id = $2, false) AS here
             FROM cp JOIN p ON p.id_hash = cp.id_hash LEFT JOIN cur ON cur.person_id = p.id),
         ok AS (SELECT NOT EXISTS (SELECT 1 FROM chk WHERE changed OR here) AS ok),
         ended AS (
           UPDATE registration r SET status = 'ended', end_date = $3, end_reason = 'moved', ended_by_case_id = $1
             FROM chk WHERE (SELECT ok FROM ok) AND r.id = chk.reg_id RETURNING r.id),
         ins AS (
           INSERT INTO registration (person_id, household_id, relation, status, start_date, case_id)
           SELECT person_id, $2, relation, 'active', $3, $1 FROM chk
            WHERE (SELECT ok FROM ok) AND (SELECT count(*) FROM ended) >= 0 ORDER BY cp_id RETURNING id),
         tasks AS (
           UPDATE outreach_task SET status = 'settled', case_id = $1, settled_at = now(), updated_at = now(), version = version + 1
            WHERE (SELECT ok FROM ok) AND community_id = $4 AND id_hash IN (SELECT id_hash FROM cp) AND status IN ('identified', 'contacted', 'applied')
            RETURNING id)
         SELECT chk.id_masked AS "idMasked", chk.changed, chk.here, (SELECT count(*) FROM ended)::int AS moved, (SELECT count(*) FROM tasks)::int AS tasks
           FROM chk ORDER BY chk.cp_id`,
        [c.id, householdId, day, c.communityId, lockHousehold],
      );
    } catch (e) {
      if ((e as { code?: string }).code === '23505') throw conflict('A person of this case already holds an active registration', 'ALREADY_REGISTERED');
      throw e;
    }
    for (const p of persons) {
      if (p.changed) throw conflict(`${p.idMasked}'s registration changed after the case was accepted; check the person again`, 'REGISTRATION_CHANGED');
      if (p.here) throw conflict(`${p.idMasked} is already registered in this household`, 'ALREADY_REGISTERED');
    }
    return { householdId, settledPersons: persons.length, movedWithinSystem: persons[0]?.moved ?? 0, outreachTasksSettled: persons[0]?.tasks ?? 0 };
  }

  private async createHousehold(m: EntityManager, communityId: number, h: NonNullable<CaseRow['newHousehold']>): Promise<number> {
    const rows = await m.query(
      `INSERT INTO household (household_no, community_id, kind, building, unit, room, address, grid_code)
       SELECT 'HH' || coalesce(cr.division_code, cr.id::text) || '-' || lpad(nextval('household_no_seq')::text, 6, '0'), cr.id, $2, $3, $4, $5, $6, $7
         FROM community_ref cr WHERE cr.id = $1
       RETURNING id`,
      [communityId, h.kind, h.building ?? null, h.unit ?? null, h.room ?? null, h.address, h.gridCode ?? null],
    );
    return rows[0].id;
  }

  /** Revocation: the registrations this case made end, the ones it ended come back; all or none. */
  private async undoSettle(m: EntityManager, c: CaseRow): Promise<Record<string, unknown>> {
    const day = today();
    const undone = await m.query(
      `UPDATE registration SET status = 'ended', end_date = $2, end_reason = 'revoked' WHERE case_id = $1 AND status = 'active' RETURNING id`,
      [c.id, day],
    );
    let restored = 0;
    try {
      const r = await m.query(
        `UPDATE registration SET status = 'active', end_date = NULL, end_reason = NULL, ended_by_case_id = NULL WHERE ended_by_case_id = $1 RETURNING id`,
        [c.id],
      );
      restored = rowsOf(r).length;
    } catch (e) {
      if ((e as { code?: string }).code === '23505') throw conflict('A person of this case has registered elsewhere since; revoke that change first', 'CANNOT_RESTORE');
      throw e;
    }
    return { endedRegistrations: rowsOf(undone).length, restoredRegistrations: restored };
  }

  /** The printable one-time notice: every missing item at once. */
  /**
   * The acceptance receipt (受理回执) as data, what the SPA's print page shows: the materials received (and whether
   * the originals were checked), the ones still missing, the date they came in (the acceptance if there was one,
   * else the last submission or supplement) and the clerk who took them. Same scope rule as the detail.
   */
  async receipt(user: AuthUser, id: number) {
    this.assertReader(user);
    const c = (await this.load(this.ds.manager, user, id, { withDetail: true })) as CaseRow & { path: string; communityName: string } & DetailParts;
    const timeline = c.timeline as { action: string; actorUsername: string; at: string }[];
    const last = (pred: (e: { action: string }) => boolean) => [...timeline].reverse().find(pred);
    const received = last((e) => e.action === 'accept') ?? last((e) => e.action === 'submit' || e.action === 'supplement') ?? null;
    const { dueAt } = trafficLight(c.status, new Date(c.stepStartedAt), c.greenChannel);
    return {
      caseId: c.id,
      caseNo: c.caseNo,
      type: c.type,
      status: c.status,
      greenChannel: c.greenChannel,
      communityId: c.communityId,
      communityName: c.communityName,
      applicantName: c.applicantName,
      applicantPhone: c.applicantPhone,
      propertyCertificateNo: c.propertyCertificateNo,
      persons: c.persons.map((p) => ({ name: p.name, relation: p.relation, idMasked: p.idMasked })),
      materialsReceived: CHECKLISTS[c.type].filter((item) => c.checklist[item]?.provided).map((item) => ({ item, verified: !!c.checklist[item]?.verified })),
      materialsMissing: missingItems(c),
      accepted: received?.action === 'accept',
      receivedAt: received?.at ?? null,
      clerk: received?.actorUsername ?? null,
      dueAt: dueAt?.toISOString() ?? null,
      createdAt: new Date(c.createdAt).toISOString(),
    };
  }

  async notice(user: AuthUser, caseId: number, noticeId: number) {
    this.assertReader(user);
    const c = await this.load(this.ds.manager, user, caseId);
    const rows = await this.ds.query(`SELECT id, items, note, issued_by AS "issuedBy", issued_at AS "issuedAt" FROM supplement_notice WHERE id = $1 AND case_id = $2`, [noticeId, caseId]);
    if (!rows[0]) throw notFound('Notice');
    const persons = await this.ds.query(`SELECT name, id_masked AS "idMasked", relation FROM case_person WHERE case_id = $1 ORDER BY id`, [caseId]);
    return { ...rows[0], issuedAt: new Date(rows[0].issuedAt).toISOString(), caseNo: c.caseNo, type: c.type, applicantName: c.applicantName, communityName: c.communityName, persons };
  }
}
