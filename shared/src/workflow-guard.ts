import { badRequest, forbidden, wrongState } from './errors';
import type { Role } from './workflows/roles';
import type { ActionRule, TransitionTable } from './workflows/types';

/**
 * The checks of a state change against a workflow's table (shared/src/workflows), in this order: the role (403
 * FORBIDDEN), the record's state (409 WRONG_STATE), the record's version (409 from `stale`), the reason and the
 * fields the action needs (400 VALIDATION_FAILED naming the field). The texts differ per service; the codes and
 * params do not. The table's answer alone (no throwing) is `mayAct` / `actionsFor` in ./workflows/types.ts, which the
 * SPA reads too; this module is the services' side.
 */
export interface TransitionAsk<S extends string, R> {
  /** The action asked for; one the table does not have is a wrong state (no state allows it). */
  action: string;
  role: Role;
  /** The record's state; without it only the role is checked (a caller that looks at the record in between). */
  state?: S;
  /** WRONG_STATE's `entity` param (case, item, whistle, whistle_response …). */
  entity: string;
  /** The record refuses every action whatever its state (409 WRONG_STATE as for a state outside `from`). */
  blocked?: boolean;
  /** Record-specific conditions, checked after the state and before the version (they throw). */
  also?: (rule: R) => void;
  /** The record's version and the request's: 409 `stale()` when they differ. */
  version?: { record: number; request: number; stale: () => Error };
  /** The request's reason: 400 when the rule needs one and it is empty. */
  reason?: string | null;
  /**
   * The request's fields: when given, each field of the rule's `required` must be present (not undefined, null or blank), and a
   * rule that lists `reason` there has its reason checked as one of them (not again by `reasonRequired`).
   */
  fields?: object;
}

export interface TransitionMessages {
  /** The 403's text. */
  forbidden: (action: string, state: string | undefined) => string;
  /** The 409 WRONG_STATE's text. */
  wrongState: (state: string, action: string) => string;
  /** The 400's text for a missing reason or field (default: `<action> needs a reason` / `<action> needs <field>`). */
  missing?: (field: string, action: string) => string;
  /** The word in the field's `errors` list (default `required`). */
  missingWord?: string;
}

/** A required field is missing when absent, null or blank text (`reason: null` is no reason). */
const absent = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && !v.trim());

const missingDefault = (field: string, action: string) => (field === 'reason' ? `${action} needs a reason` : `${action} needs ${field}`);

/** The rule of `action` after the checks (see TransitionAsk); throws the first refusal. */
export function guardTransition<S extends string, A extends string, R extends ActionRule<S>>(
  def: { readonly rules: TransitionTable<S, A, R> },
  ask: TransitionAsk<S, R>,
  messages: TransitionMessages,
): R {
  const rule = (def.rules as Partial<Record<string, R>>)[ask.action];
  const { action, state } = ask;
  if (rule && !rule.roles.includes(ask.role)) throw forbidden(messages.forbidden(action, state));
  if (state === undefined) {
    if (!rule) throw new Error(`guardTransition: no rule for ${action} (give the state to answer WRONG_STATE)`);
    return rule;
  }
  if (!rule || ask.blocked || !rule.from.includes(state)) throw wrongState(messages.wrongState(state, action), { entity: ask.entity, from: state, action });
  ask.also?.(rule);
  if (ask.version && ask.version.record !== ask.version.request) throw ask.version.stale();
  const fields = ask.fields ? (rule.required ?? []) : [];
  const missing = (field: string) => {
    const text = (messages.missing ?? missingDefault)(field, action);
    return badRequest(text, [{ field, errors: [messages.missingWord ?? 'required'], code: 'required' }], 'VALIDATION_FAILED');
  };
  if (rule.reasonRequired && !fields.includes('reason') && !ask.reason) throw missing('reason');
  for (const field of fields) if (absent((ask.fields as Record<string, unknown>)[field])) throw missing(field);
  return rule;
}
