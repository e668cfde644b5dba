import type { DataSource } from 'typeorm';
import { assertInScope, type AuthUser, pageRequest } from '@redheart/shared';
import { may, scopeKind } from '../../policy';
import type { RangeQuery, UnitListQuery } from './dto';
import { ScorecardRepository, type UnitRef } from './repository';

/** Units' and members' scorecards, computed from the records on each read (scorecards/repository.ts). */
export class ScorecardService {
  private readonly repo: ScorecardRepository;

  constructor(db: DataSource) {
    this.repo = new ScorecardRepository(db);
  }

  /**
   * A unit's card. Who sees the members' names and hours: admins, the unit's own staff, and the communities (and
   * their streets) whose report from the unit was approved (or has ended). A community still deciding on the unit's
   * report sees the card without the members (members: null); a rejected report shows nothing (404).
   */
  async unitCard(user: AuthUser, unitId: number, q: RangeQuery) {
    const unit = await this.repo.unit(unitId);
    assertInScope(unit, '单位');
    let withMembers = true;
    if (scopeKind(user) === 'unit') assertInScope(user.orgId === unitId, '单位');
    else if (!may(user, 'scorecard.unit.any')) {
      const seen = await this.repo.reportStatusesInScope(unitId, user.scopePaths);
      assertInScope(seen.length, '单位');
      withMembers = seen.some((status) => status !== 'pending');
    }
    const members = withMembers ? await this.repo.unitMembers(unitId) : null;
    return { unit, from: q.from ?? null, to: q.to ?? null, ...(await this.repo.figures(unitId, q.from, q.to)), members };
  }

  /** Every unit that reported to a community in scope with its card; in page mode a page of them in name order. */
  async unitCards(user: AuthUser, q: UnitListQuery) {
    const cards = async (units: UnitRef[]) => {
      const out = [];
      for (const u of units) out.push({ unit: u, ...(await this.repo.figures(u.id, q.from, q.to)) });
      return out;
    };
    // Page mode: the units in name order, a page of them with their cards (each card is computed, so only the page's).
    const paged = pageRequest(q, 20);
    if (!paged) return cards(await this.repo.unitsInScope(user.scopePaths, q.q));
    const { rows, ...total } = await this.repo.unitPageInScope(user.scopePaths, q.q, paged);
    return { items: await cards(rows), ...total, page: paged.page, limit: paged.limit };
  }

  /**
   * A member's hours and items. A member sees their own card; a unit's staff the cards of their unit's members;
   * community staff, streets and admins those in scope.
   */
  async memberCard(user: AuthUser, id: number) {
    const m = await this.repo.member(id);
    const kind = scopeKind(user);
    const mine = kind === 'self' ? m?.username === user.username
      : kind === 'unit' ? m && Number(m.unitId) === user.orgId
        : m && user.scopePaths.some((p) => m.path.startsWith(p));
    assertInScope(mine, '成员');
    assertInScope(m, '成员');
    const items = await this.repo.memberItems(id);
    const total = items.filter((i) => i.posted).reduce((s, i) => s + i.hours, 0);
    return {
      id: m.id, name: m.name, communityName: m.communityName, hours: Math.round(total * 100) / 100,
      items: items.map((i) => ({ ...i, doneAt: i.doneAt === null ? null : new Date(i.doneAt).toISOString() })),
    };
  }
}
