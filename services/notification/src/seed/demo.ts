import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { writeAudit } from '@redheart/shared';
import { ANNOUNCEMENT_KIND } from '../modules/notifications/rules';

/** The account that publishes the demo's announcements (Qixia's organisation department), as the org chart holds it. */
export interface DemoPublisher {
  account: string;
  username: string;
  role: string;
  /** Its organisation (the county committee): every account under it receives the letter. */
  orgId: number;
  orgPath: string;
  orgName: string;
}

/** The programme's open letter (公开信) for 户籍进社区 (the article: "配套印发公开信、开辟绿色通道"). */
export const OPEN_LETTER = {
  title: '关于“户籍进社区”致全市居民的一封公开信',
  body: [
    '广大居民朋友们：',
    '为解决城区居民购房后落户难、“人户分离”“房户分离”等问题，自 2019 年底起，全市 12 个城市社区开通户籍管理职能，实行“户籍进社区”。',
    '凡在城区购房、实际居住但户口不在居住地的居民，可携带户口簿、居民身份证、房屋产权证明等材料，到所在社区党群服务中心办理户籍迁入（落户）手续；社区工作人员受理后由社区党委书记审核，办理进度可在本平台“办件查询”中查看。',
    '机关事业单位职工请带头落实，社区为其开辟绿色通道。办理中遇到问题，请拨打所在社区便民服务台公布的电话。',
    '让我们共同努力，让每一位在城里安家的居民都能落户、安心、有归属感。',
  ].join('\n'),
  publisherName: '中共栖霞市委组织部',
};

/** Publishes the open letter once (to everyone under the county, and on the public pages). A second run changes nothing. */
export async function seedDemo(ds: DataSource, opts: { log: (line: string) => void; publisher?: DemoPublisher }): Promise<{ announcements: number }> {
  const p = opts.publisher;
  if (!p) {
    opts.log('no publisher account in the org chart: no demo announcement');
    return { announcements: 0 };
  }
  return ds.transaction(async (m) => {
    if ((await m.query(`SELECT 1 FROM announcement WHERE title = $1`, [OPEN_LETTER.title])).length) {
      opts.log('the open letter is already published; nothing to do');
      return { announcements: 0 };
    }
    const [a]: { id: string }[] = await m.query(
      `INSERT INTO announcement (title, body, scope_org_id, scope_path, scope_name, roles, public, publisher_account, publisher_username, publisher_role, publisher_name, publisher_path, published_at)
       VALUES ($1, $2, $3, $4, $5, NULL, true, $6, $7, $8, $9, $4, timestamptz '2019-12-20 09:00+08') RETURNING id`,
      [OPEN_LETTER.title, OPEN_LETTER.body, p.orgId, p.orgPath, p.orgName, p.account, p.username, p.role, OPEN_LETTER.publisherName],
    );
    const params = { title: OPEN_LETTER.title, publisherName: OPEN_LETTER.publisherName, scopeName: p.orgName };
    const [n]: { id: string }[] = await m.query(
      `INSERT INTO notification (event_id, rule, kind, recipient_under, org_path, record_type, record_id, params, actor, created_at)
       VALUES ($1, 'announcement', $2, $3, $3, 'announcement', $4, $5::jsonb, $6, timestamptz '2019-12-20 09:00+08') RETURNING id`,
      [randomUUID(), ANNOUNCEMENT_KIND, p.orgPath, String(a.id), JSON.stringify(params), p.account],
    );
    await m.query(`UPDATE announcement SET notification_id = $2 WHERE id = $1`, [a.id, n.id]);
    await writeAudit(m, {
      actor: { sub: p.account, username: p.username, role: p.role as never }, action: 'announcement.publish', entityType: 'announcement', entityId: String(a.id),
      after: { title: OPEN_LETTER.title, scopeOrgId: p.orgId, scopePath: p.orgPath, roles: null, public: true }, reason: 'demo seed',
    });
    opts.log(`published the open letter (公开信) to everyone under ${p.orgName}`);
    return { announcements: 1 };
  });
}
