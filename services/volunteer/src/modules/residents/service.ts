import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  AppError, type AuthUser, badRequest, conflict, inScope, maskPublicText, notFound, type Role, writeAudit, wrongState,
} from '@redheart/shared';
import { assertMay, POLICY } from '../../policy';
import type { PublicNeedDto, PublicRatingDto } from './dto';
import { type ReportedNeedRow, ResidentRepository } from './repository';

/** A convenience desk as the org service knows it (GET /api/org/internal/desks/:code). */
export interface DeskRef {
  code: string;
  building: string;
  communityId: number;
  communityName: string;
}
/** Reads a desk by its QR code from the org service; null when there is no such desk; throws when org is unreachable. */
export type FetchDesk = (code: string) => Promise<DeskRef | null>;

/** No 0/O, 1/I/L: a tracking number read aloud or copied from a phone cannot be mistaken. */
export const TRACKING_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const TRACKING_LENGTH = 10;
const TRACKING_RE = new RegExp(`^[${TRACKING_ALPHABET}]{${TRACKING_LENGTH}}$`);
/** 31^10 ≈ 8·10^14 numbers: with the rate limit, not something to enumerate. */
export const newTrackingNo = () => Array.from({ length: TRACKING_LENGTH }, () => TRACKING_ALPHABET[randomInt(TRACKING_ALPHABET.length)]).join('');
/** What a resident types: case and dashes or spaces do not matter. */
export const normaliseTrackingNo = (raw: string) => raw.toUpperCase().replace(/[\s-]/g, '');

/** Who may print a completion notice with its rating link: the community that confirms delivery. */
export const RATING_LINK_ISSUERS: readonly Role[] = POLICY['ratingLink.issue'].roles;
const DELIVERED = ['DONE', 'CONFIRMED', 'CLOSED'];
/** A rating link printed on a notice stays usable for 30 days. */
export const RATING_LINK_DAYS = 30;
const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/** The resident in item_event (its actor columns are NOT NULL): nobody's account. */
const RESIDENT_ACTOR = { sub: 'public', username: 'resident', role: 'resident' } as const;

/**
 * Residents without a login: a need reported from a desk's QR page (source 'resident', a tracking number to follow it
 * by), its progress by that number, and the one-time rating of a delivered item through the link printed on its
 * completion notice. Nothing here shows a phone number, a name or an ID number: descriptions are masked like the board.
 */
export class ResidentService {
  private readonly repo: ResidentRepository;

  constructor(
    private readonly ds: DataSource,
    private readonly fetchDesk: FetchDesk | undefined,
  ) {
    this.repo = new ResidentRepository(ds);
  }

  categories() {
    return this.repo.categories();
  }

  private async desk(code: string): Promise<DeskRef> {
    if (!this.fetchDesk) throw new AppError(503, 'ORG_UNAVAILABLE', '暂时无法确认便民服务站，请稍后再试；本次未提交任何内容');
    let desk: DeskRef | null;
    try {
      desk = await this.fetchDesk(code);
    } catch {
      throw new AppError(503, 'ORG_UNAVAILABLE', '暂时无法确认便民服务站，请稍后再试；本次未提交任何内容');
    }
    if (!desk) throw notFound('Desk', 'DESK_NOT_FOUND');
    return desk;
  }

  async reportNeed(dto: PublicNeedDto, requestId?: string) {
    const desk = await this.desk(dto.deskCode);
    return this.ds.transaction(async (m) => {
      if (!(await this.repo.activeCategory(m, dto.categoryId))) {
        throw badRequest('categoryId 不是可选的服务类别', [{ field: 'categoryId', errors: ['unknown'], code: 'inactiveCategory' }], 'VALIDATION_FAILED');
      }
      const community = await this.repo.community(m, desk.communityId);
      // The desk's community is not in this service's copy of the org chart yet (synced every minute): not an input error.
      if (!community) throw new AppError(503, 'ORG_UNAVAILABLE', '该便民服务站所在社区暂未同步，请稍后再试；本次未提交任何内容');
      let row: ReportedNeedRow | undefined;
      for (let attempt = 0; attempt < 5 && !row; attempt++) {
        row = await this.repo.insertNeed(m, {
          communityId: desk.communityId, categoryId: dto.categoryId, place: desk.building, description: dto.description, contactName: dto.contactName ?? null,
          phone: dto.phone, deskCode: desk.code, trackingNo: newTrackingNo(),
        });
      }
      if (!row) throw new Error('Could not draw an unused tracking number');
      await this.residentEvent(m, row.id, 'report', null, 'REPORTED', { source: 'resident', deskCode: desk.code });
      await writeAudit(m, {
        actor: null,
        action: 'item.report', entityType: 'item', entityId: row.id, requestId,
        after: { communityId: desk.communityId, categoryId: dto.categoryId, source: 'resident', deskCode: desk.code, trackingNo: row.trackingNo },
      });
      return {
        trackingNo: row.trackingNo, itemNo: row.itemNo, communityName: community.name, deskBuilding: desk.building, status: 'REPORTED',
        reportedAt: new Date(row.createdAt).toISOString(),
      };
    });
  }

  async track(raw: string) {
    const trackingNo = normaliseTrackingNo(raw);
    if (!TRACKING_RE.test(trackingNo)) {
      throw badRequest(`trackingNo 应为 ${TRACKING_LENGTH} 位跟踪号`, [{ field: 'trackingNo', errors: ['format'], code: 'trackingNo', params: { length: TRACKING_LENGTH } }], 'VALIDATION_FAILED');
    }
    const i = await this.repo.track(trackingNo);
    if (!i) throw notFound('Need', 'NEED_NOT_FOUND');
    return {
      ...i,
      description: maskPublicText(i.description),
      steps: i.steps.map((e) => ({ ...e, reason: e.reason === null ? null : maskPublicText(e.reason) })),
    };
  }

  /**
   * A one-time rating link for a delivered item, printed on its completion notice. Only the token's hash is kept, so a
   * new link (a reprinted notice) replaces the earlier one; once the resident has rated, no new link is issued (409).
   */
  async ratingLink(user: AuthUser, itemId: number, requestId?: string) {
    assertMay(user, 'ratingLink.issue');
    return this.ds.transaction(async (m) => {
      const item = await this.repo.lockRatableItem(m, itemId);
      if (!item || !inScope(item.path, user.scopePaths)) throw notFound('Service item');
      if (!DELIVERED.includes(item.status)) throw wrongState('只有已完成的服务才能请居民评价', { entity: 'item', from: item.status, action: 'rating_link' });
      if (item.stars !== null) throw conflict('居民已经评价过这项服务', 'ALREADY_RATED');
      const token = randomBytes(24).toString('base64url');
      const row = await this.repo.upsertRatingLink(m, itemId, hashToken(token), user.username, RATING_LINK_DAYS);
      await writeAudit(m, { actor: user, action: 'item.rating_link', entityType: 'item', entityId: itemId, after: { expiresAt: row.expiresAt }, requestId });
      return { itemId: Number(item.id), itemNo: item.itemNo, token, path: `/public/rate/${token}`, expiresAt: row.expiresAt };
    });
  }

  private async link(m: EntityManager, token: string, lock: boolean) {
    const r = await this.repo.link(m, hashToken(token), lock);
    if (!r || r.expired) throw notFound('Rating link', 'RATING_LINK_NOT_FOUND');
    return r;
  }

  async rateTarget(token: string) {
    if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) throw notFound('Rating link', 'RATING_LINK_NOT_FOUND');
    const r = await this.link(this.ds.manager, token, false);
    return {
      itemNo: r.itemNo, communityName: r.communityName, categoryName: r.categoryName, description: maskPublicText(r.description), unitName: r.unitName,
      doneAt: r.doneAt, expiresAt: r.expiresAt, rated: r.stars !== null, stars: r.stars,
    };
  }

  async rate(dto: PublicRatingDto, requestId?: string) {
    return this.ds.transaction(async (m) => {
      const r = await this.link(m, dto.token, true);
      if (r.stars !== null) throw conflict('这项服务已经评价过了，每个链接只能评价一次', 'ALREADY_RATED');
      const done = await this.repo.rate(m, r.itemId, dto.stars, dto.comment || null);
      await this.residentEvent(m, r.itemId, 'resident_rating', r.status, r.status, { stars: dto.stars });
      await writeAudit(m, { actor: null, action: 'item.resident_rating', entityType: 'item', entityId: r.itemId, after: { stars: dto.stars }, requestId });
      return { itemNo: r.itemNo, stars: dto.stars, ratedAt: done.ratedAt };
    });
  }

  private async residentEvent(m: EntityManager, itemId: number, action: string, from: string | null, to: string, data: unknown) {
    await this.repo.insertEvent(m, { itemId, action, from, to, actor: RESIDENT_ACTOR, data });
  }
}
