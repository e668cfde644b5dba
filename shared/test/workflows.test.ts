import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { actionsFor, CASE_LABELS, CASE_WORKFLOW_DEF, ITEM_WORKFLOW_DEF, LABEL_LOCALES, labelsIn, ROLES, tonesOf, WORKFLOW_LABELS, WORKFLOWS, workflowsMarkdown } from '../src';

describe('the workflow tables', () => {
  it('docs/workflows.md is what `npm run docs:workflows` writes from them (run it after changing a table)', () => {
    const committed = readFileSync(join(__dirname, '../../docs/workflows.md'), 'utf8');
    expect(committed).toBe(workflowsMarkdown(WORKFLOWS));
  });

  it('name only their own states and known roles, and every state is reachable from a start', () => {
    for (const def of WORKFLOWS) {
      const states: readonly string[] = def.states;
      const rules = Object.values(def.rules) as { from: readonly string[]; to: string | null; roles: readonly string[] }[];
      for (const r of rules) {
        for (const s of [...r.from, ...(r.to ? [r.to] : [])]) expect(states).toContain(s);
        for (const role of r.roles) expect(ROLES).toContain(role);
      }
      const reached = new Set<string>(def.initial);
      const edges = [...rules.flatMap((r) => r.from.map((f) => [f, r.to ?? f])), ...(def.system ?? []).map((s) => [s.from, s.to])];
      for (let changed = true; changed;) {
        changed = false;
        for (const [f, t] of edges) {
          if (reached.has(f) && !reached.has(t)) {
            reached.add(t);
            changed = true;
          }
        }
      }
      expect({ workflow: def.id, unreachable: states.filter((s) => !reached.has(s)) }).toEqual({ workflow: def.id, unreachable: [] });
    }
  });

  it('a service item offers no action on CONFIRMED or CLOSED: confirm closes it in the same transaction (no `close`)', () => {
    expect(ITEM_WORKFLOW_DEF.actions).not.toContain('close');
    for (const role of ROLES) {
      expect(actionsFor(ITEM_WORKFLOW_DEF, 'CONFIRMED', role)).toEqual([]);
      expect(actionsFor(ITEM_WORKFLOW_DEF, 'CLOSED', role)).toEqual([]);
    }
    expect(ITEM_WORKFLOW_DEF.system).toContainEqual(expect.objectContaining({ from: 'CONFIRMED', to: 'CLOSED', event: 'close' }));
  });

  it('gives the buttons in table order', () => {
    expect(actionsFor(CASE_WORKFLOW_DEF, 'SUBMITTED', 'community_clerk')).toEqual(['request_supplement', 'accept', 'reject', 'withdraw']);
    expect(actionsFor(CASE_WORKFLOW_DEF, 'ACCEPTED', 'community_clerk')).toEqual(['reject', 'withdraw']);
    expect(actionsFor(CASE_WORKFLOW_DEF, 'ACCEPTED', 'community_secretary')).toEqual(['approve', 'reject', 'withdraw']);
  });

  it('is browser-safe: no Node built-in or package imports in shared/src/workflows', () => {
    const { readdirSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
    const dir = join(__dirname, '../src/workflows');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files).toEqual(expect.arrayContaining(['types.ts', join('labels', 'label.ts')]));
    for (const f of files) {
      const src = readFileSync(join(dir, f), 'utf8');
      const imports = [...src.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      expect({ file: f, imports: imports.filter((i) => !i.startsWith('./') && !i.startsWith('../')) }).toEqual({ file: f, imports: [] });
    }
  });

  it('name every state and action in every language the SPA speaks, and give every state a tone (the SPA builds its messages and tags from these labels)', () => {
    for (const def of WORKFLOWS) {
      const labels = WORKFLOW_LABELS[def.id];
      expect({ workflow: def.id, labelled: !!labels }).toEqual({ workflow: def.id, labelled: true });
      const unnamed = [
        ...def.states.filter((s) => LABEL_LOCALES.some((l) => !labels.states[s]?.[l]?.trim())),
        ...def.actions.filter((a) => LABEL_LOCALES.some((l) => !labels.actions[a]?.[l]?.trim())),
        // and every state has a tone (the SPA's tag type)
        ...def.states.filter((s) => !['primary', 'success', 'warning', 'danger', 'info'].includes(labels.states[s]?.tone)),
      ];
      expect({ workflow: def.id, unnamed }).toEqual({ workflow: def.id, unnamed: [] });
    }
    expect(labelsIn(CASE_LABELS.states, 'zh-CN').SUBMITTED).toBe('已提交');
    expect(labelsIn(CASE_LABELS.actions, 'en').request_revoke).toBe('Request revocation');
    expect(tonesOf(CASE_LABELS.states).REVOKED).toBe('danger');
  });
});
