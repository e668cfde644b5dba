import type { DataSource } from 'typeorm';
import { type AuthUser, CommunityDirectory, Prng } from '@redheart/shared';
import { type CatalogueEntry, CatalogueDirectory } from '../modules/applications/catalogue';
import { ApplicationService } from '../modules/applications/service';
import { ApplicationRepository } from '../modules/applications/repository';
import type { ApplicationAction } from '../modules/applications/domain';

export interface ApplicationSeedOptions {
  /** The org service's catalogue (the caller reads it from the org database, as it does the communities). */
  catalogue: CatalogueEntry[];
  log?: (line: string) => void;
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭'];
const GIVEN = ['秀英', '桂兰', '建国', '志强', '丽娟', '海燕', '永刚', '玉梅', '春雷', '淑芬', '国庆', '红霞', '德明', '晓东'];
const DEPARTMENTS: Record<string, string> = {
  就业创业: '栖霞市人力资源和社会保障局',
  社会保险: '栖霞市社会保险事业中心',
  养老服务: '栖霞市民政局',
  社会救助: '栖霞市民政局',
  医疗保障: '栖霞市医疗保障局',
};

/**
 * 一网通办 demo: applications in every community for services of the catalogue, taken and moved on through the real
 * ApplicationService (so the timeline and the audit are what the clerks' own actions write), then dated back so the
 * queue shows every state and every light: some waiting to be accepted, some asked to supplement, some with the county
 * departments (one past its limit), most done. Written once (skipped when any application exists).
 */
export async function seedApplications(ds: DataSource, opts: ApplicationSeedOptions): Promise<{ skipped: boolean; applications: number }> {
  const log = opts.log ?? (() => undefined);
  const existing: { n: number }[] = await ds.query(`SELECT count(*)::int AS n FROM service_application`);
  if (existing[0].n > 0) return { skipped: true, applications: existing[0].n };
  // The communities the hukou demo works in (the 12 urban ones), else the first 12 of the chart.
  const communities: { id: number; name: string; path: string }[] = await ds.query(
    `SELECT id::int, name, path FROM community_ref cr ORDER BY EXISTS (SELECT 1 FROM household h WHERE h.community_id = cr.id) DESC, path LIMIT 12`,
  );
  if (!communities.length || !opts.catalogue.length) {
    log('[seed] no communities or no catalogue: no service applications');
    return { skipped: true, applications: 0 };
  }
  const catalogue = new CatalogueDirectory();
  await catalogue.upsert(ds.manager, opts.catalogue);
  const service = new ApplicationService(ds, new ApplicationRepository(ds), new CommunityDirectory(), catalogue);
  const rnd = new Prng(20200515);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd.next() * list.length)];
  let n = 0;
  await ds.transaction(async (m) => {
    for (const c of communities) {
      const user: AuthUser = { sub: '0', username: 'demo.seed', role: 'community_clerk', orgId: c.id, scopePaths: [c.path] };
      const ctx = { user };
      const count = c.name.includes('龙腾') ? 14 : 6;
      for (let i = 0; i < count; i++) {
        const s = pick(opts.catalogue);
        // Where the application ends: most are done; the rest spread over the open states.
        const fate = i % 7 === 0 ? 'SUBMITTED' : i % 7 === 1 ? 'NEEDS_SUPPLEMENT' : i % 7 === 2 ? 'HANDED_OVER' : i % 7 === 3 ? 'ACCEPTED' : i % 11 === 4 ? 'REJECTED' : 'DONE';
        const full = fate !== 'NEEDS_SUPPLEMENT';
        let a = await service.create(ctx, {
          serviceId: s.id, applicantName: `${pick(SURNAMES)}${pick(GIVEN)}`, applicantPhone: `139${String(Math.floor(rnd.next() * 1e8)).padStart(8, '0')}`,
          provided: full ? s.materials : s.materials.slice(0, 1),
        }, m);
        const step = async (action: ApplicationAction, extra: Record<string, unknown> = {}) => {
          a = await service.transition(ctx, a.id, { action, version: a.version, ...extra }, m);
        };
        if (fate === 'NEEDS_SUPPLEMENT') {
          if (a.missingItems.length) await step('request_supplement', { note: '请补齐材料后再来' });
        } else if (fate === 'REJECTED') {
          await step('reject', { reason: '申请人不符合该事项的办理条件' });
        } else if (fate !== 'SUBMITTED') {
          await step('accept');
          if (fate === 'HANDED_OVER' || (fate === 'DONE' && s.timeLimitDays > 3)) await step('hand_over', { department: DEPARTMENTS[s.category] ?? '栖霞市政务服务中心' });
          if (fate === 'DONE') await step('complete', { result: '已办结，结果已告知申请人' });
        }
        // Dated back: i days ago (the open ones recent, one handed-over application past its limit).
        const days = fate === 'DONE' || fate === 'REJECTED' ? 3 + i : fate === 'HANDED_OVER' && i === 2 ? Math.max(s.timeLimitDays, 1) + 2 : 0.2 + (i % 3) * 0.3;
        await m.query(
          `UPDATE service_application SET created_at = created_at - make_interval(secs => $2::float8 * 86400.0), step_started_at = step_started_at - make_interval(secs => $2::float8 * 86400.0),
                  accepted_at = accepted_at - make_interval(secs => $2::float8 * 86400.0), done_at = done_at - make_interval(secs => ($2::float8 - 1) * 86400.0) WHERE id = $1`,
          [a.id, days],
        );
        await m.query(
          `UPDATE service_application_event SET at = at - make_interval(secs => (CASE WHEN action = 'complete' THEN $2::float8 - 1 ELSE $2::float8 END) * 86400.0) WHERE application_id = $1`,
          [a.id, days],
        );
        n++;
      }
    }
  });
  log(`[seed] 一网通办: ${n} service applications in ${communities.length} communities`);
  return { skipped: false, applications: n };
}
