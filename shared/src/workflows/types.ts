import type { Role } from './roles';

/**
 * One action of a workflow: from which states, to which (null: the state stays, e.g. a flag on the record), which
 * roles may ask for it, whether the request must carry a reason. The API's guards, `allowedActions`, the SPA's
 * buttons and reason prompts and docs/workflows.md all read these rows.
 */
export interface ActionRule<S extends string> {
  from: readonly S[];
  to: S | null;
  roles: readonly Role[];
  reasonRequired: boolean;
  /** The dialog offers a reason field that may stay empty. */
  reasonOptional?: boolean;
  /** Shown as a danger button (it ends or reverses something). */
  danger?: boolean;
  /** Other fields of the request the action needs (400 naming the field when one is missing). */
  required?: readonly string[];
  /** A word on the rule for the docs. */
  note?: string;
}

export type TransitionTable<S extends string, A extends string, R extends ActionRule<S> = ActionRule<S>> = Record<A, R>;

/** A step nobody asks for: the system takes it (a confirmation closes, a deadline escalates). */
export interface SystemStep<S extends string> {
  from: S;
  to: S;
  event: string;
  note: string;
}

export interface WorkflowDefinition<S extends string, A extends string, R extends ActionRule<S> = ActionRule<S>> {
  /** Anchor in docs/workflows.md. */
  id: string;
  title: string;
  /** The service that enforces it and where. */
  service: string;
  endpoint: string;
  states: readonly S[];
  /** The actions in the order the SPA shows their buttons. */
  actions: readonly A[];
  /** The states a record starts in. */
  initial: readonly S[];
  rules: TransitionTable<S, A, R>;
  system?: readonly SystemStep<S>[];
  /** Calendar days a record may wait in a state. */
  timeLimits?: Partial<Record<S, number>>;
  /** A paragraph for the docs. */
  description: string;
}

/** Typed identity: checks that `actions` lists every rule and nothing else. */
export function defineWorkflow<S extends string, A extends string, R extends ActionRule<S>>(def: WorkflowDefinition<S, A, R>): WorkflowDefinition<S, A, R> {
  const keys = Object.keys(def.rules);
  if (keys.length !== def.actions.length || def.actions.some((a) => !keys.includes(a))) throw new Error(`workflow ${def.id}: actions and rules differ`);
  return def;
}

/**
 * The table's answer alone (no record-specific conditions): may `role` ask for `action` on a record in `state`? (Only
 * the rules are read: a bare transition table passes as `{ rules }`.) The services' throwing guard over the same rows
 * is guardTransition (shared/src/workflow-guard.ts).
 */
export function mayAct<S extends string, A extends string>(def: Pick<WorkflowDefinition<S, A, ActionRule<S>>, 'rules'>, state: S, action: A, role: Role): boolean {
  const r = def.rules[action];
  return !!r && r.from.includes(state) && r.roles.includes(role);
}

/** The actions the table lets `role` take in `state`, in button order. */
export function actionsFor<S extends string, A extends string>(def: WorkflowDefinition<S, A, ActionRule<S>>, state: S, role: Role): A[] {
  return def.actions.filter((a) => mayAct(def, state, a, role));
}

/** Every role that may take some action of the workflow. */
export function actorsOf<S extends string, A extends string>(def: WorkflowDefinition<S, A, ActionRule<S>>): Role[] {
  return [...new Set(def.actions.flatMap((a) => def.rules[a].roles))];
}

/** The actions that need a reason / offer one / are dangerous (for the dialogs and buttons). */
export const reasonRequired = <S extends string, A extends string>(def: WorkflowDefinition<S, A, ActionRule<S>>, a: A): boolean => !!def.rules[a]?.reasonRequired;
export const reasonAsked = <S extends string, A extends string>(def: WorkflowDefinition<S, A, ActionRule<S>>, a: A): boolean =>
  !!def.rules[a]?.reasonRequired || !!def.rules[a]?.reasonOptional;
export const isDanger = <S extends string, A extends string>(def: WorkflowDefinition<S, A, ActionRule<S>>, a: A): boolean => !!def.rules[a]?.danger;

/** The workflow's dangerous actions, in button order (danger buttons, a confirmation). */
export const dangerActions = <S extends string, A extends string>(def: WorkflowDefinition<S, A, ActionRule<S>>): A[] => def.actions.filter((a) => isDanger(def, a));
