import type { SeedAccount, SeedCommunity, SeedReport, SeedUnit } from '../src/seed/demo';

/**
 * What the orchestration script hands the demo seed from the org chart, shaped like the org demo:
 * 栖霞市委(1) → 翠屏(2) 5 communities, 庄园(3) 7, 松山(4) 1 without reports; 20 work units, 26 dual reports.
 */
const street = { 2: '翠屏街道党工委', 3: '庄园街道党工委', 4: '松山街道党工委' } as const;
const community = (id: number, streetId: 2 | 3 | 4, short: string, code: string): SeedCommunity => ({
  id, name: `${short}社区党委`, path: `/1/${streetId}/${id}/`, streetName: street[streetId], divisionCode: code,
});

export const ORG_COMMUNITIES: SeedCommunity[] = [
  community(10, 2, '翠亭', '370686001001'), community(11, 2, '迎宾', '370686001002'), community(12, 2, '涌泉', '370686001003'),
  community(13, 2, '东盛', '370686001004'), community(14, 2, '向阳', '370686001005'), community(20, 3, '万达', '370686002001'),
  community(21, 3, '龙腾', '370686002002'), community(22, 3, '文水', '370686002003'), community(23, 3, '英炜', '370686002004'),
  community(24, 3, '东山', '370686002005'), community(25, 3, '安泰', '370686002006'), community(26, 3, '果都', '370686002007'),
  community(30, 4, '松山', '370686003001'),
];
const C: Record<string, number> = Object.fromEntries(ORG_COMMUNITIES.map((c) => [c.name.replace('社区党委', ''), Number(c.id)]));

const UNITS: [string, string[]][] = [
  ['栖霞市自然资源和规划局党组', ['龙腾']], ['栖霞市住房和城乡建设局党组', ['涌泉', '东盛']], ['栖霞市教育和体育局党组', ['迎宾', '向阳']],
  ['栖霞市人力资源和社会保障局党组', ['万达']], ['栖霞市卫生健康局党组', ['文水', '翠亭']], ['栖霞市公安局党委', ['翠亭', '龙腾']],
  ['国网栖霞市供电公司党委', ['英炜']], ['栖霞市民政局党组', ['东山', '安泰']], ['栖霞市医疗保障局党组', ['果都']], ['栖霞市退役军人事务局党组', ['安泰']],
  ['栖霞市司法局党组', ['迎宾']], ['栖霞市市场监督管理局党组', ['万达']], ['栖霞市财政局党组', ['文水']], ['栖霞市交通运输局党组', ['涌泉']],
  ['栖霞市城市管理局党组', ['东盛', '果都']], ['栖霞市人民医院党委', ['向阳']], ['栖霞市第一中学党委', ['英炜']], ['栖霞市水务集团党委', ['东山']],
  ['栖霞市农业农村局党组', ['龙腾']], ['栖霞市应急管理局党组', ['翠亭']],
];
export const ORG_UNITS: SeedUnit[] = UNITS.map(([name], i) => ({ id: 101 + i, name, path: `/1/${101 + i}/` }));
/** As the SQL of the orchestration script returns them (snake_case, reported_on a date string). */
export const ORG_REPORTS: SeedReport[] = UNITS.flatMap(([, to], i) => to.map((c, k) => ({ unit_id: 101 + i, community_id: C[c], reported_on: `2020-01-${String(6 + (i % 10) + k).padStart(2, '0')}` })));
export const ORG_ACCOUNTS: SeedAccount[] = [
  { username: 'admin', role: 'admin', orgId: 1, displayName: '市委组织部管理员' },
  { username: 'street.zhuangyuan', role: 'street_admin', orgId: 3, displayName: '鞠振华' },
  { username: 'secretary.longteng', role: 'community_secretary', orgId: C['龙腾'], displayName: '柳宁' },
  { username: 'clerk.longteng', role: 'community_clerk', orgId: C['龙腾'], displayName: '牟晓燕' },
  { username: 'clerk.cuiting', role: 'community_clerk', orgId: C['翠亭'], displayName: '衣文静' },
  { username: 'grid.longteng', role: 'grid_worker', orgId: C['龙腾'], displayName: '宫立新' },
  { username: 'unit.staff', role: 'unit_staff', orgId: 101, displayName: '隋海涛' },
  { username: 'member', role: 'member', orgId: C['龙腾'], displayName: '慕春梅' },
];
export const LONGTENG = C['龙腾'];
export const YONGQUAN = C['涌泉'];
export const STAFF_UNIT = 101;
