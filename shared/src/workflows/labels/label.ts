/** The languages the SPA speaks, zh-CN first. */
export const LABEL_LOCALES = ['zh-CN', 'en'] as const;
export type LabelLocale = (typeof LABEL_LOCALES)[number];
/** A state's or action's name in each of them. */
export type Label = Readonly<Record<LabelLocale, string>>;
/** What a workflow's states and actions are called (shared/src/workflows/labels/, one file per workflow). */
export interface WorkflowLabels<S extends string, A extends string> {
  states: Readonly<Record<S, Label>>;
  actions: Readonly<Record<A, Label>>;
}

/** One language's names of a workflow's states or actions, as the SPA's messages hold them (`status: labelsIn(…)`). */
export function labelsIn<K extends string>(labels: Readonly<Record<K, Label>>, locale: LabelLocale): Record<K, string> {
  return Object.fromEntries(Object.entries<Label>(labels).map(([k, l]) => [k, l[locale]])) as Record<K, string>;
}
