/**
 * The hand-written part of the Qixia demo: which of the real communities are the article's 12 urban
 * ones, and the compounds, branches and municipal units around them. Compound, company and person
 * names are invented but sound like Qixia; only the division names and codes are real (they are
 * imported from the national data), and 柳宁 is the 龙腾社区 secretary quoted by the article.
 */

export type StreetKey = 'cuiping' | 'zhuangyuan';

export interface UrbanCommunity {
  code: string;
  /** Short name as imported: 翠亭 → 翠亭社区 / 翠亭社区党委. */
  short: string;
  street: StreetKey;
  grids: number;
  /** Community workers recruited by exam in 2020 (新考录); the 12 add up to 40. */
  newHires: number;
  /** The four communities split off in 2019, when 8 became 12. */
  split?: { from: string; on: string };
}

export const QIXIA = '370686';
export const STREET_CODES: Record<StreetKey, string> = { cuiping: '370686001', zhuangyuan: '370686002' };

/** 翠屏街道 5 + 庄园街道 7: the 12 urban communities given hukou duties at the end of 2019; 97 grids in all. */
export const URBAN_COMMUNITIES: UrbanCommunity[] = [
  { code: '370686001001', short: '翠亭', street: 'cuiping', grids: 8, newHires: 4 },
  { code: '370686001002', short: '迎宾', street: 'cuiping', grids: 9, newHires: 4 },
  { code: '370686001003', short: '涌泉', street: 'cuiping', grids: 8, newHires: 3 },
  { code: '370686001004', short: '东盛', street: 'cuiping', grids: 7, newHires: 3, split: { from: '涌泉社区', on: '2019-11-28' } },
  { code: '370686001005', short: '向阳', street: 'cuiping', grids: 8, newHires: 3, split: { from: '迎宾社区', on: '2019-11-28' } },
  { code: '370686002001', short: '万达', street: 'zhuangyuan', grids: 9, newHires: 4 },
  { code: '370686002002', short: '龙腾', street: 'zhuangyuan', grids: 10, newHires: 4 },
  { code: '370686002003', short: '文水', street: 'zhuangyuan', grids: 8, newHires: 3 },
  { code: '370686002004', short: '英炜', street: 'zhuangyuan', grids: 7, newHires: 3 },
  { code: '370686002005', short: '东山', street: 'zhuangyuan', grids: 8, newHires: 3 },
  { code: '370686002006', short: '安泰', street: 'zhuangyuan', grids: 7, newHires: 3, split: { from: '龙腾社区', on: '2019-11-28' } },
  { code: '370686002007', short: '果都', street: 'zhuangyuan', grids: 8, newHires: 3, split: { from: '万达社区', on: '2019-11-28' } },
];

/** Before the demo's story starts: the county, its streets and the original 8 communities. */
export const BASELINE_DATE = '2010-01-01';
export const HUKOU_SINCE = '2019-12-31';
export const FIRST_BRANCH_DATE = '2020-03-20';

export interface PropertyCompany {
  key: string;
  name: string;
  /** Its party branch, under the community where the company sits. */
  branch?: { community: string; founded: string };
}

export const PROPERTY_COMPANIES: PropertyCompany[] = [
  { key: 'anju', name: '栖霞市安居物业服务有限公司', branch: { community: '翠亭', founded: FIRST_BRANCH_DATE } },
  { key: 'hengtai', name: '栖霞市恒泰物业管理有限公司', branch: { community: '涌泉', founded: '2020-04-15' } },
  { key: 'runhua', name: '栖霞市润华物业服务有限公司', branch: { community: '龙腾', founded: '2020-04-28' } },
  { key: 'xinyuan', name: '栖霞市鑫源物业管理有限公司', branch: { community: '万达', founded: '2020-05-12' } },
  { key: 'jinfu', name: '栖霞市金福物业服务有限公司', branch: { community: '文水', founded: '2020-06-01' } },
  { key: 'kangju', name: '栖霞市康居物业管理有限公司' },
  { key: 'hongda', name: '栖霞市宏达物业服务有限公司' },
];

export const BUSINESS_DISTRICT = { name: '翠屏商业街商圈党支部', community: '翠亭', founded: FIRST_BRANCH_DATE };

export interface CompoundSpec {
  community: string;
  name: string;
  /** Property company key; none = not property-managed (old open compounds, factory dormitories). */
  company?: string;
  /** Founding date of its compound branch (小区党支部). */
  branch?: string;
  /** One of the 19 branches being planned. */
  planned?: boolean;
}

/** 7 compounds with a branch + 19 planned = the 26 property-managed compounds; 11 without property management. */
export const COMPOUNDS: CompoundSpec[] = [
  { community: '翠亭', name: '御景小区', company: 'anju', branch: FIRST_BRANCH_DATE },
  { community: '翠亭', name: '翠亭小区', company: 'anju', planned: true },
  { community: '翠亭', name: '粮食局宿舍' },
  { community: '迎宾', name: '翠屏名苑', company: 'kangju', branch: '2020-06-01' },
  { community: '迎宾', name: '迎宾花园', company: 'kangju', planned: true },
  { community: '迎宾', name: '迎宾小区', company: 'hongda', planned: true },
  { community: '迎宾', name: '县医院家属院' },
  { community: '涌泉', name: '挡风玻璃厂小区', company: 'hengtai', branch: '2020-04-15' },
  { community: '涌泉', name: '涌泉佳苑', company: 'hengtai', planned: true },
  { community: '涌泉', name: '百货公司家属院' },
  { community: '东盛', name: '东盛家园', company: 'hengtai', planned: true },
  { community: '东盛', name: '东盛名居', company: 'hongda', planned: true },
  { community: '东盛', name: '纺织厂宿舍' },
  { community: '向阳', name: '向阳小区', company: 'hongda', planned: true },
  { community: '向阳', name: '霞光苑', company: 'anju', planned: true },
  { community: '向阳', name: '供销社家属院' },
  { community: '万达', name: '万达华府', company: 'xinyuan', branch: '2020-05-12' },
  { community: '万达', name: '万达新城', company: 'xinyuan', planned: true },
  { community: '万达', name: '农机厂宿舍' },
  { community: '龙腾', name: '龙腾花园', company: 'runhua', branch: '2020-04-28' },
  { community: '龙腾', name: '龙腾嘉苑', company: 'runhua', planned: true },
  { community: '龙腾', name: '龙山小区', company: 'runhua', planned: true },
  { community: '龙腾', name: '二轻局宿舍' },
  { community: '文水', name: '金水湾小区', company: 'jinfu', branch: '2020-05-20' },
  { community: '文水', name: '文水花园', company: 'jinfu', planned: true },
  { community: '文水', name: '水利局宿舍' },
  { community: '英炜', name: '英炜佳园', company: 'jinfu', planned: true },
  { community: '英炜', name: '鼎盛华庭', company: 'xinyuan', planned: true },
  { community: '英炜', name: '印刷厂宿舍' },
  { community: '东山', name: '东山名郡', company: 'hongda', planned: true },
  { community: '东山', name: '东山小区', company: 'kangju', planned: true },
  { community: '东山', name: '丝绸厂宿舍' },
  { community: '安泰', name: '安泰花园', company: 'runhua', planned: true },
  { community: '安泰', name: '安泰家园', company: 'kangju', planned: true },
  { community: '果都', name: '果都嘉园', company: 'jinfu', branch: '2020-06-10' },
  { community: '果都', name: '果都新城', company: 'xinyuan', planned: true },
  { community: '果都', name: '果品公司宿舍' },
];

export interface WorkUnitSpec {
  name: string;
  /** Communities it dual-reports to (双报到). */
  reportsTo: string[];
  /** A county department (县直部门) the streets whistle to (街呼县应); companies, hospitals and schools are not. */
  department?: boolean;
}

/** 机关事业单位党组织 under the county; the first is the demo account unit.staff's unit. */
export const WORK_UNITS: WorkUnitSpec[] = [
  { name: '栖霞市自然资源和规划局党组', reportsTo: ['龙腾'], department: true },
  { name: '栖霞市住房和城乡建设局党组', reportsTo: ['涌泉', '东盛'], department: true },
  { name: '栖霞市教育和体育局党组', reportsTo: ['迎宾', '向阳'], department: true },
  { name: '栖霞市人力资源和社会保障局党组', reportsTo: ['万达'], department: true },
  { name: '栖霞市卫生健康局党组', reportsTo: ['文水', '翠亭'], department: true },
  { name: '栖霞市公安局党委', reportsTo: ['翠亭', '龙腾'], department: true },
  { name: '国网栖霞市供电公司党委', reportsTo: ['英炜'] },
  { name: '栖霞市民政局党组', reportsTo: ['东山', '安泰'], department: true },
  { name: '栖霞市医疗保障局党组', reportsTo: ['果都'], department: true },
  { name: '栖霞市退役军人事务局党组', reportsTo: ['安泰'], department: true },
  { name: '栖霞市司法局党组', reportsTo: ['迎宾'], department: true },
  { name: '栖霞市市场监督管理局党组', reportsTo: ['万达'], department: true },
  { name: '栖霞市财政局党组', reportsTo: ['文水'], department: true },
  { name: '栖霞市交通运输局党组', reportsTo: ['涌泉'], department: true },
  { name: '栖霞市城市管理局党组', reportsTo: ['东盛', '果都'], department: true },
  { name: '栖霞市人民医院党委', reportsTo: ['向阳'] },
  { name: '栖霞市第一中学党委', reportsTo: ['英炜'] },
  { name: '栖霞市水务集团党委', reportsTo: ['东山'] },
  { name: '栖霞市农业农村局党组', reportsTo: ['龙腾'], department: true },
  { name: '栖霞市应急管理局党组', reportsTo: ['翠亭'], department: true },
];
