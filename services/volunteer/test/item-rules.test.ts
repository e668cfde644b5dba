import { ITEM_ACTIONS, ITEM_RULES, ITEM_STATUSES } from '../src/domain';

// The item rule table is what the API guards and `allowedActions` read: every action it offers must be one the
// transition switch handles, and no state may be reachable only by an action nobody can ask for.
describe('ITEM_RULES', () => {
  it('has exactly one rule per requestable action, and no `close` (confirm closes the item in the same transaction)', () => {
    expect(Object.keys(ITEM_RULES).sort()).toEqual([...ITEM_ACTIONS].sort());
    expect(ITEM_ACTIONS).not.toContain('close');
  });

  it('offers nothing from CONFIRMED or CLOSED: a confirmed item is closed by the system at once', () => {
    const from = (s: (typeof ITEM_STATUSES)[number]) => Object.entries(ITEM_RULES).filter(([, r]) => r.from.includes(s)).map(([a]) => a);
    expect(from('CONFIRMED')).toEqual([]);
    expect(from('CLOSED')).toEqual([]);
  });
});
