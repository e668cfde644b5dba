/**
 * A seeded pseudo-random generator (mulberry32) and the name and phone makers the demo seeds share,
 * so that every seed writes the same rows: screenshots, tests and the walkthrough in the docs stay
 * true. Every method draws from `next()` in a fixed order; changing the number or order of draws
 * changes the seeded data (and the demo figures the seed tests check).
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Real in [min, max). */
  real(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** An index into `weights`, drawn by weight. */
  weightedIndex(weights: readonly number[]): number {
    const total = weights.reduce((a, b) => a + b, 0);
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** A value drawn by weight: [[value, weight], …]. */
  weighted<T>(pairs: readonly (readonly [T, number])[]): T {
    const total = pairs.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [v, w] of pairs) {
      r -= w;
      if (r < 0) return v;
    }
    return pairs[pairs.length - 1][0];
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const a = [...items];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }

  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }

  /** n characters from an alphabet without look-alikes (no I, O, l, 0, 1). */
  token(n: number): string {
    const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(0, alphabet.length - 1)];
    return s;
  }
}

// Surnames common in Qixia and the Jiaodong peninsula (衣, 牟, 林, 隋, 慕 …) among the national ones.
const SURNAMES = [
  '王', '李', '张', '刘', '孙', '林', '杨', '于', '衣', '牟', '宋', '曲', '郝', '姜', '唐', '隋', '鞠', '慕', '迟', '臧',
  '徐', '赵', '高', '陈', '吕', '战', '邹', '柳', '苗', '潘', '丁', '宫', '郭', '马', '吴', '周', '冯', '范', '侯', '滕',
];
const GIVEN = [
  '建国', '秀英', '丽', '强', '晓燕', '军', '海涛', '玉兰', '志刚', '娜', '文静', '春梅', '国庆', '立新', '红霞', '宁', '鹏', '磊',
  '桂芝', '淑华', '伟', '敏', '凤英', '明', '晓东', '金凤', '振华', '亚楠', '丽娟', '洪波', '俊杰', '雪梅', '天宇', '瑞', '晨曦',
  '婷婷', '爱华', '德胜', '忠诚', '雅琴', '少华', '新民', '海燕', '慧', '学军', '秀兰', '长青', '嘉欣', '子涵', '树林', '福生',
];

/**
 * Person names, never the same twice within one maker. After 500 clashes in a row a third character
 * is added (the two-character pool holds 2,040 names), so the maker never loops forever.
 */
export class NameMaker {
  private used = new Set<string>();

  constructor(private readonly rnd: Prng, reserved: string[] = []) {
    for (const r of reserved) this.used.add(r);
  }

  next(): string {
    for (let tries = 0; ; tries++) {
      const name = this.rnd.pick(SURNAMES) + this.rnd.pick(GIVEN) + (tries > 500 ? this.rnd.pick(GIVEN).slice(0, 1) : '');
      if (!this.used.has(name)) {
        this.used.add(name);
        return name;
      }
    }
  }
}

/** A name that may repeat (residents who report, group leaders). */
export const anyName = (rnd: Prng) => rnd.pick(SURNAMES) + rnd.pick(GIVEN);
export const anySurname = (rnd: Prng) => rnd.pick(SURNAMES);

/** Qixia landlines are 0535-52xxxxx; the local digits are made up. */
export const landline = (rnd: Prng) => `0535-52${rnd.digits(5)}`;

/**
 * Mobile numbers are random 11-digit 1xx numbers, digits only: the forms accept digits, spaces, +,
 * -, ( and ) only, so a masked 1xx****xxxx would make every seeded record fail validation the first
 * time someone edits it.
 */
export const mobile = (rnd: Prng) => `1${rnd.pick(['3', '5', '8'])}${rnd.digits(9)}`;
