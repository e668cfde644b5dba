import { CommunityDirectory, emit, keysetPage, type NewEvent, pageRequest } from '@redheart/shared';
import type { DataSource, EntityManager } from 'typeorm';
import {
  AppError, type AuthUser, badRequest, conflict, forbidden, inScope, maskResidentId, notFound, parseResidentId, type PiiVault,
  writeAudit, encodeCursor, decodeCursor,
} from '@redheart/shared';
import { businessToday } from '@redheart/shared';
import { type Action, allowedActions, CASE_WORKFLOW, CHECKLISTS, type DuplicateKind, trafficLight } from '../../domain';
import { assertMay, may } from '../../policy';
import type { CreateCaseDto, ListCasesQuery, TransitionDto } from './dto';
import { CASE_COLUMNS, type CaseRow, CaseRepository, caseEventInfo, type DetailParts, detailParts, type LoadedCase, OPEN, type SettleCheckRow } from './repository';

export interface Ctx {
  user: AuthUser;
  requestId?: string;
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
  const c = await caseEventInfo(m, caseId);
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
    private readonly repo: CaseRepository = new CaseRepository(read),
  ) {}

  private assertReader(user: AuthUser) {
    assertMay(user, 'readRegister');
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
    assertMay(user, 'openCase');
    const communityId = dto.communityId ?? (may(user, 'chooseCommunity') ? undefined : user.orgId);
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
    const propertyId = dto.propertyCertificateNo ? await this.repo.propertyId(m, dto.propertyCertificateNo.trim(), community.id) : null;
    const id = await this.repo.insert(m, {
      type: dto.type, communityId: community.id, targetHouseholdId, newHousehold: dto.newHousehold ?? null, sourceHouseholdId, destination: dto.destination ?? null,
      propertyCertificateNo: dto.propertyCertificateNo?.trim() ?? null, propertyId, applicantName: dto.applicantName.trim(), applicantPhone: dto.applicantPhone ?? null,
      greenChannel: dto.greenChannel ?? false, checklist, createdBy: user.sub,
    });
    for (const p of persons) {
      await this.repo.insertPerson(m, id, {
        name: p.name, idCipher: this.vault.encrypt(p.id), idHash: this.vault.hash(p.id), idMasked: maskResidentId(p.id), sex: p.sex, birthDate: p.birthDate,
        relation: p.relation, employer: p.employer,
      });
    }
    if (sourceHouseholdId) {
      // Everyone moving out must be registered in that household now.
      // Each one who is not is named on their ID number field, so the wizard shows who.
      const notThere = new Set(await this.repo.personsNotIn(m, id, sourceHouseholdId));
      if (notThere.size) {
        const fields = persons.flatMap((p, i) => (notThere.has(this.vault.hash(p.id)) ? [{ field: `persons[${i}].idNumber`, errors: ['not registered in that household'], code: 'notInHousehold', params: { name: p.name } }] : []));
        throw new AppError(409, 'NOT_IN_HOUSEHOLD', `${notThere.size} of the persons are not registered in that household`, fields);
      }
    }
    await CASE_FLOW.event(m, ctx, id, 'create', null, 'DRAFT', { reason: null, data: { type: dto.type, persons: persons.length } });
    await writeAudit(m, { actor: user, action: 'case.create', entityType: 'move_case', entityId: id, after: { type: dto.type, communityId: community.id, persons: persons.map((p) => maskResidentId(p.id)) }, requestId: ctx.requestId });
    return this.detail(m, user, id);
  }

  private async household(m: EntityManager, id: number): Promise<{ id: number; communityId: number; kind: string } | undefined> {
    return this.repo.household(m, id);
  }

  private async load(m: EntityManager, user: AuthUser, id: number, opts: { lock?: boolean; withDetail?: boolean } = {}): Promise<LoadedCase> {
    const c = await this.repo.find(m, id, opts);
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
  private async duplicates(m: EntityManager, c: CaseRow): Promise<{ kind: DuplicateKind; idMasked: string; caseNo?: string }[]> {
    const rows = await this.repo.duplicates(m, c);
    return rows.map((r) => (r.caseNo ? { kind: r.kind, idMasked: r.idMasked, caseNo: r.caseNo } : { kind: r.kind, idMasked: r.idMasked }));
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
    // The free text: a person's ID number (by its keyed hash), a case number, or a name prefix.
    let search: { idHash?: string; caseNo?: string; text?: string } = {};
    if (q.q) {
      const text = q.q.trim();
      const id = parseResidentId(text);
      if (id.ok) search = { idHash: this.vault.hash(id.info.id) };
      else if (/^HJ\d{4}-\d+$/i.test(text)) search = { caseNo: text.toUpperCase() };
      else search = { text };
    }
    const filter = {
      communityIds: ids, status: q.status, type: q.type, greenChannel: q.greenChannel ? q.greenChannel === 'true' : undefined, overdue: q.overdue === 'true',
      ...search, cursor: q.cursor ? decodeCursor(q.cursor) : undefined,
    };
    if (paged) {
      const { rows, total } = await this.repo.list(filter, { offset: paged.offset, limit: paged.limit });
      return { items: rows.map((c) => summary(c, c.communityName)), ...total!, page: paged.page, limit: paged.limit };
    }
    const { rows } = await this.repo.list(filter, { limit: limit + 1 });
    const { page, next: last } = keysetPage(rows, limit);
    return {
      items: page.map((c) => summary(c, c.communityName)),
      nextCursor: last ? encodeCursor(last.cursorAt, last.id) : null,
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
        await this.repo.insertNotice(m, id, missing, dto.note ?? null, user.username);
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
        await this.repo.recordSourceRegistrations(m, id);
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
      const persons = await this.repo.moveOutAll(m, c.id, c.sourceHouseholdId, day);
      const gone = persons.find((p) => !p.ended);
      if (gone) throw conflict(`${gone.idMasked} is no longer registered in the household`, 'NOT_IN_HOUSEHOLD');
      return { movedOut: persons.length, destination: c.destination };
    }
    let householdId = c.targetHouseholdId;
    let lockHousehold = false;
    if (!householdId) {
      if (c.type === 'collective') {
        householdId = (await this.repo.collectiveHousehold(m, c.communityId)) ?? (await this.repo.createHousehold(m, c.communityId, { kind: 'collective', address: '社区集体户' }));
      } else {
        householdId = await this.repo.createHousehold(m, c.communityId, c.newHousehold!);
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
    let persons: SettleCheckRow[];
    try {
      persons = await this.repo.settleAll(m, { caseId: c.id, householdId, day, communityId: c.communityId, lockHousehold });
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

  /** Revocation: the registrations this case made end, the ones it ended come back; all or none. */
  private async undoSettle(m: EntityManager, c: CaseRow): Promise<Record<string, unknown>> {
    const day = today();
    const undone = await this.repo.endCaseRegistrations(m, c.id, day);
    let restored = 0;
    try {
      restored = await this.repo.restoreEndedRegistrations(m, c.id);
    } catch (e) {
      if ((e as { code?: string }).code === '23505') throw conflict('A person of this case has registered elsewhere since; revoke that change first', 'CANNOT_RESTORE');
      throw e;
    }
    return { endedRegistrations: undone, restoredRegistrations: restored };
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
    const n = await this.repo.notice(this.ds.manager, caseId, noticeId);
    if (!n) throw notFound('Notice');
    const persons = await this.repo.noticePersons(this.ds.manager, caseId);
    return { ...n, issuedAt: new Date(n.issuedAt).toISOString(), caseNo: c.caseNo, type: c.type, applicantName: c.applicantName, communityName: c.communityName, persons };
  }
}
