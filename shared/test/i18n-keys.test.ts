import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import zhCN from '../../web/src/i18n/zh-CN';
import en from '../../web/src/i18n/en';
import { IMPORT_FINISHED_STATUSES } from '../../services/household/src/modules/jobs/repository';
import { DIVISION_IMPORT_ENDS } from '../../services/org/src/modules/divisions/repository';

/**
 * Every i18n key the SPA names in its sources exists in zh-CN AND in English (the core messages and the feature
 * messages merged, as they are once a page's messages are loaded): a missing key is printed raw on the page
 * (`household.sheet.title` was, on the one-time notice). Static keys (`t('a.b')`) must resolve to a text; the fixed
 * part of a built one (`t(\`household.status.${s}\`)`) to a group of texts. The error codes the SPA words
 * (`errors.byCode`, `errors.field`) are checked the same way, in both languages alike.
 */
const WEB = join(__dirname, '../../web/src');
type Messages = Record<string, unknown>;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'i18n' ? [] : files(p);
    return /\.(vue|ts)$/.test(d.name) && !d.name.endsWith('.d.ts') ? [p] : [];
  });
}

function merge(into: Messages, from: Messages): Messages {
  for (const [k, v] of Object.entries(from)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && into[k] && typeof into[k] === 'object') merge(into[k] as Messages, v as Messages);
    else into[k] = v;
  }
  return into;
}

function messagesOf(locale: 'zh-CN' | 'en'): Messages {
  const out = merge({}, (locale === 'en' ? en : zhCN) as unknown as Messages);
  const dir = join(WEB, 'i18n/features');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const feature = (require(join(dir, f)) as { default: Record<string, Messages> }).default;
    if (feature[locale]) merge(out, feature[locale]);
  }
  return out;
}

function lookup(messages: Messages, key: string): unknown {
  let node: unknown = messages;
  for (const part of key.split('.')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Messages)[part];
  }
  return node;
}

/** The keys named in the sources: `t('…')`, `te('…')`, `$t('…')`, `i18n.global.t('…')`, and built ones' fixed part. */
function usedKeys(): { key: string; where: string; prefix: boolean }[] {
  const out: { key: string; where: string; prefix: boolean }[] = [];
  const call = /(?<![\w.])(?:\$?t|te|tm|i18n\.global\.t)\(\s*(['`])([^'`]*?)\1/g;
  for (const file of files(WEB)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(call)) {
      const raw = m[2];
      const where = `${relative(WEB, file)}:${text.slice(0, m.index).split('\n').length}`;
      if (m[1] === '`' && raw.includes('${')) {
        const fixed = raw.slice(0, raw.indexOf('${'));
        // `errors.byCode.${code}`: the group must exist; `${ns}.status.${s}` names no fixed group.
        if (fixed.endsWith('.') && /^[a-zA-Z]/.test(fixed)) out.push({ key: fixed.slice(0, -1), where, prefix: true });
      } else if (/^[a-zA-Z][\w-]*(\.[\w-]+)+$/.test(raw)) {
        out.push({ key: raw, where, prefix: false });
      }
    }
  }
  return out;
}

describe('i18n keys of the SPA', () => {
  const used = usedKeys();
  const locales = { 'zh-CN': messagesOf('zh-CN'), en: messagesOf('en') };

  it('finds the keys the sources use', () => {
    expect(used.length).toBeGreaterThan(500);
    expect(used.map((u) => u.key)).toEqual(expect.arrayContaining(['errors.checkFields', 'errors.byCode', 'errors.field']));
  });

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`every key used in web/src exists in ${locale}`, () => {
      const missing = used.filter((u) => {
        const v = lookup(locales[locale], u.key);
        return u.prefix ? !v || typeof v !== 'object' : typeof v !== 'string';
      });
      expect(missing.map((m) => `${m.key} (${m.where})`)).toEqual([]);
    });
  }

  it('an import’s end is worded in the notice: every status its event carries has a text in both languages', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const words = lookup(locales[locale], 'notifications.importStatus') as Messages;
      for (const s of [...IMPORT_FINISHED_STATUSES, ...DIVISION_IMPORT_ENDS]) {
        expect({ locale, s, word: typeof words[s] }).toEqual({ locale, s, word: 'string' });
        expect(words[s]).not.toBe(s);
      }
    }
    expect(lookup(locales['zh-CN'], 'notifications.importStatus.done')).toBe('导入完成');
    // and the page puts the word, not the status, into the text
    const view = readFileSync(join(WEB, 'views/notifications/NotificationsView.vue'), 'utf8');
    expect(view).toMatch(/params\.status = t\(`notifications\.importStatus\.\$\{status\}`\)/);
  });

  it('the error codes and field codes have a text in both languages', () => {
    for (const group of ['errors.byCode', 'errors.field', 'errors.entity']) {
      const zh = Object.keys(lookup(locales['zh-CN'], group) as Messages).sort();
      const english = Object.keys(lookup(locales.en, group) as Messages).sort();
      expect(english).toEqual(zh);
    }
  });
});
