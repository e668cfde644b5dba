import { type Ctx, OrgRecordService } from '../org-records';
import { type OrgStats, StatsRepository } from './repository';

export class StatsService extends OrgRecordService {
  private readonly repo = new StatsRepository(this.ds.manager);

  async stats(ctx: Ctx): Promise<OrgStats> {
    const scope = await this.scope(ctx.user);
    return this.repo.counts(scope.paths);
  }
}
