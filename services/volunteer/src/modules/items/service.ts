import { randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  actionsFor, AppError, type AuditInput, defaultItemSource, emit, type AuthUser, badRequest, businessToday, type CommunityDirectory, conflict, decodeCursor, encodeCursor, forbidden,
  guardTransition, inScope, ITEM_WORKFLOW_DEF, keysetPage, type NewEvent, notFound, pageRequest, writeAudit, wrongState,
} from '@redheart/shared';
import { type ItemAction, type ItemStatus, isServiceDay, nextServiceDay } from '../../domain';
import type { CreateItemDto, ItemTransitionDto, ListItemsQuery } from './dto';
import { assertMay, may, scopeKind } from '../../policy';
import { type DetailParts, type ItemEventRecord, type ItemListFilter, ItemRepository, type ItemRow, type NewEvidencePhoto } from './repository';

export interface Ctx {
  user: AuthUser;
  requestId?: string;
}

const DUPLICATE_WINDOW_DAYS = 7;

/** The joint committee meeting and decision a piece of work came from (kept by the org service). */
export interface MeetingLink {
  meetingId: number;
  decisionId: number;
  title: string;
}
const DEFAULT_PUBLISH_DAYS = 7;
const DEFAULT_RESPONSE_DAYS = 3;

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

/** The 400's sentence for a required field of an item transition that is missing (the table's `required`). */
const ITEM_MISSING: Record<string, string> = {
  unitId: 'assign names the unit (unitId)',
  hours: 'complete records volunteer hours per member',
  rating: 'confirm needs a rating from 1 to 5',
  referralBody: 'A referral names the responsible body',
  mergeIntoId: 'merge needs mergeIntoId of another item',
};

/** The event type of each item transition: `volunteer.item.<name>`. */
const ITEM_EVENT_NAMES: Record<string, string> = {
  report: 'reported', publish: 'published', reject: 'rejected', refer: 'referred', merge: 'merged', claim: 'claimed', release: 'released',
  assign: 'assigned', schedule: 'scheduled', start: 'started', complete: 'completed', confirm: 'confirmed', reopen: 'reopened', cancel: 'cancelled',
  signup: 'signed_up', withdraw_signup: 'signup_withdrawn', escalate: 'escalated', close: 'closed', checkin: 'checked_in',
};

export class ItemService {
  private readonly repo: ItemRepository;

  constructor(
    private readonly ds: DataSource,
    private readonly communities: CommunityDirectory,
  ) {
    this.repo = new ItemRepository(ds);
  }

  /** A unit's staff act only in communities their unit has reported to (and that report was approved). */
  async unitReportedTo(m: EntityManager, unitId: number, communityId: number): Promise<boolean> {
    return this.repo.unitReportedTo(m, unitId, communityId);
  }

  /**
   * The item in the caller's scope, in one statement: for unit staff the check that their unit
   * reported to the item's community rides along; `withDetail` adds the timeline, hours, evidence and
   * sign-ups as JSON (the detail answer is one round trip, which matters inside a transition).
   */
  private async load(m: EntityManager, user: AuthUser, id: number, opts: { lock?: boolean; withDetail?: boolean } = {}): Promise<ItemRow & Partial<DetailParts>> {
    const item = await this.repo.find(m, id, { ...opts, reportedByUnit: scopeKind(user) === 'unit' ? user.orgId : undefined });
    if (!item || !inScope(item.path, user.scopePaths) || !item.reported) throw notFound('Service item');
    return item;
  }

  /**
   * `meeting`: the item is a joint committee meeting's decision (the org service asks over its internal route); the
   * street may then report too (its 大工委 decided it), and the item keeps the meeting and decision it came from.
   */
  async create(ctx: Ctx, dto: CreateItemDto, m: EntityManager, meeting?: MeetingLink) {
    const { user } = ctx;
    assertMay(user, meeting ? 'item.reportFromMeeting' : 'item.report');
    const communityId = dto.communityId ?? (may(user, 'item.reportAnyCommunity') ? undefined : user.orgId);
    if (!communityId) throw badRequest('communityId is required', [{ field: 'communityId', errors: ['required for your role'] }], 'VALIDATION_FAILED');
    const community = await this.communities.visible(m, user, communityId);
    if (!(await this.repo.activeCategory(m, dto.categoryId))) {
      throw badRequest('categoryId is not an active service category', [{ field: 'categoryId', errors: ['unknown'], code: 'inactiveCategory' }], 'VALIDATION_FAILED');
    }
    const source = dto.source ?? defaultItemSource(user.role);
    const id = await this.repo.insert(m, {
      communityId: community.id, categoryId: dto.categoryId, place: dto.place.trim(), description: dto.description.trim(), source, reportedBy: user.username,
      reporterName: dto.reporterName ?? null, meetingId: meeting?.meetingId ?? null, decisionId: meeting?.decisionId ?? null, meetingTitle: meeting?.title ?? null,
    });
    await this.event(m, ctx, id, 'report', null, 'REPORTED', null, null, meeting ? { source, meetingId: meeting.meetingId, decisionId: meeting.decisionId } : { source });
    await writeAudit(m, { actor: user, action: 'item.report', entityType: 'item', entityId: id, after: { communityId: community.id, categoryId: dto.categoryId, place: dto.place }, requestId: ctx.requestId });
    return this.detail(m, user, id);
  }

  /** Same place and category in the same community within 7 days: the triage merges them. */
  private async possibleDuplicates(m: EntityManager, item: ItemRow) {
    return this.repo.possibleDuplicates(m, item, DUPLICATE_WINDOW_DAYS);
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

  /** The table's actions for the caller's role in the item's status (actionsFor), less those the item itself rules out. */
  private allowedActions(user: AuthUser, item: ItemRow): ItemAction[] {
    return actionsFor(ITEM_WORKFLOW_DEF, item.status, user.role).filter((action) => {
      if (action === 'claim' && item.kind !== 'unit') return false;
      if ((action === 'signup' || action === 'withdraw_signup') && item.kind !== 'individual') return false;
      if (['release', 'schedule', 'start', 'complete'].includes(action) && scopeKind(user) === 'unit' && item.unitId !== user.orgId) return false;
      if (action === 'schedule' && item.status === 'PUBLISHED' && (item.kind !== 'individual' || !item.signups)) return false;
      return true;
    });
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
    // Statuses asked for (view=open: two): each walked on its own (item_open_idx: community, status, newest first), so
    // a community with thousands of open items still reads about a page of them, not all of them to sort.
    const statuses = q.status ? [q.status] : q.statuses ? [...new Set(q.statuses.split(','))] : q.view === 'open' ? ['PUBLISHED', 'ESCALATED'] : null;
    const unit = scopeKind(user) === 'unit';
    const filter: ItemListFilter = {
      communityIds: ids,
      statuses,
      reportedToUnit: unit ? user.orgId : undefined,
      mine: q.view === 'mine' ? (unit ? { unitId: user.orgId } : { reportedBy: user.username }) : undefined,
      categoryId: q.categoryId,
      unitId: q.unitId,
      pledge: q.pledge ? q.pledge === 'true' : undefined,
      source: q.source,
      assigned: q.assigned ? q.assigned === 'true' : undefined,
      scheduledDate: q.scheduledDate,
      text: q.q ? q.q.trim() : undefined,
      cursor: q.cursor ? decodeCursor(q.cursor) : undefined,
    };
    if (paged) {
      const { rows, total } = await this.repo.list(filter, { offset: paged.offset, limit: paged.limit });
      return { items: rows.map(({ cursorAt: _c, ...i }) => (void _c, view(i))), ...total!, page: paged.page, limit: paged.limit };
    }
    const { rows } = await this.repo.list(filter, { limit: limit + 1 });
    const { page: pageRows, next: last } = keysetPage(rows, limit);
    return { items: pageRows.map(({ cursorAt: _c, ...i }) => (void _c, view(i))), nextCursor: last ? encodeCursor(last.cursorAt, last.id) : null };
  }

  async transition(ctx: Ctx, id: number, dto: ItemTransitionDto, m: EntityManager) {
    const { user } = ctx;
    const item = await this.load(m, user, id, { lock: true });
    // Sign-ups are rows of their own, guarded by the item's row lock; they don't race on the item's version.
    const isSignup = dto.action === 'signup' || dto.action === 'withdraw_signup';
    const rule = guardTransition(ITEM_WORKFLOW_DEF, {
      action: dto.action, role: user.role, state: item.status, entity: 'item', reason: dto.reason,
      version: isSignup ? undefined : { record: item.version, request: dto.version, stale: () => conflict('The item was changed by someone else; reload it', 'STALE_VERSION') },
      // the rule's `required` fields (assign: unitId, complete: hours, confirm: rating, refer: referralBody, merge: mergeIntoId)
      fields: dto,
    }, {
      forbidden: (action) => `Your role may not ${action} a service item`,
      wrongState: (state, action) => `A ${state} item cannot be ${action}ed`,
      missing: (field, action) => ITEM_MISSING[field] ?? `${action} needs ${field}`,
    });
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
        set.referral_body = dto.referralBody;
        data = { referralBody: dto.referralBody };
        break;
      }
      case 'merge': {
        if (dto.mergeIntoId === id) throw badRequest(ITEM_MISSING.mergeIntoId, [{ field: 'mergeIntoId', errors: ['required'] }], 'VALIDATION_FAILED');
        const target = await this.repo.lockMergeTarget(m, dto.mergeIntoId!);
        if (!target || target.community_id !== item.communityId) throw notFound('Item to merge into');
        if (['MERGED', 'REJECTED', 'CANCELLED', 'CLOSED'].includes(target.status)) throw wrongState('Cannot merge into a finished item', { entity: 'item', from: target.status, action: 'merge' });
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
        if (!(await this.unitReportedTo(m, dto.unitId!, item.communityId))) throw badRequest('That unit has not reported to this community', [{ field: 'unitId', errors: ['not reported here'] }], 'UNIT_NOT_REPORTED');
        const responseDeadline = new Date(Date.now() + (dto.responseDays ?? DEFAULT_RESPONSE_DAYS) * 86400_000);
        Object.assign(set, { unit_id: dto.unitId, claimed_at: new Date(), assigned_by: user.username, response_deadline: responseDeadline });
        eventUnit = dto.unitId!;
        data = { unitId: dto.unitId, responseDeadline: responseDeadline.toISOString() };
        break;
      }
      case 'schedule': {
        if (scopeKind(user) === 'unit' && item.unitId !== user.orgId) throw forbidden('Only the claiming unit may schedule it');
        if (item.status === 'PUBLISHED') {
          if (item.kind !== 'individual') throw wrongState('A unit item is scheduled after a unit has claimed it', { entity: 'item', from: item.status, action: 'schedule' });
          // Counted after the row lock (sign-ups change only under it), not from the snapshot read with the row.
          if (!(await this.repo.signupCount(m, id))) throw conflict('No member has signed up yet', 'NO_SIGNUPS');
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
        // present (the rule's required field) but possibly empty: no hours is no record of the work
        if (!dto.hours?.length) throw badRequest(ITEM_MISSING.hours, [{ field: 'hours', errors: ['required'] }], 'VALIDATION_FAILED');
        if (!(await this.repo.evidenceCount(m, id)) && !dto.note) throw badRequest('complete needs evidence: upload a photo or give a note', [{ field: 'note', errors: ['evidence required'] }], 'EVIDENCE_REQUIRED');
        if (dto.note) await this.repo.insertNoteEvidence(m, id, dto.note, user.username);
        for (const h of dto.hours) {
          if (h.memberId) {
            if (!(await this.repo.isApprovedMember(m, h.memberId))) throw badRequest(`memberId ${h.memberId} is not a reported member`, [{ field: 'hours.memberId', errors: ['unknown'] }], 'VALIDATION_FAILED');
          }
          await this.repo.insertHours(m, id, { memberId: h.memberId ?? null, name: h.name, hours: h.hours });
        }
        set.done_at = new Date();
        data = { hours: dto.hours.reduce((s, h) => s + h.hours, 0), people: dto.hours.length };
        break;
      }
      case 'confirm': {
        set.rating = dto.rating;
        data = { rating: dto.rating };
        break;
      }
      case 'reopen': {
        // Rework: back to the schedule, on the next service day.
        Object.assign(set, { rework_count: item.reworkCount + 1, scheduled_date: nextServiceDay(today), done_at: null, started_at: null });
        await this.repo.deleteUnpostedHours(m, id);
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
    if (isSignup) {
      // The sign-up row is written (signup above); its timeline event, bus event and audit entry in one statement, answered from it.
      const row = await this.repo.recordSignupChange(m, {
        id: item.id,
        event: eventRecord(ctx, item.id, dto.action, item.status, to, dto.reason ?? null, eventUnit, data),
        outbox: itemEvent(ctx, item, dto.action, item.status, to, dto.reason ?? null, eventUnit),
        audit,
      });
      return this.present(m, user, row);
    }
    if (dto.action !== 'confirm') {
      // The update, its timeline event, its event on the bus and its audit entry in one statement, answered from its RETURNING
      // (the item's community, number and place come from the locked row; unit and rating as the update leaves them).
      const after = { ...item, unitId: 'unit_id' in set ? (set.unit_id as number | null) : item.unitId, rating: 'rating' in set ? (set.rating as number | null) : item.rating };
      const row = await this.repo.applyWithEvent(m, {
        id: item.id, version: dto.version, from: item.status, set,
        event: eventRecord(ctx, item.id, dto.action, item.status, to, dto.reason ?? null, eventUnit, data),
        outbox: itemEvent(ctx, after, dto.action, item.status, to, dto.reason ?? null, eventUnit),
        audit,
      });
      if (!row) throw conflict('The item was changed by someone else; reload it', 'STALE_VERSION');
      return this.present(m, user, row);
    }
    // confirm, then CONFIRMED → CLOSED by the system: hours are posted to the members, the scorecard counts it.
    await this.apply(m, item, dto.version, to, set);
    await this.event(m, ctx, id, dto.action, item.status, to, dto.reason ?? null, eventUnit, data);
    const posted = await this.repo.postHours(m, id);
    await this.hoursPosted(m, id, posted);
    await this.repo.close(m, id);
    await this.event(m, { user: { ...user, sub: 'system', username: 'system' } }, id, 'close', 'CONFIRMED', 'CLOSED', null, eventUnit, { postedHours: posted.length });
    await writeAudit(m, audit);
    return this.detail(m, user, id);
  }

  private async apply(m: EntityManager, item: ItemRow, version: number, to: ItemStatus, set: Record<string, unknown>) {
    if (!(await this.repo.apply(m, item, version, to, set))) throw conflict('The item was changed by someone else; reload it', 'STALE_VERSION');
  }

  /** Places on an individual item: the item row is locked, so sign-ups never exceed capacity. */
  private async signup(m: EntityManager, user: AuthUser, item: ItemRow, join: boolean) {
    if (item.kind !== 'individual') throw conflict('Only individual items take sign-ups', 'WRONG_KIND');
    // the member's account learnt as they act (they are told of their hours posted to it)
    // The sign-ups are counted by this statement, after the row lock: the count read with the locked row
    // came from the snapshot taken before waiting for that lock.
    const mem = await this.repo.memberSigning(m, user.username, user.sub, item.id);
    if (!mem) throw forbidden('Report to your community as a party member first (双报到)');
    const taken = mem.taken;
    if (join) {
      if (taken >= item.capacity) throw conflict('All places are taken', 'CAPACITY_FULL');
      if (!(await this.repo.insertSignup(m, item.id, mem.id))) throw conflict('You have signed up already', 'ALREADY_SIGNED_UP');
    } else {
      if (!(await this.repo.deleteSignup(m, item.id, mem.id))) throw conflict('You were not signed up', 'NOT_SIGNED_UP');
    }
    return { memberId: mem.id, places: item.capacity, taken: taken + (join ? 1 : -1) };
  }

  /**
   * The escalation job (吹哨): published items nobody claimed by their deadline go to the street.
   * An individual item that members have signed up for is taken (the community schedules it), not escalated.
   * The status condition makes a second run (or a concurrent one) escalate nothing twice.
   */
  async escalateOverdue(now = new Date()): Promise<number[]> {
    return this.ds.transaction(async (m) => {
      const ids = await this.repo.escalateOverdue(m, now);
      const system = { sub: 'system', username: 'system', role: 'admin' as const, orgId: 0, scopePaths: [] };
      for (const { id } of ids) {
        await this.event(m, { user: system }, id, 'escalate', 'PUBLISHED', 'ESCALATED', 'unclaimed past the deadline', null, null);
        await writeAudit(m, { actor: null, action: 'item.escalate', entityType: 'item', entityId: id, after: { status: 'ESCALATED' }, reason: 'unclaimed past the deadline' });
      }
      return ids.map((r) => r.id);
    });
  }

  /** An evidence photo, stored already (storePhoto), recorded with its audit entry; its id and time. */
  async addEvidencePhoto(ctx: Ctx, itemId: number, photo: Omit<NewEvidencePhoto, 'uploadedBy'>) {
    return this.ds.transaction(async (m) => {
      const row = await this.repo.insertPhotoEvidence(m, itemId, { ...photo, uploadedBy: ctx.user.username });
      await writeAudit(m, { actor: ctx.user, action: 'item.evidence', entityType: 'item', entityId: itemId, after: { evidenceId: row.id, sha256: photo.sha256, size: photo.size }, requestId: ctx.requestId });
      return row;
    });
  }

  /** An evidence photo of the item (its file's name and type); 404 when the item has no such photo. */
  async evidencePhoto(itemId: number, evidenceId: number) {
    const row = await this.repo.photoEvidence(itemId, evidenceId);
    if (!row) throw notFound('Evidence');
    return row;
  }

  /** The item a check-in code opens (404 when none); scope is checked by reading it. */
  async itemIdByCheckinCode(code: string): Promise<number> {
    const id = await this.repo.idByCheckinCode(code);
    if (id === undefined) throw notFound('Check-in code');
    return id;
  }

  /** A member's phone opens the item by its check-in code on the service day. */
  async checkin(user: AuthUser, code: string) {
    return this.ds.transaction(async (m) => {
      const locked = await this.repo.lockByCheckinCode(m, code);
      if (!locked) throw notFound('Check-in code');
      const item = await this.load(m, user, locked.id);
      if (!['SCHEDULED', 'IN_PROGRESS'].includes(item.status)) throw wrongState('Check-in is open while the item is scheduled or in progress', { entity: 'item', from: item.status, action: 'checkin' });
      const mem = await this.repo.memberCheckingIn(m, user.username, user.sub);
      if (!mem) throw forbidden('Only reported members check in');
      const opensOn = checkinOpensOn(item);
      if (opensOn) throw new AppError(409, 'CHECKIN_NOT_OPEN', `Check-in opens on the service day, ${opensOn}`, { opensOn });
      // A second scan (a retry, a double tap) changes nothing and writes no second event.
      if (await this.repo.checkIn(m, item.id, mem.id)) await this.event(m, { user }, item.id, 'checkin', item.status, item.status, null, item.unitId, { memberId: mem.id });
      return { itemId: item.id, itemNo: item.itemNo, place: item.place, member: mem.name, checkedIn: true };
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
    const members = await this.repo.postedMembers(m, [...byMember.keys()], itemId);
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
    await this.repo.insertEvent(m, eventRecord(ctx, itemId, action, from, to, reason, unitId, data));
    const i = await this.repo.eventInfo(m, itemId);
    await emit(m, itemEvent(ctx, {
      id: itemId, itemNo: i?.itemNo ?? null, communityId: i?.communityId ?? null, communityName: i?.communityName ?? null, unitId: i?.unitId ?? null,
      path: i?.path ?? null, place: i?.place ?? null, rating: i?.rating ?? null,
    }, action, from, to, reason, unitId));
  }
}

/** The timeline event of a transition (item_event), as `ctx.user` acted. */
function eventRecord(ctx: Pick<Ctx, 'user'>, itemId: number, action: string, from: ItemStatus | null, to: ItemStatus, reason: string | null, unitId: number | null, data: unknown): ItemEventRecord {
  return { itemId, action, from, to, actorId: ctx.user.sub, actorUsername: ctx.user.username, actorRole: ctx.user.role, unitId, reason, data };
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
