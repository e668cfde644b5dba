import { ROLES } from './roles';
import { type Label, WORKFLOW_LABELS } from './labels';
import type { ActionRule, WorkflowDefinition } from './types';

type AnyWorkflow = WorkflowDefinition<string, string, ActionRule<string>>;

const id = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');

/** The mermaid state diagram of a workflow: actions as solid edges, the system's steps dashed (as notes on the edge). */
export function mermaidOf(def: AnyWorkflow): string {
  const lines = ['stateDiagram-v2'];
  for (const s of def.initial) lines.push(`  [*] --> ${id(s)}`);
  for (const a of def.actions) {
    const r = def.rules[a];
    for (const from of r.from) lines.push(`  ${id(from)} --> ${id(r.to ?? from)}: ${a}`);
  }
  for (const s of def.system ?? []) lines.push(`  ${id(s.from)} --> ${id(s.to)}: (system) ${s.event}`);
  return lines.join('\n');
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** One section of docs/workflows.md. */
export function markdownOf(def: AnyWorkflow): string {
  const out: string[] = [];
  out.push(`## ${def.title}`, '', `<a id="${def.id}"></a>\`${def.endpoint}\` (${def.service} service). ${def.description}`, '');
  out.push('```mermaid', mermaidOf(def), '```', '');
  const labels = WORKFLOW_LABELS[def.id];
  const named = (l: Label | undefined) => (l ? `${l['zh-CN']} · ${l.en}` : 'unnamed');
  out.push(`States: ${def.states.map((s) => `\`${s}\` (${named(labels?.states[s])})`).join(', ')}; a record starts in ${def.initial.map((s) => `\`${s}\``).join(' or ')}.`, '');
  out.push('| action | called | from | to | roles | reason | also needs | note |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const a of def.actions) {
    const r = def.rules[a];
    const roles = ROLES.filter((x) => r.roles.includes(x)).map((x) => `\`${x}\``).join(', ');
    const reason = r.reasonRequired ? 'required' : r.reasonOptional ? 'optional' : '—';
    const also = (r.required ?? []).filter((f) => f !== 'reason').map((f) => `\`${f}\``).join(', ') || '—';
    out.push(`| \`${a}\` | ${cell(named(labels?.actions[a]))} | ${r.from.map((s) => `\`${s}\``).join(', ')} | ${r.to ? `\`${r.to}\`` : '(unchanged)'} | ${roles} | ${reason} | ${also} | ${cell(r.note ?? '')} |`);
  }
  if (def.system?.length) {
    out.push('', 'Steps the system takes (nobody asks for them):', '');
    for (const s of def.system) out.push(`- \`${s.from}\` → \`${s.to}\` (\`${s.event}\`): ${s.note}`);
  }
  const limits = Object.entries(def.timeLimits ?? {});
  if (limits.length) out.push('', `Time limits (calendar days in a state): ${limits.map(([s, d]) => `\`${s}\` ${d}`).join(', ')}.`);
  out.push('');
  return out.join('\n');
}

/** The whole of docs/workflows.md (`npm run docs:workflows` writes it; a test fails when the file is stale). */
export function workflowsMarkdown(defs: readonly AnyWorkflow[]): string {
  return [
    '# Workflows',
    '',
    '<!-- Generated from shared/src/workflows by `npm run docs:workflows`; do not edit by hand (shared/test/workflows.test.ts fails when it is stale). -->',
    '',
    'Each workflow of the platform is one table in `shared/src/workflows` (browser-safe, `@redheart/workflows` in the SPA):',
    'its states, its actions, from which states to which, which roles may ask, and whether a reason is required.',
    'The services\' guards and `allowedActions`, the SPA\'s buttons and reason prompts, and this page are read from it.',
    'Every state change is checked in this order: role (403), state (409 `WRONG_STATE`), version (409 `STALE_VERSION`), the',
    'reason and the other fields (400 naming the field). The table gives the role and the state; some actions also depend',
    'on the record (noted), which the API checks after the table and `allowedActions` already leaves out.',
    '',
    ...defs.map(markdownOf),
  ].join('\n');
}
