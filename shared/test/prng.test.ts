import { anyName, anySurname, landline, mobile, NameMaker, Prng } from '../src';

// The expected values were taken from the three copies this class replaced (services/{org,household,volunteer}/src/seed/prng.ts):
// the demo seeds depend on the exact sequence, so any change here changes the seeded data and the demo figures.
describe('Prng (mulberry32)', () => {
  it('draws the same sequence for the same seed', () => {
    const r = new Prng(20200320);
    expect([r.next(), r.next(), r.next()]).toEqual([0.2554000986274332, 0.4105659672059119, 0.699100133497268]);
    const s = new Prng(20200320);
    expect(Array.from({ length: 8 }, () => s.int(1, 6))).toEqual([2, 3, 5, 1, 5, 2, 4, 3]);
  });

  it('makes tokens, digits, reals, chances and picks', () => {
    const r = new Prng(7);
    expect(r.token(12)).toBe('AD8qfZcPhsQJ');
    expect(r.digits(6)).toBe('751325');
    const s = new Prng(7);
    expect(s.real(2, 3)).toBe(2.011704753153026);
    expect([s.chance(0.5), s.chance(0.5)]).toEqual([true, false]);
    expect(s.pick(['a', 'b', 'c', 'd'])).toBe('c');
  });

  it('draws by weight: an index (weightedIndex) or a value (weighted), with one draw each', () => {
    const r = new Prng(20191231);
    expect(Array.from({ length: 10 }, () => r.weightedIndex([1, 2, 7]))).toEqual([2, 1, 2, 2, 2, 2, 1, 2, 2, 2]);
    const s = new Prng(20191231);
    expect(Array.from({ length: 10 }, () => s.weighted([['a', 1], ['b', 2], ['c', 7]] as const))).toEqual(['c', 'b', 'c', 'c', 'c', 'c', 'b', 'c', 'c', 'c']);
  });

  it('shuffles a copy', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(new Prng(42).shuffle(items)).toEqual([3, 8, 2, 1, 7, 6, 4, 5]);
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('names and phones', () => {
  it('makes the same names and numbers as before', () => {
    const r = new Prng(1);
    const names = new NameMaker(r, ['王建国']);
    expect(Array.from({ length: 5 }, () => names.next())).toEqual(['战建国', '赵福生', '侯红霞', '吕爱华', '慕福生']);
    expect([anyName(r), anySurname(r), landline(r), mobile(r)]).toEqual(['迟晓东', '林', '0535-5242140', '15721045722']);
  });

  it('never repeats a name, nor a reserved one, and goes on past the 2,040 two-character names', () => {
    const names = new NameMaker(new Prng(3), ['战建国']);
    const all = Array.from({ length: 2100 }, () => names.next());
    expect(new Set(all).size).toBe(2100);
    expect(all).not.toContain('战建国');
    expect(all.some((n) => n.length > 3)).toBe(true);
  });
});
