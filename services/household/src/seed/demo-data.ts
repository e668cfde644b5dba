/**
 * The hand-written part of the household demo. The communities themselves come from the org chart
 * (community_ref); this only says which division codes are the article's 12 urban communities and
 * how the story of 户籍进社区 is spread over them.
 */

export interface UrbanCommunity {
  code: string;
  short: string;
  /** For made-up usernames in the case history (clerk.longteng …). */
  pinyin: string;
  street: 'cuiping' | 'zhuangyuan';
  /** As the org seed creates them: G01 … */
  grids: number;
}

/** 翠屏街道 5 + 庄园街道 7, as in the org seed's demo data. */
export const URBAN: UrbanCommunity[] = [
  { code: '370686001001', short: '翠亭', pinyin: 'cuiting', street: 'cuiping', grids: 8 },
  { code: '370686001002', short: '迎宾', pinyin: 'yingbin', street: 'cuiping', grids: 9 },
  { code: '370686001003', short: '涌泉', pinyin: 'yongquan', street: 'cuiping', grids: 8 },
  { code: '370686001004', short: '东盛', pinyin: 'dongsheng', street: 'cuiping', grids: 7 },
  { code: '370686001005', short: '向阳', pinyin: 'xiangyang', street: 'cuiping', grids: 8 },
  { code: '370686002001', short: '万达', pinyin: 'wanda', street: 'zhuangyuan', grids: 9 },
  { code: '370686002002', short: '龙腾', pinyin: 'longteng', street: 'zhuangyuan', grids: 10 },
  { code: '370686002003', short: '文水', pinyin: 'wenshui', street: 'zhuangyuan', grids: 8 },
  { code: '370686002004', short: '英炜', pinyin: 'yingwei', street: 'zhuangyuan', grids: 7 },
  { code: '370686002005', short: '东山', pinyin: 'dongshan', street: 'zhuangyuan', grids: 8 },
  { code: '370686002006', short: '安泰', pinyin: 'antai', street: 'zhuangyuan', grids: 7 },
  { code: '370686002007', short: '果都', pinyin: 'guodu', street: 'zhuangyuan', grids: 8 },
];

export const LONGTENG_CODE = '370686002002';

/** The article: in half a year from the end of 2019, 1067 households / 2576 people moved their registration in. */
export const TARGET = { households: 1067, persons: 2576 } as const;

/** The duty began on 2019-12-31; the first comparison of the registers was made the day before. */
export const FIRST_COMPARISON = '2019-12-30T09:00:00+08:00';
export const FIRST_SETTLE_DAY = '2019-12-31';
export const LAST_SETTLE_DAY = '2020-06-30';

/** Move-ins settled per month (Dec = its last day only; February was the epidemic lockdown). */
export const MONTHS: { month: string; weight: number }[] = [
  { month: '2019-12', weight: 1.2 },
  { month: '2020-01', weight: 11 },
  { month: '2020-02', weight: 5 },
  { month: '2020-03', weight: 16 },
  { month: '2020-04', weight: 20 },
  { month: '2020-05', weight: 22.5 },
  { month: '2020-06', weight: 24.3 },
];

/** Case types of the settled move-ins: most bought a flat in the community. */
export const TYPE_WEIGHTS: { type: 'purchased_flat' | 'joining_relatives' | 'collective' | 'other'; weight: number }[] = [
  { type: 'purchased_flat', weight: 58 },
  { type: 'joining_relatives', weight: 24 },
  { type: 'collective', weight: 9 },
  { type: 'other', weight: 9 },
];

/** Birthplaces of people from outside Qixia (Yantai's districts and counties, Qingdao, Jinan, and a few from further away). */
export const ELSEWHERE = ['370602', '370611', '370612', '370613', '370681', '370682', '370683', '370685', '370687', '370202', '370211', '370102', '370105', '371002', '370783', '210202', '230103', '410105'];
export const QIXIA = '370686';

export const COMPOUND_SUFFIXES = ['小区', '花园', '家园', '雅苑', '新村', '公寓', '华庭', '名都'];

export const DECLINE_NOTES = [
  '本人在外地工作，暂不迁入', '子女在原籍上学，暂缓迁移', '原籍有宅基地和承包地，不愿迁出', '房屋拟出售，暂不落户', '老人随子女居住，户口留在原籍', '需与家人商量后再定',
];
export const CONTACT_NOTES = ['已入户走访，发放公开信', '电话联系，约定周末面谈', '网格员上门讲解迁入政策', '通过业主群联系，已加微信'];
