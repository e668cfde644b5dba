/** The languages the SPA speaks, zh-CN first. */
export const LABEL_LOCALES = ['zh-CN', 'en'] as const;
export type LabelLocale = (typeof LABEL_LOCALES)[number];
/** A state's or action's name in each of them. */
export type Label = Readonly<Record<LabelLocale, string>>;
/** How a state is shown beside its name (the SPA's tag type: Element Plus `el-tag` types). */
export type Tone = 'primary' | 'success' | 'warning' | 'danger' | 'info';
/** A state's names and its tone. */
export type StateLabel = Label & { readonly tone: Tone };
/** What a workflow's states and actions are called (shared/src/workflows/labels/, one file per workflow), and how its states are shown. */
export interface WorkflowLabels<S extends string, A extends string> {
  states: Readonly<Record<S, StateLabel>>;
  actions: Readonly<Record<A, Label>>;
}

/** One language's names of a workflow's states or actions, as the SPA's messages hold them (`status: labelsIn(…)`). */
export function labelsIn<K extends string>(labels: Readonly<Record<K, Label>>, locale: LabelLocale): Record<K, string> {
  return Object.fromEntries(Object.entries<Label>(labels).map(([k, l]) => [k, l[locale]])) as Record<K, string>;
}

/** The tone of each state (`statusTag: tonesOf(CASE_LABELS.states)`). */
export function tonesOf<K extends string>(states: Readonly<Record<K, StateLabel>>): Record<K, Tone> {
  return Object.fromEntries(Object.entries<StateLabel>(states).map(([k, l]) => [k, l.tone])) as Record<K, Tone>;
}
