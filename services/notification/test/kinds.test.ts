import { NOTIFICATION_KINDS } from '@redheart/shared';
import { ANNOUNCEMENT_KIND, RULES } from '../src/modules/notifications/rules';

// The kinds are written once (shared/src/workflows/vocabulary.ts) for the service's schemas and the SPA's filter and
// texts: each one is made by a rule or is the announcement's, and the rules make no other (their type allows no other).
describe('notification kinds', () => {
  it('are exactly the kinds the rules and the announcements make', () => {
    const made = [...new Set([...RULES.map((r) => r.kind), ANNOUNCEMENT_KIND])].sort();
    expect(made).toEqual([...NOTIFICATION_KINDS].sort());
  });
});
