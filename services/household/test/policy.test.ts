import { ROLES, type Role } from '@redheart/shared';
import { matrix, may, POLICY, type Action } from '../src/policy';

/**
 * Who may do what in the household service (src/policy.ts), role by role: the table the routes and services ask.
 * A change to who may do what shows here first (and in the authorization walk, tests/e2e/access-policy.ts).
 */
const EXPECTED: Record<Action, readonly Role[]> = {
  readRegister: ['admin', 'street_admin', 'community_secretary', 'community_clerk', 'grid_worker'],
  openCase: ['admin', 'community_secretary', 'community_clerk'],
  chooseCommunity: ['admin'],
  readRevealLog: ['admin', 'street_admin'],
  readEveryReveal: ['admin'],
  importRegisters: ['admin', 'street_admin', 'community_secretary', 'community_clerk'],
  readOthersExports: ['admin'],
  compareRegisters: ['admin', 'street_admin', 'community_secretary', 'community_clerk'],
  workTasks: ['admin', 'community_secretary', 'community_clerk', 'grid_worker'],
  readApplications: ['city_admin', 'admin', 'street_admin', 'community_secretary', 'community_clerk'],
  takeApplications: ['admin', 'community_secretary', 'community_clerk'],
  compareCounties: ['city_admin', 'admin'],
};

describe('household policy table', () => {
  it('grants every permission to exactly its roles, walking every role', () => {
    expect(Object.keys(POLICY).sort()).toEqual(Object.keys(EXPECTED).sort());
    const table = matrix();
    for (const action of Object.keys(EXPECTED) as Action[]) {
      for (const role of ROLES) {
        expect([action, role, table[action][role], may({ role }, action)]).toEqual([action, role, EXPECTED[action].includes(role), EXPECTED[action].includes(role)]);
      }
    }
  });

  it('names only roles of the platform and gives every permission a refusal', () => {
    for (const [action, p] of Object.entries(POLICY)) {
      expect([action, p.roles.filter((r) => !(ROLES as readonly string[]).includes(r))]).toEqual([action, []]);
      expect(p.message?.length).toBeGreaterThan(0);
    }
  });
});
