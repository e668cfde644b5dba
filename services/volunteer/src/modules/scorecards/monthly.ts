import type { DataSource } from 'typeorm';
import { businessToday, emit } from '@redheart/shared';
import { ScorecardRepository, unitScorecard } from './repository';

/** The month before `today` (YYYY-MM-DD, the business day): its key and first and last days. */
export function previousMonth(today: string): { month: string; from: string; to: string } {
  const [y, m] = today.split('-').map(Number);
  const year = m === 1 ? y - 1 : y;
  const month = m === 1 ? 12 : m - 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const mm = String(month).padStart(2, '0');
  return { month: `${year}-${mm}`, from: `${year}-${mm}-01`, to: `${year}-${mm}-${String(last).padStart(2, '0')}` };
}

export interface ScorecardNotice {
  unitId: number;
  month: string;
}

/**
 * 积分卡月报: on the 1st, each unit that serves communities (an approved dual report) is sent last month's
 * scorecard — `volunteer.scorecard.monthly` with its figures, which the notification service turns into a
 * notice to the unit's staff linking to the card for that month. The notice row and the event commit
 * together per unit; the row's key (unit, month) makes a second run, replica or restart send nothing twice.
 */
export class MonthlyScorecards {
  private readonly repo: ScorecardRepository;

  constructor(private readonly ds: DataSource) {
    this.repo = new ScorecardRepository(ds);
  }

  /** One run: every active unit not yet sent the month before `now`'s business day. */
  async run(now = new Date()): Promise<ScorecardNotice[]> {
    const { month, from, to } = previousMonth(businessToday(now));
    const units = await this.repo.unitsDueNotice(month);
    const out: ScorecardNotice[] = [];
    for (const u of units) {
      const sent = await this.ds.transaction(async (m) => {
        if (!(await this.repo.insertNotice(m, u.id, month))) return false;
        const card = await unitScorecard(m, Number(u.id), from, to);
        await emit(m, {
          type: 'volunteer.scorecard.monthly', aggregateId: u.id, orgPath: u.path, actor: null,
          payload: {
            unitId: Number(u.id), unitName: u.name.slice(0, 100), month, from, to, claims: card.claims, completed: card.completed, onTimeRate: card.onTimeRate,
            rework: card.rework, releases: card.releases, averageRating: card.averageRating, hours: card.hours,
          },
        });
        return true;
      });
      if (sent) out.push({ unitId: Number(u.id), month });
    }
    return out;
  }
}
