import type { Role } from '@redheart/shared';
import { ACCESS_POLICY } from './access-policy';
import { DEMO_PASSWORD, DEMO_USERNAMES, type Platform, startPlatform } from './platform';

/**
 * The authorization walk (issue 8): every operation of the gateway's merged OpenAPI document, as every
 * demo account, with ids of the caller's own street and of another street in the path and in the
 * community / street / org filters. Fails on any 2xx that tests/e2e/access-policy.ts does not allow,
 * on any 5xx, and on an operation the policy does not state (a new route must say who may call it).
 * Writes get an empty body: the point is that nothing answers 2xx to a caller who may not.
 */

/** Two sides of the demo chart: 庄园 street (龙腾 community: every demo account but one) and 翠屏 (翠亭: clerk.cuiting). */
type Side = 'Z' | 'C';
type Kind =
  | 'community' | 'street' | 'account' | 'position' | 'grid' | 'desk' | 'deskCode' | 'compound' | 'cadre' | 'catalogue'
  | 'case' | 'application' | 'caseOfNotice' | 'notice' | 'person' | 'household' | 'task'
  | 'item' | 'itemOfEvidence' | 'evidence' | 'checkinCode' | 'member' | 'report' | 'project' | 'category' | 'practicalProject' | 'unit'
  | 'whistle' | 'pledgeUnit' | 'pledge' | 'pledgeEvidence' | 'trackingNo' | 'ratingToken' | 'divisionImport' | 'session' | 'importJob' | 'exportJob'
  | 'meeting' | 'decision' | 'memberGroup';

let platform: Platform;
let spec: { paths: Record<string, Record<string, unknown>> };
const tokens = new Map<string, { token: string; role: Role }>();
const ids: Record<Side, Partial<Record<Kind, string>>> = { Z: {}, C: {} };

const first = async (ds: Platform['db']['org'], sql: string, params: unknown[] = []): Promise<string | undefined> => {
  const rows: { id: unknown }[] = await ds.query(sql, params);
  return rows[0]?.id === undefined || rows[0]?.id === null ? undefined : String(rows[0].id);
};

async function collectIds(): Promise<void> {
  const { org, household: hh, volunteer: vol } = platform.db;
  const named = async (name: string) => (await first(org, `SELECT id FROM org_unit WHERE name = $1 AND valid_to IS NULL`, [name]))!;
  const sides: Record<Side, { community: string; street: string; clerk: string }> = {
    Z: { community: await named('龙腾社区党委'), street: await named('庄园街道党工委'), clerk: 'clerk.longteng' },
    C: { community: await named('翠亭社区党委'), street: await named('翠屏街道党工委'), clerk: 'clerk.cuiting' },
  };
  const staffUnit = await first(org, `SELECT org_id AS id FROM account WHERE username = 'unit.staff'`);
  for (const side of ['Z', 'C'] as const) {
    const { community: c, street: s } = sides[side];
    const streetPath = (await org.query(`SELECT path FROM org_unit WHERE id = $1`, [s]))[0].path as string;
    const o = ids[side];
    o.community = c;
    o.street = s;
    o.account = await first(org, `SELECT id FROM account WHERE username = $1`, [sides[side].clerk]);
    o.position = await first(org, `SELECT p.id FROM position p JOIN org_unit u ON u.id = p.org_id WHERE u.path LIKE (SELECT path FROM org_unit WHERE id = $1) || '%' ORDER BY p.id LIMIT 1`, [c]);
    o.grid = await first(org, `SELECT id FROM grid WHERE community_id = $1 ORDER BY id LIMIT 1`, [c]);
    o.desk = await first(org, `SELECT id FROM desk WHERE community_id = $1 ORDER BY id LIMIT 1`, [c]);
    // a session that never was: ending a demo account's live session would end the walk's own tokens
    // (the forced logout itself is tested in services/org/test/monitor.test.ts)
    o.session = side === 'Z' ? '00000000-0000-4000-8000-00000000000a' : '00000000-0000-4000-8000-00000000000c';
    o.deskCode = await first(org, `SELECT code AS id FROM desk WHERE community_id = $1 ORDER BY id LIMIT 1`, [c]);
    o.compound = await first(org, `SELECT id FROM compound WHERE community_id = $1 ORDER BY id LIMIT 1`, [c]);
    o.cadre = await first(org, `SELECT id FROM cadre_assignment WHERE community_id = $1 ORDER BY id LIMIT 1`, [c]);
    o.catalogue = await first(org, `SELECT id FROM catalogue_service ORDER BY id LIMIT 1`);
    o.meeting = await first(org, `SELECT id FROM committee_meeting WHERE org_id = $1 ORDER BY id LIMIT 1`, [c]);
    o.decision = await first(org, `SELECT d.id FROM meeting_decision d WHERE d.meeting_id = $1 ORDER BY d.id LIMIT 1`, [o.meeting]);

    o.case = await first(hh, `SELECT id FROM move_case WHERE community_id = $1 ORDER BY id LIMIT 1`, [c]);
    o.application = await first(hh, `SELECT id FROM service_application WHERE community_id = $1 ORDER BY id LIMIT 1`, [c]);
    o.caseOfNotice = await first(hh, `SELECT n.case_id AS id FROM supplement_notice n JOIN move_case m ON m.id = n.case_id WHERE m.community_id = $1 ORDER BY n.id LIMIT 1`, [c]);
    o.notice = await first(hh, `SELECT n.id FROM supplement_notice n JOIN move_case m ON m.id = n.case_id WHERE m.community_id = $1 ORDER BY n.id LIMIT 1`, [c]);
    o.person = await first(hh, `SELECT r.person_id AS id FROM registration r JOIN household h ON h.id = r.household_id WHERE r.status = 'active' AND h.community_id = $1 ORDER BY r.id LIMIT 1`, [c]);
    o.household = await first(hh, `SELECT id FROM household WHERE community_id = $1 ORDER BY id LIMIT 1`, [c]);
    o.task = await first(hh, `SELECT id FROM outreach_task WHERE community_id = $1 ORDER BY id LIMIT 1`, [c]);
    // An import and an export of this side's clerk (the demo data has no jobs): finished, so their files answer.
    const communityPath = (await org.query(`SELECT path FROM org_unit WHERE id = $1`, [c]))[0].path as string;
    const actor = JSON.stringify({ sub: o.account, username: sides[side].clerk, role: 'community_clerk', orgId: Number(c), scopePaths: [communityPath] });
    o.importJob = await first(hh,
      `INSERT INTO import_job (kind, status, file_name, file, file_size, rows, rows_with_errors, errors, actor, created_by, community_id, scope_path)
       VALUES ('households', 'invalid', 'walk.csv', convert_to('户号,姓名', 'UTF8'), 13, 0, 1, '[{"row":1,"field":"*","message":"the file has a header but no rows"}]', $1, $2, $3, $4) RETURNING id`,
      [actor, sides[side].clerk, c, communityPath]);
    o.exportJob = await first(hh,
      `INSERT INTO export_job (kind, status, rows, file_name, file, file_size, actor, created_by, scope_path, finished_at, expires_at)
       VALUES ('cases', 'done', 0, 'cases.xlsx', '\\x504b0304'::bytea, 4, $1, $2, $3, now(), now() + interval '1 day') RETURNING id`,
      [actor, sides[side].clerk, communityPath]);

    o.item = await first(vol, `SELECT id FROM item WHERE community_id = $1 ORDER BY id LIMIT 1`, [c]);
    o.itemOfEvidence = await first(vol, `SELECT e.item_id AS id FROM item_evidence e JOIN item i ON i.id = e.item_id WHERE i.community_id = $1 ORDER BY e.id LIMIT 1`, [c]);
    o.evidence = await first(vol, `SELECT e.id FROM item_evidence e JOIN item i ON i.id = e.item_id WHERE i.community_id = $1 ORDER BY e.id LIMIT 1`, [c]);
    o.checkinCode = await first(vol, `SELECT checkin_code AS id FROM item WHERE community_id = $1 AND checkin_code IS NOT NULL ORDER BY id LIMIT 1`, [c]);
    o.member = side === 'Z'
      ? await first(vol, `SELECT id FROM member WHERE username = 'member'`)
      : await first(vol, `SELECT id FROM member WHERE community_id = $1 ORDER BY id LIMIT 1`, [c]);
    o.report = await first(vol, `SELECT id FROM unit_report WHERE community_id = $1 ORDER BY id LIMIT 1`, [c]);
    o.project = await first(vol, `SELECT p.id FROM project p JOIN community_ref cr ON cr.id = p.community_id WHERE cr.path LIKE $1 || '%' ORDER BY p.community_id = $2 DESC, p.id LIMIT 1`, [streetPath, c]);
    o.category = await first(vol, `SELECT id FROM service_category ORDER BY id LIMIT 1`);
    o.practicalProject = await first(vol, `SELECT id FROM practical_project ORDER BY id LIMIT 1`);
    o.memberGroup = await first(vol, `SELECT id FROM member_group ORDER BY id LIMIT 1`);
    // A unit reported to this side's community and to none of the other street's.
    o.unit = side === 'Z' ? staffUnit : await first(vol,
      `SELECT r.unit_id AS id FROM unit_report r WHERE r.community_id = $1 AND r.status = 'approved'
          AND NOT EXISTS (SELECT 1 FROM unit_report x JOIN community_ref cr ON cr.id = x.community_id WHERE x.unit_id = r.unit_id AND cr.path NOT LIKE $2 || '%')
        ORDER BY r.unit_id LIMIT 1`, [c, streetPath]);
    // a whistle of this side's street (the demo seeds some on both streets)
    o.whistle = await first(vol, `SELECT id FROM whistle WHERE street_id = $1 ORDER BY id LIMIT 1`, [s]);
    o.pledgeUnit = await first(vol, `SELECT unit_id AS id FROM item WHERE pledge AND unit_id IS NOT NULL AND community_id = $1 ORDER BY id LIMIT 1`, [c]);
    o.pledge = await first(vol, `SELECT e.item_id AS id FROM item_evidence e JOIN item i ON i.id = e.item_id WHERE i.pledge AND i.community_id = $1 ORDER BY e.id LIMIT 1`, [c]);
    // A resident's need from a desk (the demo seeds none: then a well-formed number nobody has, answered 404), and a
    // rating link's token: only its hash is stored, so no live token can be read back; a well-formed one is walked.
    o.trackingNo = (await first(vol, `SELECT tracking_no AS id FROM item WHERE community_id = $1 AND tracking_no IS NOT NULL ORDER BY id LIMIT 1`, [c])) ?? 'ABCDEFGHJK';
    o.ratingToken = 'walk'.repeat(8);
    // no import in the demo data: an id that names none (an importer gets 404, any other role 403)
    o.divisionImport = '00000000-0000-4000-8000-000000000000';
    o.pledgeEvidence = await first(vol, `SELECT e.id FROM item_evidence e JOIN item i ON i.id = e.item_id WHERE i.pledge AND i.community_id = $1 ORDER BY e.id LIMIT 1`, [c]);
  }
}

/** Which kind of record a path parameter names, from the path it stands in. */
function kindOf(path: string, param: string): Kind {
  const before = path.slice(0, path.indexOf(`{${param}}`));
  const segment = before.split('/').filter(Boolean).at(-1) ?? '';
  if (path.startsWith('/api/volunteer/public/pledges/units/')) return 'pledgeUnit';
  if (path.startsWith('/api/volunteer/public/pledges/')) return param === 'evidenceId' ? 'pledgeEvidence' : 'pledge';
  if (path === '/api/org/public/desks/{code}') return 'deskCode';
  if (path === '/api/volunteer/public/needs/{trackingNo}') return 'trackingNo';
  if (path === '/api/volunteer/public/rate/{token}') return 'ratingToken';
  if (path.startsWith('/api/org/sessions/')) return 'session';
  if (path.startsWith('/api/household/cases/{id}/notices/')) return param === 'noticeId' ? 'notice' : 'caseOfNotice';
  if (path.startsWith('/api/volunteer/items/{id}/evidence/')) return param === 'evidenceId' ? 'evidence' : 'itemOfEvidence';
  if (path.startsWith('/api/volunteer/scorecards/units/')) return 'unit';
  if (path.startsWith('/api/volunteer/whistles/{id}/responses/')) return param === 'unitId' ? 'unit' : 'whistle';
  if (path.startsWith('/api/volunteer/scorecards/members/')) return 'member';
  const bySegment: Record<string, Kind> = {
    units: 'community', accounts: 'account', positions: 'position', grids: 'grid', desks: 'desk', compounds: 'compound', 'cadre-assignments': 'cadre',
    catalogue: 'catalogue', cases: 'case', 'service-applications': 'application', persons: 'person', households: 'household', tasks: 'task', items: 'item', checkin: 'checkinCode',
    whistles: 'whistle', 'division-imports': 'divisionImport', members: 'member', reports: 'report', projects: 'project', categories: 'category', 'practical-projects': 'practicalProject', 'member-groups': 'memberGroup',
    imports: 'importJob', exports: 'exportJob', meetings: 'meeting', decisions: 'decision',
  };
  const kind = bySegment[segment];
  if (!kind) throw new Error(`No id kind for {${param}} in ${path}: add it to kindOf()`);
  return kind;
}

const FILTER_KIND = { communityId: 'community', streetId: 'street', orgId: 'community' } as const;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

beforeAll(async () => {
  platform = await startPlatform();
  spec = (await (await fetch(`${platform.url}/api/openapi.json`)).json()) as typeof spec;
  for (const username of DEMO_USERNAMES) {
    const res = await fetch(`${platform.url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }),
    });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { accessToken: string; user: { role: Role } };
    tokens.set(username, { token: body.accessToken, role: body.user.role });
  }
  await collectIds();
}, 600_000);
afterAll(async () => platform?.close());

describe('authorization walk over the merged OpenAPI document', () => {
  it('every operation is stated in the access policy, and every policy entry is an operation', () => {
    const ops = Object.entries(spec.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path}`));
    expect(ops.length).toBeGreaterThan(90);
    expect(ops.filter((op) => !ACCESS_POLICY[op])).toEqual([]);
    expect(Object.keys(ACCESS_POLICY).filter((op) => !ops.includes(op))).toEqual([]);
  });

  it('no role gets a 2xx it may not, on its own street or another; nothing answers 5xx', async () => {
    const problems: string[] = [];
    const missingIds = new Set<string>();
    const not403: string[] = [];
    let operations = 0;
    let calls = 0;
    let succeeded = 0;
    // Operations that end the caller's sessions go last, so every other call still has a live token.
    const walk = Object.entries(spec.paths)
      .flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((method) => ({ path, method })))
      .sort((a, b) => Number(!!ACCESS_POLICY[`${a.method.toUpperCase()} ${a.path}`]?.endsSessions) - Number(!!ACCESS_POLICY[`${b.method.toUpperCase()} ${b.path}`]?.endsSessions));
    for (const { path, method } of walk) {
      {
        const op = `${method.toUpperCase()} ${path}`;
        const policy = ACCESS_POLICY[op];
        if (!policy) continue; // reported by the test above
        operations++;
        const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        // Each variant: the side whose ids fill the path (and the filter), or none.
        const variants: { side: Side | null; query: string }[] = [];
        if (params.length) variants.push({ side: 'Z', query: '' }, { side: 'C', query: '' });
        else variants.push({ side: null, query: '' });
        if (policy.filter) {
          for (const side of ['Z', 'C'] as const) {
            const v = ids[side][FILTER_KIND[policy.filter]];
            variants.push({ side, query: `?${policy.filter}=${v}` });
          }
        }
        for (const [username, { token, role }] of tokens) {
          const home: Side = username === 'clerk.cuiting' ? 'C' : 'Z';
          for (const v of variants) {
            let url = path;
            for (const p of params) {
              const kind = kindOf(path, p);
              const value = ids[v.side!][kind];
              if (value === undefined) missingIds.add(`${kind} (${v.side})`);
              url = url.replace(`{${p}}`, encodeURIComponent(value ?? '999999999'));
            }
            url += v.query;
            const hasBody = method !== 'get' && method !== 'delete';
            const res = await fetch(`${platform.url}${url}`, {
              method: method.toUpperCase(),
              headers: { authorization: `Bearer ${token}`, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
              body: hasBody ? '{}' : undefined,
            });
            calls++;
            const text = await res.text();
            const label = `${method.toUpperCase()} ${url} as ${username} (${role})`;
            if (res.status >= 500) problems.push(`${res.status} ${label}: ${text.slice(0, 160)}`);
            const roleOk = policy.roles === '*' || policy.roles.includes(role);
            // A role that may not do this at all is told so (403) before anything else, whatever the id, filter or body.
            const mayTry = policy.attempt === undefined ? roleOk : policy.attempt === '*' || policy.attempt.includes(role);
            if (!mayTry && res.status !== 403) not403.push(`${res.status} ${label}`);
            if (process.env.WALK_DUMP) process.stdout.write(`WALK ${res.status} ${op} ${role} ${v.side ?? '-'}${v.query ? ' q' : ''}\n`);
            if (res.status < 200 || res.status >= 300) continue;
            succeeded++;
            const scopeOk = !policy.scoped || v.side === null || v.side === home || role === 'admin' || role === 'city_admin';
            if (!roleOk) problems.push(`${res.status} to a role that may not: ${label}`);
            else if (!scopeOk) problems.push(`${res.status} outside the caller's street: ${label}`);
          }
        }
      }
    }
    process.stdout.write(`[authorization walk] ${operations} operations × ${tokens.size} demo accounts: ${calls} calls, ${succeeded} answered 2xx; ${problems.length} problems\n`);
    expect(not403).toEqual([]);
    if (missingIds.size) process.stdout.write(`[authorization walk] no demo record for: ${[...missingIds].join(', ')}\n`);
    expect(problems).toEqual([]);
    // The walk reached the services: every allowed read of the demo accounts answered (not a wall of 401s).
    expect(succeeded).toBeGreaterThan(400);
    // Every id kind the walk needs exists in the demo data (else a route is walked with a dead id only).
    expect([...missingIds]).toEqual([]);
  }, 900_000);
});
