/**
 * Household's own name lists (the seeded generator, Prng, and `mobile` are @redheart/shared's): the
 * common surnames appear twice, so they come up more often, and given names follow the birth year.
 */
import type { Prng } from '@redheart/shared';

// Surnames common in Qixia and the Jiaodong peninsula (衣, 牟, 林, 隋, 慕 …) among the national ones; the first ones more often.
const SURNAMES = [
  '王', '李', '张', '刘', '孙', '林', '杨', '于', '王', '李', '张', '刘', '衣', '牟', '宋', '曲', '郝', '姜', '唐', '隋', '鞠', '慕', '迟', '臧',
  '徐', '赵', '高', '陈', '吕', '战', '邹', '柳', '苗', '潘', '丁', '宫', '郭', '马', '吴', '周', '冯', '范', '侯', '滕', '盛', '初', '谭', '栾',
];

/** Given names by sex and by the years people were born in: 建国 and 秀英 are grandparents, 子轩 and 梓萱 are children. */
const GIVEN: Record<'M' | 'F', [number, string[]][]> = {
  M: [
    [1965, ['建国', '国庆', '德胜', '福生', '长青', '树林', '学军', '振华', '忠诚', '新民', '洪波', '立新', '志刚', '少华', '玉林', '春生', '永胜', '文斌', '宝山', '庆丰', '忠', '福']],
    [1990, ['海涛', '志强', '军', '强', '伟', '磊', '鹏', '明', '晓东', '俊杰', '建华', '海波', '振宇', '国栋', '文龙', '永强', '洪涛', '立军', '成刚', '学东', '勇', '涛']],
    [9999, ['天宇', '浩然', '子轩', '宇航', '博文', '梓豪', '俊熙', '皓轩', '嘉诚', '一鸣', '晨阳', '子墨', '家豪', '明轩', '思远', '宇', '航']],
  ],
  F: [
    [1965, ['秀英', '玉兰', '桂芝', '淑华', '凤英', '秀兰', '金凤', '春梅', '红霞', '玉珍', '桂英', '素芳', '翠花', '爱华', '丽华', '兰', '芬']],
    [1990, ['丽', '晓燕', '娜', '文静', '敏', '丽娟', '雪梅', '海燕', '慧', '亚楠', '婷', '雅琴', '晓红', '春燕', '秀梅', '艳', '静', '芳', '丽萍', '红梅']],
    [9999, ['婷婷', '嘉欣', '子涵', '欣怡', '梓萱', '雨桐', '诗涵', '一诺', '可馨', '晨曦', '佳怡', '思琪', '雨萱', '紫涵', '梦瑶', '悦']],
  ],
};

export const surname = (rnd: Prng) => rnd.pick(SURNAMES);

export function personName(rnd: Prng, sex: 'M' | 'F', birthYear: number, family?: string): string {
  const pool = GIVEN[sex].find(([until]) => birthYear < until)![1];
  return (family ?? surname(rnd)) + rnd.pick(pool);
}
