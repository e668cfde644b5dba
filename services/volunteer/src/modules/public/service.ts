import type { DataSource } from 'typeorm';
import { badRequest, decodeCursor, encodeCursor, keysetPage, maskPublicText, notFound } from '@redheart/shared';
import { readPhoto } from '../items/evidence';
import type { BoardQuery } from './dto';
import { type PledgeRow, PublicBoardRepository } from './repository';

const DEFAULT_LIMIT = 20;
/**
 * Both cursors are the shared opaque (timestamp, id) cursor; only its id is used (the timestamp is the epoch). The
 * board's names the last unit shown, whose name is read back to continue after (name, id); a unit's page names the
 * last pledge shown, to continue below its id.
 */
const NO_TIME = new Date(0);

/** Free text (the reporter's description, the unit's notes) is masked; times are ISO instants. */
const publicPledge = (p: PledgeRow) => ({
  ...p,
  description: maskPublicText(p.description),
  doneAt: p.doneAt ? new Date(p.doneAt).toISOString() : null,
  evidence: p.evidence.map((e) => ({ ...e, note: e.note === null ? null : maskPublicText(e.note) })),
});
const summary = (r: { total: number; delivered: number }) => ({ total: r.total, delivered: r.delivered, inProgress: r.total - r.delivered });

/**
 * 公开履诺: the public pledge board, readable without login so residents can hold units to their
 * promises. Only pledge items and their photos are shown; nothing about residents. The board is paged by
 * unit; the totals are one index-only aggregate over the board's own rows (a partial index).
 */
export class PublicBoardService {
  private readonly repo: PublicBoardRepository;

  constructor(db: DataSource, private readonly filesDir: string) {
    this.repo = new PublicBoardRepository(db);
  }

  communities() {
    return this.repo.communities();
  }

  async board(q: BoardQuery) {
    const limit = q.limit ?? DEFAULT_LIMIT;
    // The page statement reads the cursor unit's name itself; whether that unit exists is checked alongside.
    const afterId = q.cursor ? decodeCursor(q.cursor)[1] : 0;
    const c = q.communityId ?? null;
    const [totals, rows, cursorUnit] = await Promise.all([this.repo.totals(c), this.repo.page(c, limit + 1, afterId), q.cursor ? this.repo.unitExists(afterId) : true]);
    if (!cursorUnit) throw badRequest('cursor is not valid', [{ field: 'cursor', errors: ['names no unit'] }], 'VALIDATION_FAILED');
    const { page, next: last } = keysetPage(rows, limit);
    const teams = await this.repo.teams(page.map((u) => u.unitId), c);
    return {
      communityId: c,
      totals,
      units: page.map((u) => ({ unitId: u.unitId, unitName: u.unitName, summary: summary(u), teams: teams.get(u.unitId) ?? [], latest: u.latest.map(publicPledge) })),
      nextCursor: last ? encodeCursor(NO_TIME, last.unitId) : null,
    };
  }

  async unitPledges(unitId: number, q: BoardQuery) {
    const limit = q.limit ?? DEFAULT_LIMIT;
    const before = q.cursor ? decodeCursor(q.cursor)[1] : Number.MAX_SAFE_INTEGER;
    const c = q.communityId ?? null;
    const [unit, rows, teams] = await Promise.all([this.repo.unit(unitId, c), this.repo.unitPledges(unitId, c, before, limit + 1), this.repo.teams([unitId], c)]);
    if (!unit || unit.total === 0) throw notFound('Unit');
    const { page, next: last } = keysetPage(rows, limit);
    return {
      unitId: unit.unitId,
      unitName: unit.unitName,
      communityId: c,
      summary: summary(unit),
      teams: teams.get(unitId) ?? [],
      items: page.map(publicPledge),
      nextCursor: last ? encodeCursor(NO_TIME, last.id) : null,
    };
  }

  /** A photo of a public pledge, with its type. */
  async photo(itemId: number, evidenceId: number): Promise<{ mime: string; body: Buffer }> {
    const row = await this.repo.photo(itemId, evidenceId);
    if (!row) throw notFound('Evidence');
    return { mime: row.mime, body: await readPhoto(this.filesDir, itemId, row.file_name) };
  }
}
