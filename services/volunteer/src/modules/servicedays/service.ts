import type { DataSource } from 'typeorm';
import { type AuthUser, badRequest, businessToday, type CommunityDirectory } from '@redheart/shared';
import { nextServiceDay } from '../../domain';
import { scopeKind } from '../../policy';
import type { CalendarQuery } from './dto';
import { type RosterMember, ServiceDayRepository } from './repository';

/** Every 15th and 25th between two dates. */
export function serviceDaysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let d = nextServiceDay(from);
  while (d <= to) {
    out.push(d);
    const [y, m, day] = d.split('-').map(Number);
    const next = new Date(Date.UTC(y, m - 1, day + 1)).toISOString().slice(0, 10);
    d = nextServiceDay(next);
  }
  return out;
}

/**
 * The convenience desk (便民服务台) an item's place names: the org chart keeps one desk per building (group), and
 * the volunteer service does not hold the desks themselves, so a place that names a building ("龙腾花园1号楼2单元")
 * belongs to that building's desk ("龙腾花园1号楼"); a place naming no building (a gate, a square) has none.
 */
export function deskOf(place: string): string | null {
  const m = /^(.+?[0-9０-９一二三四五六七八九十百]+\s*(?:号楼|栋|幢))/.exec(place.trim());
  return m ? m[1] : null;
}

type Member = Omit<RosterMember, 'itemId'>;

/** 集中服务日: the calendar with the items scheduled, and a roster per convenience desk (else per place). */
export class ServiceDayService {
  private readonly repo: ServiceDayRepository;

  constructor(private readonly db: DataSource, private readonly communities: CommunityDirectory) {
    this.repo = new ServiceDayRepository(db);
  }

  async calendar(user: AuthUser, q: CalendarQuery) {
    const from = q.from ?? businessToday().slice(0, 8) + '01';
    // The next four service days; two months always hold four (walking to 2999 took ~24 000 steps a request).
    const to = q.to ?? serviceDaysBetween(from, new Date(Date.parse(`${from}T00:00:00Z`) + 62 * 86400_000).toISOString().slice(0, 10)).slice(0, 4).at(-1)!;
    if (to < from) throw badRequest('to lies before from', undefined, 'VALIDATION_FAILED');
    if (Date.parse(to) - Date.parse(from) > 400 * 86400_000) throw badRequest('At most about a year at a time', undefined, 'VALIDATION_FAILED');
    const communityId = q.communityId ? (await this.communities.visible(this.db.manager, user, q.communityId)).id : null;
    const rows = await this.repo.scheduled(user.scopePaths, from, to, { communityId, unitId: scopeKind(user) === 'unit' ? user.orgId : null });
    const people = await this.repo.roster(rows.map((r) => r.id));
    const membersOf = new Map<number, Member[]>();
    for (const { itemId, ...p } of people) membersOf.set(itemId, [...(membersOf.get(itemId) ?? []), p]);
    return serviceDaysBetween(from, to).map((date) => {
      const items = rows.filter((r) => r.scheduledDate === date);
      // One group per desk (its building); an item at a place without a building forms a group of its own place.
      const groups = new Map<string, { desk: string | null; place: string; items: { id: number; itemNo: string; place: string; unitName: string | null; status: string; members: Member[] }[] }>();
      for (const i of items) {
        const desk = deskOf(i.place);
        const key = desk ? `desk:${desk}` : `place:${i.place}`;
        if (!groups.has(key)) groups.set(key, { desk, place: desk ?? i.place, items: [] });
        groups.get(key)!.items.push({ id: i.id, itemNo: i.itemNo, place: i.place, unitName: i.unitName, status: i.status, members: membersOf.get(i.id) ?? [] });
      }
      const roster = [...groups.values()].sort((a, b) => (a.desk === null ? 1 : 0) - (b.desk === null ? 1 : 0) || a.place.localeCompare(b.place, 'zh-CN'));
      return { date, items, roster, attendance: items.reduce((s, i) => s + i.checkedIn, 0) };
    });
  }
}
