import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GRANTABLE, HOUSEHOLD_POLICY, ITEM_WORKFLOW_DEF, mayIn, NOTIFY_POLICY, ORG_POLICY, ROLES, VOLUNTEER_POLICY, withMessages } from '../src';

/** The policy tables (shared/src/workflows/policy.ts): one per service, read by the services and the SPA alike. */
const TABLES = { org: ORG_POLICY, household: HOUSEHOLD_POLICY, volunteer: VOLUNTEER_POLICY, notify: NOTIFY_POLICY } as const;

describe('the policy tables', () => {
  it('name only roles of the platform, each row at least one, none twice', () => {
    for (const [service, table] of Object.entries(TABLES)) {
      for (const [action, roles] of Object.entries(table)) {
        expect([service, action, roles.filter((r) => !(ROLES as readonly string[]).includes(r))]).toEqual([service, action, []]);
        expect([service, action, roles.length > 0, new Set(roles).size]).toEqual([service, action, true, roles.length]);
      }
    }
  });

  it('mayIn answers each row for every role, and no role when logged out', () => {
    for (const role of ROLES) {
      expect(mayIn(ORG_POLICY, role, 'divisions.importCityWide')).toBe(role === 'city_admin');
      expect(mayIn(VOLUNTEER_POLICY, role, 'whistle.send')).toBe(role === 'street_admin');
      expect(mayIn(HOUSEHOLD_POLICY, role, 'chooseCommunity')).toBe(role === 'admin');
    }
    expect(mayIn(ORG_POLICY, null, 'org.write')).toBe(false);
  });

  it('whoever manages accounts can give some role; nobody but the city gives the city level', () => {
    expect([...ORG_POLICY['accounts.manage']].sort()).toEqual(Object.keys(GRANTABLE).sort());
    for (const [role, grants] of Object.entries(GRANTABLE)) expect([role, grants!.includes('city_admin')]).toEqual([role, role === 'city_admin']);
  });

  it('a row that mirrors a workflow rule names the same roles (item assignment)', () => {
    expect(VOLUNTEER_POLICY['item.assign']).toEqual(ITEM_WORKFLOW_DEF.rules.assign.roles);
  });

  it('withMessages keeps the roles and joins each message', () => {
    const joined = withMessages(NOTIFY_POLICY, { 'announcement.publish': '您的角色无权发布通知公告' });
    expect(joined['announcement.publish']).toEqual({ roles: NOTIFY_POLICY['announcement.publish'], message: '您的角色无权发布通知公告' });
  });

  it('imports no workflow (the SPA loads it on every page)', () => {
    const source = readFileSync(join(__dirname, '../src/workflows/policy.ts'), 'utf8');
    const imports = [...source.matchAll(/from '\.\/([a-z-]+)'/g)].map((m) => m[1]).sort();
    expect(imports).toEqual(['roles', 'vocabulary']);
  });
});
