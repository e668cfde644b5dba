import type { FastifyRequest } from 'fastify';
import {
  AppError, type ActionRule, defineWorkflow, guardTransition, HOUSEHOLD_POLICY, NOTIFY_POLICY, policyGuards, type Role, ROLE_REFUSAL, ROLES, type TransitionMessages,
} from '../src';

/** A small workflow of its own, so each branch of the guard is reached on purpose. */
type S = 'open' | 'done' | 'closed';
type A = 'finish' | 'close' | 'note';
interface Rule extends ActionRule<S> {
  hot?: boolean;
}
const DEF = defineWorkflow<S, A, Rule>({
  id: 'test', title: 'test', service: 'test', endpoint: 'POST /test', description: 'test',
  states: ['open', 'done', 'closed'],
  actions: ['finish', 'close', 'note'],
  initial: ['open'],
  rules: {
    finish: { from: ['open'], to: 'done', roles: ['community_clerk'], reasonRequired: false, required: ['hours'] },
    close: { from: ['open', 'done'], to: 'closed', roles: ['community_secretary'], reasonRequired: true, hot: true },
    note: { from: ['open'], to: null, roles: ['community_clerk'], reasonRequired: true, required: ['reason', 'text'] },
  },
});

const MESSAGES: TransitionMessages = {
  forbidden: (action, state) => `no ${action} in ${state}`,
  wrongState: (state, action) => `${state} cannot ${action}`,
};

/** The error a call throws (fails the test when it throws none). */
function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected an error');
}
const answer = (e: AppError) => ({ status: e.statusCode, code: e.code, message: e.message, params: e.params, details: e.details });

describe('guardTransition', () => {
  it('returns the rule when the role, the state and the reason are right', () => {
    expect(guardTransition(DEF, { action: 'close', role: 'community_secretary', state: 'done', entity: 'thing', reason: 'why' }, MESSAGES)).toBe(DEF.rules.close);
    expect(guardTransition(DEF, { action: 'finish', role: 'community_clerk', state: 'open', entity: 'thing', fields: { hours: 2 } }, MESSAGES).to).toBe('done');
  });

  it('403 FORBIDDEN with the caller\'s text when the role is not in the rule, before the state is looked at', () => {
    const e = thrown(() => guardTransition(DEF, { action: 'close', role: 'grid_worker', state: 'closed', entity: 'thing', reason: 'why' }, MESSAGES));
    expect(answer(e)).toEqual({ status: 403, code: 'FORBIDDEN', message: 'no close in closed', params: undefined, details: undefined });
  });

  it('409 WRONG_STATE with entity, from and action when the state is not in the rule', () => {
    const e = thrown(() => guardTransition(DEF, { action: 'finish', role: 'community_clerk', state: 'done', entity: 'thing' }, MESSAGES));
    expect(answer(e)).toEqual({ status: 409, code: 'WRONG_STATE', message: 'done cannot finish', params: { entity: 'thing', from: 'done', action: 'finish' }, details: undefined });
  });

  it('an action the table does not have is a wrong state; a blocked record too, whatever its state', () => {
    expect(answer(thrown(() => guardTransition(DEF, { action: 'reopen', role: 'admin', state: 'done', entity: 'thing' }, MESSAGES))))
      .toEqual({ status: 409, code: 'WRONG_STATE', message: 'done cannot reopen', params: { entity: 'thing', from: 'done', action: 'reopen' }, details: undefined });
    expect(thrown(() => guardTransition(DEF, { action: 'close', role: 'community_secretary', state: 'open', entity: 'thing', reason: 'r', blocked: true }, MESSAGES)).code)
      .toBe('WRONG_STATE');
  });

  it('400 VALIDATION_FAILED naming `reason` when the rule needs one and it is missing or empty', () => {
    for (const reason of [undefined, null, '']) {
      const e = thrown(() => guardTransition(DEF, { action: 'close', role: 'community_secretary', state: 'open', entity: 'thing', reason }, MESSAGES));
      expect(answer(e)).toEqual({
        status: 400, code: 'VALIDATION_FAILED', message: 'close needs a reason', params: undefined, details: [{ field: 'reason', errors: ['required'], code: 'required' }],
      });
    }
    const worded = thrown(() => guardTransition(DEF, { action: 'close', role: 'community_secretary', state: 'open', entity: 'thing' }, {
      ...MESSAGES, missing: (_f, action) => `reason：${action} 需要填写理由`, missingWord: '必填',
    }));
    expect([worded.message, worded.details]).toEqual(['reason：close 需要填写理由', [{ field: 'reason', errors: ['必填'], code: 'required' }]]);
  });

  it('with `fields`, 400 naming the first required field that is undefined, null or blank (reason among them, once)', () => {
    const ask = { action: 'note', role: 'community_clerk', state: 'open', entity: 'thing' } as const;
    const noReason = thrown(() => guardTransition(DEF, { ...ask, fields: { text: 't' } }, MESSAGES));
    expect([noReason.statusCode, noReason.message, noReason.details]).toEqual([400, 'note needs a reason', [{ field: 'reason', errors: ['required'], code: 'required' }]]);
    const noText = thrown(() => guardTransition(DEF, { ...ask, fields: { reason: 'r' } }, { ...MESSAGES, missing: (f, a) => `${a} 需要填写 ${f}` }));
    expect([noText.statusCode, noText.message, noText.details]).toEqual([400, 'note 需要填写 text', [{ field: 'text', errors: ['required'], code: 'required' }]]);
    // null and blank text are no answer either
    for (const reason of [null, '', '   ']) {
      expect(thrown(() => guardTransition(DEF, { ...ask, fields: { text: 't', reason } }, MESSAGES)).details).toEqual([{ field: 'reason', errors: ['required'], code: 'required' }]);
    }
    // Without `fields` the required list is the caller's to check: only the reason is.
    expect(guardTransition(DEF, { action: 'finish', role: 'community_clerk', state: 'open', entity: 'thing' }, MESSAGES)).toBe(DEF.rules.finish);
  });

  it('checks in order: role, state, `also`, version, reason', () => {
    const stale = () => new AppError(409, 'STALE_VERSION', 'stale');
    const base = { action: 'close', role: 'community_secretary', state: 'open', entity: 'thing' } as const;
    const hot = (rule: Rule) => {
      if (rule.hot) throw new AppError(409, 'TOO_HOT', 'hot');
    };
    expect(thrown(() => guardTransition(DEF, { ...base, role: 'member', state: 'closed', also: hot, version: { record: 1, request: 2, stale } }, MESSAGES)).code).toBe('FORBIDDEN');
    expect(thrown(() => guardTransition(DEF, { ...base, state: 'closed', also: hot, version: { record: 1, request: 2, stale } }, MESSAGES)).code).toBe('WRONG_STATE');
    expect(thrown(() => guardTransition(DEF, { ...base, also: hot, version: { record: 1, request: 2, stale } }, MESSAGES)).code).toBe('TOO_HOT');
    expect(thrown(() => guardTransition(DEF, { ...base, version: { record: 1, request: 2, stale } }, MESSAGES)).code).toBe('STALE_VERSION');
    expect(thrown(() => guardTransition(DEF, { ...base, version: { record: 2, request: 2, stale } }, MESSAGES)).code).toBe('VALIDATION_FAILED');
  });

  it('without a state checks the role alone', () => {
    expect(guardTransition(DEF, { action: 'close', role: 'community_secretary', entity: 'thing' }, MESSAGES)).toBe(DEF.rules.close);
    expect(answer(thrown(() => guardTransition(DEF, { action: 'close', role: 'member', entity: 'thing' }, MESSAGES))))
      .toEqual({ status: 403, code: 'FORBIDDEN', message: 'no close in undefined', params: undefined, details: undefined });
  });

  it('reads a bare transition table as `{ rules }`', () => {
    expect(guardTransition({ rules: DEF.rules }, { action: 'finish', role: 'community_clerk', state: 'open', entity: 'thing' }, MESSAGES)).toBe(DEF.rules.finish);
  });
});

describe('policyGuards', () => {
  const guards = policyGuards(NOTIFY_POLICY, { 'announcement.publish': '您的角色无权发布通知公告' });
  const request = (role: Role) => ({ user: { role } }) as unknown as FastifyRequest;

  it('may answers the table for every role', () => {
    for (const role of ROLES) expect([role, guards.may({ role }, 'announcement.publish')]).toEqual([role, (NOTIFY_POLICY['announcement.publish'] as readonly Role[]).includes(role)]);
    expect(guards.rolesFor('announcement.publish')).toEqual(NOTIFY_POLICY['announcement.publish']);
  });

  it('assertMay: nothing for an allowed role; 403 FORBIDDEN with the action\'s message, or the one given', () => {
    expect(() => guards.assertMay({ role: 'street_admin' }, 'announcement.publish')).not.toThrow();
    expect(answer(thrown(() => guards.assertMay({ role: 'member' }, 'announcement.publish'))))
      .toEqual({ status: 403, code: 'FORBIDDEN', message: '您的角色无权发布通知公告', params: undefined, details: undefined });
    expect(thrown(() => guards.assertMay({ role: 'member' }, 'announcement.publish', 'not you')).message).toBe('not you');
  });

  it('an action without a message answers ROLE_REFUSAL', () => {
    const bare = policyGuards(NOTIFY_POLICY, {});
    expect([thrown(() => bare.assertMay({ role: 'member' }, 'announcement.publish')).statusCode, thrown(() => bare.assertMay({ role: 'member' }, 'announcement.publish')).message])
      .toEqual([403, ROLE_REFUSAL]);
  });

  it('requireMay is a hook over the request\'s user: the action\'s message, or `hookMessage`, or the route\'s', async () => {
    await expect(guards.requireMay('announcement.publish')(request('admin'))).resolves.toBeUndefined();
    await expect(guards.requireMay('announcement.publish')(request('member'))).rejects.toMatchObject({ statusCode: 403, code: 'FORBIDDEN', message: '您的角色无权发布通知公告' });
    await expect(guards.requireMay('announcement.publish', 'route says no')(request('member'))).rejects.toMatchObject({ statusCode: 403, message: 'route says no' });
    const hooked = policyGuards(NOTIFY_POLICY, { 'announcement.publish': 'the service says no' }, { hookMessage: ROLE_REFUSAL });
    await expect(hooked.requireMay('announcement.publish')(request('member'))).rejects.toMatchObject({ statusCode: 403, message: ROLE_REFUSAL });
    expect(thrown(() => hooked.assertMay({ role: 'member' }, 'announcement.publish')).message).toBe('the service says no');
  });

  it('matrix lists every action over every role, and policy joins the messages', () => {
    const household = policyGuards(HOUSEHOLD_POLICY, { openCase: 'no cases' });
    const matrix = household.matrix();
    expect(Object.keys(matrix).sort()).toEqual(Object.keys(HOUSEHOLD_POLICY).sort());
    for (const action of Object.keys(HOUSEHOLD_POLICY) as (keyof typeof HOUSEHOLD_POLICY)[]) {
      for (const role of ROLES) expect([action, role, matrix[action][role]]).toEqual([action, role, (HOUSEHOLD_POLICY[action] as readonly Role[]).includes(role)]);
    }
    expect(household.policy.openCase).toEqual({ roles: HOUSEHOLD_POLICY.openCase, message: 'no cases' });
  });
});
